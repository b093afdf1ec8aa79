"""Private folders and durable, private file writes: for the state, the token and the Maildir.

The runtime keeps its state here, and the connectors that keep files (the
Google token, a Maildir) use the same helpers, so there is one way to make a
private folder and one way to write a file atomically.
"""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

_CREATE = os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_CLOEXEC | os.O_NOFOLLOW


def ensure_private_dir(path: Path, *, tighten: bool = True) -> Path:
    """Create `path` and its missing parents with mode 0700, whatever the umask.

    With `tighten`, an existing `path` is made 0700 too: the daemon's own state
    folder. Without, a folder that exists is left as its owner made it (a Maildir
    or token folder the user chose may be their Documents).
    """
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=0o700)
        except FileExistsError:
            if not directory.is_dir():
                raise
            continue  # made by someone else meanwhile
        directory.chmod(0o700)  # mkdir's mode passes through the umask
        log.info("created folder %s", directory)
    if not path.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path))
    if tighten and path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


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
