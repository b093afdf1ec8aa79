"""An unchanged ICS calendar is not parsed again, and a changed one is always seen.

A file is judged by its stat (and by its bytes when the stat cannot tell: a
change within the same clock tick); a feed by a conditional GET against a
loopback server that answers 304 while its ETag holds.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import icalendar
import pytest

from connectors import ics
from connectors.https_feed import fetch_https
from connectors.ics import IcsCalendar
from daemon.core.model import Event
from daemon.core.protocols import ConnectorError

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
WINDOW = (NOW - timedelta(hours=72), NOW + timedelta(days=1))
FEED = "https://calendar.example.com/private-token/basic.ics"


def calendar_text(*events: tuple[str, datetime]) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    for uid, start in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            "SUMMARY:Acme – Interview",
            f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
            f"DTEND:{start + timedelta(hours=1):%Y%m%dT%H%M%SZ}",
            "END:VEVENT",
        ]
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


def write(path: Path, data: bytes, mtime_ns: int | None = None) -> None:
    path.write_bytes(data)
    if mtime_ns is not None:
        os.utime(path, ns=(mtime_ns, mtime_ns))


def uids(events: list[Event]) -> list[str]:
    return [event.uid for event in events]


def test_an_unchanged_file_is_answered_without_parsing_it_again(tmp_path: Path, monkeypatch):
    path = tmp_path / "calendar.ics"
    write(path, calendar_text(("a", NOW - timedelta(hours=2))), mtime_ns=0)
    calendar = IcsCalendar("test", path=path)
    assert uids(calendar.events(*WINDOW)) == ["a"]
    monkeypatch.setattr(icalendar.Calendar, "from_ical", None)  # parsing now breaks

    later = tuple(moment + timedelta(minutes=5) for moment in WINDOW)

    assert uids(calendar.events(*later)) == ["a"]
    assert not calendar.changed()


def test_a_change_to_the_file_is_seen_at_the_next_read(tmp_path: Path):
    path = tmp_path / "calendar.ics"
    write(path, calendar_text(("a", NOW - timedelta(hours=2))), mtime_ns=10**9)
    calendar = IcsCalendar("test", path=path)
    assert uids(calendar.events(*WINDOW)) == ["a"]
    assert not calendar.changed()

    write(path, calendar_text(("b", NOW - timedelta(hours=2))), mtime_ns=10**9)  # same size

    assert calendar.changed()
    assert uids(calendar.events(*WINDOW)) == ["b"]
    assert not calendar.changed()


def test_a_change_within_the_same_clock_tick_is_seen(tmp_path: Path):
    path = tmp_path / "calendar.ics"
    calendar = IcsCalendar("test", path=path)
    write(path, calendar_text(("a", NOW - timedelta(hours=2))))
    assert uids(calendar.events(*WINDOW)) == ["a"]
    tick = path.stat()

    path.write_bytes(calendar_text(("b", NOW - timedelta(hours=2))))  # same size, same inode
    os.utime(path, ns=(tick.st_atime_ns, tick.st_mtime_ns))

    assert uids(calendar.events(*WINDOW)) == ["b"]


def test_touching_the_file_without_changing_it_is_no_change(tmp_path: Path):
    path = tmp_path / "calendar.ics"
    data = calendar_text(("a", NOW - timedelta(hours=2)))
    write(path, data, mtime_ns=10**9)
    calendar = IcsCalendar("test", path=path)
    calendar.events(*WINDOW)

    write(path, data, mtime_ns=2 * 10**9)

    assert not calendar.changed()


def test_an_event_the_window_reaches_later_is_found_without_a_change(tmp_path: Path):
    path = tmp_path / "calendar.ics"
    far = NOW + timedelta(days=30)
    write(path, calendar_text(("soon", NOW), ("later", far)), mtime_ns=0)
    calendar = IcsCalendar("test", path=path)
    assert uids(calendar.events(*WINDOW)) == ["soon"]

    for days in range(1, 32):  # a month of windows moving with the clock
        window = tuple(moment + timedelta(days=days) for moment in WINDOW)
        found = uids(calendar.events(*window))

    assert found == ["later"]


def test_a_calendar_that_cannot_be_read_stays_unchanged_until_it_changes(tmp_path: Path):
    path = tmp_path / "calendar.ics"
    write(path, b"<html>not a calendar</html>\n", mtime_ns=0)
    calendar = IcsCalendar("test", path=path)
    with pytest.raises(ConnectorError, match="not an iCalendar file"):
        calendar.events(*WINDOW)
    assert not calendar.changed()  # the loop must not spin on a broken calendar

    write(path, calendar_text(("a", NOW - timedelta(hours=2))), mtime_ns=0)

    assert calendar.changed()
    assert uids(calendar.events(*WINDOW)) == ["a"]


class Feed(BaseHTTPRequestHandler):
    """A calendar feed that honours If-None-Match, and counts what it sends."""

    body = b""
    etag = '"1"'
    sent: ClassVar[list[int]] = []

    def do_GET(self) -> None:
        if self.headers.get("If-None-Match") == self.etag:
            self.sent.append(304)  # before answering: the client may go on at once
            self.send_response(304)
            self.end_headers()
            return
        self.sent.append(200)
        self.send_response(200)
        self.send_header("ETag", self.etag)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def feed(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[Feed]]:
    """A loopback feed the https address `FEED` is served from."""
    handler = type("ThisFeed", (Feed,), {"sent": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    local = f"http://127.0.0.1:{server.server_address[1]}/basic.ics"

    def get(url: str, timeout: float, validators: tuple[str, str]):
        assert url == FEED
        return fetch_https(
            local, timeout=timeout, total=10, limit=10**6, redact=str, validators=validators
        )

    monkeypatch.setattr(ics, "_get_https", get)
    yield handler
    server.shutdown()
    server.server_close()


def test_an_unchanged_feed_answers_304_and_is_not_parsed_again(feed, monkeypatch):
    feed.body = calendar_text(("a", NOW - timedelta(hours=2)))
    calendar = IcsCalendar("feed", url=FEED)
    assert uids(calendar.events(*WINDOW)) == ["a"]
    monkeypatch.setattr(icalendar.Calendar, "from_ical", None)  # parsing now breaks

    assert not calendar.changed()
    assert uids(calendar.events(*WINDOW)) == ["a"]
    assert feed.sent == [200, 304, 304]


def test_a_changed_feed_is_downloaded_once_and_read(feed):
    feed.body = calendar_text(("a", NOW - timedelta(hours=2)))
    calendar = IcsCalendar("feed", url=FEED)
    calendar.events(*WINDOW)

    feed.body, feed.etag = calendar_text(("b", NOW - timedelta(hours=2))), '"2"'

    assert calendar.changed()
    assert uids(calendar.events(*WINDOW)) == ["b"]
    assert feed.sent == [200, 200]  # the read used what changed() downloaded


def test_a_feed_without_validators_is_compared_by_its_bytes(monkeypatch):
    body = calendar_text(("a", NOW - timedelta(hours=2)))
    calendar = IcsCalendar("feed", url=FEED, fetch=lambda _url, _timeout: body)
    calendar.events(*WINDOW)
    monkeypatch.setattr(icalendar.Calendar, "from_ical", None)  # parsing now breaks

    assert not calendar.changed()
    assert uids(calendar.events(*WINDOW)) == ["a"]
