"""The loop catches up when the wall clock jumps ahead of the monotonic one (a suspend)."""

from __future__ import annotations

import time
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from daemon.config import parse_settings
from daemon.core.protocols import ConnectorError
from daemon.demo import sample_calendar
from daemon.loop import Daemon
from daemon.notify import Notifier

CONFIG = (
    '[you]\nname = "Alex Rivera"\nemail = "alex@example.com"\n\n'
    '[[calendar]]\nkind = "ics"\nname = "demo"\npath = "calendar.ics"\n\n'
    '[drafts]\nkind = "maildir"\npath = "Drafts"\n\n[state]\ndir = "state"\n'
)


def test_a_resume_from_suspend_drafts_what_ended_meanwhile(tmp_path: Path) -> None:
    lid_closed = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    lid_opened = lid_closed + timedelta(hours=3)
    # The demo's panel interview ends 30 minutes before the moment it is made for.
    (tmp_path / "calendar.ics").write_bytes(sample_calendar(lid_opened))
    settings = parse_settings(tomllib.loads(CONFIG), source="test", base=tmp_path)
    now = [lid_closed]
    daemon = Daemon(lambda: settings, lambda: now[0], Notifier({}))
    drafts = tmp_path / "Drafts" / "cur"
    daemon.after_wake(lid_closed, time.monotonic())  # an ordinary wake: nothing due yet
    assert not drafts.exists()
    now[0] = lid_opened  # three hours of wall time, no monotonic time: a suspend
    daemon.after_wake(lid_closed, time.monotonic())
    assert len(list(drafts.iterdir())) == 5  # every interview that ended meanwhile


def test_a_failed_cycle_after_an_interview_ended_does_not_spin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    (tmp_path / "calendar.ics").write_bytes(sample_calendar(now + timedelta(hours=4)))
    settings = parse_settings(tomllib.loads(CONFIG), source="test", base=tmp_path)
    clock = [now]
    daemon = Daemon(lambda: settings, lambda: clock[0], Notifier({}))
    daemon.after_wake(now - timedelta(hours=1), time.monotonic())  # a cycle: sees what ends
    assert 0 < daemon.sleep_seconds() <= 60

    def fail(*_args: object) -> None:
        raise ConnectorError("Google sign-in was revoked")

    monkeypatch.setattr("daemon.loop.run_cycle", fail)
    clock[0] = now + timedelta(hours=4)  # the interview has ended: its draft is due
    daemon.after_wake(clock[0], time.monotonic())
    assert daemon.sleep_seconds() > 1  # waits for the next sync instead of retrying at once
