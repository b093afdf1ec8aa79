"""`followup check` says what to fix in words that fit the kind of calendar."""

from __future__ import annotations

from pathlib import Path

import pytest

from daemon.config import CalendarKind, CalendarSettings, DraftsSettings, MailboxKind, Settings
from daemon.core.model import You
from daemon.core.protocols import ConnectorError
from daemon.health import thorough_checks


def failing_read(_calendar: CalendarSettings) -> int:
    raise ConnectorError("calendar x: the server refused the sign-in (401)")


@pytest.mark.parametrize(
    ("calendar", "remedy"),
    [
        (
            CalendarSettings(CalendarKind.CALDAV, "work", url="https://dav.example.com/"),
            "`followup calendars` lists what the server holds",
        ),
        (
            CalendarSettings(CalendarKind.VDIR, "home", path=Path("/nowhere")),
            "the folder vdirsyncer keeps the .ics files in",
        ),
        (
            CalendarSettings(CalendarKind.ICS, "feed", url="https://example.com/secret.ics"),
            "a secret address may have been reset",
        ),
    ],
    ids=["caldav", "vdir", "ics url"],
)
def test_a_calendar_that_cannot_be_read_gets_the_remedy_of_its_kind(tmp_path, calendar, remedy):
    settings = Settings(
        You("Alex Rivera", "alex@example.com"),
        (calendar,),
        DraftsSettings(MailboxKind.MAILDIR, tmp_path / "Drafts"),
        tmp_path / "state",
    )
    [finding, *_] = thorough_checks(settings, lambda: None, failing_read, lambda: "")
    assert not finding.ok
    assert remedy in finding.remedy
