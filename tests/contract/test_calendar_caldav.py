"""The shared CalendarSource contract, for CalDAV: Radicale over http, Xandikos over https."""

from __future__ import annotations

import urllib.parse

import pytest
from caldav_servers import PASSWORD, USER, Server
from calendar_contract import CalendarContract, Meeting
from meeting_ics import meeting_file

from connectors.caldav import CaldavCalendar


class TestCaldavContract(CalendarContract):
    @pytest.fixture(params=["radicale", "xandikos"])
    def calendar(self, request: pytest.FixtureRequest) -> CaldavCalendar:
        self.server: Server = request.getfixturevalue(request.param)
        self.url = self.server.new_calendar()
        return CaldavCalendar(
            "contract",
            self.url,
            username=USER,
            password=lambda: PASSWORD,
            ca_file=self.server.ca_file,
        )

    def add(self, meeting: Meeting) -> None:
        name = urllib.parse.quote(meeting.uid, safe="") + ".ics"
        self.server.dav().put(self.url + name, meeting_file(meeting))
