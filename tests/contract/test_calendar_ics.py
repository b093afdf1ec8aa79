"""The shared CalendarSource contract, for ICS files."""

from __future__ import annotations

from pathlib import Path

import pytest
from calendar_contract import CalendarContract, Meeting
from meeting_ics import empty_calendar, meeting_event

from connectors.ics import IcsCalendar


class TestIcsContract(CalendarContract):
    @pytest.fixture
    def calendar(self, tmp_path: Path) -> IcsCalendar:
        self.path = tmp_path / "calendar.ics"
        self.ics = empty_calendar()
        self._write()
        return IcsCalendar("contract", path=self.path)

    def add(self, meeting: Meeting) -> None:
        self.ics.add_component(meeting_event(meeting))
        self._write()

    def _write(self) -> None:
        self.ics.add_missing_timezones()
        self.path.write_bytes(self.ics.to_ical())
