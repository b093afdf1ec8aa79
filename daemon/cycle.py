"""One daemon cycle: read calendars, detect, ask the mailbox, plan, execute.

`run_cycle` takes `now` and already-built connectors, so it is the same code
for `followup run`, `run --once`, the demo and the tests.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from daemon import rebuild
from daemon.config import Settings
from daemon.core.actions import Action, about
from daemon.core.attention import CALENDAR_ALERT, MAILBOX_ALERT, SIGN_IN_ALERT
from daemon.core.checkins import Watched, awaiting_reply
from daemon.core.detect import (
    Judgement,
    Verdict,
    employer_domains,
    finished,
    interview_of,
    judge_all,
    knowledge_of,
    next_interview_due,
)
from daemon.core.message import plain_message_id
from daemon.core.model import (
    Candidate,
    DraftKey,
    DraftRecord,
    DraftStatus,
    Event,
    Interview,
    key_for,
    ref_of,
)
from daemon.core.people import domain_of
from daemon.core.plan import Snapshot, plan
from daemon.core.protocols import (
    CalendarSource,
    ConnectorError,
    DraftState,
    MailboxView,
    SignInRequiredError,
    StoredDraft,
    Synced,
)
from daemon.core.text import one_line
from daemon.executor import Outcome, execute
from daemon.ledger import EMPLOYER, Ledger
from daemon.rewrite import rewrite_all
from daemon.runtime import Runtime

log = logging.getLogger(__name__)

# How far ahead to read: far enough to notice upcoming interviews in logs, cheap to fetch.
_LOOKAHEAD = timedelta(days=1)
# The ledger's meta: where the mailbox stood at the last kept sync, and how often its
# changes since then were no longer kept, so that every draft had to be read again.
MAILBOX_MARK = "mailbox_mark"
MAILBOX_RESCANS = "mailbox_rescans"


@dataclass(frozen=True)
class CycleReport:
    """What one cycle saw and did."""

    events: int
    interviews: int
    outcome: Outcome
    unreadable_sources: tuple[str, ...]
    sign_in_needed: str = ""
    next_interview_due: datetime | None = None
    possible: int = 0  # events the user is asked about

    def headline(self) -> str:
        """What the cycle saw and did, in one sentence for the person who ran it."""
        done = self.outcome
        text = (
            f"Read {self.events} events: {self.interviews} finished interviews, "
            f"{len(done.drafted)} new drafts, {len(done.recorded)} updated, "
            f"{len(done.rewritten)} rewritten with new notes, {len(done.failed)} failed."
        )
        if self.unreadable_sources:
            text += f" Unreadable calendars: {', '.join(self.unreadable_sources)}."
        return text

    def summary(self) -> str:
        """What the cycle saw and did, in one line for the log."""
        done = self.outcome
        return (
            f"{self.events} events, {self.interviews} finished interviews, "
            f"{self.possible} possible, {len(done.drafted)} drafted, "
            f"{len(done.recorded)} updated, {len(done.rewritten)} rewritten, "
            f"{len(done.reminded)} reminders, "
            f"{len(done.failed)} failed"
        )


@dataclass(frozen=True)
class Reading:
    """The calendars as one cycle read them, every event judged."""

    judgements: list[Judgement]
    failures: dict[str, ConnectorError]
    read: tuple[str, ...]  # the sources read in full

    def finished(self, now: datetime, settings: Settings) -> list[Judgement]:
        """The judgements of events that ended within the lookback, past the grace."""
        timing = settings.interviews
        grace = timedelta(minutes=timing.grace_minutes)
        lookback = timedelta(hours=timing.lookback_hours)
        return finished(self.judgements, now, grace=grace, lookback=lookback)


def read_calendars(
    now: datetime,
    runtime: Runtime,
    should_stop: Callable[[], bool] = lambda: False,
    *,
    learn: bool = True,
) -> Reading:
    """Read every calendar over the window around `now` and judge every event, with what
    the daemon learnt and what the user decided; `learn=False` keeps what it learns now
    out of the ledger (a dry run writes nothing)."""
    settings, ledger = runtime.settings, runtime.ledger
    lookback = timedelta(hours=settings.interviews.lookback_hours)
    window = (now - lookback - _LOOKAHEAD, now + _LOOKAHEAD)
    events, failures = read_events(runtime.sources, *window, should_stop)
    by_event, by_domain = ledger.decisions()
    employer = employer_domains(events, settings.you) if not settings.you.own_domains else ()
    learnt = ledger.learnt(EMPLOYER) if not settings.you.own_domains else []
    if learn:
        for domain in ledger.learn(EMPLOYER, employer, now):
            log.info("%s is your employer's domain, as your recurring meetings show", domain)
    learnt = list(dict.fromkeys([*learnt, *employer])) if not settings.you.own_domains else []
    knowledge = knowledge_of(events, settings.you, by_event, by_domain, learnt)
    read = tuple(s.name for s in runtime.sources if s.name not in failures)
    return Reading(judge_all(events, knowledge), failures, read)


def run_cycle(
    now: datetime, runtime: Runtime, should_stop: Callable[[], bool] = lambda: False
) -> CycleReport:
    """Bring drafts, reminders and check-ins up to date with the calendars as of `now`.

    A needed sign-in is recorded as an alert (for `status`) and cleared by the
    first cycle that no longer needs one; `SignInRequiredError` from the
    mailbox still ends the cycle, since nothing can be drafted.
    """
    reading = read_calendars(now, runtime, should_stop)
    done = reading.finished(now, runtime.settings)
    interviews = interviews_of(done, runtime)
    possible = [j for j in done if j.verdict is Verdict.POSSIBLE]
    try:
        synced = sync_mailbox(runtime)
        rebuild.settle(now, runtime, interviews)
        interviews, lost = rebuild.held_back(interviews, runtime)
        _ask_about([*(candidate_of(j, now) for j in possible), *lost], reading.read, now, runtime)
        outcome = _draft_and_remind(now, runtime, interviews, synced.view, should_stop)
    except SignInRequiredError as error:
        _alert_sign_in(runtime.ledger, error, now)
        raise
    except ConnectorError as error:
        runtime.ledger.set_alert(MAILBOX_ALERT, f"the mailbox could not be used: {error}", now)
        raise
    runtime.ledger.clear_alert(MAILBOX_ALERT)
    _keep_mark(runtime.ledger, synced)
    runtime.ledger.advance()
    _announce_drafts(interviews, outcome, runtime)
    failures = reading.failures
    _alert_calendars(runtime, reading, now)
    sign_in = [e for e in failures.values() if isinstance(e, SignInRequiredError)]
    if sign_in:
        _alert_sign_in(runtime.ledger, sign_in[0], now)
    else:
        runtime.ledger.clear_alert(SIGN_IN_ALERT)
    grace = timedelta(minutes=runtime.settings.interviews.grace_minutes)
    report = CycleReport(
        events=len(reading.judgements),
        interviews=len(interviews),
        outcome=outcome,
        unreadable_sources=tuple(failures),
        sign_in_needed=str(sign_in[0]) if sign_in else "",
        next_interview_due=next_interview_due(reading.judgements, now, grace),
        possible=len(possible),
    )
    log.info("cycle: %s", report.summary())
    return report


def interviews_of(judgements: Iterable[Judgement], runtime: Runtime) -> list[Interview]:
    """The interviews among `judgements`, with their debriefs and the companies other
    drafts to the same domain already spelt."""
    ledger, you = runtime.ledger, runtime.settings.you
    debriefs = ledger.debriefs()
    known = {
        domain_of(r.recipient_email): r.company for r in ledger.records().values() if r.company
    }
    return [
        interview_of(j, you, known, debriefs.get(j.ref, ""))
        for j in judgements
        if j.verdict is Verdict.INTERVIEW
    ]


def _ask_about(
    candidates: list[Candidate], sources: Sequence[str], now: datetime, runtime: Runtime
) -> None:
    """Keep the events the user is asked about for `status`; tell the user of new ones
    once, on the desktop and in the journal."""
    for new in runtime.ledger.set_candidates(candidates, sources, now):
        what = f"{new.title!r}: {new.reason}"
        hint = f"followup track {new.ref.short} drafts its notes; followup ignore {new.ref.short}"
        log.warning("%s; %s", what, hint)
        runtime.channels.desktop("Possibly an interview", f"{new.title}: {hint}")


def _announce_drafts(interviews: Iterable[Interview], outcome: Outcome, runtime: Runtime) -> None:
    """Say on the desktop and in the journal that an interview's drafts are waiting, and
    how to add what was talked about while it is fresh."""
    drafted = set(outcome.drafted)
    for interview in interviews:
        keys = {str(key_for(interview.event, r.email)) for r in interview.recipients}
        count = len(keys & drafted)
        if not count:
            continue
        title = one_line(interview.event.title, 80)
        hint = f"followup debrief {ref_of(interview.event).short}"
        log.info(
            "%d thank-you drafts for %r are waiting; `%s` adds what you talked about, "
            "and rewrites the drafts you have not edited",
            count,
            title,
            hint,
        )
        runtime.channels.desktop(
            f"Thank-you drafts for {title}",
            f"{count} waiting in your drafts. Add what you talked about: {hint}",
        )


def candidate_of(judgement: Judgement, now: datetime) -> Candidate:
    """What the ledger keeps of an event the user is asked about."""
    event = judgement.event
    reasons = sorted((s for s in judgement.signals if s.weight > 0), key=lambda s: -s.weight)
    reason = "; ".join(s.reason for s in reasons[:3]) or judgement.reason
    title = one_line(event.title, 120) or "(no title)"
    return Candidate(judgement.ref, title, event.end, reason, judgement.recipients, now)


def sync_mailbox(runtime: Runtime) -> Synced:
    """Ask the mailbox what changed since the mark the ledger keeps, once for the cycle.

    A mailbox that cannot say is asked draft by draft instead, as the cycle goes
    (a failing one then fails there, and the rest of the cycle still runs).
    """
    mailbox = runtime.mailbox
    mailbox.check_ready()
    try:
        synced = mailbox.sync(runtime.ledger.meta(MAILBOX_MARK) or "")
    except SignInRequiredError:
        raise
    except ConnectorError as error:
        log.warning("could not ask the mailbox what changed; asking draft by draft: %s", error)
        return Synced(mailbox)
    if synced.rescanned:
        log.info(
            "the mailbox no longer keeps its changes since the last cycle: every draft "
            "is read again (%d times so far)",
            int(runtime.ledger.meta(MAILBOX_RESCANS) or "0") + 1,
        )
    return synced


def _keep_mark(ledger: Ledger, synced: Synced) -> None:
    """Keep where the mailbox stood at this cycle's sync, for the next one to start from.

    While a create is unsettled the older mark stays: the changes since it hold
    the draft the create may have left, which is then found without reading
    every draft.
    """
    if synced.rescanned:
        ledger.set_meta(MAILBOX_RESCANS, str(int(ledger.meta(MAILBOX_RESCANS) or "0") + 1))
    unsettled = any(r.status is DraftStatus.CREATING for r in ledger.records().values())
    if synced.mark and not unsettled:
        ledger.set_meta(MAILBOX_MARK, synced.mark)


def _draft_and_remind(
    now: datetime,
    runtime: Runtime,
    interviews: list[Interview],
    view: MailboxView,
    should_stop: Callable[[], bool],
) -> Outcome:
    """Ask the mailbox what became of the drafts, plan, and carry the plan out."""
    actions = planned(now, runtime, interviews, view)
    command = runtime.settings.notes.rewrite_command
    if command:
        records = list(runtime.ledger.records().values())
        actions = rewrite_all(actions, command, runtime.drafting.writer, records)
    return execute(actions, runtime.ledger, runtime.mailbox, now, runtime.channels, should_stop)


def planned(
    now: datetime, runtime: Runtime, interviews: list[Interview], view: MailboxView
) -> list[Action]:
    """What a cycle would do now, with the mailbox as `view` shows it: the mailbox and
    the ledger are only read."""
    ledger = runtime.ledger
    records = ledger.records()
    observed = observe_drafts(view, records)
    stored = read_waiting(view, records, observed)
    watched = watch_sent(view, records.values(), now) if runtime.drafting.check_ins else {}
    seen = Snapshot(interviews, records, observed, ledger.reminders(), watched, stored)
    return plan(now, seen, runtime.drafting)


@dataclass(frozen=True)
class DryRun:
    """What a cycle would do, found without changing anything."""

    actions: list[Action]
    possible: list[Judgement]
    unreadable: dict[str, ConnectorError]


def dry_run(now: datetime, runtime: Runtime) -> DryRun:
    """Read, detect and plan as a cycle does, writing nothing: no draft, no reminder, no
    line of the ledger (the rewrite command is not run either)."""
    reading = read_calendars(now, runtime, learn=False)
    done = reading.finished(now, runtime.settings)
    view = sync_mailbox(runtime).view  # its mark is not kept: a dry run writes nothing
    actions = planned(now, runtime, interviews_of(done, runtime), view)
    possible = [j for j in done if j.verdict is Verdict.POSSIBLE]
    return DryRun(actions, possible, reading.failures)


def read_waiting(
    mailbox: MailboxView, records: dict[DraftKey, DraftRecord], observed: dict[DraftKey, DraftState]
) -> dict[DraftKey, StoredDraft]:
    """Every draft still waiting to be sent, as the mailbox holds it now."""
    stored: dict[DraftKey, StoredDraft] = {}
    for key, state in observed.items():
        if state is not DraftState.PENDING:
            continue
        try:
            draft = mailbox.read_draft(records[key].draft_ref)
        except SignInRequiredError:
            raise
        except ConnectorError as error:
            log.warning("could not read %s to proofread it: %s", about(records[key]), error)
            continue
        if draft is not None:
            stored[key] = draft
    return stored


def watch_sent(
    mailbox: MailboxView, records: Iterable[DraftRecord], now: datetime
) -> dict[DraftKey, Watched]:
    """What the mailbox says of each sent thank-you still watched: its copy, any reply."""
    watched: dict[DraftKey, Watched] = {}
    for record in awaiting_reply(records, now):
        try:
            note = mailbox.sent_note(record.identity)
            message_id = plain_message_id(note.message_id) if note else None
            if note is None or message_id is None:
                continue  # nothing a check-in could reply to
            note = replace(note, message_id=message_id)
            watched[record.key] = Watched(note, mailbox.has_reply(note, record.recipient_email))
        except SignInRequiredError:
            raise
        except ConnectorError as error:
            log.warning("could not look for a reply to %s: %s", about(record), error)
    return watched


def _alert_calendars(runtime: Runtime, reading: Reading, now: datetime) -> None:
    """Keep an alert for each calendar this cycle could not read, for `status`; clear the
    alerts of those it read. A needed sign-in has its own alert."""
    for source in runtime.sources:
        name = CALENDAR_ALERT + source.name
        error = reading.failures.get(source.name)
        if error is None and source.name in reading.read:
            runtime.ledger.clear_alert(name)
        elif error is not None and not isinstance(error, SignInRequiredError):
            runtime.ledger.set_alert(name, f"could not be read: {error}", now)


def _alert_sign_in(ledger: Ledger, error: SignInRequiredError, now: datetime) -> None:
    if ledger.set_alert(SIGN_IN_ALERT, str(error), now):
        log.error("%s", error)


def read_events(
    sources: Sequence[CalendarSource],
    start: datetime,
    end: datetime,
    should_stop: Callable[[], bool] = lambda: False,
) -> tuple[list[Event], dict[str, ConnectorError]]:
    """Events from every source; a source that cannot be read is logged and left out."""
    events: list[Event] = []
    failures: dict[str, ConnectorError] = {}
    for source in sources:
        if should_stop():
            break
        try:
            events.extend(source.events(start, end))
        except SignInRequiredError as error:
            log.debug("calendar %s is waiting for a sign-in", source.name)
            failures[source.name] = error
        except ConnectorError as error:
            log.error("calendar %s could not be read: %s", source.name, error)
            failures[source.name] = error
    return events, failures


def observe_drafts(
    mailbox: MailboxView, records: dict[DraftKey, DraftRecord]
) -> dict[DraftKey, DraftState]:
    """What the mailbox says of every draft the ledger has as waiting to be sent."""
    observed: dict[DraftKey, DraftState] = {}
    for key, record in records.items():
        if record.status is not DraftStatus.DRAFTED:
            continue
        try:
            observed[key] = mailbox.draft_state(record.identity)
        except SignInRequiredError:
            raise
        except ConnectorError as error:
            log.warning("could not check %s: %s", about(record), error)
    return observed
