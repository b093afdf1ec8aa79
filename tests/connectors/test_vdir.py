"""The vdir connector: a folder of .ics files read as one calendar, each file on its own."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from calendar_contract import PANEL, Meeting
from meeting_ics import (
    SERIES,
    SERIES_OCCURRENCES,
    SERIES_UID,
    SERIES_WINDOW,
    meeting_file,
    series_occurrences,
)

from connectors import vdir
from connectors.ics import OverBudgetError
from connectors.vdir import VdirCalendar
from daemon.core.protocols import ConnectorError

WINDOW = (datetime(2026, 11, 26, tzinfo=UTC), datetime(2026, 11, 28, tzinfo=UTC))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "calendars" / "work"
    path.mkdir(parents=True)
    return path


def test_a_missing_folder_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConnectorError, match=r"calendar folder .*nowhere: not found"):
        VdirCalendar("work", tmp_path / "nowhere").events(*WINDOW)


def test_a_file_where_the_folder_should_be_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "work.ics"
    path.write_bytes(meeting_file(PANEL))
    with pytest.raises(ConnectorError, match=r'is a file, not a folder .*kind = "ics"'):
        VdirCalendar("work", path).events(*WINDOW)


def test_a_broken_file_is_skipped_and_logged_while_the_others_are_read(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (folder / "panel.ics").write_bytes(meeting_file(PANEL))
    (folder / "broken.ics").write_bytes(b"<html>not a calendar</html>")
    (folder / "torn.ics").write_bytes(meeting_file(PANEL)[:300])
    caplog.set_level(logging.WARNING)
    events = VdirCalendar("work", folder).events(*WINDOW)
    assert [e.uid for e in events] == [PANEL.uid]
    warned = "\n".join(r.getMessage() for r in caplog.records)
    assert "broken.ics: not an iCalendar file" in warned


def test_hidden_files_other_files_and_folders_are_ignored(folder: Path) -> None:
    (folder / "panel.ics").write_bytes(meeting_file(PANEL))
    other = Meeting("other@example.com", "Other", PANEL.start, PANEL.end)
    (folder / ".panel.ics.tmp").write_bytes(meeting_file(other))
    (folder / ".hidden.ics").write_bytes(meeting_file(other))
    (folder / "other.txt").write_bytes(meeting_file(other))
    (folder / "displayname").write_text("Work")
    (folder / "sub.ics").mkdir()
    (folder / "sub.ics" / "other.ics").write_bytes(meeting_file(other))
    (folder / "dangling.ics").symlink_to(folder / "gone.ics")
    assert [e.uid for e in VdirCalendar("work", folder).events(*WINDOW)] == [PANEL.uid]


def test_a_series_and_its_moved_instance_in_one_file_are_read_as_one_series(folder: Path) -> None:
    (folder / "loop.ics").write_bytes(SERIES)
    events = VdirCalendar("work", folder).events(*SERIES_WINDOW)
    assert {e.uid for e in events} == {SERIES_UID}
    assert series_occurrences(events) == SERIES_OCCURRENCES
    assert all(str(e.start.tzinfo) == "Europe/Berlin" for e in events)


def test_thousands_of_files_far_from_now_are_read_quickly(folder: Path) -> None:
    old = meeting_file(PANEL)
    for number in range(3000):
        day = (PANEL.start - timedelta(days=400 + number)).strftime("%Y%m%d").encode()
        text = old.replace(PANEL.uid.encode(), b"old-%d" % number).replace(b"20261126", day)
        (folder / f"old-{number}.ics").write_bytes(text)
    (folder / "panel.ics").write_bytes(meeting_file(PANEL))
    began = time.monotonic()
    events = VdirCalendar("work", folder).events(*WINDOW)
    assert [e.uid for e in events] == [PANEL.uid]
    assert time.monotonic() - began < 10


def test_a_folder_with_too_many_files_is_refused(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vdir, "MAX_FILES", 5)
    for number in range(6):
        (folder / f"{number}.ics").write_bytes(meeting_file(PANEL))
    with pytest.raises(OverBudgetError, match=r"more than 5 \.ics files"):
        VdirCalendar("work", folder).events(*WINDOW)


def test_a_folder_larger_than_a_calendar_may_be_is_refused(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("connectors.ics.MAX_CALENDAR_BYTES", 4096)
    for number in range(10):
        other = Meeting(f"m{number}@example.com", "Meeting", PANEL.start, PANEL.end)
        (folder / f"{number}.ics").write_bytes(meeting_file(other))
    with pytest.raises(OverBudgetError, match="too much to read"):
        VdirCalendar("work", folder).events(*WINDOW)


def test_a_file_too_large_for_one_event_is_skipped(
    folder: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(vdir, "MAX_FILE_BYTES", 4096)
    (folder / "panel.ics").write_bytes(
        meeting_file(Meeting(PANEL.uid, "Short", PANEL.start, PANEL.end))
    )
    (folder / "huge.ics").write_bytes(meeting_file(PANEL) + b"X" * 8192)
    caplog.set_level(logging.WARNING)
    assert [e.uid for e in VdirCalendar("work", folder).events(*WINDOW)] == [PANEL.uid]
    assert any("huge.ics: larger than" in r.getMessage() for r in caplog.records)
