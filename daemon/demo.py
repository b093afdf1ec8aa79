"""The embedded sample for `followup demo`: a calendar whose times are relative to now, the
profile and promises of its user, and the debrief they write after the panel.

It holds what a real week of job hunting looks like: a panel interview that
just ended (two interviewers, a room, a coordinator who only scheduled it),
an interview from yesterday whose invite is HTML, one from the day before
whose deadline has passed, a phone screen whose note the demo sends for you
(`SENT_UID`), one still to come, one you declined, one that was cancelled, a
mock interview, a team meeting, and a call that is possibly an interview
(`POSSIBLE_UID`), for you to track or ignore. After the first cycle the demo
writes `PANEL_DEBRIEF`, as `followup debrief` would keep it, and the panel's
drafts are rewritten with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

DEMO_ZONE = ZoneInfo("Europe/Berlin")
YOU_NAME = "Alex Rivera"
YOU_EMAIL = "alex@example.com"
PANEL_UID = "demo-panel@example.com"
SENT_UID = "demo-sent@example.com"
POSSIBLE_UID = "demo-possible@example.com"


STRENGTHS = (
    "eight years of building payment systems",
    "a habit of writing clear design docs",
)
PROMISES = {"portfolio": "https://alex-rivera.example/portfolio"}
PANEL_DEBRIEF = """\
[Priya Raman]
Topics: moving the ledger to event sourcing; idempotent retries

[José Müller]
Topics: the rate limiter exercise
Promised: send my portfolio
"""


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
            PANEL_UID,
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
            description=_schedule(at - 1.5 * hour),
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
                "<p>Agenda:</p><ul><li>your background</li><li>scaling the build farm</li></ul>"
                "<p>Join: <a href='https://meet.example.com/abc'>video call</a></p>"
                "<p>Promised: send my write-up on the payment retries design</p>"
            ),
        ),
        _event(
            "demo-overdue@example.com",
            "Hooli – Phone Screen",
            at - 31 * hour,
            at - 30 * hour,
            organizer=_Guest("dana.white@hooli.example", "Dana White"),
            guests=[_YOU, _Guest("dana.white@hooli.example", "Dana White")],
            description="Role: Data Engineer",  # no notes: its draft asks for a topic
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


def _schedule(start: datetime) -> str:
    """The panel's invite as an applicant tracking system writes it: who, when, what."""
    half = timedelta(minutes=30)
    times = [(start + n * half).strftime("%H:%M") for n in range(4)]
    return (
        "Hi Alex,\n\nHere is your schedule for the Senior Backend Engineer role at Acme.\n\n"
        f"{times[0]} – {times[1]} System design with Priya Raman (Engineering Manager)\n"
        f"{times[1]} – {times[2]} Coding with José Müller (Staff Engineer)\n"
        f"{times[2]} – {times[3]} Your questions, with both\n\n"
        "Good luck!\nAcme Recruiting"
    )


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
