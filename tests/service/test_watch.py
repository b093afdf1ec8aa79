"""The loop watches a calendar file: an interview added after it ended is drafted seconds
after the change, not at the next periodic cycle. Both clocks are injected."""

from __future__ import annotations

import time
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from daemon.config import parse_settings
from daemon.demo import sample_calendar
from daemon.loop import Daemon, Watch
from daemon.notify import Notifier

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
CONFIG = (
    '[you]\nname = "Alex Rivera"\nemail = "alex@example.com"\n\n'
    '[[calendar]]\nkind = "ics"\nname = "demo"\npath = "calendar.ics"\n\n'
    '[drafts]\nkind = "maildir"\npath = "Drafts"\n\n[state]\ndir = "state"\n'
)
EMPTY = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n"


class Clocks:
    """A wall clock and a monotonic clock that only move when told."""

    def __init__(self) -> None:
        self.wall = NOW
        self.mono = 1000.0

    def advance(self, seconds: float) -> None:
        self.wall += timedelta(seconds=seconds)
        self.mono += seconds


def daemon_on(tmp_path: Path, clocks: Clocks) -> Daemon:
    settings = parse_settings(tomllib.loads(CONFIG), source="test", base=tmp_path)
    return Daemon(
        lambda: settings, lambda: clocks.wall, Notifier({}), monotonic=lambda: clocks.mono
    )


def wake(daemon: Daemon, clocks: Clocks) -> None:
    daemon.after_wake(clocks.wall, time.monotonic())


def drafts(tmp_path: Path) -> int:
    folder = tmp_path / "Drafts" / "cur"
    return len(list(folder.iterdir())) if folder.is_dir() else 0


def test_an_interview_added_after_it_ended_is_drafted_at_the_next_look(tmp_path: Path) -> None:
    (tmp_path / "calendar.ics").write_bytes(EMPTY)
    clocks = Clocks()
    daemon = daemon_on(tmp_path, clocks)
    daemon.requests.ask_cycle()
    wake(daemon, clocks)  # the first cycle: nothing to draft
    assert daemon.sleep_seconds() <= 2  # the loop wakes to look at the file

    (tmp_path / "calendar.ics").write_bytes(sample_calendar(NOW))  # interviews that ended
    clocks.advance(1)
    wake(daemon, clocks)
    assert drafts(tmp_path) == 0  # not looked at yet
    clocks.advance(1)
    wake(daemon, clocks)

    assert drafts(tmp_path) == 5  # two seconds after the change, far before the next cycle


def test_an_unchanged_file_runs_no_cycle(tmp_path: Path, caplog) -> None:
    (tmp_path / "calendar.ics").write_bytes(sample_calendar(NOW))
    clocks = Clocks()
    daemon = daemon_on(tmp_path, clocks)
    daemon.requests.ask_cycle()
    wake(daemon, clocks)
    caplog.set_level("INFO")

    for _ in range(30):  # a minute of looks
        clocks.advance(2)
        wake(daemon, clocks)

    assert "changed; checking it now" not in caplog.text


class Source:
    def __init__(self, name: str, every: float) -> None:
        self.name = name
        self.watch_seconds = every
        self.looks = 0
        self.changes: list[bool] = []

    def events(self, start: datetime, end: datetime) -> list[object]:
        return []

    def changed(self) -> bool:
        self.looks += 1
        return self.changes.pop(0) if self.changes else False


def test_each_calendar_is_looked_at_on_its_own_period() -> None:
    now = [0.0]
    watch = Watch(lambda: now[0])
    file, feed = Source("file", 2), Source("feed", 60)
    file.changes = [False, True]
    seen = []

    for second in range(0, 121):
        now[0] = float(second)
        seen += [(second, name) for name in watch.changed([file, feed])]

    assert seen == [(4, "file")]
    assert (file.looks, feed.looks) == (60, 2)
    now[0] = 121.0
    assert watch.seconds_to_look([file, feed]) == 1.0
