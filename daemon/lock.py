"""One daemon per state directory: an advisory `fcntl` lock held for the life of a run.

Two runs on one ledger would race each other to the same drafts; the second
refuses to start and names the process that holds the lock.
"""

from __future__ import annotations

import fcntl
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from daemon.files import ensure_private_dir


class AlreadyRunningError(Exception):
    """Another followup process holds the state directory; `holder` is its pid (0: unknown)."""

    def __init__(self, message: str, holder: int = 0) -> None:
        super().__init__(message)
        self.holder = holder


@contextmanager
def state_lock(state_dir: Path) -> Iterator[None]:
    """Hold the lock of `state_dir` for the duration of the block."""
    path = ensure_private_dir(state_dir) / "lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise AlreadyRunningError(
                f"another followup (pid {holder}) is already running on {state_dir}; "
                "stop it first (e.g. `systemctl --user stop interview-followup`)",
                int(holder) if holder.isdigit() else 0,
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


def nudge(pid: int) -> bool:
    """Ask the running daemon `pid` to run a cycle now (SIGUSR1); False if it cannot be told."""
    try:
        os.kill(pid, signal.SIGUSR1)
    except OSError:
        return False
    return True
