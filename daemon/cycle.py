"""One daemon cycle: read calendars, detect, ask the mailbox, plan, execute.

`run_cycle` takes `now` and already-built connectors, so it is the same code
for `followup run`, `run --once`, the demo and the tests.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from daemon.config import Settings
from daemon.core.checkins import Watched, awaiting_reply
from daemon.core.detect import finished_interviews, next_interview_due
from daemon.core.message import plain_message_id
from daemon.core.model import DraftKey, DraftRecord, DraftStatus, Event, Interview
from daemon.core.plan import Drafting, Snapshot, plan
from daemon.core.protocols import (
    CalendarSource,
    ConnectorError,
    DraftState,
    Mailbox,
    SignInRequiredError,
)
from daemon.executor import Channels, Outcome, execute
from daemon.ledger import Ledger

log = logging.getLogger(__name__)

# How far ahead to read: far enough to notice upcoming interviews in logs, cheap to fetch.
_LOOKAHEAD = timedelta(days=1)


@dataclass
class Runtime:
    """Everything a cycle runs on, already built from the settings (see `daemon.wiring`)."""

    settings: Settings
    drafting: Drafting
    sources: list[CalendarSource]
    mailbox: Mailbox
    ledger: Ledger
    channels: Channels

    def close(self) -> None:
        """Release the ledger."""
        self.ledger.close()


@dataclass(frozen=True)
class CycleReport:
    """What one cycle saw and did."""

    events: int
    interviews: int
    outcome: Outcome
    unreadable_sources: tuple[str, ...]
    sign_in_needed: str = ""
    next_interview_due: datetime | None = None

    def summary(self) -> str:
        """What the cycle saw and did, in one line for the log."""
        done = self.outcome
        return (
            f"{self.events} events, {self.interviews} finished interviews, "
            f"{len(done.drafted)} drafted, {len(done.recorded)} updated, "
            f"{len(done.reminded)} reminders, {len(done.failed)} failed"
        )


SIGN_IN_ALERT = "sign-in"


def run_cycle(
    now: datetime, runtime: Runtime, should_stop: Callable[[], bool] = lambda: False
) -> CycleReport:
    """Bring drafts, reminders and check-ins up to date with the calendars as of `now`.

    A needed sign-in is recorded as an alert (for `status`) and cleared by the
    first cycle that no longer needs one; `SignInRequiredError` from the
    mailbox still ends the cycle, since nothing can be drafted.
    """
    you, timing = runtime.settings.you, runtime.settings.interviews
    lookback = timedelta(hours=timing.lookback_hours)
    grace = timedelta(minutes=timing.grace_minutes)
    window = (now - lookback - _LOOKAHEAD, now + _LOOKAHEAD)
    events, failures = read_events(runtime.sources, *window, should_stop)
    interviews = finished_interviews(events, you, now, grace=grace, lookback=lookback)
    try:
        outcome = _draft_and_remind(now, runtime, interviews, should_stop)
    except SignInRequiredError as error:
        _alert_sign_in(runtime.ledger, error, now)
        raise
    sign_in = [e for e in failures.values() if isinstance(e, SignInRequiredError)]
    if sign_in:
        _alert_sign_in(runtime.ledger, sign_in[0], now)
    else:
        runtime.ledger.clear_alert(SIGN_IN_ALERT)
    report = CycleReport(
        events=len(events),
        interviews=len(interviews),
        outcome=outcome,
        unreadable_sources=tuple(failures),
        sign_in_needed=str(sign_in[0]) if sign_in else "",
        next_interview_due=next_interview_due(events, you, now, grace),
    )
    log.info("cycle: %s", report.summary())
    return report


def _draft_and_remind(
    now: datetime, runtime: Runtime, interviews: list[Interview], should_stop: Callable[[], bool]
) -> Outcome:
    """Ask the mailbox what became of the drafts, plan, and carry the plan out."""
    mailbox, ledger = runtime.mailbox, runtime.ledger
    mailbox.check_ready()
    records = ledger.records()
    observed = observe_drafts(mailbox, records)
    watched = watch_sent(mailbox, records.values(), now) if runtime.drafting.check_ins else {}
    seen = Snapshot(interviews, records, observed, ledger.reminders(), watched)
    actions = plan(now, seen, runtime.drafting)
    return execute(actions, ledger, mailbox, now, runtime.channels, should_stop)


def watch_sent(
    mailbox: Mailbox, records: Iterable[DraftRecord], now: datetime
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
            log.warning("could not look for a reply to %r: %s", str(record.key), error)
    return watched


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
    mailbox: Mailbox, records: dict[DraftKey, DraftRecord]
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
            log.warning("could not check draft %s: %s", key, error)
    return observed
