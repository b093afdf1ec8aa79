"""Google Calendar through the real client library, against the loopback fake."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from google_support import session_for, signed_in

from connectors.google_api import Endpoints, GoogleSession
from connectors.google_calendar import GoogleCalendar, event_from_google
from daemon.core.model import EventStatus, Person, ResponseStatus
from daemon.core.protocols import ConnectorError

START = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
END = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)


def timed(hour: int, **fields):
    base = {
        "summary": f"Interview {hour}",
        "start": {"dateTime": f"2026-11-26T{hour:02d}:00:00+01:00", "timeZone": "Europe/Berlin"},
        "end": {"dateTime": f"2026-11-26T{hour:02d}:45:00+01:00", "timeZone": "Europe/Berlin"},
    }
    return base | fields


@pytest.fixture
def calendar(google_fake, tmp_path):
    return GoogleCalendar(
        "google:primary", session_for(google_fake, signed_in(google_fake, tmp_path))
    )


def test_attendees_organiser_and_times_are_mapped(google_fake, calendar):
    google_fake.add_event(
        "primary",
        timed(
            10,
            iCalUID="abc123@google.com",
            description="<p>Role: <b>Staff Engineer</b></p>",
            organizer={"email": "coordinator@acme.example", "displayName": "Jamie"},
            attendees=[
                {"email": "me@example.com", "self": True, "responseStatus": "accepted"},
                {
                    "email": "Priya@Acme.example",
                    "displayName": "Priya Raman",
                    "responseStatus": "accepted",
                },
                {
                    "email": "room@resource.calendar.google.com",
                    "resource": True,
                    "responseStatus": "accepted",
                },
                {"email": "dan@acme.example", "responseStatus": "declined", "optional": True},
            ],
        ),
    )
    [event] = calendar.events(START, END)
    assert event.uid == "abc123@google.com"
    assert event.start == datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    assert str(event.start.tzinfo) == "Europe/Berlin" and event.start.hour == 10
    assert event.occurrence is None  # a single event
    assert event.description == "<p>Role: <b>Staff Engineer</b></p>"
    assert event.organizer == Person("coordinator@acme.example", "Jamie")
    assert event.attendees == (
        Person("me@example.com", "", ResponseStatus.ACCEPTED, is_self=True),
        Person("priya@acme.example", "Priya Raman", ResponseStatus.ACCEPTED),
        Person("room@resource.calendar.google.com", "", ResponseStatus.ACCEPTED, is_resource=True),
        Person("dan@acme.example", "", ResponseStatus.DECLINED, optional=True),
    )


def test_all_day_out_of_office_and_out_of_window_events_are_left_out(google_fake, calendar):
    google_fake.add_event("primary", timed(9))
    google_fake.add_event(
        "primary",
        {"summary": "Holiday", "start": {"date": "2026-11-26"}, "end": {"date": "2026-11-27"}},
    )
    google_fake.add_event("primary", timed(11, eventType="outOfOffice", summary="OOO"))
    google_fake.add_event(
        "primary",
        timed(12)
        | {
            "start": {"dateTime": "2026-12-20T10:00:00Z"},
            "end": {"dateTime": "2026-12-20T11:00:00Z"},
        },
    )
    assert [e.title for e in calendar.events(START, END)] == ["Interview 9"]


def test_a_moved_instance_keeps_its_original_start_as_occurrence(google_fake, calendar):
    google_fake.add_event(
        "primary",
        timed(
            15,
            recurringEventId="series1",
            iCalUID="series1@google.com",
            originalStartTime={
                "dateTime": "2026-11-26T09:00:00+01:00",
                "timeZone": "Europe/Berlin",
            },
        ),
    )
    [event] = calendar.events(START, END)
    assert event.occurrence == datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    assert event.start == datetime(2026, 11, 26, 14, 0, tzinfo=UTC)


def test_every_page_is_read(google_fake, calendar):
    for minute in range(0, 60 * 13, 1):
        google_fake.add_event(
            "primary",
            {
                "summary": f"m{minute}",
                "start": {"dateTime": (START + timedelta(minutes=minute)).isoformat()},
                "end": {"dateTime": (START + timedelta(minutes=minute + 1)).isoformat()},
            },
        )
    events = calendar.events(START, END)
    assert len(events) == 780
    assert len(google_fake.requests("calendar.events.list")) == 4  # 250 a page


def test_cancelled_events_are_not_asked_for(google_fake, calendar):
    google_fake.add_event("primary", timed(9, status="cancelled"))
    google_fake.add_event("primary", timed(11))
    [event] = calendar.events(START, END)
    assert event.status is EventStatus.CONFIRMED
    [request] = google_fake.requests("calendar.events.list")
    assert request.query["showDeleted"] == ["false"]


def test_a_cancelled_item_is_mapped_as_cancelled():
    item = timed(9, status="cancelled") | {"id": "x1"}
    event = event_from_google(item, "google:primary", None)
    assert event is not None and event.status is EventStatus.CANCELLED


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (503, None),
        (500, None),
        (429, None),
        (403, "rateLimitExceeded"),
        (403, "userRateLimitExceeded"),
    ],
)
def test_transient_errors_are_waited_out(google_fake, calendar, status, reason):
    google_fake.add_event("primary", timed(9))
    google_fake.fail("calendar.events.list", status, reason=reason, times=2)
    assert [e.title for e in calendar.events(START, END)] == ["Interview 9"]


def test_slow_and_dropped_responses_are_retried(google_fake, tmp_path):
    session = session_for(google_fake, signed_in(google_fake, tmp_path), timeout=0.5)
    calendar = GoogleCalendar("g", session)
    google_fake.add_event("primary", timed(9))
    google_fake.delay("calendar.events.list", 2.0)
    google_fake.drop("calendar.events.list", times=2)
    assert [e.title for e in calendar.events(START, END)] == ["Interview 9"]


def test_a_lasting_outage_is_one_clear_line(google_fake, calendar):
    google_fake.fail("calendar.events.list", 503, times=None)
    with pytest.raises(ConnectorError) as caught:
        calendar.events(START, END)
    assert str(caught.value).startswith("Google answered 503")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("status", [404, 400])
def test_permanent_errors_are_not_retried(google_fake, calendar, status):
    google_fake.fail("calendar.events.list", status, times=None)
    with pytest.raises(ConnectorError, match=f"Google answered {status}"):
        calendar.events(START, END)
    assert len(google_fake.requests("calendar.events.list")) == 1


def test_backoff_is_bounded_and_jittered(google_fake, tmp_path):
    waits: list[float] = []
    session = session_for(
        google_fake, signed_in(google_fake, tmp_path), sleep=waits.append, jitter=lambda: 0.5
    )
    google_fake.fail("calendar.events.list", 503, times=None)
    with pytest.raises(ConnectorError):
        GoogleCalendar("g", session).events(START, END)
    assert waits == [1.0, 2.0, 4.0]  # half (the jitter) of 2, 4, 8 s; four tries in all


def test_a_refused_connection_reads_as_such(google_fake, tmp_path):
    import socket

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    store = signed_in(google_fake, tmp_path)
    endpoints = Endpoints(
        calendar=f"http://127.0.0.1:{port}/calendar/v3/", token_uri=google_fake.token_uri
    )
    session = GoogleSession(store, endpoints, sleep=lambda _s: None)
    with pytest.raises(ConnectorError) as caught:
        GoogleCalendar("g", session).events(START, END)
    assert str(caught.value) == "cannot reach Google: the connection was refused"
