"""Carrying out planned actions against the mailbox, one at a time, recording each in the ledger.

The order inside `create` is what makes a draft exist at most once across
crashes: intent first, then (when recovering) a look for a draft an earlier
attempt may have left, then the create, then the result. A create is never
retried within a cycle; the next cycle looks before it tries again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from daemon.ledger import Ledger
from daemon.model import DraftKey, DraftStatus
from daemon.plan import Action, CreateDraft, Reconcile, RecordOutcome
from daemon.protocols import ConnectorError, CreatedDraft, Mailbox, SignInRequiredError

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What a batch of actions did, for the cycle's summary."""

    drafted: list[str] = field(default_factory=list)
    recorded: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def execute(
    actions: Sequence[Action],
    ledger: Ledger,
    mailbox: Mailbox,
    now: datetime,
    should_stop: Callable[[], bool] = lambda: False,
) -> Outcome:
    """Perform every action; a failing one is logged and recorded, the rest still run.

    `SignInRequiredError` stops the batch: no further call to the mailbox can
    succeed. So does `should_stop()`, checked between actions, so that a
    shutdown finishes the action in progress and leaves the rest for later.
    """
    outcome = Outcome()
    for done, action in enumerate(actions):
        if should_stop():
            log.info("stopping with %d actions left for the next run", len(actions) - done)
            break
        key = action.record.key if isinstance(action, CreateDraft) else action.key
        try:
            _perform(action, ledger, mailbox, now, outcome)
        except SignInRequiredError:
            raise
        except ConnectorError as error:
            log.warning("could not carry out %s for %r: %s", type(action).__name__, key, error)
            _failed(ledger, key, str(error), now, outcome)
        except Exception as error:
            log.exception("unexpected error in %s for %r", type(action).__name__, str(key))
            _failed(ledger, key, f"{type(error).__name__}: {error}", now, outcome)
    return outcome


def _failed(ledger: Ledger, key: DraftKey, error: str, now: datetime, outcome: Outcome) -> None:
    ledger.note_error(key, error, now)
    outcome.failed.append(str(key))


def _perform(
    action: Action, ledger: Ledger, mailbox: Mailbox, now: datetime, outcome: Outcome
) -> None:
    match action:
        case CreateDraft():
            if create(action, ledger, mailbox, now) is not None:
                outcome.drafted.append(str(action.record.key))
        case RecordOutcome(key=key, status=status):
            log.info("draft %r was %s", str(key), status.value)
            ledger.set_status(key, status, now)
            outcome.recorded.append(str(key))
        case Reconcile(key=key, reason=reason):
            ref = _find_lost(ledger, action.key, mailbox, action.identity)
            if ref is None:
                log.error("no draft could be made for %r: %s", str(key), reason)
                ledger.set_status(key, DraftStatus.FAILED, now, reason)
                outcome.failed.append(str(key))
            else:
                ledger.mark_drafted(key, ref, now)


def create(action: CreateDraft, ledger: Ledger, mailbox: Mailbox, now: datetime) -> str | None:
    """Create one draft exactly once; its reference, or None when another run claimed it."""
    record = action.record
    if not ledger.begin(record, now):
        log.info("the draft to %s is already being handled", record.recipient_email)
        return None
    message = action.message
    identity = CreatedDraft("", message.message_id, message.to_email, message.subject)
    ref = _find_lost(ledger, record.key, mailbox, identity) if action.recovering else None
    if ref is None:
        ref = mailbox.create_draft(action.message.as_email())
        log.info("drafted a thank-you to %s for %r", record.recipient_email, record.event_title)
    else:
        log.info("found the draft an interrupted cycle left for %s", record.recipient_email)
    ledger.mark_drafted(record.key, ref, now)
    return ref


def _find_lost(
    ledger: Ledger, key: DraftKey, mailbox: Mailbox, identity: CreatedDraft
) -> str | None:
    """The draft an interrupted attempt may have left, unless another key already owns it.

    A draft found by recipient and subject (the user edited or sent it) could be
    another occurrence's note to the same interviewer; that one is not ours.
    """
    ref = mailbox.find_draft(identity.message_id, to=identity.to, subject=identity.subject)
    owners = {r.key for r in ledger.records().values() if ref and r.draft_ref == ref}
    return ref if not owners - {key} else None
