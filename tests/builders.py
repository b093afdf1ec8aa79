"""Small builders for the daemon's model values, so tests say only what matters to them."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from daemon.core.checkins import CheckInRules
from daemon.core.compose import Writer
from daemon.core.detect import interview_of, judge, knowledge_of
from daemon.core.model import Event, EventStatus, Interview, Person, ResponseStatus, You
from daemon.core.plan import Drafting
from daemon.core.reminders import ReminderRules
from daemon.templates import shipped_template

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 26, 15, 0, tzinfo=BERLIN)
YOU = You(name="Alex Rivera", email="alex@example.com")
ME = Person("alex@example.com", "Alex Rivera", ResponseStatus.ACCEPTED)


def person(email: str, name: str = "", **flags: object) -> Person:
    """An attendee who accepted, unless `flags` say otherwise."""
    values: dict[str, object] = {"response": ResponseStatus.ACCEPTED} | flags
    return Person(email, name, **values)  # type: ignore[arg-type]


def event(
    title: str = "Acme <> Alex – Technical Screen",
    *,
    ended_ago: timedelta = timedelta(minutes=30),
    length: timedelta = timedelta(hours=1),
    attendees: tuple[Person, ...] = (ME, person("priya.raman@acme.example", "Priya Raman")),
    organizer: Person | None = None,
    description: str = "",
    status: EventStatus = EventStatus.CONFIRMED,
    uid: str = "uid-1@example.com",
    now: datetime = NOW,
) -> Event:
    """A timed event that ended `ended_ago` before `now`."""
    end = now - ended_ago
    return Event(
        source="test",
        uid=uid,
        title=title,
        start=end - length,
        end=end,
        occurrence=None,
        description=description,
        organizer=organizer,
        attendees=attendees,
        status=status,
    )


def writer(**fields: object) -> Writer:
    """The writer of the shipped warm templates, for YOU, unless `fields` say otherwise."""
    values: dict[str, object] = {
        "you": YOU,
        "template": shipped_template("thank-you"),
        "check_in": shipped_template("check-in"),
    }
    return Writer(**(values | fields))  # type: ignore[arg-type]


def drafting(
    reminders: ReminderRules | None = None, check_ins: CheckInRules | None = None, **fields: object
) -> Drafting:
    """The rules of a 24-hour deadline with reminders 6 h and 2 h before it."""
    return Drafting(writer(**fields), 24, reminders or ReminderRules((6, 2)), check_ins)


def onsite(description: str = "Onsite for the Senior Backend Engineer role at Acme.") -> Event:
    """A two-person panel at Acme that ended half an hour before `NOW`."""
    return event(
        "Acme – Onsite interview",
        attendees=(
            ME,
            person("priya.raman@acme.example", "Priya Raman"),
            person("jose.muller@acme.example", "José Müller"),
        ),
        description=description,
    )


def interview_from(invite: Event, debrief: str = "") -> Interview:
    """The interview the detector makes of `invite` alone, with the user's debrief."""
    return interview_of(judge(invite, knowledge_of([invite], YOU)), YOU, debrief=debrief)
