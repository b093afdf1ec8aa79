"""The normalised data every part of the daemon speaks: events, people, interviews, draft keys.

Connectors turn their system's records into these frozen values; the pure core
(`detect`, `compose`, `proofread`, `plan`) only ever sees these.
"""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from daemon.core.notes import Notes


class ResponseStatus(enum.StrEnum):
    """An attendee's answer to the invitation (iCalendar PARTSTAT, Google responseStatus)."""

    ACCEPTED = "accepted"
    TENTATIVE = "tentative"
    DECLINED = "declined"
    NEEDS_ACTION = "needs-action"


class EventStatus(enum.StrEnum):
    """The event's own status (iCalendar STATUS, Google status)."""

    CONFIRMED = "confirmed"
    TENTATIVE = "tentative"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Person:
    """Someone on an invitation: an attendee or the organiser.

    `is_resource` marks rooms and equipment (CUTYPE=ROOM/RESOURCE, Google's
    `resource`); `is_self` is set when the source knows the entry is the
    calendar's owner (Google's `self`). `optional` marks non-required guests.
    """

    email: str
    name: str = ""
    response: ResponseStatus = ResponseStatus.NEEDS_ACTION
    is_resource: bool = False
    is_self: bool = False
    optional: bool = False
    non_participant: bool = False


@dataclass(frozen=True)
class Event:
    """One timed occurrence of a calendar event.

    `start` and `end` are timezone-aware and carry the event's own zone, so
    deadlines can be shown in it. `occurrence` identifies the occurrence within
    a recurring series (its original start, i.e. the RECURRENCE-ID of a moved
    instance); it is None for a single event, so rescheduling that event does
    not make it a new one. `description` is the raw text, which may contain HTML.
    """

    source: str
    uid: str
    title: str
    start: datetime
    end: datetime
    occurrence: datetime | None
    description: str = ""
    location: str = ""
    organizer: Person | None = None
    attendees: tuple[Person, ...] = ()
    status: EventStatus = EventStatus.CONFIRMED


# The words a thank-you note should have: brief, as the guide asks, yet long enough to
# say something specific about the conversation and the fit.
NOTE_LENGTH = (60, 160)


@dataclass(frozen=True)
class You:
    """The person the daemon works for: signs the notes, is never a recipient."""

    name: str
    email: str
    aliases: tuple[str, ...] = ()
    own_domains: tuple[str, ...] = ()
    timezone: str = ""
    strengths: tuple[str, ...] = ()  # what you bring: one is matched to each note

    @property
    def addresses(self) -> frozenset[str]:
        """Every address that is you, lower-cased."""
        return frozenset(a.lower() for a in (self.email, *self.aliases))


@dataclass(frozen=True)
class Recipient:
    """An interviewer who gets a thank-you note."""

    email: str
    name: str = ""

    @property
    def first_name(self) -> str:
        """The name to greet them by, or "" when only the address is known."""
        return self.name.split()[0] if self.name.split() else ""


def _no_notes() -> Notes:
    from daemon.core.notes import Notes  # notes.py builds on this module

    return Notes()


@dataclass(frozen=True)
class Interview:
    """A finished interview you attended, with everything a note needs."""

    event: Event
    recipients: tuple[Recipient, ...]
    company: str = ""
    role: str = ""
    notes: Notes = field(default_factory=_no_notes)

    @property
    def ended_at(self) -> datetime:
        """When the interview ended, in the event's own zone."""
        return self.event.end


@dataclass(frozen=True)
class CreatedDraft:
    """What the daemon remembers of a draft it created, to ask about it later.

    `to` and `subject` let a mailbox recognise a sent copy whose Message-ID
    the mail client replaced when it sent the draft; `since` is when the draft
    was first attempted, so a look-alike sent before then (an earlier interview
    with the same person) is not taken for its copy.
    """

    ref: str
    message_id: str
    to: str
    subject: str
    since: datetime | None = None


class Purpose(enum.StrEnum):
    """What a draft is for: the thank-you after the interview, or the check-in after silence."""

    THANKS = "thanks"
    CHECK_IN = "check-in"


@dataclass(frozen=True, order=True)
class DraftKey:
    """The identity of one draft; a key is drafted at most once, ever.

    `occurrence` is a recurring occurrence's original start in UTC
    (`YYYYMMDDTHHMMSSZ`), or `single` for an event that does not recur, and
    `recipient` the lower-cased address, so the key is the same however the
    source spells them. `purpose` tells the thank-you from the later check-in.
    """

    source: str
    uid: str
    occurrence: str
    recipient: str
    purpose: Purpose = Purpose.THANKS

    def __str__(self) -> str:
        text = f"{self.source}|{self.uid}|{self.occurrence}|{self.recipient}"
        return text if self.purpose is Purpose.THANKS else f"{text}|{self.purpose}"

    @property
    def thanks(self) -> DraftKey:
        """The key of the thank-you this draft goes with: itself, or the one a check-in follows."""
        return replace(self, purpose=Purpose.THANKS)

    @property
    def check_in(self) -> DraftKey:
        """The key of the check-in that may follow this thank-you."""
        return replace(self, purpose=Purpose.CHECK_IN)

    @property
    def event(self) -> EventRef:
        """The event occurrence this draft is about."""
        return EventRef(self.source, self.uid, self.occurrence)

    @property
    def interview(self) -> InterviewId:
        """The interview occurrence (and the purpose: thanks or check-in) this draft is for."""
        return InterviewId(self.source, self.uid, self.occurrence, self.purpose)

    @property
    def marker(self) -> str:
        """A stable token derived from the key, carried by the draft to find it again."""
        # JSON, not the `|`-joined text: a UID or address may itself contain `|`.
        fields = [self.source, self.uid, self.occurrence, self.recipient, self.purpose]
        return hashlib.sha256(json.dumps(fields).encode()).hexdigest()[:32]


@dataclass(frozen=True, order=True)
class InterviewId:
    """One occurrence of one interview in one calendar, and which of its notes
    (thanks or check-in): what a series of reminders is about."""

    source: str
    uid: str
    occurrence: str
    purpose: Purpose = Purpose.THANKS

    @property
    def marker(self) -> str:
        """A stable token for the interview, for its reminder mails' Message-IDs."""
        fields = [self.source, self.uid, self.occurrence, self.purpose]
        return hashlib.sha256(json.dumps(fields).encode()).hexdigest()[:32]


@dataclass(frozen=True, order=True)
class EventRef:
    """One occurrence of one event in one calendar: what the user decides about
    (`followup track`, `ignore`, `why`)."""

    source: str
    uid: str
    occurrence: str

    @property
    def short(self) -> str:
        """Eight characters that name the event on the command line."""
        fields = [self.source, self.uid, self.occurrence]
        return hashlib.sha256(json.dumps(fields).encode()).hexdigest()[:8]


def ref_of(event: Event) -> EventRef:
    """The reference of an event occurrence: a recurring one by its original start."""
    original = event.occurrence
    occurrence = original.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ") if original else "single"
    return EventRef(event.source, event.uid, occurrence)


def key_for(event: Event, recipient_email: str) -> DraftKey:
    """The draft key of one interviewer's thank-you for one event occurrence."""
    ref = ref_of(event)
    return DraftKey(ref.source, ref.uid, ref.occurrence, recipient_email.lower())


def deadline_for(ended_at: datetime, hours: float) -> datetime:
    """The moment a thank-you stops counting: `hours` of elapsed time after the end.

    The result keeps the event's own zone, so it is shown in the wall-clock
    time of the place the interview happened, correct across DST changes.
    """
    tz = ended_at.tzinfo
    return (ended_at.astimezone(UTC) + timedelta(hours=hours)).astimezone(tz)


class Decision(enum.StrEnum):
    """The user's word on one event: `followup track` or `followup ignore`."""

    TRACK = "track"
    IGNORE = "ignore"


# Why an interview's notes wait for `followup track` after the ledger was rebuilt.
NOT_FOUND_AFTER_REBUILD = "no draft found after the state was rebuilt"


@dataclass(frozen=True)
class Candidate:
    """An event that is possibly an interview: the user is asked to track or ignore it."""

    ref: EventRef
    title: str
    ended_at: datetime
    reason: str
    recipients: tuple[Recipient, ...]
    first_seen: datetime


class DraftStatus(enum.StrEnum):
    """Where a draft key is in its life, as the ledger records it."""

    CREATING = "creating"  # intent written, the mailbox has not confirmed the draft yet
    DRAFTED = "drafted"
    SENT = "sent"
    DELETED = "deleted"  # a tombstone: never drafted again
    FAILED = "failed"
    ANSWERED = "answered"  # sent, and the company replied: nothing more to do


class Checked(enum.StrEnum):
    """What a draft's problems were found in."""

    COMPOSED = "composed"  # the note as the daemon wrote it; the draft has not changed since
    CURRENT = "current"  # the draft as the user edited it, read at the last cycle
    OUTDATED = "outdated"  # the note as written: the user edited it and it cannot be read

    def describe(self) -> str:
        """How `status` qualifies the problems: "" when they are the draft's as it stands."""
        if self is Checked.OUTDATED:
            return (
                "as drafted: you edited it since, and the mailbox does not show the daemon"
                " its text (Gmail: [google] read_drafts = true)"
            )
        return ""


@dataclass(frozen=True)
class DraftRecord:
    """What the ledger knows of one draft key."""

    key: DraftKey
    status: DraftStatus
    event_title: str
    company: str
    role: str
    recipient_name: str
    recipient_email: str
    ended_at: datetime
    deadline: datetime
    message_id: str
    subject: str
    problems: tuple[str, ...] = ()
    draft_ref: str = ""
    attempts: int = 0
    last_error: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    sent_at: datetime | None = None
    notes: str = ""  # the interview's notes, kept for a later check-in
    version: str = ""  # the mailbox's token of the draft as written: another means it was edited
    composed: str = ""  # a digest of the note as composed: another means the notes changed
    checked: Checked = Checked.COMPOSED  # what `problems` were found in
    checked_version: str = ""  # the draft's version when they were found in its text
    updating: bool = False  # a replacement of the draft began and has not been recorded

    @property
    def identity(self) -> CreatedDraft:
        """What a mailbox needs to find or judge this draft."""
        return CreatedDraft(
            self.draft_ref, self.message_id, self.recipient_email, self.subject, self.created_at
        )

    @property
    def late(self) -> bool:
        """Drafted only after its deadline (the machine was off, say)."""
        return self.created_at is not None and self.created_at > self.deadline


@dataclass(frozen=True, order=True)
class ReminderStage:
    """A reminder stage: `hours_before` the deadline (6 h, 2 h…), or 0 for the deadline itself."""

    hours_before: float

    @classmethod
    def named(cls, name: str) -> ReminderStage:
        """The stage a `name` (`6h`, `overdue`) stands for; ValueError for anything else."""
        if name == _OVERDUE_NAME:
            return cls(0)
        hours = float(name.removesuffix("h")) if name.endswith("h") else 0
        if hours <= 0:
            raise ValueError(f"not a reminder stage: {name!r}")
        return cls(hours)

    @property
    def name(self) -> str:
        """`6h`, `2h` … or `overdue`: how the stage is shown and stored."""
        return _OVERDUE_NAME if self.overdue else f"{self.hours_before:g}h"

    @property
    def overdue(self) -> bool:
        """Whether this is the deadline itself rather than a stage before it."""
        return self.hours_before == 0

    def due(self, deadline: datetime) -> datetime:
        """When this stage comes due: real hours before `deadline`, shown in its zone."""
        utc = deadline.astimezone(UTC) - timedelta(hours=self.hours_before)
        return utc.astimezone(deadline.tzinfo)


_OVERDUE_NAME = "overdue"
OVERDUE = ReminderStage(0)


@dataclass(frozen=True)
class Delivered:
    """A reminder stage that reached the user, for one interview."""

    stage: ReminderStage
    delivered_at: datetime
    message_id: str
    thread: str
    mailed: bool = True  # the mail to yourself went out (or there is no mail to send)
