"""The iCalendar connector: one scenario per fixture in tests/data/ics, asserted on the Events."""

from __future__ import annotations

import io
import logging
import threading
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from http.client import HTTPMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from connectors import ics
from connectors.https_feed import HttpsOnlyRedirects
from connectors.ics import IcsCalendar
from daemon.core.model import Event, EventStatus, Person, ResponseStatus
from daemon.core.protocols import CalendarSource, ConnectorError

DATA = Path(__file__).resolve().parent.parent / "data" / "ics"
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
TOKYO = ZoneInfo("Asia/Tokyo")
SECRET_URL = (
    "https://calendar.example.com/calendar/ical/alex%40example.org/private-s3cr3tt0ken/basic.ics"
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def read(
    fixture: str, start: datetime, end: datetime, default_tz: ZoneInfo | None = None
) -> list[Event]:
    calendar = IcsCalendar("test-ics", path=DATA / fixture, default_tz=default_tz)
    return calendar.events(start, end)


def by_uid(events: list[Event]) -> dict[str, Event]:
    return {event.uid: event for event in events}


def warnings_about(caplog: pytest.LogCaptureFixture, text: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and r.name == "connectors.ics" and text in r.getMessage()
    ]


def fixture_bytes(name: str) -> bytes:
    return (DATA / name).read_bytes()


# --- time zones and recurrence -------------------------------------------------------------


def test_simple_event_in_vtimezone_zone_keeps_its_zone_and_fields() -> None:
    events = read("event_dt_simple.ics", utc(2026, 3, 1), utc(2026, 4, 1))

    assert len(events) == 1
    event = events[0]
    assert event.source == "test-ics"
    assert event.uid == "simple-interview-1@calendar.example.com"
    assert event.title == "Interview: Backend Engineer at Example GmbH"
    assert event.start == datetime(2026, 3, 10, 14, 0, tzinfo=BERLIN)
    assert event.start.isoformat() == "2026-03-10T14:00:00+01:00"
    assert event.end.isoformat() == "2026-03-10T15:00:00+01:00"
    assert event.start.tzinfo == BERLIN
    assert event.occurrence is None  # a single event: rescheduling it keeps its identity
    assert event.description == "<p>Hi Alex,</p><p>Looking forward to our chat.<br>Anna</p>"
    assert event.location == "Example GmbH, Musterstraße 1, Berlin"
    assert event.organizer == Person("anna.beispiel@example.com", "Anna Beispiel")
    assert event.attendees == (
        Person("anna.beispiel@example.com", "Anna Beispiel", ResponseStatus.ACCEPTED),
        Person("alex@example.org", "Alex Candidate", ResponseStatus.ACCEPTED),
    )
    assert event.status is EventStatus.CONFIRMED


def test_rrule_with_exdate_omits_the_excluded_instance_and_follows_dst() -> None:
    events = read("event_dt_rrule_exdate.ics", utc(2026, 3, 1), utc(2026, 5, 1))

    panel = [e.start.isoformat() for e in events if e.uid == "weekly-panel@calendar.example.com"]
    assert panel == [
        "2026-03-17T10:00:00+01:00",
        # 2026-03-24 is excluded; Berlin switches to summer time on 2026-03-29.
        "2026-03-31T10:00:00+02:00",
        "2026-04-07T10:00:00+02:00",
    ]
    standup = [e.start for e in events if e.uid == "daily-standup@calendar.example.com"]
    assert standup == [utc(2026, 3, 16, 8, 30), utc(2026, 3, 18, 8, 30), utc(2026, 3, 20, 8, 30)]
    assert all(e.occurrence == e.start for e in events)


def test_moved_instance_appears_at_its_new_time_with_its_original_start() -> None:
    events = read("event_rrule_recurrence_id_moved.ics", utc(2026, 4, 1), utc(2026, 5, 1))

    assert [(e.start.isoformat(), e.occurrence.isoformat(), e.title) for e in events] == [
        ("2026-04-06T09:00:00-04:00", "2026-04-06T09:00:00-04:00", "Interview loop"),
        ("2026-04-07T15:30:00-04:00", "2026-04-07T09:00:00-04:00", "Interview loop (moved)"),
        ("2026-04-08T09:00:00-04:00", "2026-04-08T09:00:00-04:00", "Interview loop"),
    ]
    assert datetime(2026, 4, 7, 9, 0, tzinfo=NEW_YORK) not in [e.start for e in events]
    assert {e.uid for e in events} == {"interview-loop@calendar.example.com"}


def test_cancelled_instance_is_kept_with_cancelled_status() -> None:
    events = read("event_rrule_recurrence_id_cancelled.ics", utc(2026, 5, 1), utc(2026, 6, 1))

    assert [(e.start, e.status) for e in events] == [
        (datetime(2026, 5, 5, 13, 0, tzinfo=LONDON), EventStatus.CONFIRMED),
        (datetime(2026, 5, 12, 13, 0, tzinfo=LONDON), EventStatus.CANCELLED),
        (datetime(2026, 5, 19, 13, 0, tzinfo=LONDON), EventStatus.CONFIRMED),
    ]
    assert events[1].start.isoformat() == "2026-05-12T13:00:00+01:00"


def test_x_wr_timezone_gives_floating_times_their_zone_and_shows_utc_in_it() -> None:
    # default_tz must lose against the calendar's own X-WR-TIMEZONE.
    events = read("cal_x_wr_timezone_only.ics", utc(2026, 6, 1), utc(2026, 7, 1), default_tz=TOKYO)

    found = by_uid(events)
    floating = found["floating-in-xwr@calendar.example.com"]
    assert floating.start.isoformat() == "2026-06-10T11:00:00-07:00"
    assert floating.end.isoformat() == "2026-06-10T12:00:00-07:00"
    assert floating.start.tzinfo == LOS_ANGELES
    in_utc = found["utc-in-xwr@calendar.example.com"]
    assert in_utc.start == utc(2026, 6, 11, 17, 0)
    assert in_utc.start.isoformat() == "2026-06-11T10:00:00-07:00"


def test_utc_times_stay_utc_and_only_events_overlapping_the_window_count() -> None:
    events = read("event_dt_utc.ics", utc(2026, 7, 1, 9, 0), utc(2026, 7, 1, 18, 0))

    assert [e.uid for e in events] == [
        "utc-overlapping-start@calendar.example.com",
        "utc-inside@calendar.example.com",
    ]
    inside = events[1]
    assert inside.start.isoformat() == "2026-07-01T12:00:00+00:00"
    assert inside.end.isoformat() == "2026-07-01T12:45:00+00:00"
    assert inside.start.utcoffset() == timedelta(0)


def test_outlook_windows_tzids_become_iana_zones() -> None:
    events = read("outlook_windows_tzid.ics", utc(2026, 4, 1), utc(2026, 5, 1))

    with_vtimezone, without_vtimezone = events
    assert with_vtimezone.title == "Interview with Contoso Example"
    assert with_vtimezone.start.isoformat() == "2026-04-14T09:30:00+02:00"
    assert with_vtimezone.start.tzinfo == BERLIN
    assert with_vtimezone.organizer == Person("kim.recruiter@contoso.example.com", "Kim Recruiter")
    assert without_vtimezone.start.isoformat() == "2026-04-15T09:00:00-07:00"
    assert without_vtimezone.end.isoformat() == "2026-04-15T09:45:00-07:00"
    assert without_vtimezone.start.tzinfo == LOS_ANGELES


def test_outlook_custom_tzid_follows_its_vtimezone_rules_across_dst() -> None:
    events = read("outlook_custom_tzid_vtimezone.ics", utc(2026, 3, 1), utc(2026, 5, 1))

    assert [(e.uid, e.start.isoformat(), e.start.astimezone(UTC)) for e in events] == [
        ("outlook-custom-winter@example.com", "2026-03-24T10:00:00+01:00", utc(2026, 3, 24, 9)),
        ("outlook-custom-summer@example.com", "2026-03-31T10:00:00+02:00", utc(2026, 3, 31, 8)),
    ]


def test_floating_times_without_calendar_zone_use_default_tz() -> None:
    chicago = ZoneInfo("America/Chicago")
    events = read(
        "event_floating_no_calendar_zone.ics", utc(2026, 7, 1), utc(2026, 8, 1), default_tz=chicago
    )

    assert [e.start.isoformat() for e in events] == ["2026-07-15T10:00:00-05:00"]
    assert events[0].start.tzinfo == chicago


def test_floating_times_without_any_zone_use_the_system_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", "Asia/Kolkata")

    events = read("event_floating_no_calendar_zone.ics", utc(2026, 7, 1), utc(2026, 8, 1))

    assert [e.start.isoformat() for e in events] == ["2026-07-15T10:00:00+05:30"]


def test_all_day_events_are_dropped() -> None:
    events = read("event_allday.ics", utc(2026, 8, 1), utc(2026, 9, 1))

    assert [e.uid for e in events] == ["timed-on-allday@calendar.example.com"]


def test_several_vcalendars_in_one_file_all_count() -> None:
    events = read("cal_two_vcalendars.ics", utc(2026, 7, 1), utc(2026, 8, 1))

    assert [e.uid for e in events] == [
        "first-calendar@calendar.example.com",
        "second-calendar@calendar.example.com",
    ]


# --- broken events are skipped, the rest survive -------------------------------------------


def test_events_without_usable_end_are_logged_and_skipped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="connectors.ics")

    events = read("event_missing_dtend.ics", utc(2026, 9, 1), utc(2026, 9, 2))

    assert [(e.uid, e.start, e.end) for e in events] == [
        ("duration@calendar.example.com", utc(2026, 9, 1, 14), utc(2026, 9, 1, 14, 45)),
        ("normal@calendar.example.com", utc(2026, 9, 1, 16), utc(2026, 9, 1, 17)),
    ]
    [no_end] = warnings_about(caplog, "no-end@calendar.example.com")
    assert "no DTEND or DURATION" in no_end
    [backwards] = warnings_about(caplog, "backwards@calendar.example.com")
    assert "DTEND is not after DTSTART" in backwards


def test_unknown_tzid_is_logged_and_skipped_not_guessed(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="connectors.ics")

    # The calendar's X-WR-TIMEZONE (Paris) must not be silently used for the unknown zone.
    events = read("event_unknown_tzid.ics", utc(2026, 10, 1), utc(2026, 11, 1))

    assert [(e.uid, e.start.isoformat()) for e in events] == [
        ("known-tz@calendar.example.com", "2026-10-05T10:00:00+09:00")
    ]
    [message] = warnings_about(caplog, "unknown-tz@calendar.example.com")
    assert "Mars/Olympus_Mons" in message


def test_malformed_events_are_logged_and_skipped_while_siblings_remain(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="connectors.ics")

    events = read("cal_malformed_one_event.ics", utc(2026, 11, 1), utc(2026, 12, 1))

    assert [(e.uid, e.start) for e in events] == [
        ("good-sibling@calendar.example.com", utc(2026, 11, 2, 13))
    ]
    assert "DTSTART" in warnings_about(caplog, "bad-dtstart@calendar.example.com")[0]
    assert "RRULE" in warnings_about(caplog, "bad-rrule@calendar.example.com")[0]
    assert "cannot be parsed" in warnings_about(caplog, "bad-line@calendar.example.com")[0]


def test_series_the_expander_rejects_is_skipped_alone(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="connectors.ics")

    events = read("event_rrule_rejected_by_expander.ics", utc(2026, 11, 1), utc(2026, 12, 1))

    assert [(e.uid, e.start) for e in events] == [
        ("healthy-series@calendar.example.com", utc(2026, 11, 2, 13)),
        ("healthy-series@calendar.example.com", utc(2026, 11, 3, 13)),
    ]
    assert warnings_about(caplog, "impossible-hour@calendar.example.com")


def test_event_that_breaks_icalendars_parser_is_skipped_alone(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="connectors.ics")

    # icalendar raises OSError for the whole file when a TZID is longer than a file name.
    events = read("cal_tzid_too_long_for_icalendar.ics", utc(2026, 10, 1), utc(2026, 11, 1))

    assert [(e.uid, e.start.isoformat()) for e in events] == [
        ("after-long-tzid@calendar.example.com", "2026-10-05T14:00:00+02:00")
    ]
    assert events[0].start.tzinfo == BERLIN
    assert warnings_about(caplog, "tzid-too-long@calendar.example.com")


def test_runaway_rules_are_skipped_instead_of_hanging(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="connectors.ics")
    result: list[Event] = []
    # INTERVAL=0 loops forever inside dateutil; a thread keeps a regression from hanging the run.
    worker = threading.Thread(
        target=lambda: result.extend(
            read("event_rrule_runaway.ics", utc(2026, 11, 1), utc(2026, 12, 1))
        ),
        daemon=True,
    )
    worker.start()
    worker.join(timeout=30)

    assert not worker.is_alive(), "expanding the calendar did not finish"
    assert [e.uid for e in result] == ["after-runaways@calendar.example.com"]
    assert warnings_about(caplog, "interval-zero@calendar.example.com")
    assert warnings_about(caplog, "every-second@calendar.example.com")


def test_events_without_uid_get_a_stable_derived_uid(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="connectors.ics")

    first = read("event_no_uid.ics", utc(2026, 7, 1), utc(2026, 8, 1))
    second = read("event_no_uid.ics", utc(2026, 7, 1), utc(2026, 8, 1))

    uids = [e.uid for e in first]
    assert uids == [e.uid for e in second]
    assert len(set(uids)) == 2
    assert all(uid.startswith("derived-") for uid in uids)
    assert [e.title for e in first] == ["Interview from a sloppy exporter", "Another one"]
    assert warnings_about(caplog, uids[0])


def test_each_problem_is_warned_once_per_source(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="connectors.ics")
    calendar = IcsCalendar("test-ics", path=DATA / "event_missing_dtend.ics")

    calendar.events(utc(2026, 9, 1), utc(2026, 9, 2))
    calendar.events(utc(2026, 9, 1), utc(2026, 9, 2))

    assert len(warnings_about(caplog, "no-end@calendar.example.com")) == 1


# --- people and text -------------------------------------------------------------------------


def test_ats_invite_maps_attendees_and_organizer() -> None:
    [event] = read("ats_greenhouse_invite.ics", utc(2026, 4, 1), utc(2026, 5, 1))

    assert event.uid == "ats-interview-8f3e2a10@ats.example.com"
    assert event.start == utc(2026, 4, 28, 16)
    assert event.description.startswith("<b>Interview details</b><br>Join: ")
    assert "José Müller, Priya Example" in event.description
    assert event.organizer == Person("no-reply@ats.example.com", "Example Labs Recruiting")
    assert event.attendees == (
        Person("jose.mueller@example.com", "José Müller", ResponseStatus.ACCEPTED),
        Person("priya@example.com", "Priya Example", ResponseStatus.TENTATIVE, optional=True),
        Person("sam@example.com", "Sam Declined", ResponseStatus.DECLINED),
        Person(
            "taylor@example.com",
            "Taylor Coordinator",
            ResponseStatus.ACCEPTED,
            non_participant=True,
        ),
        Person("alex@example.org", "Alex Candidate", ResponseStatus.NEEDS_ACTION),
        Person(
            "room-berlin-401@resource.example.com",
            "Room Berlin 4.01",
            ResponseStatus.ACCEPTED,
            is_resource=True,
        ),
        Person("projector@resource.example.com", "Projector", is_resource=True),
        Person("dana@example.com", "Delegating Dana", ResponseStatus.DECLINED),
    )


def test_hostile_text_survives_as_data() -> None:
    [event] = read("event_hostile_text.ics", utc(2026, 8, 1), utc(2026, 9, 1))

    assert event.title == (
        "Interview\r\nBcc: attacker@example.net\nX-Evil: yes\u2028line\u2029para"
    )
    assert event.description == "Line one\nLine two\nthree"
    assert [(p.email, p.name) for p in event.attendees] == [
        ("mallory@example.net", "Mallory\u2028Example"),
        ("urn:uuid:5f2c0b1e-0000-4000-8000-00000000abcd", "No Mailto"),
        ("query@example.org?subject=hello", ""),
    ]


# --- reading files and URLs --------------------------------------------------------------------


def test_file_that_is_not_a_calendar_raises_one_line() -> None:
    calendar = IcsCalendar("test-ics", path=DATA / "cal_not_icalendar.ics")

    with pytest.raises(ConnectorError) as caught:
        calendar.events(utc(2026, 1, 1), utc(2027, 1, 1))

    message = str(caught.value)
    assert "cal_not_icalendar.ics" in message
    assert "not an iCalendar file" in message
    assert "\n" not in message


def test_missing_file_raises(tmp_path: Path) -> None:
    calendar = IcsCalendar("test-ics", path=tmp_path / "nowhere.ics")

    with pytest.raises(ConnectorError, match=r"nowhere\.ics: not found"):
        calendar.events(utc(2026, 1, 1), utc(2027, 1, 1))


def test_unreadable_path_raises(tmp_path: Path) -> None:
    calendar = IcsCalendar("test-ics", path=tmp_path)

    with pytest.raises(ConnectorError, match="cannot be read"):
        calendar.events(utc(2026, 1, 1), utc(2027, 1, 1))


def test_https_url_is_fetched_through_the_injected_fetcher() -> None:
    calls: list[tuple[str, float]] = []

    def fetch(url: str, timeout: float) -> bytes:
        calls.append((url, timeout))
        return fixture_bytes("event_dt_simple.ics")

    calendar = IcsCalendar("work", url=SECRET_URL, timeout=7.5, fetch=fetch)
    events = calendar.events(utc(2026, 3, 1), utc(2026, 4, 1))

    assert calls == [(SECRET_URL, 7.5)]
    assert [(e.source, e.uid) for e in events] == [
        ("work", "simple-interview-1@calendar.example.com")
    ]
    assert calendar.name == "work"


@pytest.mark.parametrize("scheme", ["webcal", "WEBCAL", "webcals"])
def test_webcal_is_rewritten_to_https(scheme: str) -> None:
    calls: list[str] = []

    def fetch(url: str, timeout: float) -> bytes:
        calls.append(url)
        return fixture_bytes("event_dt_utc.ics")

    calendar = IcsCalendar("feed", url=f"{scheme}://calendar.example.com/feed/abc.ics", fetch=fetch)
    calendar.events(utc(2026, 7, 1), utc(2026, 7, 2))

    assert calls == ["https://calendar.example.com/feed/abc.ics"]


@pytest.mark.parametrize(
    "url",
    [
        "http://calendar.example.com/private-s3cr3tt0ken/basic.ics",
        "ftp://calendar.example.com/private-s3cr3tt0ken/basic.ics",
        "file:///home/alex/private-s3cr3tt0ken.ics",
        "calendar.example.com/private-s3cr3tt0ken/basic.ics",
    ],
)
def test_non_https_urls_are_rejected_without_showing_the_secret(url: str) -> None:
    with pytest.raises(ConnectorError, match="https") as caught:
        IcsCalendar("feed", url=url, fetch=lambda _url, _timeout: b"")

    assert "s3cr3tt0ken" not in str(caught.value)


def test_path_and_url_are_mutually_exclusive() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        IcsCalendar("both", path=DATA / "event_dt_utc.ics", url=SECRET_URL)
    with pytest.raises(ValueError, match="exactly one"):
        IcsCalendar("neither")


@pytest.mark.parametrize(
    ("failure", "reason"),
    [
        (urllib.error.HTTPError(SECRET_URL, 404, "Not Found", HTTPMessage(), None), "HTTP 404"),
        (urllib.error.URLError("Name or service not known"), "Name or service not known"),
        (TimeoutError("timed out"), "no answer within 30 s"),
        (RuntimeError(f"boom while reading {SECRET_URL}"), "RuntimeError"),
    ],
)
def test_download_failures_become_one_line_without_the_secret(
    failure: Exception, reason: str
) -> None:
    def fetch(url: str, timeout: float) -> bytes:
        raise failure

    calendar = IcsCalendar("feed", url=SECRET_URL, fetch=fetch)

    with pytest.raises(ConnectorError) as caught:
        calendar.events(utc(2026, 1, 1), utc(2027, 1, 1))

    message = str(caught.value)
    assert message.startswith("calendar https://calendar.example.com/…: download failed (")
    assert reason in message
    assert "s3cr3tt0ken" not in message
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_web_page_instead_of_calendar_is_explained_without_the_secret() -> None:
    calendar = IcsCalendar(
        "feed", url=SECRET_URL, fetch=lambda _u, _t: fixture_bytes("cal_not_icalendar.ics")
    )

    with pytest.raises(ConnectorError, match="looks like a web page") as caught:
        calendar.events(utc(2026, 1, 1), utc(2027, 1, 1))

    assert "s3cr3tt0ken" not in str(caught.value)


def test_oversized_download_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ics, "MAX_CALENDAR_BYTES", 100)
    calendar = IcsCalendar("feed", url=SECRET_URL, fetch=lambda _u, _t: b"x" * 101)

    with pytest.raises(ConnectorError, match="larger than"):
        calendar.events(utc(2026, 1, 1), utc(2027, 1, 1))


def test_redirect_to_plain_http_is_refused() -> None:
    handler = HttpsOnlyRedirects(ics._redact)
    request = urllib.request.Request(SECRET_URL)
    target = "http://mirror.example.net/private-s3cr3tt0ken/basic.ics"

    with pytest.raises(ConnectorError, match=r"http://mirror\.example\.net/…") as caught:
        handler.redirect_request(request, io.BytesIO(), 302, "Found", HTTPMessage(), target)

    assert "s3cr3tt0ken" not in str(caught.value)


def test_naive_window_is_rejected() -> None:
    calendar = IcsCalendar("test-ics", path=DATA / "event_dt_utc.ics")

    with pytest.raises(ValueError, match="timezone-aware"):
        calendar.events(datetime(2026, 7, 1), utc(2026, 7, 2))


def test_is_a_calendar_source() -> None:
    source: CalendarSource = IcsCalendar("mine", path=DATA / "event_dt_utc.ics")

    assert source.name == "mine"
