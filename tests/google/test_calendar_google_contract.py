"""The shared CalendarSource contract, for Google Calendar against the loopback fake."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from calendar_contract import CalendarContract, Guest, Meeting
from google_support import session_for, signed_in

from connectors.google_calendar import GoogleCalendar

_ANSWER = {"needs-action": "needsAction"}


class TestGoogleCalendarContract(CalendarContract):
    @pytest.fixture
    def calendar(self, google_fake, tmp_path) -> GoogleCalendar:
        self.fake = google_fake
        return GoogleCalendar(
            "contract", session_for(google_fake, signed_in(google_fake, tmp_path))
        )

    def add(self, meeting: Meeting) -> None:
        item = {
            "iCalUID": meeting.uid,
            "summary": meeting.title,
            "start": _when(meeting.start),
            "end": _when(meeting.end),
            "status": "cancelled" if meeting.cancelled else "confirmed",
            "attendees": [_guest(g) for g in meeting.guests],
        }
        if meeting.description:
            item["description"] = meeting.description
        if meeting.organizer:
            item["organizer"] = {
                "email": meeting.organizer.email,
                "displayName": meeting.organizer.name,
            }
        self.fake.add_event("primary", item)


def _when(moment: datetime | date) -> dict[str, str]:
    if not isinstance(moment, datetime):
        return {"date": moment.isoformat()}
    return {"dateTime": moment.isoformat(), "timeZone": str(moment.tzinfo)}


def _guest(guest: Guest) -> dict[str, object]:
    return {
        "email": guest.email,
        "displayName": guest.name,
        "responseStatus": _ANSWER.get(guest.answer, guest.answer),
        "resource": guest.room,
    }
