"""Detection on invites as they arrive, read through the ICS connector from scenario fixtures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from connectors.ics import IcsCalendar
from daemon.core.detect import finished_interviews
from daemon.core.model import Recipient, You

DATA = Path(__file__).parents[1] / "data" / "ics"


def interviews_in(fixture: str, you: You, now: datetime):
    calendar = IcsCalendar("fixture", path=DATA / fixture)
    events = calendar.events(now - timedelta(days=3), now + timedelta(days=1))
    return finished_interviews(
        events, you, now, grace=timedelta(minutes=10), lookback=timedelta(hours=48)
    )


def test_an_ats_invite_thanks_the_attending_interviewers_only():
    you = You("Alex Candidate", "alex@example.org")
    [interview] = interviews_in(
        "ats_greenhouse_invite.ics", you, datetime(2026, 4, 28, 18, 0, tzinfo=UTC)
    )
    # Priya is optional and tentative but named as an interviewer; Sam declined, Dana
    # delegated, Taylor only coordinates, the room and projector are resources.
    assert interview.recipients == (
        Recipient("jose.mueller@example.com", "José Müller"),
        Recipient("priya@example.com", "Priya Example"),
    )
    assert interview.role == "Senior Data Engineer"
    assert interview.company == "Example Labs"


def test_a_week_of_invites_yields_only_the_finished_interviews_you_attended():
    you = You("Alex Rivera", "alex@example.com")
    found = interviews_in(
        "system_week_ats_panel.ics", you, datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
    )
    assert sorted(i.event.uid for i in found) == [
        "hm-22@globex.example",
        "hostile-1@evil.example",
        "panel-7f3a@ats.example.com",
    ]
