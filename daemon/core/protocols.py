"""The two seams between the daemon and the outside world, and the errors they raise.

A `CalendarSource` yields normalised `Event`s; a `Mailbox` holds drafts and
says what became of them. Connectors implement these and import nothing else
from the daemon besides `daemon.core.model`.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Protocol, runtime_checkable

from daemon.core.model import CreatedDraft as CreatedDraft  # re-exported: part of the Mailbox seam
from daemon.core.model import Event

# How far the mailbox's clock (a mail server's, a client's) may be from ours.
CLOCK_SKEW = timedelta(minutes=2)


class ConnectorError(Exception):
    """A connector could not do its job; the message is one line a user can act on."""


class SignInRequiredError(ConnectorError):
    """The stored sign-in is missing, revoked or expired: `followup auth` is needed."""


class DraftState(enum.StrEnum):
    """What became of a draft in the mailbox."""

    PENDING = "pending"
    SENT = "sent"
    DELETED = "deleted"


class CalendarSource(Protocol):
    """A calendar the daemon reads events from."""

    @property
    def name(self) -> str:
        """A stable identifier of this source; part of every draft key."""
        ...

    def events(self, start: datetime, end: datetime) -> Iterable[Event]:
        """Timed occurrences overlapping [start, end), recurring series expanded.

        Raises `ConnectorError` when the calendar as a whole cannot be read;
        a single broken event is logged and skipped instead.
        """
        ...


@runtime_checkable
class WatchedSource(Protocol):
    """A calendar that can tell cheaply whether it changed since it was last read, so the
    daemon looks often and reads (and drafts) soon after a change, not at the next cycle."""

    @property
    def watch_seconds(self) -> float:
        """How often asking `changed()` is cheap enough (a file's stat, a feed's 304)."""
        ...

    def changed(self) -> bool:
        """Whether the calendar may differ from what the last read found; never raises."""
        ...


@dataclass(frozen=True)
class SentNote:
    """A note the user sent: what a check-in draft replies to.

    `message_id` is the Message-ID the sent copy carries (a mail client may
    have replaced the draft's); `thread` is the mailbox's own thread id where
    it has one (Gmail), else ""; `subject` is the subject it went out with
    (the user may have edited it), which a reply must repeat to stay in its thread.
    """

    message_id: str
    thread: str = ""
    subject: str = ""


@dataclass(frozen=True)
class DraftText:
    """A draft's words as the mailbox holds them now (the user may have edited them)."""

    subject: str
    body: str  # the text/plain part, decoded
    attachments: tuple[str, ...] = ()  # the file names of its attachments


@dataclass(frozen=True)
class StoredDraft:
    """A draft as it stands: the token of its version (see `Mailbox.draft_version`) and,
    where this mailbox may read draft bodies, its text; `text` is None where it may not."""

    version: str
    text: DraftText | None = None


@runtime_checkable
class HoldsConnection(Protocol):
    """A connector that keeps a connection open for the length of a cycle (IMAP): the
    runtime calls `close` when the cycle ends; the next call opens a new one."""

    def close(self) -> None:
        """End the connection, if one is open."""
        ...


class MailboxView(Protocol):
    """What the mailbox says of the drafts and the sent notes: what a cycle plans from.

    A `Mailbox` is itself a view that asks the mailbox afresh each time;
    `Mailbox.sync` may give one that answers from what it learnt then.
    """

    def draft_state(self, draft: CreatedDraft) -> DraftState:
        """Whether the draft is still pending, was sent, or was deleted."""
        ...

    def read_draft(self, ref: str) -> StoredDraft | None:
        """The draft as it stands (see `Mailbox.read_draft`)."""
        ...

    def sent_note(self, draft: CreatedDraft) -> SentNote | None:
        """The sent copy of a draft reported as sent, if it can be found."""
        ...

    def has_reply(self, note: SentNote, correspondent: str) -> bool:
        """Whether `correspondent` (the interviewer's address) answered the sent note."""
        ...


@dataclass(frozen=True)
class Synced:
    """What a mailbox learnt at the start of a cycle.

    `view` answers for this cycle's planning, as the mailbox stood at the
    sync; `mark` is where it stood, to keep and pass to the next sync ("" where
    the mailbox keeps no record of its changes); `rescanned` says the changes
    since the mark given were no longer kept, so everything was read again.
    """

    view: MailboxView
    mark: str = ""
    rescanned: bool = False


class Mailbox(Protocol):
    """Where thank-you drafts are kept until the user sends them."""

    def sync(self, mark: str) -> Synced:
        """Learn at once what changed since `mark` (what an earlier sync returned, ""
        for none), for one cycle to plan from.

        After it, `find_draft` may look for an interrupted create only among the
        changes since `mark`: the daemon keeps a mark only while no create it began
        is unsettled, so the mark it passes is from before any such create.
        Raises `ConnectorError` when the mailbox cannot be asked.
        """
        ...

    def create_draft(self, message: EmailMessage, reply_to: SentNote | None = None) -> str:
        """Store `message` as a draft and return a reference to it (path or id).

        With `reply_to`, the draft joins that note's thread (a check-in); the
        message already carries In-Reply-To and References.
        """
        ...

    def check_ready(self) -> None:
        """Raise `SignInRequiredError` (or `ConnectorError`) if the mailbox cannot be used.

        Cheap and local: no network call.
        """
        ...

    def find_draft(
        self,
        message_id: str,
        *,
        to: str = "",
        subject: str = "",
        since: datetime | None = None,
        taken: Collection[str] = (),
    ) -> str | None:
        """The reference of the draft carrying this Message-ID, if there is one.

        With `to` and `subject` (recovering an interrupted create), also a
        draft the user already edited (a new Message-ID) or sent. A draft that
        carries the Message-ID always wins over such a look-alike; references
        in `taken` belong to other drafts and are never returned; a sent copy
        dated before `since` (minus `CLOCK_SKEW`) was sent before this draft
        existed, so it is not this draft's.
        """
        ...

    def draft_state(self, draft: CreatedDraft) -> DraftState:
        """Whether the draft is still pending, was sent, or was deleted."""
        ...

    def draft_version(self, ref: str) -> str | None:
        """A token of the draft as it stands, that changes whenever it is edited;
        None when the draft is no longer there."""
        ...

    def read_draft(self, ref: str) -> StoredDraft | None:
        """The draft as it stands, to proofread what the user will send; None once it is
        gone (sent, deleted, trashed). Raises `ConnectorError` when it cannot be read."""
        ...

    def replace_draft(self, ref: str, message: EmailMessage) -> str:
        """Put `message` in the place of draft `ref` (one the user has not touched, with
        the same Message-ID) and return the draft's reference afterwards.

        Replacing twice with the same message leaves one draft, so an interrupted
        replacement can simply be done again. Raises `ConnectorError` when the draft
        is gone or cannot be replaced.
        """
        ...

    def delete_draft(self, ref: str) -> None:
        """Remove a draft (one the daemon made and the user never touched); nothing
        happens when it is already gone. Raises `ConnectorError` when it cannot."""
        ...

    def draft_link(self, ref: str) -> str:
        """Something the user can open to reach the draft: a URL or a file path."""
        ...

    def sent_note(self, draft: CreatedDraft) -> SentNote | None:
        """The sent copy of a draft the mailbox reported as sent, if it can be found."""
        ...

    def has_reply(self, note: SentNote, correspondent: str) -> bool:
        """Whether `correspondent` (the interviewer's address) answered the sent note."""
        ...

    def self_address(self) -> str:
        """The address reminders go to: the signed-in account, or "" when the mailbox
        has no address of its own (a Maildir: then `[you] email`)."""
        ...

    def send_to_self(self, message: EmailMessage, thread: str = "") -> str:
        """Deliver a reminder to the user's own mailbox; the only mail ever sent.

        `thread` is what an earlier reminder for the same interview returned, so
        that reminders stay in one thread; returns the thread to pass next time
        ("" where the mailbox has no thread ids). Raises ConnectorError when it
        cannot deliver (a Maildir without an inbox configured, say).
        """
        ...

    def find_self_mail(self, message_id: str) -> str | None:
        """Whether a reminder with this Message-ID already reached the user: its thread
        ("" where the mailbox has none), or None when it did not. An interrupted
        delivery is healed by asking this before sending again."""
        ...

    def daemon_messages(self, prefix: str) -> set[str]:
        """Every Message-ID starting with `prefix` in the drafts, the sent mail and where
        reminders land: the marks the daemon's own messages carry, from which a lost
        ledger is rebuilt. Raises `ConnectorError` when the mailbox cannot be read."""
        ...
