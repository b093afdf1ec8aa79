"""What an idle daemon costs, in one table: figure | us | baseline | ratio.

Usage: python bench/run.py [--events 10000] [--large 50000] [--idle-seconds 120]
                           [--tracked 200] [--account-drafts 500]

Calendar rows: the seeded calendars of `big_calendar.py`, each read measured in
a child process of its own (`ics_bench.py`, for its ru_maxrss), against the
bare parse and expansion of the same window (icalendar + recurring-ical-events)
in the same run. Latency: `followup run` on the demo calendar, an ended
interview added to the file, until its draft appears, against the periodic
cycle it waited for before. Idle: `followup run` sampled for `--idle-seconds`
(3600 for a full hour) on the demo calendar and on the large one. Google rows
come from `google_requests.py`, whose `rows()` gives the same shape.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from big_calendar import big_calendar
from google_requests import rows as google_rows
from ics_bench import NOW
from idle_bench import CONFIG, idle

from daemon.demo import sample_calendar

BENCH = Path(__file__).parent
Row = tuple[str, float, float, str]
"""(figure, our value, the baseline's value, unit), as `google_requests.rows()` gives them."""
CHECK_EVERY_SECONDS = 5 * 60  # the default `[interviews] check_every_minutes`


def read(mode: str, calendar: Path) -> dict[str, float]:
    """One read of `calendar` measured in a child process: seconds, events, rss_mib."""
    done = subprocess.run(
        [sys.executable, str(BENCH / "ics_bench.py"), mode, str(calendar)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def calendar_rows(events: int, large: int, root: Path) -> list[Row]:
    """The ICS rows: unchanged and changed reads against the bare parse."""
    paths = {}
    for size in (events, large):
        paths[size] = root / f"calendar-{size}.ics"
        # Written by a child: a child inherits the peak RSS of the process it is forked from.
        script = str(BENCH / "big_calendar.py")
        command = [sys.executable, script, str(size), str(paths[size]), NOW.isoformat()]
        subprocess.run(command, check=True)
        old = time.time() - 3600  # an old file, as a calendar mostly is
        os.utime(paths[size], (old, old))
    bare = {size: read("bare", path) for size, path in paths.items()}
    changed = {size: read("changed", path) for size, path in paths.items()}
    unchanged, feed = read("unchanged", paths[events]), read("feed", paths[events])
    base, big = bare[events], bare[large]
    n, m = f"{events:,}", f"{large:,}"
    return [
        (f"ICS {n} events, unchanged file: read", unchanged["seconds"], base["seconds"], "s"),
        (f"ICS {n} events, unchanged feed (304): read", feed["seconds"], base["seconds"], "s"),
        (f"ICS {n} events, changed: read", changed[events]["seconds"], base["seconds"], "s"),
        (f"ICS {n} events, changed: peak RSS", changed[events]["rss_mib"], base["rss_mib"], "MiB"),
        (f"ICS {m} events, changed: read", changed[large]["seconds"], big["seconds"], "s"),
        (f"ICS {m} events, changed: peak RSS", changed[large]["rss_mib"], big["rss_mib"], "MiB"),
        (
            f"ICS peak RSS, {m} events against {n}",
            changed[large]["rss_mib"],
            changed[events]["rss_mib"],
            "MiB",
        ),
    ]


def latency_row() -> Row:
    """Seconds from adding an ended interview to the calendar file to its draft."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        calendar = root / "calendar.ics"
        calendar.write_bytes(sample_calendar(datetime.now(UTC)))
        config = CONFIG.replace("check_every_minutes = 1", "check_every_minutes = 5")
        (root / "config.toml").write_text(config, encoding="utf-8")
        daemon = subprocess.Popen(
            [sys.executable, "-m", "daemon", "run", "--config", str(root / "config.toml")],
            stderr=subprocess.DEVNULL,
            env=os.environ | {"HOME": tmp},
        )
        drafts = root / "Drafts" / "cur"
        try:
            _wait_for(drafts, 5)
            changed = time.monotonic()
            calendar.write_bytes(_with_late_interview(calendar.read_bytes()))
            _wait_for(drafts, 6)
            seconds = time.monotonic() - changed
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=30)
    return ("draft after an ended interview is added", seconds, CHECK_EVERY_SECONDS, "s")


def _wait_for(drafts: Path, count: int) -> None:
    deadline = time.monotonic() + CHECK_EVERY_SECONDS + 60
    while not (drafts.is_dir() and len(list(drafts.iterdir())) >= count):
        if time.monotonic() > deadline:
            raise RuntimeError(f"no {count} drafts appeared")
        time.sleep(0.05)


def _with_late_interview(calendar: bytes) -> bytes:
    ended = datetime.now(UTC) - timedelta(minutes=15)
    event = (
        "BEGIN:VEVENT\r\nUID:added-late@bench.example\r\nSUMMARY:Initech – Final Interview\r\n"
        f"DTSTART:{ended - timedelta(hours=1):%Y%m%dT%H%M%SZ}\r\n"
        f"DTEND:{ended:%Y%m%dT%H%M%SZ}\r\n"
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:alex@example.com\r\n"
        "ATTENDEE;CN=Bill Lumbergh;PARTSTAT=ACCEPTED:mailto:bill@initech.example\r\n"
        "END:VEVENT\r\n"
    ).encode()
    return calendar.replace(b"END:VCALENDAR", event + b"END:VCALENDAR")


def idle_rows(seconds: float, events: int) -> list[Row]:
    """RSS and CPU of `followup run` idling on the demo calendar and on a large one."""
    interval = max(1.0, min(5.0, seconds / 20))
    now = datetime.now(UTC)
    demo = idle(seconds, interval, sample_calendar(now))
    large = idle(seconds, interval, big_calendar(events, now))
    n = f"{events:,}"
    return [
        ("idle RSS, demo: last sample against first", demo.rss[-1], demo.rss[0], "MiB"),
        ("idle CPU, demo: per hour against one core", demo.cpu_per_hour, 3600, "s"),
        (f"idle RSS, {n} events: last sample against first", large.rss[-1], large.rss[0], "MiB"),
        (f"idle RSS, {n} events against demo", max(large.rss), max(demo.rss), "MiB"),
        (f"idle CPU, {n} events against demo", large.cpu_per_hour, demo.cpu_per_hour, "s/h"),
    ]


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table, ratios to three places."""
    lines = ["| figure | us | baseline | ratio |", "|---|---|---|---|"]
    for figure, ours, baseline, unit in rows:
        ratio = f"{ours / baseline:.3f}×" if baseline else "–"
        lines.append(f"| {figure} | {ours:.4g} {unit} | {baseline:.4g} {unit} | {ratio} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=50_000)
    parser.add_argument("--idle-seconds", type=float, default=120)
    parser.add_argument("--tracked", type=int, default=200, help="pending drafts, watched notes")
    parser.add_argument("--account-drafts", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = calendar_rows(args.events, args.large, Path(tmp))
    rows.append(latency_row())
    rows += idle_rows(args.idle_seconds, args.events)
    # Last: the Google fake grows this process, and a child started after it would count
    # this process's memory as its own peak.
    rows = google_rows(args.tracked, args.tracked, args.account_drafts) + rows
    print(f"idle rows sampled over {args.idle_seconds:g} s, a cycle every minute")
    print(table(rows))


if __name__ == "__main__":
    main()
