"""The shared CalendarSource contract, for a vdir (one .ics file per event)."""

from __future__ import annotations

from pathlib import Path

import pytest
from calendar_contract import CalendarContract, Meeting
from meeting_ics import meeting_file

from connectors.vdir import VdirCalendar


class TestVdirContract(CalendarContract):
    @pytest.fixture
    def calendar(self, tmp_path: Path) -> VdirCalendar:
        self.folder = tmp_path / "calendars" / "work"
        self.folder.mkdir(parents=True)
        return VdirCalendar("contract", self.folder)

    def add(self, meeting: Meeting) -> None:
        (self.folder / f"{meeting.uid}.ics").write_bytes(meeting_file(meeting))
