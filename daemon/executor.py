"""Carrying out planned actions against the mailbox, one at a time, recording each in the ledger.

The order inside `create` is what makes a draft exist at most once across
crashes: intent first, then (when recovering) a look for a draft an earlier
attempt may have left, then the create, then the result. A create is never
retried within a cycle; the next cycle looks before it tries again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from daemon.ledger import Ledger
from daemon.model import DraftStatus
from daemon.plan import Action, CreateDraft, GiveUp, Reconcile, RecordOutcome
from daemon.protocols import ConnectorError, Mailbox, SignInRequiredError

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What a batch of actions did, for the cycle's summary."""

    drafted: list[str] = field(default_factory=list)
    recorded: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def execute(actions: Sequence[Action], ledger: Ledger, mailbox: Mailbox, now: datetime) -> Outcome:
    """Perform every action; a failing one is logged and recorded, the rest still run.

    `SignInRequiredError` stops the batch: no further call to the mailbox can succeed.
    """
    outcome = Outcome()
    for action in actions:
        try:
            _perform(action, ledger, mailbox, now, outcome)
        except SignInRequiredError:
            raise
        except ConnectorError as error:
            key = action.record.key if isinstance(action, CreateDraft) else action.key
            log.warning("could not carry out %s for %s: %s", type(action).__name__, key, error)
            ledger.note_error(key, str(error), now)
            outcome.failed.append(str(key))
    return outcome


def _perform(
    action: Action, ledger: Ledger, mailbox: Mailbox, now: datetime, outcome: Outcome
) -> None:
    match action:
        case CreateDraft():
            create(action, ledger, mailbox, now)
            outcome.drafted.append(str(action.record.key))
        case RecordOutcome(key=key, status=status):
            log.info("draft %s was %s", key, status.value)
            ledger.set_status(key, status, now)
            outcome.recorded.append(str(key))
        case Reconcile(key=key, message_id=message_id):
            ref = mailbox.find_draft(message_id)
            if ref is None:
                ledger.set_status(key, DraftStatus.FAILED, now, "the interview left the calendar")
            else:
                ledger.mark_drafted(key, ref, now)
        case GiveUp(key=key, reason=reason):
            log.error("giving up on draft %s: %s", key, reason)
            ledger.set_status(key, DraftStatus.FAILED, now, reason)
            outcome.failed.append(str(key))


def create(action: CreateDraft, ledger: Ledger, mailbox: Mailbox, now: datetime) -> str:
    """Create one draft exactly once and return its reference."""
    record = action.record
    ledger.begin(record, now)
    ref = mailbox.find_draft(action.message.message_id) if action.recovering else None
    if ref is None:
        ref = mailbox.create_draft(action.message.as_email())
        log.info("drafted a thank-you to %s for %r", record.recipient_email, record.event_title)
    else:
        log.info("found the draft an interrupted cycle left for %s", record.recipient_email)
    ledger.mark_drafted(record.key, ref, now)
    return ref
