"""Real CalDAV servers on loopback for the tests (Radicale, Xandikos), seeded through CalDAV.

Each server runs as a child process in its own session, in a temporary folder,
with htpasswd sign-in; `stop()` ends it and waits. `Dav` is a minimal
writer (MKCALENDAR, PUT, DELETE) the tests seed calendars with, the way a
calendar app would.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

USER = "alice"
PASSWORD = "s3cret-pw"
OTHERS = ("bob", "carol", "dana")
"""More accounts (with PASSWORD) whose homes the tests fill as they need."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for_port(host: str, port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()}")
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server not listening on {port} after 30 s:\n{log.read_text()}")


class Server:
    """A server process; `url` is its base address, `ca_file` its certificate (https only)."""

    url: str
    ca_file: Path | None = None
    home: str  # the calendar home of USER, a path

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    def _start(self, command: list[str], host: str, port: int) -> None:
        log = self.folder / "log"
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env={**os.environ, "XDG_DATA_HOME": str(self.folder / "xdg")},
            )
        wait_for_port(host, port, self.process, log)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def dav(self, user: str = USER) -> Dav:
        return Dav(self.ca_file, user)

    def new_calendar(
        self, name: str = "", title: str = "Work", user: str = USER, component: str = "VEVENT"
    ) -> str:
        """The URL of a new, empty calendar of `component`s in the home of `user`."""
        home = self.home.replace(f"/{USER}/", f"/{user}/")
        url = f"{self.url.rstrip('/')}{home}{name or uuid.uuid4().hex[:12]}/"
        self.dav(user).mkcalendar(url, title, component)
        return url


class Radicale(Server):
    """Radicale over plain http on 127.0.0.1."""

    def start(self) -> Radicale:
        port = free_port()
        (self.folder / "users").write_text("".join(f"{u}:{PASSWORD}\n" for u in (USER, *OTHERS)))
        config = self.folder / "config"
        config.write_text(
            f"[server]\nhosts = 127.0.0.1:{port}\n"
            f"[auth]\ntype = htpasswd\nhtpasswd_filename = {self.folder / 'users'}\n"
            "htpasswd_encryption = plain\ndelay = 0\n"
            "[rights]\ntype = owner_only\n"
            f"[storage]\nfilesystem_folder = {self.folder / 'collections'}\n"
            "[web]\ntype = none\n[logging]\nlevel = warning\nmask_passwords = True\n"
        )
        self.url = f"http://127.0.0.1:{port}/"
        self.home = f"/{USER}/"
        self._start([sys.executable, "-m", "radicale", "--config", str(config)], "127.0.0.1", port)
        return self


class Xandikos(Server):
    """Xandikos over https on localhost with its own self-signed certificate (it signs
    in only over TLS)."""

    def start(self) -> Xandikos:
        port = free_port()
        digest = base64.b64encode(hashlib.sha1(PASSWORD.encode()).digest()).decode()
        (self.folder / "htpasswd").write_text(f"{USER}:{{SHA}}{digest}\n")
        self.url = f"https://localhost:{port}/"
        self.home = f"/{USER}/calendars/"
        command = [
            sys.executable,
            "-m",
            "xandikos",
            "serve",
            "-d",
            str(self.folder / "data"),
            "--state-dir",
            str(self.folder / "state"),
            "-l",
            "localhost",
            "-p",
            str(port),
            "--defaults",
            "--no-detect-systemd",
            "--autocert",
            "--htpasswd",
            str(self.folder / "htpasswd"),
            "--current-user-principal",
            f"/{USER}/",
        ]
        self._start(command, "localhost", port)
        self.ca_file = self.folder / "state" / "certs" / "selfsigned.crt"
        return self


class Dav:
    """Writes calendars the way a calendar app does, signed in as one user."""

    def __init__(self, ca_file: Path | None, user: str = USER) -> None:
        self._context = ssl.create_default_context(cafile=str(ca_file)) if ca_file else None
        token = base64.b64encode(f"{user}:{PASSWORD}".encode()).decode()
        self._auth = f"Basic {token}"

    def mkcalendar(self, url: str, title: str, component: str = "VEVENT") -> None:
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
            f"<d:set><d:prop><d:displayname>{title}</d:displayname>"
            f'<c:supported-calendar-component-set><c:comp name="{component}"/>'
            "</c:supported-calendar-component-set></d:prop></d:set></c:mkcalendar>"
        )
        self._expect("MKCALENDAR", url, body.encode(), "application/xml", {201})

    def put(self, url: str, data: bytes) -> None:
        self._expect("PUT", url, data, "text/calendar; charset=utf-8", {201, 204})

    def _expect(self, method: str, url: str, body: bytes, kind: str, ok: set[int]) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme == "https":
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                parts.hostname, parts.port, timeout=10, context=self._context
            )
        else:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        try:
            headers = {"Authorization": self._auth, "Content-Type": kind}
            connection.request(method, parts.path, body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
        finally:
            connection.close()
        if response.status not in ok:
            raise RuntimeError(f"{method} {url} -> {response.status}: {answer[:300]!r}")
