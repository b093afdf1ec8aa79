"""Talking to systemd over `$NOTIFY_SOCKET`: readiness, status line, watchdog, stopping.

A few datagrams are the whole protocol, so no dependency is needed. Outside
systemd (no `$NOTIFY_SOCKET`) every call does nothing; a failure to notify is
logged, never raised, because the daemon's work matters more than its report.
For the same reason a message is never waited on: when the manager's queue is
full, it is dropped rather than stalling the loop (or its shutdown) behind it.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping

from daemon.core.text import one_line

log = logging.getLogger(__name__)


class Notifier:
    """Sends sd_notify messages to the socket systemd named, if any."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self._address = _socket_address(env.get("NOTIFY_SOCKET", ""))
        self.watchdog_seconds = _watchdog_seconds(env)
        self._failed_before = False

    def ready(self, status: str) -> None:
        """The first cycle has run: the service is up."""
        self._send(f"READY=1\nSTATUS={one_line(status, 400)}")

    def status(self, status: str) -> None:
        """The one-line summary `systemctl status` shows."""
        self._send(f"STATUS={one_line(status, 400)}")

    def watchdog(self) -> None:
        """The main loop is alive (said only when the manager watches)."""
        if self.watchdog_seconds:
            self._send("WATCHDOG=1")

    def reloading(self) -> None:
        """The configuration is being read again."""
        self._send("RELOADING=1")

    def stopping(self) -> None:
        """Shutting down."""
        self._send("STOPPING=1")

    def _send(self, message: str) -> None:
        if self._address is None:
            return
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.setblocking(False)
                sock.connect(self._address)
                sock.send(message.encode("utf-8"))
        except OSError as error:
            level = logging.DEBUG if self._failed_before else logging.WARNING
            log.log(level, "could not notify systemd (%s): %s", message.split("=")[0], error)
            self._failed_before = True
        else:
            self._failed_before = False


def _socket_address(value: str) -> str | None:
    if not value:
        return None
    # An abstract socket is named with a leading "@" in the environment.
    return "\0" + value[1:] if value.startswith("@") else value


def _watchdog_seconds(env: Mapping[str, str]) -> float | None:
    """The watchdog interval systemd expects pings within, if it is meant for this process."""
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0 or (pid and pid != str(os.getpid())):
        return None
    return int(usec) / 1_000_000
