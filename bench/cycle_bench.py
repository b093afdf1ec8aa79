"""Measure one daemon cycle on a large synthetic calendar and print the figures.

Usage: python bench/cycle_bench.py [--events N] [--series N] [--interviews N]

The calendar mixes single events, weekly recurring series with two years of
history (so expansion has work to do) and finished panel interviews with three
interviewers each. It prints the time to read the calendar, the first cycle
(drafting every note into a Maildir), a second cycle (nothing new to do, the
daemon's steady state), `status`, and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from icalendar import Calendar, Event, vCalAddress

from connectors.ics import IcsCalendar
from daemon.config import CalendarKind, CalendarSettings, DraftsSettings, MailboxKind, Settings
from daemon.core.model import You
from daemon.core.status import status_rows
from daemon.cycle import run_cycle
from daemon.wiring import build_runtime

T = TypeVar("T")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
YOU = You("Alex Rivera", "alex@example.com")


def synthetic_calendar(events: int, series: int, interviews: int) -> bytes:
    """A calendar of `events` meetings, `series` weekly series and `interviews` panels."""
    calendar = Calendar()
    calendar.add("prodid", "-//interview-followup//bench//EN")
    calendar.add("version", "2.0")
    for i in range(events):
        start = NOW - timedelta(days=30) + timedelta(hours=3 * i)
        calendar.add_component(_event(f"m{i}", "Planning meeting", start, []))
    for i in range(series):
        start = NOW - timedelta(days=730) + timedelta(hours=i)
        event = _event(f"s{i}", "Weekly team sync", start, [])
        event.add("rrule", {"freq": "weekly"})
        calendar.add_component(event)
    for i in range(interviews):
        start = NOW - timedelta(hours=40) + timedelta(minutes=20 * i)
        guests = [f"interviewer{i}.{n}@company{i}.example" for n in range(3)]
        calendar.add_component(_event(f"i{i}", f"Company{i} – Technical Interview", start, guests))
    return bytes(calendar.to_ical())


def _event(uid: str, title: str, start: datetime, guests: list[str]) -> Event:
    event = Event()
    event.add("uid", f"{uid}@bench.example")
    event.add("summary", title)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(hours=1))
    event.add("dtstamp", start)
    for address in ["alex@example.com", *guests]:
        attendee = vCalAddress(f"mailto:{address}")
        attendee.params["partstat"] = "ACCEPTED"
        event.add("attendee", attendee, encode=False)
    return event


def timed(label: str, action: Callable[[], T]) -> T:
    """Run `action` once and print how long it took."""
    started = time.perf_counter()
    result = action()
    print(f"{label:<42} {(time.perf_counter() - started) * 1000:9.1f} ms")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--series", type=int, default=100)
    parser.add_argument("--interviews", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = synthetic_calendar(args.events, args.series, args.interviews)
        (root / "calendar.ics").write_bytes(data)
        print(
            f"calendar: {len(data) / 1024:.0f} KiB, {args.events} events, "
            f"{args.series} weekly series, {args.interviews} panels of 3"
        )
        settings = Settings(
            you=YOU,
            calendars=(CalendarSettings(CalendarKind.ICS, "bench", path=root / "calendar.ics"),),
            drafts=DraftsSettings(MailboxKind.MAILDIR, root / "Drafts"),
            state_dir=root / "state",
        )
        source = IcsCalendar("bench", path=root / "calendar.ics")
        window = (NOW - timedelta(hours=72), NOW + timedelta(days=1))
        events = timed("read + expand the calendar (72 h window)", lambda: source.events(*window))
        print(f"{'  occurrences in the window':<42} {len(events):9d}")
        runtime = build_runtime(settings)

        def cycle() -> object:
            return run_cycle(NOW, runtime)

        timed("first cycle (drafts every note)", cycle)
        drafts = len(list((root / "Drafts" / "cur").iterdir()))
        print(f"{'  drafts written':<42} {drafts:9d}")
        timed("second cycle (nothing new: steady state)", cycle)
        records = runtime.ledger.records().values()
        drafting = runtime.drafting
        timed("status rows", lambda: status_rows(records, NOW, {}, drafting))
        runtime.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak RSS of this process':<42} {peak:9.1f} MiB")


if __name__ == "__main__":
    main()
