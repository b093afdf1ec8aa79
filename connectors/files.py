"""Durable, private file writes shared by the connectors that keep files (token, Maildir)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

_CREATE = os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_CLOEXEC | os.O_NOFOLLOW


def write_atomically(temporary: Path, final: Path, data: bytes) -> None:
    """Write `data` to `temporary` (new, 0600), fsync it, rename it to `final`, fsync the folder.

    Readers see the old file or the whole new one, never a part; a failure
    leaves no temporary file behind.
    """
    descriptor = os.open(temporary, _CREATE, 0o600)
    try:
        try:
            os.fchmod(descriptor, 0o600)  # the umask may have taken bits away
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        temporary.replace(final)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_directory(final.parent)


def fsync_directory(folder: Path) -> None:
    """Make a rename in `folder` durable; some filesystems cannot fsync a directory."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError as error:
        # The rename has happened; only its durability across a crash is weaker.
        log.debug("cannot fsync folder %s: %s", folder, error)
    finally:
        os.close(descriptor)
