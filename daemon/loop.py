"""`followup run`: cycles on a schedule until Ctrl-C or SIGTERM.

The `schedule` library keeps the periodic work; the loop waits on an event
that a signal sets, so stopping is immediate and never interrupts a cycle
halfway.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import datetime
from types import FrameType

import schedule

from daemon.cycle import run_cycle
from daemon.ledger import LedgerError
from daemon.protocols import ConnectorError, SignInRequiredError
from daemon.service import Service

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def run_forever(service: Service, clock: Clock, stop: threading.Event | None = None) -> None:
    """Run a cycle now and then every `check_every_minutes` until `stop` is set."""
    stop = stop or threading.Event()
    restore = _stop_on_signals(stop)
    scheduler = schedule.Scheduler()
    minutes = service.settings.check_every_minutes
    scheduler.every(int(minutes * 60)).seconds.do(cycle_safely, service, clock)
    try:
        cycle_safely(service, clock)
        while not stop.is_set():
            scheduler.run_pending()
            idle = scheduler.idle_seconds
            stop.wait(timeout=max(1.0, idle if idle is not None else 60.0))
    finally:
        restore()
        log.info("stopped")


def cycle_safely(service: Service, clock: Clock) -> None:
    """One cycle; whatever goes wrong is logged and the daemon carries on."""
    try:
        run_cycle(
            clock(),
            service.settings,
            service.drafting,
            service.sources,
            service.mailbox,
            service.ledger,
        )
    except SignInRequiredError as error:
        # Already said once when it began; it stays in `followup status` until signed in.
        log.debug("cycle skipped: %s", error)
    except (ConnectorError, LedgerError) as error:
        log.error("cycle failed: %s", error)
    except Exception:
        # A bug must not stop reminders for every other interview: log it fully, go on.
        log.exception("cycle failed unexpectedly")


def _stop_on_signals(stop: threading.Event) -> Callable[[], None]:
    def handle(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s, stopping", signal.Signals(signum).name)
        stop.set()

    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore
