"""Carrying out planned actions against the mailbox, one at a time, recording each in the ledger.

The order inside `create` is what makes a draft exist at most once across
crashes: intent first, then (when recovering) a look for a draft an earlier
attempt may have left, then the create, then the result. A create is never
retried within a cycle; the next cycle looks before it tries again. A
reminder is recorded only once it reached the user, so a failed one is tried
again next cycle.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

from daemon.core.actions import Action, Answered, CreateDraft, Reconcile, RecordOutcome, Remind
from daemon.core.model import DraftKey, DraftStatus, You
from daemon.core.protocols import ConnectorError, CreatedDraft, Mailbox, SignInRequiredError
from daemon.core.reminders import reminder_mail
from daemon.ledger import Ledger

log = logging.getLogger(__name__)

Desktop = Callable[[str, str], None]


@dataclass(frozen=True)
class Channels:
    """How reminders reach you besides the journal: a mail to yourself, the desktop."""

    you: You
    by_mail: bool = True
    desktop: Desktop = lambda _title, _body: None
    zone: tzinfo = UTC  # yours: the one reminders show times in


@dataclass
class Outcome:
    """What a batch of actions did, for the cycle's summary."""

    drafted: list[str] = field(default_factory=list)
    recorded: list[str] = field(default_factory=list)
    reminded: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def execute(
    actions: Sequence[Action],
    ledger: Ledger,
    mailbox: Mailbox,
    now: datetime,
    channels: Channels,
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
        key = _key_of(action)
        try:
            _perform(action, ledger, mailbox, now, channels, outcome)
        except SignInRequiredError:
            raise
        except ConnectorError as error:
            log.warning("could not carry out %s for %r: %s", type(action).__name__, key, error)
            _failed(ledger, key, str(error), now, outcome)
        except Exception as error:
            log.exception("unexpected error in %s for %r", type(action).__name__, str(key))
            _failed(ledger, key, f"{type(error).__name__}: {error}", now, outcome)
    return outcome


def _key_of(action: Action) -> DraftKey:
    if isinstance(action, CreateDraft):
        return action.record.key
    if isinstance(action, Remind):
        return action.drafts[0].key
    return action.key


def _failed(ledger: Ledger, key: DraftKey, error: str, now: datetime, outcome: Outcome) -> None:
    ledger.note_error(key, error, now)
    outcome.failed.append(str(key))


def _perform(
    action: Action,
    ledger: Ledger,
    mailbox: Mailbox,
    now: datetime,
    channels: Channels,
    outcome: Outcome,
) -> None:
    match action:
        case CreateDraft():
            if create(action, ledger, mailbox, now) is not None:
                outcome.drafted.append(str(action.record.key))
        case RecordOutcome(key=key, status=status) | Answered(key=key, status=status):
            log.info("draft %r: %s", str(key), status.value)
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
        case Remind():
            remind(action, ledger, mailbox, now, channels)
            outcome.reminded.append(str(action.interview))


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
        ref = mailbox.create_draft(message.as_email(), action.reply_to)
        log.info(
            "drafted a %s to %s for %r",
            record.key.purpose,
            record.recipient_email,
            record.event_title,
        )
    else:
        log.info("found the draft an interrupted cycle left for %s", record.recipient_email)
    ledger.mark_drafted(record.key, ref, now)
    return ref


def remind(
    action: Remind, ledger: Ledger, mailbox: Mailbox, now: datetime, channels: Channels
) -> None:
    """Tell the user once per stage: desktop and journal first, then the mail to yourself.

    The stage is recorded before the mail goes out, so a failing mail does not
    silence the other channels and is retried alone at the next cycle.
    """
    links = {d.key: _link(mailbox, d.draft_ref) for d in action.drafts}
    mail = reminder_mail(action, channels.you, now, links, mailbox.self_address(), channels.zone)
    if not action.mail_only:
        headline = mail.body.split("\n", 1)[0]
        channels.desktop(mail.subject, headline)
        log.warning("reminder (%s): %s", action.stage.name, headline)
        mailed = not channels.by_mail  # nothing to send: the channel is done
        ledger.record_reminder(action.interview, action.stage.name, now, mail.message_id, mailed)
    if channels.by_mail:
        thread = mailbox.send_to_self(mail.as_email(), action.thread)
        ledger.mark_mailed(action.interview, action.stage.name, thread or action.thread)


def _link(mailbox: Mailbox, ref: str) -> str:
    try:
        return mailbox.draft_link(ref)
    except ConnectorError:
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
