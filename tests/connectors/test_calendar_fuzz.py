"""Generated calendars fed to the calendar connectors: iCalendar text built from VEVENTs with
random properties and values (times of every form and year, rules, date lists, guests,
nested and unclosed components, odd encodings), and Google `events.list` items and pages
of random JSON. Whatever they hold, a read ends in events or one ConnectorError, soon.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from calendar_mutants import GOOD, GOOD_UID, WINDOW, google_item, vtimezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_calendar_mutants import google

from connectors import google_calendar, ics
from connectors.google_calendar import event_from_google
from connectors.ics import IcsCalendar, OverBudgetError
from daemon.core.model import Event
from daemon.core.protocols import ConnectorError

# The limits, plus the longest step that cannot look at the clock, on a busy machine.
ICS_SECONDS = ics.MAX_READ_SECONDS + 10
ZONES = ["Europe/Berlin", "America/New_York", "Pacific/Kiritimati", "W. Europe Standard Time"]
ODD_ZONES = ["Nowhere/Atlantis", "../../etc/passwd", "Custom/" + "Long_Name" * 40, "", "UTC"]

LOW, HIGH = (moment.replace(tzinfo=None) for moment in WINDOW)
near = st.datetimes(LOW - timedelta(days=30), HIGH + timedelta(days=30))
anytime = st.datetimes(datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59))
moments = st.one_of(near, anytime)


def stamp(moment: datetime) -> str:
    return (
        f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"
        f"T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}"
    )


@st.composite
def time_values(draw: st.DrawFn) -> tuple[str, str]:
    """The parameters and the value of a DTSTART, DTEND or RECURRENCE-ID, in any form."""
    moment = draw(moments)
    form = draw(st.sampled_from(["utc", "floating", "zone", "odd zone", "date", "garbage"]))
    if form == "utc":
        return "", stamp(moment) + "Z"
    if form == "floating":
        return "", stamp(moment)
    if form in ("zone", "odd zone"):
        zone = draw(st.sampled_from(ZONES if form == "zone" else ODD_ZONES))
        return f";TZID={zone}", stamp(moment)
    if form == "date":
        return ";VALUE=DATE", stamp(moment)[:8]
    return "", draw(st.text(st.characters(codec="ascii"), max_size=20))


def time_line(name: str) -> st.SearchStrategy[str]:
    return time_values().map(lambda pv: f"{name}{pv[0]}:{pv[1]}")


def date_list(name: str) -> st.SearchStrategy[str]:
    return st.lists(time_values(), min_size=1, max_size=40).map(
        lambda values: f"{name}{values[0][0]}:" + ",".join(v for _, v in values)
    )


def numbers(low: int, high: int) -> st.SearchStrategy[str]:
    return st.lists(st.integers(low, high), min_size=1, max_size=8).map(
        lambda ns: ",".join(map(str, ns))
    )


RULE_PARTS = {
    "INTERVAL": st.integers(-2, 1000).map(str),
    "COUNT": st.integers(-5, 10**10).map(str),
    "UNTIL": time_values().map(lambda pv: pv[1]),
    "BYSECOND": numbers(-1, 61),
    "BYMINUTE": numbers(-1, 61),
    "BYHOUR": numbers(-1, 25),
    "BYDAY": st.lists(
        st.tuples(st.sampled_from(["", "1", "-1", "5", "53"]), st.sampled_from(["MO", "TU", "SU"])),
        min_size=1,
        max_size=7,
    ).map(lambda days: ",".join(n + d for n, d in days)),
    "BYMONTHDAY": numbers(-32, 32),
    "BYYEARDAY": numbers(-367, 367),
    "BYWEEKNO": numbers(-54, 54),
    "BYMONTH": numbers(0, 13),
    "BYSETPOS": numbers(-367, 367),
    "WKST": st.sampled_from(["MO", "SU", "XX"]),
}
FREQUENCIES = ["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY", "NEVER"]


@st.composite
def rrules(draw: st.DrawFn) -> str:
    names = draw(st.lists(st.sampled_from(sorted(RULE_PARTS)), max_size=4, unique=True))
    parts = [f"FREQ={draw(st.sampled_from(FREQUENCIES))}"]
    parts += [f"{name}={draw(RULE_PARTS[name])}" for name in names]
    return "RRULE:" + ";".join(parts)


texts = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\r\n"), max_size=60)
guests = st.builds(
    lambda n, cn, status: f"ATTENDEE;CN={cn};PARTSTAT={status}:mailto:guest{n}@acme.example",
    st.integers(0, 10**6),
    st.text(st.characters(codec="ascii", exclude_characters=':;,"\r\n'), max_size=20),
    st.sampled_from(["ACCEPTED", "DECLINED", "DELEGATED", "NEEDS-ACTION", "X-ODD"]),
)
PROPERTIES = st.one_of(
    time_line("DTEND"),
    st.sampled_from(["PT45M", "-PT1H", "P1000D", "PT0S", "P1W", "soon"]).map("DURATION:{}".format),
    rrules(),
    date_list("RDATE"),
    date_list("EXDATE"),
    time_line("RECURRENCE-ID"),
    time_line("RECURRENCE-ID;RANGE=THISANDFUTURE"),
    texts.map("SUMMARY:{}".format),
    texts.map("DESCRIPTION:{}".format),
    st.sampled_from(["CONFIRMED", "CANCELLED", "TENTATIVE"]).map("STATUS:{}".format),
    st.lists(guests, max_size=80).map("\r\n".join),
    st.integers(1, 12).map(lambda d: "\r\n".join(["BEGIN:X-IN"] * d + ["END:X-IN"] * d)),
    st.just("BEGIN:VALARM\r\nTRIGGER:-PT15M\r\nACTION:DISPLAY\r\nEND:VALARM"),
    st.just("BEGIN:VALARM"),  # never closed
    st.text(st.characters(exclude_categories=["Cs"]), max_size=60).map("X-JUNK:{}".format),
)
SANE_RULES = st.builds(
    "RRULE:FREQ={};{}".format,
    st.sampled_from(["DAILY", "WEEKLY", "MONTHLY"]),
    st.sampled_from(["COUNT=5", "INTERVAL=2", "BYDAY=MO,WE,FR", "UNTIL=20261231T000000Z"]),
)


@st.composite
def sane_times(draw: st.DrawFn) -> list[str]:
    """DTSTART and DTEND of an event near the window, in UTC or in Berlin."""
    start = draw(near)
    end = start + timedelta(minutes=draw(st.sampled_from([30, 45, 60, 90])))
    if draw(st.booleans()):
        return [f"DTSTART:{stamp(start)}Z", f"DTEND:{stamp(end)}Z"]
    zone = ";TZID=Europe/Berlin"
    return [f"DTSTART{zone}:{stamp(start)}", f"DTEND{zone}:{stamp(end)}"]


@st.composite
def vevents(draw: st.DrawFn) -> str:
    uid = f"fuzz-{draw(st.integers(0, 3))}@fuzz.example"  # the same UID: a series and its changes
    times = draw(st.one_of(sane_times(), time_line("DTSTART").map(lambda t: [t]), st.just([])))
    rules = draw(st.lists(SANE_RULES, max_size=1))
    lines = draw(st.lists(PROPERTIES, max_size=4))
    end = draw(st.sampled_from(["END:VEVENT"] * 5 + [""]))
    return "\r\n".join(["BEGIN:VEVENT", f"UID:{uid}", *times, *rules, *lines, end]).strip()


BERLIN = vtimezone("Europe/Berlin")


@st.composite
def ics_calendars(draw: st.DrawFn) -> bytes:
    """A calendar whose first event is the fine interview, then random ones."""
    header = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//fuzz//EN"]
    header += draw(
        st.lists(st.sampled_from([*ZONES, *ODD_ZONES]), max_size=1).map(
            lambda zones: [f"X-WR-TIMEZONE:{z}" for z in zones]
        )
    )
    zones = draw(
        st.sampled_from([[], [BERLIN], ["BEGIN:VTIMEZONE\r\nTZID:Empty\r\nEND:VTIMEZONE"]])
    )
    events = draw(st.lists(vevents(), min_size=1, max_size=6))
    text = "\r\n".join([*header, *zones, GOOD, *events, "END:VCALENDAR"]) + "\r\n"
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-16", "cp1252"]))
    return text.encode(encoding, errors="replace")


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(ics_calendars())
def test_any_generated_calendar_reads_to_events_or_one_connector_error(data: bytes) -> None:
    calendar = IcsCalendar("fuzz", url="https://c.example/x", fetch=lambda *_: data, default_tz=UTC)

    started = time.monotonic()
    try:
        events = calendar.events(*WINDOW)
    except OverBudgetError as error:  # only its time can run out: each event is bounded
        assert "reading it takes longer than" in str(error)
        events = []
    assert time.monotonic() - started < ICS_SECONDS

    assert all(isinstance(e, Event) for e in events)
    assert all(len(e.attendees) <= ics.MAX_ATTENDEES for e in events)
    assert all(timedelta(0) < e.end - e.start <= ics.MAX_EVENT_LENGTH for e in events)
    assert not events or GOOD_UID in {e.uid for e in events}


# --- Google ----------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
offsets = st.integers(-14 * 60, 14 * 60).map(
    lambda m: f"{'+' if m >= 0 else '-'}{abs(m) // 60:02d}:{abs(m) % 60:02d}"
)
iso_times = st.one_of(
    st.tuples(anytime, st.sampled_from(["Z", ""]) | offsets).map(
        lambda mo: mo[0].isoformat() + mo[1]
    ),
    st.text(max_size=30),
    json_values,
)
google_moments = st.fixed_dictionaries(
    {"dateTime": iso_times},
    optional={"timeZone": st.sampled_from(ZONES + ODD_ZONES) | json_values, "date": json_values},
)
google_people = st.fixed_dictionaries(
    {},
    optional={
        "email": st.emails() | json_values,
        "displayName": st.text(max_size=20) | json_values,
        "responseStatus": st.sampled_from(["accepted", "declined", "needsAction"]) | json_values,
        "self": st.booleans() | json_values,
        "resource": st.booleans() | json_values,
        "optional": st.booleans() | json_values,
    },
)
google_items = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "id": st.text(max_size=10) | json_values,
            "iCalUID": st.text(max_size=10) | json_values,
            "summary": st.text(max_size=30) | json_values,
            "description": st.text(max_size=30) | json_values,
            "start": google_moments | json_values,
            "end": google_moments | json_values,
            "originalStartTime": google_moments | json_values,
            "attendees": st.lists(google_people | json_values, max_size=120) | json_values,
            "organizer": google_people | json_values,
            "status": st.sampled_from(["confirmed", "cancelled", "tentative"]) | json_values,
            "eventType": st.sampled_from(["default", "outOfOffice"]) | json_values,
        },
    ),
    json_values,
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(google_items, st.sampled_from([None, UTC]))
def test_any_google_item_is_an_event_or_one_connector_error(item: Any, zone: Any) -> None:
    started = time.monotonic()
    try:
        event = event_from_google(item, "google:primary", zone)
    except ConnectorError as error:
        assert "\n" not in str(error)
        event = None
    assert time.monotonic() - started < 1

    if event is not None:
        assert len(event.attendees) <= google_calendar.MAX_ATTENDEES
        assert timedelta(0) < event.end - event.start <= google_calendar.MAX_EVENT_LENGTH


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.one_of(st.lists(google_items, max_size=5).map(lambda i: {"items": i}), json_values),
        min_size=1,
        max_size=3,
    )
)
def test_any_google_page_reads_to_events_or_one_connector_error(pages: list[Any]) -> None:
    pages = [*pages, {"items": [google_item()]}]
    try:
        events = google(*pages).events(*WINDOW)
    except ConnectorError as error:
        assert str(error).startswith("Google calendar primary: ")
        return
    assert all(isinstance(e, Event) for e in events)
