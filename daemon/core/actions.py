"""The small frozen records `plan()` returns and the executor carries out.

Each holds everything its execution needs, so executing one is I/O only.
"""

from __future__ import annotations

from dataclasses import dataclass

from daemon.core.message import DraftMessage
from daemon.core.model import (
    Checked,
    DraftKey,
    DraftRecord,
    DraftStatus,
    InterviewId,
    Purpose,
    ReminderStage,
)
from daemon.core.protocols import CreatedDraft, SentNote
from daemon.core.text import one_line


@dataclass(frozen=True)
class CreateDraft:
    """Create one draft; `recovering` when an earlier attempt may have succeeded."""

    record: DraftRecord
    message: DraftMessage
    recovering: bool = False
    reply_to: SentNote | None = None  # a check-in joins the sent thank-you's thread


@dataclass(frozen=True)
class RecordOutcome:
    """The mailbox shows the user sent or deleted a draft: record it."""

    key: DraftKey
    status: DraftStatus


@dataclass(frozen=True)
class Reconcile:
    """An unfinished creation whose interview left the calendar or the lookback window.

    The draft an interrupted attempt may have left is looked for; without one
    the key ends as failed, with `reason`.
    """

    key: DraftKey
    identity: CreatedDraft
    reason: str


@dataclass(frozen=True)
class Answered:
    """The company replied to a sent thank-you: stop watching it."""

    key: DraftKey
    status: DraftStatus = DraftStatus.ANSWERED


@dataclass(frozen=True)
class Remind:
    """Remind the user of an interview's waiting drafts at `stage`."""

    interview: InterviewId
    stage: ReminderStage
    drafts: tuple[DraftRecord, ...]
    thread: str  # the mailbox thread of earlier reminders, "" for the first
    thread_root: str  # the Message-ID the first reminder had, "" for the first
    mail_only: bool = False  # the stage reached you; only its mail failed and is retried


@dataclass(frozen=True)
class UpdateDraft:
    """Put the note `record` now has in place of its untouched draft (new notes came in).

    The draft is replaced only while it still has the version `record` holds;
    `recovering` an interrupted replacement, a draft that already holds the new
    note is recorded as replaced, so the daemon's own work is not taken for an edit.
    """

    record: DraftRecord
    message: DraftMessage
    recovering: bool = False

    @property
    def key(self) -> DraftKey:
        """The draft key being rewritten."""
        return self.record.key


@dataclass(frozen=True)
class Recheck:
    """Proofreading found `problems` in the draft (in what `checked` says).

    `composed` is a baseline digest for a draft written before digests were
    kept ("" to keep the one recorded); `version` the draft's version to
    adopt once an interrupted replacement turns out finished ("" to keep it);
    `checked_version` the version of the draft the problems were found in
    ("" when its text could not be read).
    """

    key: DraftKey
    problems: tuple[str, ...]
    checked: Checked
    composed: str = ""
    version: str = ""
    checked_version: str = ""


Action = CreateDraft | RecordOutcome | Reconcile | Remind | Answered | UpdateDraft | Recheck


def about(record: DraftRecord) -> str:
    """A draft as a user names it: "the thank-you to Priya Raman for 'Acme – Onsite'"."""
    who = record.recipient_name or record.recipient_email
    return f"the {_purpose(record.key)} to {who} for {one_line(record.event_title, 80)!r}"


def describe(action: Action) -> str:
    """What an action does, in the words a user reads (no keys, no class names)."""
    match action:
        case CreateDraft(record=record):
            return f"draft {about(record)}"
        case UpdateDraft(record=record):
            return f"rewrite {about(record)} with the new notes"
        case Recheck(key=key, problems=problems):
            found = f"{len(problems)} things to check" if problems else "nothing to check"
            return f"proofread the {_purpose(key)} to {key.recipient} again: {found}"
        case RecordOutcome(key=key, status=status):
            return f"record that the {_purpose(key)} to {key.recipient} was {status.value}"
        case Answered(key=key):
            return f"stop waiting for an answer from {key.recipient}: they replied"
        case Reconcile(key=key, reason=reason):
            return (
                f"settle the {_purpose(key)} to {key.recipient} that was never finished ({reason})"
            )
        case Remind(stage=stage, drafts=drafts):
            titles = sorted({one_line(d.event_title, 60) for d in drafts})
            return (
                f"remind you ({stage.name}) of {len(drafts)} waiting drafts for {', '.join(titles)}"
            )
    raise AssertionError(f"an action without a description: {action!r}")


def _purpose(key: DraftKey) -> str:
    return "check-in" if key.purpose is Purpose.CHECK_IN else "thank-you"
