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
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo

from daemon.core.actions import (
    Action,
    Answered,
    CreateDraft,
    Recheck,
    Reconcile,
    RecordOutcome,
    Remind,
    UpdateDraft,
    describe,
)
from daemon.core.message import DraftMessage
from daemon.core.model import DraftKey, DraftRecord, DraftStatus, You
from daemon.core.protocols import (
    ConnectorError,
    CreatedDraft,
    DraftText,
    Mailbox,
    SignInRequiredError,
)
from daemon.core.reminders import reminder_mail
from daemon.ledger import Ledger, LedgerError

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
    rewritten: list[str] = field(default_factory=list)  # untouched drafts given new notes
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
    succeed. So does `LedgerError`: nothing more could be recorded. So does
    `should_stop()`, checked between actions, so that a shutdown finishes the
    action in progress and leaves the rest for later.
    """
    return Executor(ledger, mailbox, now, channels).run(actions, should_stop)


def _holds(text: DraftText, message: DraftMessage) -> bool:
    """Whether a draft's text is `message`'s, whatever line endings the mailbox keeps."""

    def plain(body: str) -> list[str]:
        return [line.rstrip() for line in body.strip().splitlines()]

    return text.subject == message.subject and plain(text.body) == plain(message.body)


def _key_of(action: Action) -> DraftKey:
    if isinstance(action, CreateDraft):
        return action.record.key
    if isinstance(action, Remind):
        return action.drafts[0].key
    return action.key


@dataclass
class Executor:
    """Carries out one cycle's actions at `now`, recording each in the ledger."""

    ledger: Ledger
    mailbox: Mailbox
    now: datetime
    channels: Channels
    outcome: Outcome = field(default_factory=Outcome)

    def run(self, actions: Sequence[Action], should_stop: Callable[[], bool]) -> Outcome:
        """Perform `actions` in order until done or told to stop; see `execute`."""
        for done, action in enumerate(actions):
            if should_stop():
                log.info("stopping with %d actions left for the next run", len(actions) - done)
                break
            key = _key_of(action)
            try:
                self.perform(action)
            except (SignInRequiredError, LedgerError):
                # Nothing more can succeed, or be recorded: a mailbox write the ledger
                # cannot remember could be made twice.
                raise
            except ConnectorError as error:
                log.warning("could not %s: %s", describe(action), error)
                self._failed(key, str(error))
            except Exception as error:
                # A bug, not the user's doing: the traceback goes to the debug log only.
                log.error("could not %s: an internal error (%s)", describe(action), error)
                log.debug("the internal error in detail", exc_info=True)
                self._failed(key, f"internal error: {error}")
        return self.outcome

    def perform(self, action: Action) -> None:
        """Carry out one action."""
        match action:
            case CreateDraft():
                if self.create(action) is not None:
                    self.outcome.drafted.append(str(action.record.key))
            case RecordOutcome(key=key, status=status) | Answered(key=key, status=status):
                log.info("%s", describe(action))
                self.ledger.set_status(key, status, self.now)
                self.outcome.recorded.append(str(key))
            case Reconcile():
                self.reconcile(action)
            case UpdateDraft():
                if self.update(action):
                    self.outcome.rewritten.append(str(action.key))
            case Recheck():
                self.ledger.set_problems(
                    action.key,
                    action.problems,
                    action.checked,
                    self.now,
                    composed=action.composed,
                    version=action.version,
                    checked_version=action.checked_version,
                )
            case Remind():
                self.remind(action)
                self.outcome.reminded.append(str(action.interview))

    def create(self, action: CreateDraft) -> str | None:
        """Create one draft exactly once; its reference, or None when another run claimed it."""
        record = action.record
        if not self.ledger.begin(record, self.now):
            log.info("the draft to %s is already being handled", record.recipient_email)
            return None
        ref = self._find_lost(record.key, record.identity) if action.recovering else None
        if ref is None:
            ref = self.mailbox.create_draft(action.message.as_email(), action.reply_to)
            version = self._version(ref)
            log.info(
                "drafted a %s to %s for %r",
                record.key.purpose,
                record.recipient_email,
                record.event_title,
            )
        else:
            version = self._version_if_ours(ref, action.message)
            log.info("found the draft an interrupted cycle left for %s", record.recipient_email)
        self.ledger.mark_drafted(record.key, ref, self.now, version)
        return ref

    def update(self, action: UpdateDraft) -> bool:
        """Replace an untouched draft with the note its new notes make; False when the
        user edited it meanwhile (theirs stays) or it is gone.

        The intent is written first. Recovering from an interruption, a draft that
        already holds the new note is only recorded; one the user edited since is
        left alone; where the mailbox cannot show the text, a changed draft is
        taken for the interrupted replacement, the one guess this path makes.
        """
        record = action.record
        self.ledger.begin_update(record.key, self.now)
        stored = self.mailbox.read_draft(record.draft_ref)
        if stored is not None and stored.version != record.version:
            ours = stored.text is None or _holds(stored.text, action.message)
            if action.recovering and ours:
                self._finish(record, record.draft_ref, stored.version)
                return True
            stored = None
        if stored is None:
            log.info("left the draft to %s as it is: edited or gone", record.recipient_email)
            self.ledger.abandon_update(record.key, self.now)
            return False
        ref = self.mailbox.replace_draft(record.draft_ref, action.message.as_email())
        self._finish(record, ref, self._version(ref))
        log.info("rewrote the draft to %s with the new notes", record.recipient_email)
        return True

    def _finish(self, record: DraftRecord, ref: str, version: str) -> None:
        self.ledger.finish_update(
            record.key, self.now, replace(record, draft_ref=ref, version=version)
        )

    def reconcile(self, action: Reconcile) -> None:
        """Settle an unfinished creation: the draft it left, or a failure with its reason."""
        ref = self._find_lost(action.key, action.identity)
        if ref is None:
            log.error("could not %s: no draft was found", describe(action))
            self.ledger.set_status(action.key, DraftStatus.FAILED, self.now, action.reason)
            self.outcome.failed.append(str(action.key))
        else:
            # Nothing says what it held when it was made: taken as the user's, never rewritten.
            self.ledger.mark_drafted(action.key, ref, self.now, "")

    def remind(self, action: Remind) -> None:
        """Tell the user once per stage: desktop and journal first, then the mail to yourself.

        The stage is recorded before the mail goes out (the intent), so a failing mail
        does not silence the other channels and is retried alone at the next cycle;
        a retry first asks the mailbox for the mail by its Message-ID, so a mail that
        went out just before a crash is not sent twice.
        """
        channels, now = self.channels, self.now
        links = {d.key: self._link(d.draft_ref) for d in action.drafts}
        to = self.mailbox.self_address()
        mail = reminder_mail(action, channels.you, now, links, to, channels.zone)
        if not action.mail_only:
            headline = mail.body.split("\n", 1)[0]
            channels.desktop(mail.subject, headline)
            log.warning("reminder (%s): %s", action.stage.name, headline)
            mailed = not channels.by_mail  # nothing to send: the channel is done
            self.ledger.record_reminder(
                action.interview, action.stage, now, mail.message_id, mailed
            )
        if channels.by_mail:
            # Retried: the first try may have been delivered just before the process died.
            found = self.mailbox.find_self_mail(mail.message_id) if action.mail_only else None
            if found is None:
                thread = self.mailbox.send_to_self(mail.as_email(), action.thread)
            else:
                log.info("the %s reminder had reached you already", action.stage.name)
                thread = found
            self.ledger.mark_mailed(action.interview, action.stage, thread or action.thread)

    def _failed(self, key: DraftKey, error: str) -> None:
        self.ledger.note_error(key, error, self.now)
        self.outcome.failed.append(str(key))

    def _version(self, ref: str) -> str:
        """The draft's token as written, to tell later whether the user edited it."""
        try:
            return self.mailbox.draft_version(ref) or ""
        except ConnectorError as error:
            log.debug("no version of the draft %s: %s", ref, error)
            return ""

    def _version_if_ours(self, ref: str, message: DraftMessage) -> str:
        """The version of a draft found again after an interruption, if it still holds
        what the daemon wrote; "" (the user's, never rewritten) when it does not, or when
        the mailbox cannot show its text: the user may have edited it meanwhile."""
        try:
            stored = self.mailbox.read_draft(ref)
        except ConnectorError as error:
            log.debug("cannot read the draft %s found again: %s", ref, error)
            return ""
        text = stored.text if stored is not None else None
        return stored.version if stored is not None and text and _holds(text, message) else ""

    def _link(self, ref: str) -> str:
        try:
            return self.mailbox.draft_link(ref)
        except ConnectorError:
            return ref

    def _find_lost(self, key: DraftKey, identity: CreatedDraft) -> str | None:
        """The draft an interrupted attempt may have left.

        A draft found by recipient and subject (the user edited or sent it) could be
        another interview's note to the same interviewer: the drafts other keys own
        are never taken, nor a copy sent before this draft was first attempted.
        """
        records = self.ledger.records().values()
        taken = {r.draft_ref for r in records if r.key != key and r.draft_ref}
        return self.mailbox.find_draft(
            identity.message_id,
            to=identity.to,
            subject=identity.subject,
            since=identity.since,
            taken=taken,
        )
