"""`followup run` keeps cycling until SIGTERM or Ctrl-C, then exits cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from command_line import stop

from daemon.demo import sample_calendar

pytestmark = pytest.mark.system


def start_daemon(tmp_path: Path) -> tuple[subprocess.Popen[str], Path]:
    (tmp_path / "calendar.ics").write_bytes(sample_calendar(datetime.now(UTC)))
    config = tmp_path / "config.toml"
    config.write_text(
        '[you]\nname = "Alex Rivera"\nemail = "alex@example.com"\n\n'
        '[[calendar]]\nkind = "ics"\npath = "calendar.ics"\n\n'
        '[drafts]\nkind = "maildir"\npath = "Drafts"\n\n[state]\ndir = "state"\n',
        encoding="utf-8",
    )
    env = os.environ | {"HOME": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "daemon", "run", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    return process, tmp_path / "Drafts" / "cur"


def wait_for_drafts(folder: Path, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        if folder.is_dir() and len(list(folder.iterdir())) >= count:
            return
        time.sleep(0.05)
    process.kill()
    raise AssertionError(f"no drafts appeared; stderr:\n{process.communicate()[1]}")


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT])
def test_the_daemon_drafts_keeps_running_and_stops_cleanly(tmp_path, stop_with):
    process, drafts = start_daemon(tmp_path)
    wait_for_drafts(drafts, 5, process)
    assert process.poll() is None  # still running after its first cycle
    err = stop(process, stop_with)
    assert process.returncode == 0, err
    assert f"received {signal.Signals(stop_with).name}, stopping" in err
    assert "Traceback" not in err
    assert len(list(drafts.iterdir())) == 5


def test_an_interview_added_to_the_calendar_after_it_ended_is_drafted_within_seconds(tmp_path):
    process, drafts = start_daemon(tmp_path)
    wait_for_drafts(drafts, 5, process)
    ended = datetime.now(UTC) - timedelta(minutes=15)
    added = (
        "BEGIN:VEVENT\r\nUID:added-late@example.com\r\nSUMMARY:Initech – Final Interview\r\n"
        f"DTSTART:{ended - timedelta(hours=1):%Y%m%dT%H%M%SZ}\r\n"
        f"DTEND:{ended:%Y%m%dT%H%M%SZ}\r\nDESCRIPTION:Role: Staff Engineer\r\n"
        "ATTENDEE;CN=Alex Rivera;PARTSTAT=ACCEPTED:mailto:alex@example.com\r\n"
        "ATTENDEE;CN=Bill Lumbergh;PARTSTAT=ACCEPTED:mailto:bill@initech.example\r\n"
        "END:VEVENT\r\n"
    ).encode()
    calendar = tmp_path / "calendar.ics"
    calendar.write_bytes(calendar.read_bytes().replace(b"END:VCALENDAR", added + b"END:VCALENDAR"))

    # The periodic cycle is 5 minutes away: only watching the file drafts it this soon.
    wait_for_drafts(drafts, 6, process)
    err = stop(process)
    assert "changed; checking it now" in err
