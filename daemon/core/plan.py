"""Deciding what one cycle should do, and what comes next for every draft: pure.

`plan()` takes `now`, a `Snapshot` (the interviews, the ledger and what the
mailbox said) and the `Drafting` rules, and returns small frozen actions that
carry everything the executor needs, so the executor only performs I/O. A
draft key is planned for creation only when the ledger has never seen it, or
when an earlier attempt failed or was interrupted: then the executor first
looks for the draft it may have left behind, so trying again every cycle,
while the interview is in the lookback window, never makes a second draft.

`next_steps()` answers, from the same rules, what the daemon will do next
about each tracked draft and when; `followup status` shows that answer.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from daemon.core.actions import (
    Action,
    Answered,
    CreateDraft,
    Recheck,
    Reconcile,
    RecordOutcome,
    UpdateDraft,
)
from daemon.core.checkins import (
    CheckInRules,
    Watched,
    answered,
    check_in_time,
    is_watched,
    plan_check_ins,
    still_owed,
)
from daemon.core.compose import Writer, compose_note
from daemon.core.deadline import Scheduled
from daemon.core.message import note_to
from daemon.core.model import (
    Delivered,
    DraftKey,
    DraftRecord,
    DraftStatus,
    Interview,
    InterviewId,
    Purpose,
    Recipient,
    ReminderStage,
    You,
    deadline_for,
    key_for,
)
from daemon.core.proofread import expected_for, proofread
from daemon.core.protocols import DraftState, StoredDraft
from daemon.core.reminders import ReminderRules, plan_reminders, reminder_schedule
from daemon.core.revise import note_digest, plan_revisions
from daemon.core.text import one_line


@dataclass(frozen=True)
class Drafting:
    """What composing drafts and reminders needs besides the interviews: the writer (you,
    the templates, your strengths, your promises' links) and the rules."""

    writer: Writer
    deadline_hours: float
    reminders: ReminderRules
    check_ins: CheckInRules | None = None

    @property
    def you(self) -> You:
        """Who the notes are from."""
        return self.writer.you


@dataclass(frozen=True)
class Snapshot:
    """What a cycle knows before it acts.

    `observed` holds what the mailbox says of drafts the ledger has as drafted,
    `stored` those still waiting as the mailbox holds them now, `delivered` the
    reminders that already reached the user, and `watched` what the mailbox
    says of sent thank-yous (their copy, and any reply).
    """

    interviews: Sequence[Interview] = ()
    records: Mapping[DraftKey, DraftRecord] = field(default_factory=dict)
    observed: Mapping[DraftKey, DraftState] = field(default_factory=dict)
    delivered: Mapping[InterviewId, Sequence[Delivered]] = field(default_factory=dict)
    watched: Mapping[DraftKey, Watched] = field(default_factory=dict)
    stored: Mapping[DraftKey, StoredDraft] = field(default_factory=dict)


def plan(now: datetime, seen: Snapshot, drafting: Drafting) -> list[Action]:
    """The actions that bring the mailbox and the ledger up to date with the calendar:
    record what the user did, create what is missing, rewrite or re-proofread what
    waits, check in where nobody answered, settle interrupted creations whose interview
    is gone, and remind."""
    outcomes = _outcomes(seen)
    settled = {o.key for o in outcomes}
    waiting = {k: s for k, s in seen.stored.items() if k not in settled}
    revisions = plan_revisions(now, seen.records, waiting, seen.interviews, drafting.writer)
    records = _after(seen.records.values(), [*outcomes, *revisions])
    creations = _creations(now, seen, drafting)
    follow_ups: list[Answered | CreateDraft] = []
    if drafting.check_ins is not None:
        follow_ups = plan_check_ins(now, records, seen.watched, drafting.writer, drafting.check_ins)
        records = _after(records, follow_ups)
    wanted = {a.record.key for a in [*creations, *follow_ups] if isinstance(a, CreateDraft)}
    reminders = plan_reminders(now, _owed(records), seen.delivered, drafting.reminders)
    settling = _reconciliations(seen, wanted)
    return [*outcomes, *revisions, *creations, *follow_ups, *settling, *reminders]


# What the mailbox can report of a drafted key, as the ledger records it.
_SETTLED = {DraftState.SENT: DraftStatus.SENT, DraftState.DELETED: DraftStatus.DELETED}


def _outcomes(seen: Snapshot) -> list[RecordOutcome]:
    """The drafts the user sent or deleted since the last cycle."""
    return [
        RecordOutcome(key, _SETTLED[state])
        for key, state in sorted(seen.observed.items())
        if state in _SETTLED and seen.records[key].status is DraftStatus.DRAFTED
    ]


def _after(records: Iterable[DraftRecord], actions: Iterable[Action]) -> list[DraftRecord]:
    """The records as they stand once the outcomes, answers and revisions are taken in."""
    revising = RecordOutcome | Answered | Recheck | UpdateDraft
    changed = {a.key: a for a in actions if isinstance(a, revising)}
    return [_changed(r, changed[r.key]) if r.key in changed else r for r in records]


def _changed(record: DraftRecord, action: Action) -> DraftRecord:
    match action:
        case RecordOutcome(status=status) | Answered(status=status):
            return replace(record, status=status)
        case Recheck(problems=problems, checked=checked, checked_version=version):
            return replace(record, problems=problems, checked=checked, checked_version=version)
        case UpdateDraft(record=revised):
            return revised
    return record


def _owed(records: Sequence[DraftRecord]) -> list[DraftRecord]:
    replied = answered(records)
    return [r for r in records if still_owed(r, replied)]


def _creations(now: datetime, seen: Snapshot, drafting: Drafting) -> list[CreateDraft]:
    """A draft for every interviewer the ledger has not drafted for, or did not finish."""
    creations: list[CreateDraft] = []
    wanted: set[DraftKey] = set()
    for interview in seen.interviews:
        for recipient in interview.recipients:
            key = key_for(interview.event, recipient.email)
            if key in wanted:
                continue  # the same event twice (e.g. two copies of one calendar)
            wanted.add(key)
            record = seen.records.get(key)
            if record is None:
                creations.append(draft_for(now, interview, recipient, drafting, attempts=0))
            elif record.status is DraftStatus.CREATING:
                again = draft_for(now, interview, recipient, drafting, attempts=record.attempts)
                # The first attempt's time: a copy sent since then may be the lost draft.
                first = replace(again.record, created_at=record.created_at)
                creations.append(replace(again, record=first, recovering=True))
            # Drafted once, ever: sent, deleted and failed keys stay as they are.
    return creations


def _reconciliations(seen: Snapshot, wanted: set[DraftKey]) -> list[Reconcile]:
    """Unfinished creations whose interview left the calendar or the lookback window."""
    return [
        Reconcile(key, record.identity, record.last_error or "the interview left the calendar")
        for key, record in sorted(seen.records.items())
        if record.status is DraftStatus.CREATING and key not in wanted
    ]


def draft_for(
    now: datetime,
    interview: Interview,
    recipient: Recipient,
    drafting: Drafting,
    *,
    attempts: int,
) -> CreateDraft:
    """The composed, proofread draft for one interviewer, with its ledger record."""
    you, writer = drafting.you, drafting.writer
    key = key_for(interview.event, recipient.email)
    note = compose_note(interview, recipient, writer)
    message = note_to(
        you, key, recipient, note.subject, note.body, now, attachments=note.attachments
    )
    record = DraftRecord(
        key=key,
        status=DraftStatus.CREATING,
        event_title=one_line(interview.event.title),
        company=interview.company,
        role=interview.role,
        recipient_name=recipient.name,
        recipient_email=recipient.email,
        ended_at=interview.ended_at,
        deadline=deadline_for(interview.ended_at, drafting.deadline_hours),
        message_id=message.message_id,
        subject=note.subject,
        problems=tuple(
            proofread(note.as_text(), expected_for(interview, recipient, writer), writer.lexicon)
        ),
        composed=note_digest(note),
        attempts=attempts,
        created_at=now,
        notes=interview.notes.text[:4000],
    )
    return CreateDraft(record, message)


class Step(enum.Enum):
    """What the daemon does next about a draft."""

    RETRY = "try again to create the draft at the next check"
    REMIND = "remind you"
    AWAIT_SEND = "wait for you to send or delete it"
    MOOT = "nothing: they replied, so you can delete this check-in"
    AWAIT_REPLY = "watch for their reply"
    CHECK_IN = "draft a check-in unless they reply first"


@dataclass(frozen=True)
class NextStep:
    """The next thing the daemon does about a draft, and when (None: at the next check)."""

    step: Step
    at: datetime | None = None
    stage: ReminderStage | None = None

    def describe(self) -> str:
        """The step in words: `remind you (2h)`."""
        return f"{self.step.value} ({self.stage.name})" if self.stage else self.step.value


def next_steps(
    now: datetime,
    records: Iterable[DraftRecord],
    delivered: Mapping[InterviewId, Sequence[Delivered]],
    drafting: Drafting,
) -> dict[DraftKey, NextStep]:
    """What `plan()` will do next about each tracked draft, and when; drafts with
    nothing more to come are left out."""
    records = list(records)
    outlook = _Outlook(
        now,
        answered(records),
        reminder_schedule(now, _owed(records), delivered, drafting.reminders),
        frozenset(r.key.thanks for r in records if r.key.purpose is Purpose.CHECK_IN),
        drafting.check_ins,
    )
    return {r.key: step for r in records if (step := outlook.step_for(r)) is not None}


@dataclass(frozen=True)
class _Outlook:
    """What the next step of one draft depends on besides itself."""

    now: datetime
    replied: frozenset[DraftKey]
    reminders: Mapping[InterviewId, tuple[Scheduled, list[DraftRecord]]]
    followed: frozenset[DraftKey]  # thank-yous that have a check-in already
    check_ins: CheckInRules | None

    def step_for(self, record: DraftRecord) -> NextStep | None:
        if record.status is DraftStatus.CREATING:
            return NextStep(Step.RETRY)
        if record.status is DraftStatus.DRAFTED:
            return (
                self._reminder(record) if still_owed(record, self.replied) else NextStep(Step.MOOT)
            )
        if not is_watched(record, self.now):
            return None
        if self.check_ins is None or record.key in self.followed:
            return NextStep(Step.AWAIT_REPLY)
        return NextStep(Step.CHECK_IN, check_in_time(record, self.check_ins))

    def _reminder(self, record: DraftRecord) -> NextStep:
        coming = self.reminders.get(record.key.interview)
        if coming is None:
            return NextStep(Step.AWAIT_SEND)
        scheduled = coming[0]
        at = scheduled.at if scheduled.at > self.now else None
        return NextStep(Step.REMIND, at, scheduled.stage)
