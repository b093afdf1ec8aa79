"""One daemon per state directory: an advisory `fcntl` lock held for the life of a run.

Two runs on one ledger would race each other to the same drafts; the second
refuses to start and names the process that holds the lock.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from daemon.files import ensure_private_dir


class AlreadyRunningError(Exception):
    """Another followup process holds the state directory."""


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
                "stop it first (e.g. `systemctl --user stop interview-followup`)"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)
