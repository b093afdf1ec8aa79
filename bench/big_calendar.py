"""A large, realistic, seeded iCalendar for the calendar benchmarks.

`big_calendar(events, now, seed)` writes a working life up to `now` (and a few
weeks beyond), 10,000 events in three years, and as busy whatever its size (a
larger calendar holds more years, as a person's does): single meetings on working days, 30 % of the
VEVENTs in weekly or daily series (most of them ended, some still running,
some moved or cancelled instances and EXDATEs), meetings in three time zones
plus floating and UTC times, all-day events, folded long lines, a few guests,
and a handful of interviews that have just finished.

Usage: python bench/big_calendar.py EVENTS OUT.ics [NOW]  (NOW in ISO 8601; default: now)
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ZONES = ("Europe/Berlin", "America/New_York", "Europe/London")
_VTIMEZONES = {
    "Europe/Berlin": ("+0100", "+0200", "CET", "CEST", "-1SU", "-1SU"),
    "Europe/London": ("+0000", "+0100", "GMT", "BST", "-1SU", "-1SU"),
    "America/New_York": ("-0500", "-0400", "EST", "EDT", "1SU", "2SU"),
}
_TITLES = (
    "Planning meeting",
    "Design review",
    "1:1 with Sam",
    "Quarterly business review",
    "Lunch with the team",
    "Dentist",
    "Customer call",
)
SERIES_SHARE = 0.3
EVENTS_A_YEAR = 10_000 / 3


def big_calendar(events: int, now: datetime, seed: int = 13) -> bytes:
    """A calendar of `events` VEVENTs ending a few weeks after `now`, the same for a seed."""
    rng = random.Random(seed)
    local = now.replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
    years = max(3.0, events / EVENTS_A_YEAR)
    first, last = local - timedelta(days=round(365 * years)), local + timedelta(days=21)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//interview-followup//bench//EN"]
    for zone in ZONES:
        lines += _vtimezone(zone)
    written = 0
    number = 0
    in_series = int(events * SERIES_SHARE)
    while written < in_series:
        number += 1
        block = _series(rng, number, first, last)
        lines += [line for event in block[: in_series - written] for line in event]
        written += min(len(block), in_series - written)
    interviews = min(5, events - written)
    for i in range(interviews):
        end = now - timedelta(minutes=20 + 30 * i)
        lines += _interview(i, end - timedelta(hours=1), end)
    written += interviews
    span = (last - first).total_seconds()
    while written < events:
        number += 1
        start = _working_hour(rng, first + timedelta(seconds=rng.uniform(0, span)))
        lines += _single(rng, number, start)
        written += 1
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) for line in lines).encode()


def _series(rng: random.Random, number: int, first: datetime, last: datetime) -> list[list[str]]:
    """A master and its moved or cancelled instances: one list of lines per VEVENT."""
    uid = f"series-{number}@bench.example"
    daily = rng.random() < 0.25
    start = _working_hour(rng, first + timedelta(days=rng.uniform(0, (last - first).days)))
    zone = rng.choice(ZONES)
    step = timedelta(days=1 if daily else 7)
    length = rng.choice((10, 15, 30) if daily else (30, 45, 60))
    rule = "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR" if daily else "FREQ=WEEKLY"
    ending = rng.random()
    if ending < 0.45:
        count = rng.randint(4, 40)
        rule += f";COUNT={count}"
        span = count
    elif ending < 0.95 or (last - start).days > 730:  # what still runs began lately
        span = rng.randint(4, 60)
        until = start + step * span
        rule += f";UNTIL={until.strftime('%Y%m%dT%H%M%SZ')}"
    else:
        span = int((last - start) / step)
    master = _vevent(uid, rng.choice(_TITLES), start, length, zone, rng)
    master.insert(-1, f"RRULE:{rule}")
    instances = [start + step * k for k in range(1, max(2, min(span, 60)))]
    excluded = rng.sample(instances, min(len(instances), rng.choice((0, 0, 1, 2))))
    if excluded:
        dates = ",".join(moment.strftime("%Y%m%dT%H%M%S") for moment in excluded)
        master.insert(-1, f"EXDATE;TZID={zone}:{dates}")
    block = [master]
    for original in rng.sample(instances, min(len(instances), rng.choice((0, 1, 2, 3)))):
        if original in excluded:
            continue
        moved = original + timedelta(hours=rng.choice((-2, 1, 3, 24)))
        override = _vevent(uid, "Moved: " + master[2][8:], moved, length, zone, rng)
        override.insert(-1, f"RECURRENCE-ID;TZID={zone}:{original.strftime('%Y%m%dT%H%M%S')}")
        block.append(override)
    return block


def _single(rng: random.Random, number: int, start: datetime) -> list[str]:
    uid = f"single-{number}@bench.example"
    if rng.random() < 0.05:
        day = start.strftime("%Y%m%d")
        following = (start + timedelta(days=1)).strftime("%Y%m%d")
        return [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            "SUMMARY:Holiday",
            f"DTSTART;VALUE=DATE:{day}",
            f"DTEND;VALUE=DATE:{following}",
            "DTSTAMP:20230101T000000Z",
            "END:VEVENT",
        ]
    kind = rng.random()
    zone = rng.choice(ZONES) if kind < 0.8 else ("UTC" if kind < 0.9 else "")
    return _vevent(uid, rng.choice(_TITLES), start, rng.choice((30, 45, 60, 90)), zone, rng)


def _interview(i: int, start: datetime, end: datetime) -> list[str]:
    return [
        "BEGIN:VEVENT",
        f"UID:interview-{i}@bench.example",
        f"SUMMARY:Company{i} – Technical Interview",
        f"DTSTART:{start.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}",
        f"DTEND:{end.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}",
        "DTSTAMP:20230101T000000Z",
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:alex@example.com",
        f"ATTENDEE;CN=Dana Interviewer;PARTSTAT=ACCEPTED:mailto:dana@company{i}.example",
        "END:VEVENT",
    ]


def _vevent(
    uid: str, title: str, start: datetime, minutes: int, zone: str, rng: random.Random
) -> list[str]:
    end = start + timedelta(minutes=minutes)
    if zone == "UTC":
        times = [f"DTSTART:{_utc(start)}", f"DTEND:{_utc(end)}"]
    elif zone:
        times = [f"DTSTART;TZID={zone}:{_local(start)}", f"DTEND;TZID={zone}:{_local(end)}"]
    else:
        times = [f"DTSTART:{_local(start)}", f"DTEND:{_local(end)}"]
    guests = [
        f"ATTENDEE;CN=Colleague {rng.randint(1, 400)};PARTSTAT=ACCEPTED:"
        f"mailto:colleague{rng.randint(1, 400)}@work.example"
        for _ in range(rng.randint(0, 2))
    ]
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"SUMMARY:{title}",
        *times,
        "DTSTAMP:20230101T000000Z",
        "DESCRIPTION:" + "Agenda: " + "; ".join(f"item {n}" for n in range(rng.randint(1, 8))),
        "LOCATION:Room 4.2",
        *guests,
        "END:VEVENT",
    ]


def _vtimezone(zone: str) -> list[str]:
    standard, daylight, std_name, dst_name, std_day, dst_day = _VTIMEZONES[zone]
    american = zone.startswith("America")
    return [
        "BEGIN:VTIMEZONE",
        f"TZID:{zone}",
        "BEGIN:DAYLIGHT",
        f"TZOFFSETFROM:{standard}",
        f"TZOFFSETTO:{daylight}",
        f"TZNAME:{dst_name}",
        "DTSTART:19700308T020000" if american else "DTSTART:19700329T020000",
        f"RRULE:FREQ=YEARLY;BYMONTH={3};BYDAY={dst_day}",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        f"TZOFFSETFROM:{daylight}",
        f"TZOFFSETTO:{standard}",
        f"TZNAME:{std_name}",
        "DTSTART:19701101T020000" if american else "DTSTART:19701025T030000",
        f"RRULE:FREQ=YEARLY;BYMONTH={11 if american else 10};BYDAY={std_day}",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]


def _working_hour(rng: random.Random, moment: datetime) -> datetime:
    day = moment
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day.replace(hour=rng.randint(8, 17), minute=rng.choice((0, 15, 30)), tzinfo=None)


def _local(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    """The line folded at 74 octets, as RFC 5545 asks (never inside a character here)."""
    data = line.encode()
    parts = [data[:74]] + [b" " + data[i : i + 73] for i in range(74, len(data), 73)]
    return "\r\n".join(part.decode() for part in parts) + "\r\n"


def main() -> None:
    """Write a calendar of argv[1] events around argv[3] (default: now) to argv[2]."""
    now = datetime.fromisoformat(sys.argv[3]) if len(sys.argv) > 3 else datetime.now(UTC)
    Path(sys.argv[2]).write_bytes(big_calendar(int(sys.argv[1]), now))


if __name__ == "__main__":
    main()
