"""The CalDAV connector against real servers on loopback: discovery, sign-in, failures, series."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from caldav_servers import PASSWORD, USER, Radicale, Server, Xandikos, free_port
from calendar_contract import END, PANEL, START
from meeting_ics import (
    SERIES,
    SERIES_OCCURRENCES,
    SERIES_UID,
    SERIES_WINDOW,
    meeting_file,
    series_occurrences,
)

from connectors.caldav import CaldavCalendar, Expansion
from daemon.core.model import key_for
from daemon.core.protocols import ConnectorError


def source(server: Server, url: str, user: str = USER, **options: object) -> CaldavCalendar:
    return CaldavCalendar(
        "work",
        url,
        username=user,
        password=lambda: PASSWORD,
        ca_file=server.ca_file,
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture(params=["radicale", "xandikos"])
def server(request: pytest.FixtureRequest) -> Server:
    found: Server = request.getfixturevalue(request.param)
    return found


@pytest.mark.parametrize("expansion", list(Expansion))
def test_a_series_with_a_moved_and_a_left_out_instance_reads_the_same_either_way(
    server: Server, expansion: Expansion
) -> None:
    url = server.new_calendar()
    server.dav().put(url + "loop.ics", SERIES)
    events = source(server, url, expansion=expansion).events(*SERIES_WINDOW)
    assert {e.uid for e in events} == {SERIES_UID}
    assert series_occurrences(events) == SERIES_OCCURRENCES
    assert [e.attendees[0].email for e in events] == ["priya@acme.example"] * 4


def test_draft_keys_of_a_series_match_with_and_without_server_expansion(
    radicale: Radicale, tmp_path
) -> None:
    from connectors.ics import IcsCalendar

    url = radicale.new_calendar()
    radicale.dav().put(url + "loop.ics", SERIES)
    (tmp_path / "loop.ics").write_bytes(SERIES)
    readers = [
        source(radicale, url, expansion=Expansion.SERVER),
        source(radicale, url, expansion=Expansion.CLIENT),
        IcsCalendar("work", path=tmp_path / "loop.ics"),
    ]
    keys = [
        [key_for(e, "priya@acme.example") for e in reader.events(*SERIES_WINDOW)]
        for reader in readers
    ]
    assert keys[0] == keys[1] == keys[2]
    assert len(keys[0]) == 4


def test_the_one_calendar_of_an_account_is_found_from_the_server_address(
    radicale: Radicale,
) -> None:
    url = radicale.new_calendar("interviews", "Interviews", user="bob")
    radicale.dav("bob").put(url + "panel.ics", meeting_file(PANEL))
    calendar = source(radicale, radicale.url, user="bob")
    assert [e.uid for e in calendar.events(START, END)] == [PANEL.uid]
    assert [(c.name, c.url) for c in calendar.calendars()] == [("Interviews", url)]


def test_with_several_calendars_the_error_lists_them_and_calendars_names_them(
    radicale: Radicale,
) -> None:
    work = radicale.new_calendar("work", "Work", user="carol")
    home = radicale.new_calendar("home", "Home", user="carol")
    radicale.new_calendar("tasks", "Tasks", user="carol", component="VTODO")
    calendar = source(radicale, radicale.url, user="carol")
    with pytest.raises(ConnectorError, match="holds 2 calendars") as error:
        calendar.events(START, END)
    assert work in str(error.value) and home in str(error.value)
    assert sorted(c.url for c in calendar.calendars()) == sorted([home, work])


def test_a_calendar_of_tasks_is_not_a_calendar_of_events(radicale: Radicale) -> None:
    url = radicale.new_calendar(user="bob", component="VTODO")
    with pytest.raises(ConnectorError, match="a calendar of tasks, not events"):
        source(radicale, url, user="bob").events(START, END)


def test_a_wrong_password_is_one_line_without_the_password(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    calendar = CaldavCalendar(
        "work",
        server.url,
        username=USER,
        password=lambda: "wrong-" + PASSWORD,
        ca_file=server.ca_file,
    )
    with pytest.raises(
        ConnectorError, match=r"refused the username or password \(HTTP 401\)"
    ) as error:
        calendar.events(START, END)
    assert "\n" not in str(error.value) and PASSWORD not in str(error.value)
    logged = caplog.text
    assert PASSWORD not in logged and "Authorization" not in logged and "Basic " not in logged


def test_a_missing_calendar_is_not_found(radicale: Radicale) -> None:
    url = radicale.url + f"{USER}/no-such-calendar/"
    with pytest.raises(ConnectorError, match=r"no-such-calendar/: not found \(HTTP 404\)"):
        source(radicale, url).events(START, END)


def test_a_self_signed_server_without_ca_file_is_a_certificate_problem(xandikos: Xandikos) -> None:
    calendar = CaldavCalendar("work", xandikos.url, username=USER, password=lambda: PASSWORD)
    with pytest.raises(ConnectorError, match=r"certificate is not trusted.*set ca_file"):
        calendar.events(START, END)


def test_a_refused_connection_says_so() -> None:
    calendar = CaldavCalendar("work", f"http://127.0.0.1:{free_port()}/")
    with pytest.raises(ConnectorError, match="connection refused"):
        calendar.events(START, END)


@pytest.fixture
def listener() -> Iterator[Callable[[bytes | None], str]]:
    """A loopback server that answers every connection with the bytes given, or (None)
    accepts and never answers; yields a function that starts one and returns its URL."""
    sockets: list[socket.socket] = []
    stop = threading.Event()

    def start(answer: bytes | None) -> str:
        server = socket.create_server(("127.0.0.1", 0))
        sockets.append(server)

        def serve() -> None:
            held = []
            while not stop.is_set():
                try:
                    connection, _ = server.accept()
                except OSError:
                    return
                held.append(connection)
                if answer is not None:
                    connection.recv(65536)
                    connection.sendall(answer)
                    connection.close()

        threading.Thread(target=serve, daemon=True).start()
        return f"http://127.0.0.1:{server.getsockname()[1]}/"

    yield start
    stop.set()
    for server in sockets:
        server.close()


def test_a_server_that_never_answers_ends_within_the_timeout(listener) -> None:
    calendar = CaldavCalendar("work", listener(None), timeout=0.5)
    began = time.monotonic()
    with pytest.raises(ConnectorError, match=r"no answer within 0\.5 s"):
        calendar.events(START, END)
    assert time.monotonic() - began < 3


def _http(status: str, body: bytes) -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    return head.encode() + body


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (_http("207 Multi-Status", b"<html>hello</html"), "not XML"),
        (_http("207 Multi-Status", b"<html>hello</html>"), "not a WebDAV multistatus"),
        (b"SSH-2.0-OpenSSH_9.6\r\n", "not HTTP"),
        (
            _http(
                "207 Multi-Status",
                b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa">'
                b'<!ENTITY b "&a;&a;&a;&a;&a;&a;">]><m xmlns="DAV:">&b;</m>',
            ),
            "not plain XML, refused",
        ),
        (_http("500 Internal Server Error", b"oops"), r"server failed \(HTTP 500\)"),
    ],
    ids=["broken-xml", "not-multistatus", "not-http", "entities", "server-error"],
)
def test_a_server_answering_garbage_is_one_clear_line(listener, answer, problem) -> None:
    with pytest.raises(ConnectorError, match=problem) as error:
        CaldavCalendar("work", listener(answer), timeout=2).events(START, END)
    assert "\n" not in str(error.value)
