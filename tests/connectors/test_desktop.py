"""Desktop notifications: shown through notify-send where a session bus exists, else skipped."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from connectors.desktop import notify_desktop


@pytest.fixture
def notify_send(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in notify-send on PATH that writes its arguments to a file."""
    log = tmp_path / "shown"
    script = tmp_path / "bin" / "notify-send"
    script.parent.mkdir()
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {log}\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{script.parent}{os.pathsep}{os.environ['PATH']}")
    return log


def test_a_notification_is_shown_where_there_is_a_session_bus(notify_send, monkeypatch):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/1000/bus")
    notify_desktop("Thank-you notes to send: Acme", "2h 00m left to thank your interviewers")
    assert notify_send.read_text().splitlines() == [
        "--app-name=interview-followup",
        "--urgency=normal",
        "Thank-you notes to send: Acme",
        "2h 00m left to thank your interviewers",
    ]


def test_without_a_session_bus_nothing_is_attempted(notify_send, monkeypatch):
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    notify_desktop("title", "body")
    assert not notify_send.exists()


def test_a_failing_notify_send_is_logged_not_raised(notify_send, monkeypatch, caplog):
    caplog.set_level(logging.INFO)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nowhere")
    notify_send.parent.joinpath("bin", "notify-send").write_text("#!/bin/sh\nexit 1\n")
    notify_desktop("title", "body")
    assert "no desktop notification" in caplog.text
