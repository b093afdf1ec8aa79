"""Contract `Meeting`s written as iCalendar, the way a calendar file or server stores them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from calendar_contract import Guest, Meeting
from icalendar import Calendar, Event, vCalAddress

_PARTSTAT = {"accepted": "ACCEPTED", "declined": "DECLINED", "tentative": "TENTATIVE"}


def empty_calendar() -> Calendar:
    """A VCALENDAR with its required properties and nothing in it."""
    calendar = Calendar()
    calendar.add("prodid", "-//test//EN")
    calendar.add("version", "2.0")
    return calendar


def meeting_event(meeting: Meeting) -> Event:
    """The VEVENT of `meeting`."""
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
    return event


def meeting_file(meeting: Meeting) -> bytes:
    """`meeting` alone in a VCALENDAR with the time zones it uses: one vdir file, one
    CalDAV resource."""
    calendar = empty_calendar()
    calendar.add_component(meeting_event(meeting))
    calendar.add_missing_timezones()
    data: bytes = calendar.to_ical()
    return data


def _address(guest: Guest) -> vCalAddress:
    address = vCalAddress(f"mailto:{guest.email}")
    address.params["cn"] = guest.name
    address.params["partstat"] = _PARTSTAT.get(guest.answer, "NEEDS-ACTION")
    address.params["cutype"] = "ROOM" if guest.room else "INDIVIDUAL"
    return address


SERIES_UID = "loop@acme.example"
SERIES = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VTIMEZONE\r
TZID:Europe/Berlin\r
BEGIN:DAYLIGHT\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
TZNAME:CEST\r
DTSTART:19700329T020000\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
TZNAME:CET\r
DTSTART:19701025T030000\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
END:STANDARD\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
UID:loop@acme.example\r
DTSTAMP:20261001T000000Z\r
DTSTART;TZID=Europe/Berlin:20261102T100000\r
DTEND;TZID=Europe/Berlin:20261102T110000\r
RRULE:FREQ=WEEKLY;COUNT=5\r
EXDATE;TZID=Europe/Berlin:20261116T100000\r
SUMMARY:Acme interview loop\r
ATTENDEE;CN=Priya Raman;PARTSTAT=ACCEPTED:mailto:priya@acme.example\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:loop@acme.example\r
DTSTAMP:20261001T000000Z\r
RECURRENCE-ID;TZID=Europe/Berlin:20261123T100000\r
DTSTART;TZID=Europe/Berlin:20261124T150000\r
DTEND;TZID=Europe/Berlin:20261124T160000\r
SUMMARY:Acme interview loop (moved)\r
ATTENDEE;CN=Priya Raman;PARTSTAT=ACCEPTED:mailto:priya@acme.example\r
END:VEVENT\r
END:VCALENDAR\r
"""
"""A weekly series in Berlin, Mondays at 10:00 from 2 November 2026, five times: the
16th left out (EXDATE), the 23rd moved to Tuesday the 24th at 15:00 (RECURRENCE-ID)."""

SERIES_WINDOW = (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
SERIES_OCCURRENCES = [
    # (original start in UTC, start in UTC, title)
    (
        datetime(2026, 11, 2, 9, tzinfo=UTC),
        datetime(2026, 11, 2, 9, tzinfo=UTC),
        "Acme interview loop",
    ),
    (
        datetime(2026, 11, 9, 9, tzinfo=UTC),
        datetime(2026, 11, 9, 9, tzinfo=UTC),
        "Acme interview loop",
    ),
    (
        datetime(2026, 11, 23, 9, tzinfo=UTC),
        datetime(2026, 11, 24, 14, tzinfo=UTC),
        "Acme interview loop (moved)",
    ),
    (
        datetime(2026, 11, 30, 9, tzinfo=UTC),
        datetime(2026, 11, 30, 9, tzinfo=UTC),
        "Acme interview loop",
    ),
]
"""What `SERIES` holds in `SERIES_WINDOW`, as every source must report it."""


def series_occurrences(events: Iterable[Any]) -> list[tuple[datetime, datetime, str]]:
    """The instances among `events` in the shape of SERIES_OCCURRENCES."""
    return [
        (e.occurrence.astimezone(UTC), e.start.astimezone(UTC), e.title)
        for e in events
        if e.occurrence
    ]
