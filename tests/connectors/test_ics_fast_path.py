"""The fast paths of reading an ICS calendar give the events a full read gives.

A read parses only the events near the window and the series that can reach it,
and keeps what it found for later windows while the calendar is unchanged. On
generated calendars (series ending by COUNT or UNTIL or never, moved and
cancelled occurrences, EXDATEs, all-day events, time zones, folded lines, CRLF
or LF) its events are compared with those of a read that parses every event.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors import ics
from connectors.ics import IcsCalendar
from daemon.core.model import Event

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
WINDOW = (NOW - timedelta(hours=72), NOW + timedelta(days=1))
ZONES = ["", "Z", "Europe/Berlin", "America/New_York", "Asia/Tokyo"]


def stamp(moment: datetime, zone: str) -> str:
    """A DTSTART-like value (with its parameters) of a naive `moment` in `zone`."""
    text = moment.strftime("%Y%m%dT%H%M%S")
    if zone == "Z":
        return f":{text}Z"
    return f";TZID={zone}:{text}" if zone else f":{text}"


def fold(line: str) -> str:
    """The line folded every 30 characters, as a writer with short lines would."""
    return "\r\n ".join(line[i : i + 30] for i in range(0, len(line), 30)) or line


@st.composite
def series_events(draw: st.DrawFn, number: int) -> list[list[str]]:
    """A VEVENT, maybe a series with its moved and cancelled occurrences, as lines."""
    uid = f"uid-{number}@test"
    zone = draw(st.sampled_from(ZONES))
    base = NOW.replace(tzinfo=None) + timedelta(days=draw(st.integers(-400, 40)))
    start = base.replace(hour=draw(st.integers(0, 23)), minute=draw(st.sampled_from([0, 30])))
    if draw(st.integers(0, 9)) == 0:
        day = start.strftime("%Y%m%d")
        return [[f"UID:{uid}", f"DTSTART;VALUE=DATE:{day}", "SUMMARY:All day"]]
    minutes = draw(st.sampled_from([30, 60, 90]))
    master = [
        f"UID:{uid}",
        f"SUMMARY:Meeting {number} " + "with a long title " * draw(st.integers(0, 3)),
        f"DTSTART{stamp(start, zone)}",
        f"DTEND{stamp(start + timedelta(minutes=minutes), zone)}",
    ]
    if not draw(st.booleans()):
        return [master]
    frequency = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY"]))
    step = {"DAILY": timedelta(days=1), "WEEKLY": timedelta(weeks=1)}.get(frequency)
    rule = f"RRULE:FREQ={frequency};INTERVAL={draw(st.integers(1, 3))}"
    if draw(st.booleans()) and frequency != "MONTHLY":
        rule += ";BYDAY=" + ",".join(
            draw(st.lists(st.sampled_from(["MO", "WE", "FR"]), min_size=1, max_size=3, unique=True))
        )
    ending = draw(st.sampled_from(["count", "until", "until date", "never"]))
    if ending == "count":
        rule += f";COUNT={draw(st.integers(1, 80))}"
    elif ending.startswith("until"):
        until = start + timedelta(days=draw(st.integers(0, 500)))
        rule += (
            f";UNTIL={until:%Y%m%d}" if ending == "until date" else f";UNTIL={until:%Y%m%dT%H%M%SZ}"
        )
    master.append(rule)
    events = [master]
    if step is not None:
        instances = [start + step * k for k in range(0, 400, 7)]
        if draw(st.booleans()):
            skipped = draw(st.sampled_from(instances))
            master.append(f"EXDATE{stamp(skipped, zone)}")
        for original in draw(st.lists(st.sampled_from(instances), max_size=2, unique=True)):
            moved = original + timedelta(days=draw(st.integers(-30, 30)), hours=1)
            override = [
                f"UID:{uid}",
                "SUMMARY:Moved",
                f"RECURRENCE-ID{stamp(original, zone)}",
                f"DTSTART{stamp(moved, zone)}",
                f"DTEND{stamp(moved + timedelta(minutes=minutes), zone)}",
            ]
            if draw(st.integers(0, 3)) == 0:
                override.append("STATUS:CANCELLED")
            events.append(override)
    return events


@st.composite
def calendars(draw: st.DrawFn) -> bytes:
    """A calendar of generated events, in a shuffled order, with CRLF or LF line ends."""
    count = draw(st.integers(1, 12))
    blocks = [block for n in range(count) for block in draw(series_events(n))]
    blocks = draw(st.permutations(blocks))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    for block in blocks:
        lines += ["BEGIN:VEVENT", *(fold(line) for line in block), "END:VEVENT"]
    lines.append("END:VCALENDAR")
    end = draw(st.sampled_from(["\r\n", "\n"]))
    return (end.join(lines) + end).replace("\r\n ", end + " ").encode()


def full_read(path: Path, start: datetime, end: datetime) -> list[Event]:
    """The events a read that parses every event of the calendar finds."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ics._Splitter, "_may_matter", lambda _self, _event: True)
        return IcsCalendar("test", path=path).events(start, end)


def write(path: Path, data: bytes, seconds_ago: float = 60) -> None:
    """Write the calendar as if long enough ago for its stat to be trusted."""
    path.write_bytes(data)
    moment = NOW.timestamp() - seconds_ago
    os.utime(path, (moment, moment))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=calendars())
def test_reading_only_what_can_reach_the_window_finds_every_event(tmp_path: Path, data: bytes):
    path = tmp_path / "calendar.ics"
    write(path, data)

    fast = IcsCalendar("test", path=path).events(*WINDOW)

    assert fast == full_read(path, *WINDOW)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=calendars(), hours=st.integers(0, 24 * 10))
def test_a_later_window_of_an_unchanged_calendar_finds_what_a_new_read_finds(
    tmp_path: Path, data: bytes, hours: int
):
    path = tmp_path / "calendar.ics"
    write(path, data)
    calendar = IcsCalendar("test", path=path)
    calendar.events(*WINDOW)
    later = tuple(moment + timedelta(hours=hours) for moment in WINDOW)

    assert calendar.events(*later) == full_read(path, *later)
