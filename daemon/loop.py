"""`followup run`: the long-running loop, as a systemd notify service or in a terminal.

It runs a cycle at start, then sleeps until the next thing is due: the
periodic calendar sync (kept by `schedule`), the moment the next interview
ends plus its grace period, or the next look at a calendar that can say
cheaply whether it changed (a file every few seconds, a feed every minute):
a change runs a cycle at once. Sleeping uses the monotonic clock and is capped,
so the loop also pings the systemd watchdog in time and notices within a
minute when the wall clock jumped (a suspended laptop waking up), and then
catches up at once. SIGTERM and Ctrl-C stop it after the action in progress;
SIGHUP reads the configuration again, keeping the old one if the new one is
broken; SIGUSR1 runs a cycle now (`followup track` sends it).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

import schedule

from daemon.config import ConfigError, Settings
from daemon.core.protocols import (
    CalendarSource,
    ConnectorError,
    SignInRequiredError,
    WatchedSource,
)
from daemon.core.status import summary_line
from daemon.cycle import CycleReport, run_cycle
from daemon.ledger import LedgerError
from daemon.notify import Notifier
from daemon.runtime import Runtime
from daemon.signals import Requests, handle_signals
from daemon.spelling import release_dictionary
from daemon.wiring import build_runtime

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Monotonic = Callable[[], float]
# The longest single sleep: bounds how late the loop notices a resume from suspend.
MAX_SLEEP = 60.0
# A wall clock that ran this much further than the monotonic one means a suspend.
_JUMP = timedelta(seconds=30)


def seconds_to_sleep(
    now: datetime,
    next_sync: datetime | None,
    next_interview_due: datetime | None,
    watchdog_seconds: float | None,
    next_look: float | None = None,
) -> float:
    """How long the loop may sleep: until the first thing due (`next_look`: seconds until a
    calendar is looked at), never past a watchdog ping."""
    limits = [MAX_SLEEP]
    limits += [(due - now).total_seconds() for due in (next_sync, next_interview_due) if due]
    if watchdog_seconds:
        limits.append(watchdog_seconds / 2)
    if next_look is not None:
        limits.append(next_look)
    return max(0.0, min(limits))


class Watch:
    """When each calendar that can be watched is looked at next, on the monotonic clock."""

    def __init__(self, monotonic: Monotonic) -> None:
        self._monotonic = monotonic
        self._due: dict[str, float] = {}

    def seconds_to_look(self, sources: Iterable[CalendarSource]) -> float | None:
        """Seconds until the next look at one of `sources`, or None when none is watched."""
        now = self._monotonic()
        due = [self._due.get(s.name, now) for s in sources if isinstance(s, WatchedSource)]
        return max(0.0, min(due) - now) if due else None

    def changed(self, sources: Iterable[CalendarSource]) -> list[str]:
        """The names of the `sources` due a look that changed since they were last read."""
        now = self._monotonic()
        found: list[str] = []
        for source in sources:
            if not isinstance(source, WatchedSource):
                continue
            due = self._due.setdefault(source.name, now + source.watch_seconds)
            if now < due:
                continue
            self._due[source.name] = now + source.watch_seconds
            if source.changed():
                found.append(source.name)
        return found


class Daemon:
    """The state of one `followup run`: its runtime, its schedule, and what is due next."""

    def __init__(
        self,
        load: Callable[[], Settings],
        clock: Clock,
        notifier: Notifier,
        requests: Requests | None = None,
        monotonic: Monotonic = time.monotonic,
    ) -> None:
        self._load = load
        self._clock = clock
        self._watch = Watch(monotonic)
        self._notifier = notifier
        self.requests = requests or Requests()
        self._scheduler = schedule.Scheduler()
        self._runtime = self._build(load())
        self._next_due: datetime | None = None

    def run(self) -> None:
        """Cycle until stopped."""
        self._schedule_sync()
        self._cycle()
        self._notifier.ready(self._summary())
        wall, mono = self._clock(), time.monotonic()
        while not self.requests.stopping():
            if not self.requests.pending():
                self.requests.sleep(self.sleep_seconds())
            self._notifier.watchdog()
            if self.requests.stopping():
                break
            wall, mono = self.after_wake(wall, mono)
        log.info("received %s, stopping", self.requests.stop_reason)
        self._notifier.stopping()
        self._runtime.close()
        log.info("stopped")

    def after_wake(self, wall: datetime, mono: float) -> tuple[datetime, float]:
        """Do what became due while asleep; `wall`/`mono` are both clocks at the last wake."""
        now, now_mono = self._clock(), time.monotonic()
        drift = (now - wall) - timedelta(seconds=now_mono - mono)
        if drift > _JUMP:
            log.info("the clock jumped ahead (resumed from suspend?); catching up now")
            self._cycle()
        if abs(drift) > _JUMP:
            # `schedule` keeps local wall time: after a jump either way (a resume, the clock
            # set back, the autumn DST change) its next run is off; count again from now.
            self._schedule_sync()
        if self.requests.take_reload():
            log.info("reloading the configuration, as asked")
            self._reload()
        if self.requests.take_cycle():
            log.info("checking the calendars now, as asked")
            self._cycle()
        if changed := self._watch.changed(self._runtime.sources):
            log.info("calendar %s changed; checking it now", ", ".join(changed))
            self._cycle()
        self._scheduler.run_pending()
        if self._next_due is not None and self._clock() >= self._next_due:
            self._cycle()
        return self._clock(), time.monotonic()

    def sleep_seconds(self) -> float:
        """How long the loop sleeps before its next wake."""
        idle = self._scheduler.idle_seconds
        interval = self._runtime.settings.interviews.check_every_minutes * 60
        if idle is not None and idle > interval + MAX_SLEEP:
            # `schedule` counts in naive local time: after the autumn DST change its next
            # run lies an hour too far. Count again from now.
            self._schedule_sync()
            idle = self._scheduler.idle_seconds
        now = self._clock()
        next_sync = now + timedelta(seconds=idle) if idle is not None else None
        watchdog = self._notifier.watchdog_seconds
        look = self._watch.seconds_to_look(self._runtime.sources)
        return seconds_to_sleep(now, next_sync, self._next_due, watchdog, look)

    def _schedule_sync(self) -> None:
        self._scheduler.clear()
        seconds = int(self._runtime.settings.interviews.check_every_minutes * 60)
        self._scheduler.every(seconds).seconds.do(self._cycle)

    def _cycle(self) -> None:
        report = cycle_safely(self._runtime, self._clock, self.requests.stopping)
        # A failed cycle leaves nothing due early: the next periodic sync tries again
        # (keeping a past due time would make the loop spin).
        self._next_due = report.next_interview_due if report is not None else None
        status = self._summary()
        if report is not None and report.unreadable_sources:
            status += f"; cannot read {', '.join(report.unreadable_sources)}"
        self._notifier.status(status)

    def _summary(self) -> str:
        try:
            ledger = self._runtime.ledger
            records, alerts = ledger.records().values(), ledger.alerts()
            return summary_line(records, alerts, self._clock(), len(ledger.candidates()))
        except Exception as error:
            return f"ledger unavailable: {error}"

    def _reload(self) -> None:
        self._notifier.reloading()
        try:
            settings = self._load()
            if settings.state_dir != self._runtime.settings.state_dir:
                raise ConfigError("state.dir", ["changing the state directory needs a restart"])
            runtime = self._build(settings)
        except Exception as error:
            log.error("kept the running configuration; the new one is unusable: %s", error)
        else:
            self._runtime.close()
            self._runtime = runtime
            self._schedule_sync()
            log.info("configuration reloaded")
        self._notifier.ready(self._summary())
        self._cycle()

    def _build(self, settings: Settings) -> Runtime:
        return build_runtime(settings, sleep=self._wait_between_tries)

    def _wait_between_tries(self, seconds: float) -> bool:
        """How connectors wait between retries: the watchdog hears from us, and a
        shutdown cuts the wait short (True: stop trying)."""
        self._notifier.watchdog()
        deadline = time.monotonic() + seconds
        while not self.requests.stopping() and (left := deadline - time.monotonic()) > 0:
            self.requests.sleep(left)
        self._notifier.watchdog()
        return self.requests.stopping()


def run_forever(load: Callable[[], Settings], clock: Clock) -> None:
    """Run the daemon until SIGTERM or SIGINT; SIGHUP reloads the configuration."""
    requests = Requests()
    daemon = Daemon(load, clock, Notifier(), requests)
    on_main_thread = threading.current_thread() is threading.main_thread()
    restore = handle_signals(requests) if on_main_thread else lambda: None
    try:
        daemon.run()
    finally:
        restore()
        requests.close()


def cycle_safely(
    runtime: Runtime, clock: Clock, should_stop: Callable[[], bool] = lambda: False
) -> CycleReport | None:
    """One cycle; whatever goes wrong is logged and the daemon carries on. The English
    dictionary is let go afterwards: it is most of the daemon's memory, and idle it is
    not needed."""
    try:
        return run_cycle(clock(), runtime, should_stop)
    except SignInRequiredError as error:
        # Already said once when it began; it stays in `followup status` until signed in.
        log.debug("cycle skipped: %s", error)
    except (ConnectorError, LedgerError) as error:
        log.error("cycle failed: %s", error)
    except Exception:
        # A bug must not stop the drafts of every other interview: log it fully, go on.
        log.exception("cycle failed unexpectedly")
    finally:
        runtime.end_cycle()
        release_dictionary()
    return None
