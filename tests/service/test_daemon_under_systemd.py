"""`followup run` as systemd runs it: sd_notify over a datagram socket, watchdog, signals, lock."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from command_line import stop

from daemon.demo import sample_calendar

pytestmark = pytest.mark.system

CONFIG = (
    '[you]\nname = "Alex Rivera"\nemail = "alex@example.com"\n\n'
    '[[calendar]]\nkind = "ics"\nname = "demo"\npath = "calendar.ics"\n\n'
    '[drafts]\nkind = "maildir"\npath = "Drafts"\n\n[state]\ndir = "state"\n'
)


class Systemd:
    """The listening end of NOTIFY_SOCKET, as the service manager holds it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.messages: list[str] = []

    def wait_for(self, wanted: str, timeout: float = 20.0) -> list[str]:
        """Collect messages until one contains `wanted`; all received so far."""
        deadline = time.monotonic() + timeout
        while not any(wanted in m for m in self.messages):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {wanted!r} from the daemon; got {self.messages}")
            self.sock.settimeout(left)
            try:
                self.messages.append(self.sock.recv(4096).decode())
            except TimeoutError:
                continue
        return self.messages

    def collect(self, seconds: float) -> None:
        """Keep every message that arrives within `seconds`."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self.sock.settimeout(left)
            try:
                self.messages.append(self.sock.recv(4096).decode())
            except TimeoutError:
                return

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "calendar.ics").write_bytes(sample_calendar(datetime.now(UTC)))
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


@pytest.fixture
def systemd(tmp_path: Path) -> Iterator[Systemd]:
    manager = Systemd(tmp_path / "notify.sock")
    yield manager
    manager.close()


def start(home: Path, notify: Path | None, watchdog_usec: int = 0) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC")}
    env["HOME"] = str(home)
    if notify is not None:
        env["NOTIFY_SOCKET"] = str(notify)
    if watchdog_usec:
        env["WATCHDOG_USEC"] = str(watchdog_usec)
    return subprocess.Popen(
        [sys.executable, "-m", "daemon", "run", "--config", str(home / "config.toml")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_ready_watchdog_status_and_stopping(home, systemd):
    process = start(home, systemd.path, watchdog_usec=400_000)
    try:
        ready = systemd.wait_for("READY=1")
        # The demo's times are whole minutes: Dana's deadline is 6 h before the start of the
        # minute `home` wrote the calendar in. The daemon counts from when it has started,
        # seconds later, which may be in the next minute.
        status = r"STATUS=5 drafts waiting; next deadline Dana White \(6h 0[01]m late\); 1 overdue"
        assert re.search(status, ready[-1]), ready[-1]
        assert len(list((home / "Drafts" / "cur").iterdir())) == 5
        systemd.collect(1.0)  # pings come at half the 0.4 s interval, from the idle loop
        assert sum(m == "WATCHDOG=1" for m in systemd.messages) >= 3
    finally:
        started = time.monotonic()
        err = stop(process)
    assert process.returncode == 0, err
    assert time.monotonic() - started < 5
    assert "STOPPING=1" in systemd.wait_for("STOPPING=1")


def test_a_second_instance_on_the_same_state_refuses(home, systemd):
    first = start(home, systemd.path)
    try:
        systemd.wait_for("READY=1")
        second = start(home, None)
        _out, err = second.communicate(timeout=20)
        assert second.returncode == 1
        assert "already running on" in err and f"pid {first.pid}" in err
    finally:
        stop(first)
    assert first.returncode == 0


def test_sighup_applies_a_good_config_and_keeps_the_old_one_when_broken(home, systemd):
    process = start(home, systemd.path)
    try:
        systemd.wait_for("READY=1")
        (home / "config.toml").write_text("[you\nbroken", encoding="utf-8")
        process.send_signal(signal.SIGHUP)
        systemd.wait_for("RELOADING=1")
        systemd.messages.clear()
        systemd.wait_for("READY=1")
        assert process.poll() is None
        assert len(list((home / "Drafts" / "cur").iterdir())) == 5
        # The good configuration reads a second calendar (a copy, under another name).
        second = '[[calendar]]\nkind = "ics"\nname = "second"\npath = "calendar.ics"\n\n'
        (home / "config.toml").write_text(CONFIG.replace("[drafts]", second + "[drafts]"))
        systemd.messages.clear()
        process.send_signal(signal.SIGHUP)
        systemd.wait_for("READY=1")
        systemd.wait_for("STATUS=10 drafts waiting")
    finally:
        err = stop(process)
    assert process.returncode == 0, err
    assert "kept the running configuration" in err and "not valid TOML" in err
    assert "configuration reloaded" in err
    assert len(list((home / "Drafts" / "cur").iterdir())) == 10


def test_a_broken_config_at_start_exits_78_which_systemd_does_not_restart(home):
    (home / "config.toml").write_text('[you]\nname = "A"\n', encoding="utf-8")
    process = start(home, None)
    _out, err = process.communicate(timeout=20)
    assert process.returncode == 78
    assert "you.email" in err and "Traceback" not in err


def test_a_storm_of_signals_neither_hangs_nor_loses_the_stop(home, systemd):
    # A handler that took a lock the interrupted loop was holding would wait for ever.
    process = start(home, systemd.path)
    try:
        systemd.wait_for("READY=1")
        for n in range(3000):
            process.send_signal(signal.SIGUSR1 if n % 3 else signal.SIGHUP)
            time.sleep(0.0005)
            if n % 100 == 0:
                systemd.collect(0.001)
        assert process.poll() is None
    finally:
        err = stop(process)
    assert process.returncode == 0, err
    assert "received SIGTERM, stopping" in err and "Traceback" not in err
    assert "reloading the configuration, as asked" in err
    assert "checking the calendars now, as asked" in err


def test_a_manager_that_stops_listening_does_not_keep_the_daemon_from_stopping(home, systemd):
    process = start(home, systemd.path, watchdog_usec=2_000)  # a ping every millisecond
    try:
        systemd.wait_for("READY=1")
        time.sleep(1)  # nobody reads: the manager's queue is full long before this
    finally:
        err = stop(process)
    assert process.returncode == 0, err
    assert "stopped" in err
