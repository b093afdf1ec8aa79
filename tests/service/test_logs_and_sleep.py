"""Log lines for the journal and the terminal, secrets masked; how long the loop sleeps."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest

from daemon.logs import redact
from daemon.loop import MAX_SLEEP, seconds_to_sleep
from daemon.notify import Notifier

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "secret",
    [
        "ya29.a0AfH6SMBx-secret_token",
        "1//0gLn-refresh-token_value",
        "GOCSPX-abcdefghijklmnop",
        "4/0AfJohXn-authorisation-code-abcdefgh",
    ],
)
def test_google_token_shapes_are_masked(secret):
    assert secret not in redact(f"refresh failed for {secret} at noon")
    assert "[redacted]" in redact(f"refresh failed for {secret} at noon")


@pytest.mark.parametrize(
    "text",
    [
        '{"access_token": "abc123", "expires_in": 3599}',
        "grant_type=refresh_token&refresh_token=abc123&client_secret=xyz789",
        "GET /?state=s&code=abc123&scope=x HTTP/1.1",
        "Authorization: Bearer abc123",
    ],
)
def test_named_secrets_are_masked(text):
    masked = redact(text)
    assert "abc123" not in masked and "xyz789" not in masked


@pytest.mark.parametrize(
    "line",
    [
        "drafted a thank-you to priya@acme.example for 'Acme <> Alex – Technical Screen'",
        'Google answered 404 ({"code": 404, "message": "Not Found"})',
    ],
)
def test_ordinary_lines_are_untouched(line):
    assert redact(line) == line


def test_under_the_journal_lines_carry_syslog_priorities(tmp_path):
    log = tmp_path / "journal"
    script = (
        "import logging, sys\n"
        "from daemon.logs import configure_logging\n"
        "configure_logging(logging.DEBUG)\n"
        "logging.getLogger('x').error('bad')\n"
        "logging.getLogger('x').warning('careful')\n"
        "logging.getLogger('x').info('fine')\n"
        "logging.getLogger('x').debug('detail ya29.secret')\n"
    )
    with log.open("w") as stderr:
        stat = os.fstat(stderr.fileno())
        env = os.environ | {"JOURNAL_STREAM": f"{stat.st_dev}:{stat.st_ino}"}
        subprocess.run(
            [sys.executable, "-c", script], stderr=stderr, env=env, check=True, timeout=60
        )
    assert log.read_text().splitlines() == [
        "<3>x: bad",
        "<4>x: careful",
        "<6>x: fine",
        "<7>x: detail [redacted]",
    ]


def test_on_a_terminal_lines_carry_a_time_stamp(tmp_path):
    script = (
        "import logging\nfrom daemon.logs import configure_logging\n"
        "configure_logging(logging.INFO)\nlogging.getLogger('x').warning('careful')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "JOURNAL_STREAM"}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.stderr.rstrip().endswith(" WARNING x: careful")
    assert not result.stderr.startswith("<")


@pytest.mark.parametrize(
    ("sync", "due", "watchdog", "expected"),
    [
        (timedelta(minutes=5), None, None, MAX_SLEEP),
        (timedelta(seconds=20), None, None, 20),
        (timedelta(minutes=5), timedelta(seconds=7), None, 7),
        (timedelta(minutes=5), None, 30.0, 15),
        (timedelta(seconds=-3), None, None, 0),
    ],
)
def test_the_loop_sleeps_until_the_first_thing_due(sync, due, watchdog, expected):
    next_due = NOW + due if due else None
    assert seconds_to_sleep(NOW, NOW + sync, next_due, watchdog) == expected


def test_the_watchdog_interval_is_only_for_the_process_it_names():
    mine = {"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": str(os.getpid())}
    assert Notifier(mine).watchdog_seconds == 30
    assert Notifier({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}).watchdog_seconds is None
    assert Notifier({}).watchdog_seconds is None


def test_a_failure_to_notify_is_logged_not_raised(tmp_path, caplog):
    notifier = Notifier({"NOTIFY_SOCKET": str(tmp_path / "nobody-listens.sock")})
    notifier.ready("up")
    assert "could not notify systemd (READY)" in caplog.text


def test_a_manager_that_stops_reading_never_stalls_the_daemon(tmp_path, caplog):
    path = tmp_path / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as manager:
        manager.bind(str(path))
        notifier = Notifier({"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "1000000"})

        def ping_then_stop() -> None:
            for _ in range(2000):  # far more than any queue of datagrams holds
                notifier.watchdog()
            notifier.stopping()

        pinging = threading.Thread(target=ping_then_stop, daemon=True)
        pinging.start()
        pinging.join(timeout=20)
        assert not pinging.is_alive(), "a send waited for the manager to read"
        manager.settimeout(1)
        assert manager.recv(4096) == b"WATCHDOG=1"
    assert "could not notify systemd (WATCHDOG)" in caplog.text


def test_no_watchdog_pings_when_the_manager_does_not_watch(tmp_path):
    path = tmp_path / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as manager:
        manager.bind(str(path))
        Notifier({"NOTIFY_SOCKET": str(path)}).watchdog()
        Notifier({"NOTIFY_SOCKET": str(path)}).stopping()
        manager.settimeout(1)
        assert manager.recv(4096) == b"STOPPING=1"


def test_a_fatal_error_under_the_journal_is_filed_as_an_error(tmp_path):
    log = tmp_path / "journal"
    bad = tmp_path / "bad.toml"
    bad.write_text('[you]\nname = "A"\n', encoding="utf-8")
    with log.open("w") as stderr:
        stat = os.fstat(stderr.fileno())
        env = os.environ | {"JOURNAL_STREAM": f"{stat.st_dev}:{stat.st_ino}"}
        done = subprocess.run(
            [sys.executable, "-m", "daemon", "run", "--config", str(bad)],
            stderr=stderr,
            env=env,
            check=False,
            timeout=60,
        )
    assert done.returncode == 78
    lines = log.read_text().splitlines()
    assert lines and all(line.startswith("<3>") for line in lines)
    assert "you.email" in log.read_text()
