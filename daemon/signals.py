"""What signals ask of the running daemon, and the sleep they cut short.

A Python signal handler runs in the main thread, between two steps of whatever it
interrupted. `threading.Event.set()` takes a lock that the interrupted code may be
holding (inside `Event.wait()` or `Event.clear()`), and the daemon then waits for
itself for ever; a log line written from a handler can land in the middle of another
write to the same stream. So a handler here only records what was asked and writes
one byte to a pipe the loop sleeps on; the loop does the rest, logging included.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
from collections.abc import Callable


class Requests:
    """Stop, reload and cycle requests, and a sleep that any of them ends early."""

    def __init__(self) -> None:
        self.stop_reason: str | None = None
        self._reload = False
        self._cycle = False
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)

    def stopping(self) -> bool:
        """Whether a stop was asked for."""
        return self.stop_reason is not None

    def ask_stop(self, reason: str) -> None:
        """Stop after the action in progress; `reason` is what the log says."""
        self.stop_reason = reason
        self._ring()

    def ask_reload(self) -> None:
        """Read the configuration again at the next wake."""
        self._reload = True
        self._ring()

    def ask_cycle(self) -> None:
        """Run a cycle at the next wake."""
        self._cycle = True
        self._ring()

    def pending(self) -> bool:
        """Whether anything was asked that the loop has not taken yet."""
        return self.stopping() or self._reload or self._cycle

    def take_reload(self) -> bool:
        """Whether a reload was asked for; it counts as taken."""
        # Checked before cleared: a request arriving in between joins the one taken now.
        if not self._reload:
            return False
        self._reload = False
        return True

    def take_cycle(self) -> bool:
        """Whether a cycle was asked for; it counts as taken."""
        if not self._cycle:
            return False
        self._cycle = False
        return True

    def sleep(self, seconds: float) -> None:
        """Sleep up to `seconds`; a request made meanwhile, or since the last sleep,
        ends it at once."""
        ready, _, _ = select.select([self._read], [], [], max(0.0, seconds))
        if ready:
            self._drain()

    def close(self) -> None:
        """Let the pipe go."""
        os.close(self._read)
        os.close(self._write)

    def _ring(self) -> None:
        # A full pipe means the sleeper is woken already.
        with contextlib.suppress(BlockingIOError):
            os.write(self._write, b"\0")

    def _drain(self) -> None:
        with contextlib.suppress(BlockingIOError):
            while os.read(self._read, 4096):
                pass


def handle_signals(requests: Requests) -> Callable[[], None]:
    """Route SIGTERM and SIGINT to a stop, SIGHUP to a reload, SIGUSR1 to a cycle;
    returns what puts the previous handlers back."""

    def stop(signum: int, _frame: object) -> None:
        requests.ask_stop(signal.Signals(signum).name)

    handlers = {
        signal.SIGTERM: stop,
        signal.SIGINT: stop,
        signal.SIGHUP: lambda _signum, _frame: requests.ask_reload(),
        signal.SIGUSR1: lambda _signum, _frame: requests.ask_cycle(),
    }
    previous = {sig: signal.signal(sig, handler) for sig, handler in handlers.items()}

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore
