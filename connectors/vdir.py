"""Read interview candidates from a vdir: a folder of .ics files, as vdirsyncer and khal keep it.

`VdirCalendar` is a `CalendarSource`. Each `.ics` file in the folder holds one
event, or one series with its moved instances (RECURRENCE-ID, same UID); the
files are read with the rules and limits of an ICS calendar
(`connectors.ics.CalendarReader`), the whole folder counting as one calendar.
Hidden files, other files (vdirsyncer's `displayname`, `color`) and
sub-folders are ignored; a file that cannot be read or parsed is logged and
skipped while the others still count. A missing folder, or a path that is a
file, raises `ConnectorError`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from datetime import datetime, tzinfo
from pathlib import Path

from connectors.ics import (
    MAX_PARSED_BYTES,
    CalendarReader,
    Document,
    OverBudgetError,
    read_calendar_file,
)
from daemon.core.model import Event
from daemon.core.protocols import ConnectorError
from daemon.core.text import one_line

log = logging.getLogger(__name__)

MAX_FILES = 50_000
"""A folder with more .ics files than this is refused rather than listed and read."""
MAX_FILE_BYTES = MAX_PARSED_BYTES
"""A file larger than this is skipped: one event and its moved instances never are."""


class VdirCalendar:
    """A `CalendarSource` reading every `.ics` file of one folder on every call."""

    def __init__(self, name: str, path: Path, *, default_tz: tzinfo | None = None) -> None:
        """Read the folder `path`; `default_tz` is the zone of floating times (None: the
        system's)."""
        self._name = name
        self._path = path
        self._reader = CalendarReader(name, default_tz=default_tz)

    @property
    def name(self) -> str:
        """The identifier given at construction; part of every draft key."""
        return self._name

    def events(self, start: datetime, end: datetime) -> list[Event]:
        """Timed occurrences overlapping [start, end), sorted by start.

        Raises `ConnectorError` when the folder cannot be listed and
        `OverBudgetError` when it passes a limit of a whole calendar.
        """
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("events() needs timezone-aware start and end")
        where = str(self._path)
        try:
            documents = self._documents(self._files())
            return self._reader.events(where, documents, start, end, skip_broken=True)
        except ConnectorError:
            raise
        except Exception as exc:  # one line for the user, whatever broke
            log.debug("reading calendar folder %s failed", where, exc_info=exc)
            reason = one_line(str(exc), 160) or type(exc).__name__
            raise ConnectorError(f"calendar folder {where}: cannot be read ({reason})") from None

    def _files(self) -> list[Path]:
        """The folder's .ics files by name, so a read is the same from one cycle to the next."""
        try:
            with os.scandir(self._path) as entries:
                names = [entry.name for entry in entries if _is_calendar_file(entry)]
        except FileNotFoundError:
            raise ConnectorError(f"calendar folder {self._path}: not found") from None
        except NotADirectoryError:
            raise ConnectorError(
                f"calendar folder {self._path}: is a file, not a folder "
                '(for one .ics file use kind = "ics")'
            ) from None
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise ConnectorError(
                f"calendar folder {self._path}: cannot be read ({reason})"
            ) from None
        if len(names) > MAX_FILES:
            raise OverBudgetError(
                f"calendar folder {self._path}: too much to read: "
                f"it holds more than {MAX_FILES:,} .ics files"
            )
        return [self._path / name for name in sorted(names)]

    def _documents(self, files: list[Path]) -> Iterator[Document]:
        """Each file's text, read only when the reader gets to it; unreadable ones skipped."""
        for path in files:
            try:
                data = read_calendar_file(path, MAX_FILE_BYTES)
            except ConnectorError as error:  # gone since listed, or no permission
                self._reader.warn("calendar folder %s: skipping %s", self._path, error)
                continue
            if len(data) > MAX_FILE_BYTES:
                self._reader.warn(
                    "calendar folder %s: skipping %s: larger than %d MiB",
                    self._path,
                    path.name,
                    MAX_FILE_BYTES // 2**20,
                )
                continue
            yield Document(str(path), data)


def _is_calendar_file(entry: os.DirEntry[str]) -> bool:
    """A visible .ics file (vdirsyncer writes its temporary files hidden)."""
    if entry.name.startswith(".") or not entry.name.lower().endswith(".ics"):
        return False
    try:
        return entry.is_file()
    except OSError:  # a broken link
        return False
