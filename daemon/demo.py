"""The embedded sample for `followup demo`: a calendar whose times are relative to now.

It holds what a real week of job hunting looks like: a panel interview that
just ended (two interviewers, a room, a coordinator who only scheduled it),
an interview from yesterday whose invite is HTML, one from the day before
whose deadline has passed, a phone screen whose note the demo sends for you
(`SENT_UID`), one still to come, one you declined, one that was cancelled, a
mock interview, a team meeting, and a call that is possibly an interview
(`POSSIBLE_UID`), for you to track or ignore.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

DEMO_ZONE = ZoneInfo("Europe/Berlin")
YOU_NAME = "Alex Rivera"
YOU_EMAIL = "alex@example.com"
SENT_UID = "demo-sent@example.com"
POSSIBLE_UID = "demo-possible@example.com"


@dataclass(frozen=True)
class _Guest:
    email: str
    name: str
    partstat: str = "ACCEPTED"
    cutype: str = "INDIVIDUAL"


_YOU = _Guest(YOU_EMAIL, YOU_NAME)


def sample_calendar(now: datetime) -> bytes:
    """The demo calendar as iCalendar bytes, with every time relative to `now`."""
    at = now.astimezone(DEMO_ZONE).replace(second=0, microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", "-//interview-followup//demo//EN")
    calendar.add("version", "2.0")
    for event in _events(at):
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def _events(at: datetime) -> list[Event]:
    hour = timedelta(hours=1)
    return [
        _event(
            "demo-panel@example.com",
            "Acme <> Alex – Technical Screen",
            at - 1.5 * hour,
            at - timedelta(minutes=30),
            organizer=_Guest("scheduling@acme.example", "Acme Recruiting"),
            guests=[
                _YOU,
                _Guest("priya.raman@acme.example", "Priya Raman"),
                _Guest("jose.muller@acme.example", "José Müller"),
                _Guest("room-everest@acme.example", "Everest (6)", cutype="ROOM"),
            ],
            description=(
                "Role: Senior Backend Engineer\n"
                "Interviewers: Priya Raman, José Müller\n"
                "Topics: the move to event sourcing; how the team shares on-call\n"
                "Promised: send my write-up on the payment retries design"
            ),
        ),
        _event(
            "demo-hm@example.com",
            "Interview with Globex – Hiring Manager",
            at - 21 * hour,
            at - 20 * hour,
            organizer=_Guest("sam.taylor@globex.example", "Sam Taylor"),
            guests=[_YOU],
            description=(
                "<p><b>Role:</b> Platform Engineer</p>"
                "<p>Topics: scaling the build farm</p>"
                "<p>Join: <a href='https://meet.example.com/abc'>video call</a></p>"
            ),
        ),
        _event(
            "demo-overdue@example.com",
            "Hooli – Phone Screen",
            at - 31 * hour,
            at - 30 * hour,
            organizer=_Guest("dana.white@hooli.example", "Dana White"),
            guests=[_YOU, _Guest("dana.white@hooli.example", "Dana White")],
            description="Role: Data Engineer\nTopics: streaming joins",
        ),
        _event(
            SENT_UID,
            "Interview with Vandelay – Recruiter Call",
            at - 7 * hour,
            at - 6.5 * hour,
            organizer=_Guest("art.vandelay@vandelay.example", "Art Vandelay"),
            guests=[_YOU, _Guest("art.vandelay@vandelay.example", "Art Vandelay")],
            description="Role: Import/Export Analyst\nTopics: latex supply chains\n"
            "They'll decide by Friday.",
        ),
        _event(
            "demo-upcoming@example.com",
            "Initech – Onsite Interview",
            at + 3 * hour,
            at + 5 * hour,
            organizer=_Guest("lena.park@initech.example", "Lena Park"),
            guests=[_YOU, _Guest("lena.park@initech.example", "Lena Park")],
        ),
        _event(
            "demo-declined@example.com",
            "Umbrella – Phone Screen",
            at - 3 * hour,
            at - 2.5 * hour,
            organizer=_Guest("kai.jones@umbrella.example", "Kai Jones"),
            guests=[_Guest(YOU_EMAIL, YOU_NAME, partstat="DECLINED")],
        ),
        _event(
            "demo-cancelled@example.com",
            "Pied Piper Technical Interview",
            at - 2 * hour,
            at - 1 * hour,
            organizer=_Guest("richard@piedpiper.example", "Richard Hendricks"),
            guests=[_YOU, _Guest("richard@piedpiper.example", "Richard Hendricks")],
            cancelled=True,
        ),
        _event(
            "demo-mock@example.com",
            "Mock interview with Jordan",
            at - 5 * hour,
            at - 4 * hour,
            organizer=_YOU,
            guests=[_YOU, _Guest("jordan@friends.example", "Jordan Lee")],
        ),
        _event(
            POSSIBLE_UID,
            "Alex / Jamie – Stark Industries",
            at - 4 * hour,
            at - 3.5 * hour,
            organizer=_Guest("jamie.chen@stark.example", "Jamie Chen"),
            guests=[_YOU, _Guest("jamie.chen@stark.example", "Jamie Chen")],
            description="Great to connect after your message. Talk soon!",
        ),
        _event(
            "demo-sync@example.com",
            "Weekly team sync",
            at - 2 * hour,
            at - 1.5 * hour,
            organizer=_Guest("maria@volunteer.example", "Maria Garcia"),
            guests=[_YOU, _Guest("maria@volunteer.example", "Maria Garcia")],
        ),
    ]


def _event(
    uid: str,
    title: str,
    start: datetime,
    end: datetime,
    *,
    organizer: _Guest,
    guests: list[_Guest],
    description: str = "",
    cancelled: bool = False,
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("summary", title)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("dtstamp", start)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if description:
        event.add("description", description)
    event.add("organizer", _address(organizer, role=False))
    for guest in guests:
        event.add("attendee", _address(guest, role=True), encode=False)
    return event


def _address(guest: _Guest, *, role: bool) -> vCalAddress:
    address = vCalAddress(f"mailto:{guest.email}")
    address.params["cn"] = vText(guest.name)
    if role:
        address.params["partstat"] = vText(guest.partstat)
        address.params["cutype"] = vText(guest.cutype)
    return address
