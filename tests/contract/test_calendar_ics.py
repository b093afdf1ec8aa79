"""The shared CalendarSource contract, for ICS files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from calendar_contract import CalendarContract, Guest, Meeting
from icalendar import Calendar, Event, vCalAddress

from connectors.ics import IcsCalendar

_PARTSTAT = {"accepted": "ACCEPTED", "declined": "DECLINED", "tentative": "TENTATIVE"}


class TestIcsContract(CalendarContract):
    @pytest.fixture
    def calendar(self, tmp_path: Path) -> IcsCalendar:
        self.path = tmp_path / "calendar.ics"
        self.ics = Calendar()
        self.ics.add("prodid", "-//test//EN")
        self.ics.add("version", "2.0")
        self._write()
        return IcsCalendar("contract", path=self.path)

    def add(self, meeting: Meeting) -> None:
        event = Event()
        event.add("uid", meeting.uid)
        event.add("summary", meeting.title)
        event.add("dtstart", meeting.start)
        event.add("dtend", meeting.end)
        event.add("dtstamp", datetime(2026, 11, 1))
        event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
        if meeting.description:
            event.add("description", meeting.description)
        if meeting.organizer:
            event.add("organizer", _address(meeting.organizer), encode=False)
        for guest in meeting.guests:
            event.add("attendee", _address(guest), encode=False)
        self.ics.add_component(event)
        self._write()

    def _write(self) -> None:
        self.ics.add_missing_timezones()
        self.path.write_bytes(self.ics.to_ical())


def _address(guest: Guest) -> vCalAddress:
    address = vCalAddress(f"mailto:{guest.email}")
    address.params["cn"] = guest.name
    address.params["partstat"] = _PARTSTAT.get(guest.answer, "NEEDS-ACTION")
    address.params["cutype"] = "ROOM" if guest.room else "INDIVIDUAL"
    return address
