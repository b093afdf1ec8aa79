"""The behaviour every `CalendarSource` owes the daemon, as a reusable test base.

Subclass `CalendarContract` in a `test_*.py` module and provide a `calendar`
fixture (a fresh, empty source) and `add(meeting)`, which puts a `Meeting`
into the system behind it the way that system stores it. The tests use
nothing else, so ICS files and Google Calendar are held to the same promises.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from daemon.core.model import EventStatus, ResponseStatus
from daemon.core.protocols import CalendarSource

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
END = datetime(2026, 11, 28, 0, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Guest:
    email: str
    name: str = ""
    answer: str = "accepted"  # accepted | declined | tentative | needs-action
    room: bool = False


@dataclass(frozen=True)
class Meeting:
    uid: str
    title: str
    start: datetime | date
    end: datetime | date
    guests: tuple[Guest, ...] = field(default_factory=tuple)
    organizer: Guest | None = None
    description: str = ""
    cancelled: bool = False


PANEL = Meeting(
    uid="panel-1@example.com",
    title="Acme <> Alex – Technical Screen",
    start=datetime(2026, 11, 26, 14, 0, tzinfo=BERLIN),
    end=datetime(2026, 11, 26, 15, 30, tzinfo=BERLIN),
    guests=(
        Guest("alex@example.com", "Alex Rivera"),
        Guest("priya@acme.example", "Priya Raman"),
        Guest("dan@acme.example", "Dan Declined", answer="declined"),
        Guest("everest@acme.example", "Everest (6)", room=True),
    ),
    organizer=Guest("coordinator@acme.example", "Jamie Coordinator"),
    description="<p>Role: <b>Staff Engineer</b></p>",
)


class CalendarContract(abc.ABC):
    """Tests any `CalendarSource` must pass; subclasses provide the fixture and `add`."""

    @pytest.fixture
    def calendar(self) -> CalendarSource:
        """A fresh, empty source under test."""
        raise NotImplementedError

    @abc.abstractmethod
    def add(self, meeting: Meeting) -> None:
        """Store `meeting` in the system behind the source."""

    def test_a_timed_event_comes_back_with_its_times_in_its_own_zone(self, calendar):
        self.add(PANEL)
        [event] = calendar.events(START, END)
        assert (event.start, event.end) == (PANEL.start, PANEL.end)
        assert event.start.utcoffset() == timedelta(hours=1)
        assert event.uid == PANEL.uid and event.title == PANEL.title
        assert event.occurrence is None  # a single event
        assert event.status is EventStatus.CONFIRMED

    def test_guests_answers_and_rooms_are_mapped(self, calendar):
        self.add(PANEL)
        [event] = calendar.events(START, END)
        by_email = {p.email: p for p in event.attendees}
        assert by_email["priya@acme.example"].name == "Priya Raman"
        assert by_email["priya@acme.example"].response is ResponseStatus.ACCEPTED
        assert by_email["dan@acme.example"].response is ResponseStatus.DECLINED
        assert by_email["everest@acme.example"].is_resource
        assert event.organizer is not None and event.organizer.email == "coordinator@acme.example"

    def test_the_description_is_kept_raw(self, calendar):
        self.add(PANEL)
        [event] = calendar.events(START, END)
        assert event.description == PANEL.description

    def test_all_day_events_are_left_out(self, calendar):
        self.add(Meeting("holiday@example.com", "Holiday", date(2026, 11, 26), date(2026, 11, 27)))
        assert calendar.events(START, END) == []

    def test_only_events_in_the_window_are_returned(self, calendar):
        self.add(PANEL)
        later = datetime(2026, 12, 10, 10, 0, tzinfo=BERLIN)
        self.add(Meeting("later@example.com", "Later", later, later + timedelta(hours=1)))
        assert [e.uid for e in calendar.events(START, END)] == [PANEL.uid]

    def test_a_cancelled_event_is_never_reported_as_confirmed(self, calendar):
        cancelled = Meeting(
            "gone@example.com", "Cancelled interview", PANEL.start, PANEL.end, cancelled=True
        )
        self.add(cancelled)
        self.add(PANEL)
        events = calendar.events(START, END)
        # A source may leave a cancelled event out or report it as cancelled; the
        # confirmed one beside it shows the source was read at all.
        assert [e.uid for e in events if e.status is not EventStatus.CANCELLED] == [PANEL.uid]
