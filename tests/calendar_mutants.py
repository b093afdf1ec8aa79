"""Hostile and careless calendars ("mutants") for the calendar connectors, and the window
they are read over.

`ICS_MUTANTS` maps a name to a function that builds an iCalendar file; every
file but the garbage ones also holds `GOOD`, one fine interview in the window,
so a reader can check what survives beside the mutant. `GOOGLE_MUTANTS` maps a
name to one `events.list` item. `tests/connectors/test_calendar_mutants.py`
feeds them to the connectors; `bench/calendar_mutants.py` measures each one's
time and peak memory.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
WINDOW = (NOW - timedelta(days=3), NOW + timedelta(days=1))  # as a cycle reads, by default
GOOD_UID = "good@mutants.example"
EVERY_MINUTE = ",".join(str(n) for n in range(60))
EVERY_HOUR = ",".join(str(n) for n in range(24))


def vevent(uid: str, *lines: str, start: str = "20261125T140000Z", end: str = "") -> str:
    """One VEVENT; without `end` or a DURATION, it ends an hour after a UTC `start`."""
    times = [f"DTSTART:{start}"] if start else []
    if start and not end and not any(line.startswith("DURATION") for line in lines):
        end = f"{datetime.strptime(start, '%Y%m%dT%H%M%SZ') + timedelta(hours=1):%Y%m%dT%H%M%SZ}"
    if end:
        times.append(f"DTEND:{end}")
    return "\r\n".join(
        ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20261101T000000Z", *times, *lines, "END:VEVENT"]
    )


GOOD = vevent(
    GOOD_UID,
    "SUMMARY:Interview – Backend Engineer at Acme",
    "ORGANIZER;CN=Priya Raman:mailto:priya@acme.example",
    "ATTENDEE;CN=Priya Raman;PARTSTAT=ACCEPTED:mailto:priya@acme.example",
    "ATTENDEE;CN=Alex Rivera;PARTSTAT=ACCEPTED:mailto:alex@example.com",
)


def vcalendar(*components: str) -> str:
    body = "\r\n".join(components)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//mutants//EN\r\n{body}\r\nEND:VCALENDAR\r\n"


def with_good(*components: str) -> bytes:
    return vcalendar(GOOD, *components).encode("utf-8")


def _unclosed_event() -> bytes:
    unclosed = "BEGIN:VEVENT\r\nUID:unclosed@mutants.example\r\nDTSTART:20261125T160000Z"
    return with_good(unclosed)


def _unclosed_event_in_a_broken_file() -> bytes:
    """The same, where a TZID too long for icalendar makes every event be parsed alone."""
    broken = vevent(
        "long-tzid@m", "DTSTART;TZID=" + "Long_Name" * 40 + ":20261125T100000", start=""
    )
    unclosed = "BEGIN:VEVENT\r\nUID:unclosed@mutants.example\r\nDTSTART:20261125T160000Z"
    return with_good(broken, unclosed)


def _long_hourly() -> bytes:
    return with_good(
        vevent(
            "long-hourly@m", "RRULE:FREQ=HOURLY", start="20200101T100000Z", end="20300101T110000Z"
        )
    )


def _long_byminute() -> bytes:
    rule = f"RRULE:FREQ=HOURLY;BYMINUTE={EVERY_MINUTE}"
    return with_good(
        vevent("long-byminute@m", rule, start="20240101T100000Z", end="20280101T100000Z")
    )


def _long_daily_byminute() -> bytes:
    rule = f"RRULE:FREQ=DAILY;BYHOUR={EVERY_HOUR};BYMINUTE={EVERY_MINUTE}"
    return with_good(vevent("long-daily@m", rule, "DURATION:P3650D", start="20200101T000000Z"))


def _every_minute() -> bytes:
    rule = f"RRULE:FREQ=HOURLY;BYMINUTE={EVERY_MINUTE}"
    return with_good(
        vevent("every-minute@m", rule, start="20261120T100000Z", end="20261120T103000Z")
    )


def _every_second() -> bytes:
    rule = f"RRULE:FREQ=DAILY;BYHOUR={EVERY_HOUR};BYMINUTE={EVERY_MINUTE};BYSECOND={EVERY_MINUTE}"
    return with_good(
        vevent("every-second@m", rule, start="20261101T100000Z", end="20261101T100100Z")
    )


def _hourly_since_year_one() -> bytes:
    return with_good(
        vevent("year-one@m", "RRULE:FREQ=HOURLY", start="00010101T100000Z", end="00010101T110000Z")
    )


def _huge_count() -> bytes:
    rule = "RRULE:FREQ=HOURLY;COUNT=2000000000"
    return with_good(vevent("count@m", rule, start="19700101T100000Z", end="19700101T103000Z"))


def _huge_until() -> bytes:
    daily = vevent(
        "until-daily@m",
        "RRULE:FREQ=DAILY;UNTIL=99991231T235959Z",
        start="19000101T090000Z",
        end="19000101T093000Z",
    )
    hourly = vevent(
        "until-hourly@m",
        "RRULE:FREQ=HOURLY;UNTIL=99991231T235959Z",
        start="19900101T090000Z",
        end="19900101T093000Z",
    )
    return with_good(daily, hourly)


def _dates(count: int, first: datetime, step: timedelta) -> str:
    return ",".join(f"{first + step * n:%Y%m%dT%H%M%SZ}" for n in range(count))


def _rdate_list() -> bytes:
    rdates = "RDATE:" + _dates(100_000, datetime(2026, 1, 1, tzinfo=UTC), timedelta(minutes=5))
    return with_good(vevent("rdates@m", rdates, start="20260101T000000Z", end="20260101T000500Z"))


def _rdate_lines() -> bytes:
    first = datetime(2026, 11, 20, tzinfo=UTC)
    lines = [f"RDATE:{first + timedelta(seconds=n):%Y%m%dT%H%M%SZ}" for n in range(100_000)]
    return with_good(
        vevent("rdate-lines@m", *lines, start="20261120T000000Z", end="20261120T010000Z")
    )


def _exdate_storm() -> bytes:
    exdates = "EXDATE:" + _dates(100_000, datetime(2000, 1, 1, 9, tzinfo=UTC), timedelta(days=1))
    rule = "RRULE:FREQ=DAILY"
    return with_good(
        vevent("exdates@m", rule, exdates, start="20000101T090000Z", end="20000101T100000Z")
    )


def _small_exdate_storm() -> bytes:
    exdates = "EXDATE:" + _dates(9_000, datetime(2000, 1, 1, 9, tzinfo=UTC), timedelta(days=1))
    rule = "RRULE:FREQ=DAILY"
    return with_good(
        vevent("exdates@m", rule, exdates, start="20000101T090000Z", end="20000101T100000Z")
    )


def _many_attendees() -> bytes:
    guests = [
        f"ATTENDEE;CN=Guest {n};PARTSTAT=ACCEPTED:mailto:g{n}@acme.example" for n in range(20_000)
    ]
    return with_good(
        vevent("crowd@m", "SUMMARY:Interview – crowd", *guests, start="20261125T160000Z")
    )


def _deep_nesting_in_event() -> bytes:
    depth = 10_000
    nested = "\r\n".join(["BEGIN:X-NEST"] * depth + ["END:X-NEST"] * depth)
    return with_good(vevent("nested@m", nested, start="20261125T160000Z", end="20261125T170000Z"))


def _deep_nesting_of_calendars() -> bytes:
    depth = 10_000
    return with_good("\r\n".join(["BEGIN:VCALENDAR"] * depth + ["END:VCALENDAR"] * depth))


def _file_of(size: int) -> bytes:
    line = b"X-PAD:" + b"x" * 1000 + b"\r\n"
    return with_good() + line * (size // len(line))


def _hundred_megabytes() -> bytes:
    return _file_of(100 * 2**20)


def _meetings(count: int, first: datetime, step: timedelta, notes: str = "") -> list[str]:
    return [
        vevent(
            f"meeting-{n}@m",
            f"SUMMARY:Meeting {n}",
            *([f"DESCRIPTION:{notes}"] if notes else []),
            start=f"{first + step * n:%Y%m%dT%H%M%SZ}",
            end=f"{first + step * n + timedelta(minutes=30):%Y%m%dT%H%M%SZ}",
        )
        for n in range(count)
    ]


def _years_of_history() -> bytes:
    """Nineteen MiB of past meetings: big, but none of it near now."""
    notes = "Agenda and notes of the meeting, with who said what. " * 8
    return with_good(
        *_meetings(33_000, datetime(2010, 1, 1, tzinfo=UTC), timedelta(hours=3), notes)
    )


def _notes_near_now() -> bytes:
    """Six MiB of meetings with long notes near now: more than is parsed of one calendar."""
    notes = "Agenda and notes of the meeting, with who said what. " * 8
    return with_good(*_meetings(12_000, WINDOW[0], timedelta(minutes=1), notes))


def _crowded_window() -> bytes:
    """Eleven thousand short meetings near now: more than one calendar may hold there."""
    return with_good(*_meetings(11_000, WINDOW[0], timedelta(minutes=1)))


def _at_the_limit_meetings() -> bytes:
    """As many short meetings near now as one calendar may hold there: the most it parses."""
    return with_good(*_meetings(5_500, WINDOW[0], timedelta(minutes=1)))


def _at_the_limit_panels() -> bytes:
    """Panels of fifty near now, as many as one calendar may hold: many guests to read."""
    guests = [
        f"ATTENDEE;CN=Guest {n};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:g{n}@acme.example"
        for n in range(50)
    ]
    start = WINDOW[0]
    return with_good(
        *(
            vevent(f"panel-{n}@m", *guests, start=f"{start + timedelta(minutes=n):%Y%m%dT%H%M%SZ}")
            for n in range(700)
        )
    )


def _at_the_limit_exdates() -> bytes:
    """Weekly series with long EXDATE lists, as many dates as one calendar may hold."""
    exdates = "EXDATE:" + _dates(2_400, datetime(2015, 1, 1, 9, tzinfo=UTC), timedelta(days=1))
    return with_good(
        *(
            vevent(f"excepted-{n}@m", "RRULE:FREQ=WEEKLY", exdates, start="20150101T090000Z")
            for n in range(16)
        )
    )


def _at_the_limit_steps() -> bytes:
    """Hourly series that each walk just under the most dates one series may: the most a
    calendar's expansion keeps in memory."""
    return with_good(
        *(vevent(f"walker-{n}@m", "RRULE:FREQ=HOURLY", start="20210901T000000Z") for n in range(4))
    )


def _many_hourly_series() -> bytes:
    return with_good(
        *(
            vevent(
                f"hourly-{n}@m",
                "RRULE:FREQ=HOURLY",
                start="20261101T000000Z",
                end="20261101T003000Z",
            )
            for n in range(200)
        )
    )


def _binary_garbage() -> bytes:
    return random.Random(7).randbytes(2**20)


def _garbage_in_an_event() -> bytes:
    noise = random.Random(8).randbytes(4096).replace(b"\n", b" ")
    broken = vevent("garbage@m", "X-NOISE:@", start="20261125T160000Z", end="20261125T170000Z")
    return with_good(broken).replace(b"X-NOISE:@", b"X-NOISE:" + noise)


def _utf16() -> bytes:
    return vcalendar(GOOD).encode("utf-16")


def _latin1() -> bytes:
    return vcalendar(GOOD.replace("Backend Engineer", "José Müller")).encode("cp1252")


def _year_one() -> bytes:
    berlin = (
        "DTSTART;TZID=Europe/Berlin:00010101T000000\r\nDTEND;TZID=Europe/Berlin:00010101T010000"
    )
    return with_good(
        vevent("year-one-utc@m", start="00010101T000000Z", end="00010101T010000Z"),
        vevent("year-one-berlin@m", berlin, start=""),
        vevent(
            "year-one-daily@m", "RRULE:FREQ=DAILY", start="00010101T100000Z", end="00010101T110000Z"
        ),
    )


def _year_9999() -> bytes:
    kiritimati = "DTSTART;TZID=Pacific/Kiritimati:99991231T230000"  # UTC+14
    return with_good(
        vevent("year-9999@m", "RRULE:FREQ=YEARLY", "DURATION:PT2H", start="99991231T230000Z"),
        vevent("year-9999-end@m", start="99991231T230000Z", end="99991231T235959Z"),
        vevent("year-9999-daily@m", "RRULE:FREQ=DAILY", start="99991230T100000Z"),
        vevent("year-9999-tz@m", kiritimati, "RRULE:FREQ=DAILY", start="", end="99991231T235959Z"),
    )


def _unknown_tzid() -> bytes:
    zone = "BEGIN:VTIMEZONE\r\nTZID:Empty/Zone\r\nEND:VTIMEZONE"
    return with_good(
        zone,
        vevent(
            "atlantis@m",
            "DTSTART;TZID=Nowhere/Atlantis:20261125T100000",
            start="",
            end="20261125T110000Z",
        ),
        vevent(
            "empty-zone@m",
            "DTSTART;TZID=Empty/Zone:20261125T100000",
            start="",
            end="20261125T110000Z",
        ),
    )


def vtimezone(tzid: str) -> str:
    """A VTIMEZONE of central European rules under the name `tzid`."""
    return "\r\n".join(
        [
            "BEGIN:VTIMEZONE",
            f"TZID:{tzid}",
            "BEGIN:STANDARD",
            "DTSTART:19701025T030000",
            "TZOFFSETFROM:+0200",
            "TZOFFSETTO:+0100",
            "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
            "END:STANDARD",
            "BEGIN:DAYLIGHT",
            "DTSTART:19700329T020000",
            "TZOFFSETFROM:+0100",
            "TZOFFSETTO:+0200",
            "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
            "END:DAYLIGHT",
            "END:VTIMEZONE",
        ]
    )


def _one_broken_tzid() -> bytes:
    """One TZID too long for a file name breaks icalendar's parse of the whole file, so every
    event is parsed alone; 4,000 of them near now, with 8 zones, must not take long."""
    broken = vevent(
        "long-tzid@m", "DTSTART;TZID=" + "Long_Name" * 40 + ":20261125T100000", start=""
    )
    zoned = vevent(
        "zoned@m", "DTSTART;TZID=Zone/3:20261125T100000", start="", end="20261125T100000Z"
    )
    meetings = _meetings(4_000, WINDOW[0], timedelta(minutes=1))
    return with_good(*(vtimezone(f"Zone/{n}") for n in range(8)), broken, zoned, *meetings)


def _impossible_rules() -> bytes:
    return with_good(
        vevent(
            "feb-30@m",
            "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
            start="20260101T100000Z",
            end="20260101T110000Z",
        ),
        vevent(
            "feb-31@m",
            "RRULE:FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=31",
            start="00010101T100000Z",
            end="00010101T110000Z",
        ),
        vevent(
            "weekday@m",
            "RRULE:FREQ=DAILY;INTERVAL=7;BYDAY=TU",
            start="20261123T100000Z",
            end="20261123T110000Z",
        ),
    )


def _far_this_and_future() -> bytes:
    core = vevent("moved@m", "RRULE:FREQ=HOURLY", start="20261101T100000Z", end="20261101T103000Z")
    change = vevent(
        "moved@m",
        "RECURRENCE-ID;RANGE=THISANDFUTURE:20261110T100000Z",
        start="20311110T100000Z",
        end="20311110T103000Z",
    )
    return with_good(core, change)


def _daily_series_since_year_one(count: int) -> bytes:
    return with_good(
        *(
            vevent(
                f"old-{n}@m", "RRULE:FREQ=DAILY", start="00010101T100000Z", end="00010101T110000Z"
            )
            for n in range(count)
        )
    )


def _slow_to_read() -> bytes:
    """Many series each walked a hundred thousand days before they are given up: slow."""
    return _daily_series_since_year_one(400)


ICS_MUTANTS: dict[str, Callable[[], bytes]] = {
    "unclosed VEVENT": _unclosed_event,
    "unclosed VEVENT in a file icalendar cannot parse": _unclosed_event_in_a_broken_file,
    "long DTEND + HOURLY": _long_hourly,
    "long DTEND + BYMINUTE": _long_byminute,
    "long DURATION + DAILY BYHOUR BYMINUTE": _long_daily_byminute,
    "every minute": _every_minute,
    "every second": _every_second,
    "HOURLY since year 1": _hourly_since_year_one,
    "huge COUNT": _huge_count,
    "UNTIL year 9999": _huge_until,
    "RDATE list of 100k": _rdate_list,
    "RDATE lines of 100k": _rdate_lines,
    "EXDATE storm of 100k": _exdate_storm,
    "EXDATE storm of 9k": _small_exdate_storm,
    "20,000 attendees": _many_attendees,
    "10,000 nested components in an event": _deep_nesting_in_event,
    "10,000 nested calendars": _deep_nesting_of_calendars,
    "100 MB file": _hundred_megabytes,
    "19 MiB of history": _years_of_history,
    "12,000 meetings with notes near now": _notes_near_now,
    "11,000 meetings near now": _crowded_window,
    "200 hourly series": _many_hourly_series,
    "5,500 meetings near now (at the limit)": _at_the_limit_meetings,
    "700 panels of 50 near now (at the limit)": _at_the_limit_panels,
    "16 series with 2,400 EXDATEs (at the limit)": _at_the_limit_exdates,
    "4 hourly series since Sep 2021 (at the limit)": _at_the_limit_steps,
    "binary garbage": _binary_garbage,
    "binary garbage in an event": _garbage_in_an_event,
    "UTF-16": _utf16,
    "Windows-1252": _latin1,
    "year 1": _year_one,
    "year 9999": _year_9999,
    "unknown TZID": _unknown_tzid,
    "4,000 events, 8 zones and a TZID too long": _one_broken_tzid,
    "rules no date fits": _impossible_rules,
    "THISANDFUTURE moved 5 years": _far_this_and_future,
    "400 DAILY series since year 1": _slow_to_read,
}
# What a read of each mutant ends in: the fine interview still read ("good"), or the
# whole calendar refused with a ConnectorError naming a limit ("refused").
REFUSED = {
    "100 MB file",
    "12,000 meetings with notes near now",
    "11,000 meetings near now",
    "200 hourly series",
    "binary garbage",
    "400 DAILY series since year 1",
}


def google_item(**fields: Any) -> dict[str, Any]:
    """A fine `events.list` item of an interview in the window, with `fields` changed."""
    item: dict[str, Any] = {
        "id": "good1",
        "iCalUID": GOOD_UID,
        "summary": "Interview – Backend Engineer at Acme",
        "start": {"dateTime": "2026-11-25T14:00:00Z"},
        "end": {"dateTime": "2026-11-25T15:00:00Z"},
        "organizer": {"email": "priya@acme.example", "displayName": "Priya Raman"},
        "attendees": [
            {"email": "priya@acme.example", "responseStatus": "accepted"},
            {"email": "alex@example.com", "self": True, "responseStatus": "accepted"},
        ],
    }
    return item | fields


def _nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


GOOGLE_MUTANTS: dict[str, Any] = {
    "20,000 attendees": google_item(
        attendees=[{"email": f"g{n}@acme.example"} for n in range(20_000)]
    ),
    "ten years long": google_item(end={"dateTime": "2036-11-25T15:00:00Z"}),
    "ends before it starts": google_item(end={"dateTime": "2026-11-25T13:00:00Z"}),
    "start is text": google_item(start="tomorrow"),
    "start missing": {k: v for k, v in google_item().items() if k != "start"},
    "dateTime is garbage": google_item(start={"dateTime": "yesterday at noon"}),
    "dateTime is a number": google_item(start={"dateTime": 1_764_000_000}),
    "year 1 east of UTC": google_item(
        start={"dateTime": "0001-01-01T00:00:00+14:00", "timeZone": "UTC"},
        end={"dateTime": "0001-01-01T01:00:00+14:00"},
    ),
    "year 9999 west of UTC": google_item(
        start={"dateTime": "9999-12-31T22:00:00-12:00", "timeZone": "Pacific/Kiritimati"},
        end={"dateTime": "9999-12-31T23:00:00-12:00"},
    ),
    "unknown timeZone": google_item(
        start={"dateTime": "2026-11-25T14:00:00", "timeZone": "Nowhere/Atlantis"}
    ),
    "timeZone a path": google_item(
        start={"dateTime": "2026-11-25T14:00:00Z", "timeZone": "../../../etc/passwd"}
    ),
    "timeZone a number": google_item(start={"dateTime": "2026-11-25T14:00:00Z", "timeZone": 1}),
    "attendees is text": google_item(attendees="everyone"),
    "attendee is text": google_item(attendees=["priya@acme.example"]),
    "responseStatus is a list": google_item(
        attendees=[{"email": "p@a.example", "responseStatus": []}]
    ),
    "status is a dict": google_item(status={"cancelled": True}),
    "organizer is text": google_item(organizer="priya@acme.example"),
    "originalStartTime is garbage": google_item(originalStartTime={"dateTime": "soon"}),
    "summary nested 100,000 deep": google_item(summary=_nested(100_000)),
    "item is a list": [google_item()],
    "item is null": None,
}
