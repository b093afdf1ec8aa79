"""The small frozen records `plan()` returns and the executor carries out.

Each holds everything its execution needs, so executing one is I/O only.
"""

from __future__ import annotations

from dataclasses import dataclass

from daemon.core.message import DraftMessage
from daemon.core.model import DraftKey, DraftRecord, DraftStatus, InterviewId, ReminderStage
from daemon.core.protocols import CreatedDraft, SentNote


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


Action = CreateDraft | RecordOutcome | Reconcile | Remind | Answered
