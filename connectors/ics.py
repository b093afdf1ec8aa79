"""Read interview candidates from an iCalendar (.ics) file or a secret https/webcal address.

`IcsCalendar` is a `CalendarSource`: it expands recurring series (RRULE, RDATE,
EXDATE, moved and cancelled instances) and turns every timed occurrence in a
window into a normalised `Event`. All-day events are dropped. Calendars are
written by strangers, so one broken event is logged with its UID and skipped
while the rest still count; only a calendar that cannot be read at all raises
`ConnectorError`.

Reading is bounded whatever a calendar holds (the `MAX_` constants): its size;
the part of it that is parsed at all (the events near the window, every series,
the time zones); each event's size, nesting, length, guests and repetitions;
and the occurrences, recurrence steps and time one read may take. An event over
its limits is logged and skipped; a calendar over its limits raises
`OverBudgetError`, a `ConnectorError` that says which limit it passed.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import logging
import os
import re
import stat
import time
import urllib.error
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
from dateutil.rrule import rrulestr  # type: ignore[import-untyped]
from icalendar.prop import vDDDLists, vDDDTypes, vRecur
from icalendar.timezone import tzp
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from connectors.zones import local_zone, zone_named
from daemon.core.model import Event, EventStatus, Person, ResponseStatus
from daemon.core.protocols import ConnectorError
from daemon.core.text import one_line

log = logging.getLogger(__name__)

MAX_CALENDAR_BYTES = 20 * 1024 * 1024
"""A calendar file or feed larger than this is refused rather than read into memory."""
MAX_DOWNLOAD_SECONDS = 60.0
"""A feed still downloading after this long (however slowly it trickles) is abandoned."""
MAX_PARSED_BYTES = 4 * 1024 * 1024
"""The most of one calendar that is parsed: its events near the window, its series, its zones
(events far from the window are never parsed)."""
MAX_PARSED_VALUES = 40_000
"""The most property values of one calendar that are parsed: a content line is one, each date
of an RDATE or EXDATE list one more. Each takes about a kilobyte, and 0.1 ms, once read."""
MAX_EVENT_BYTES = 256 * 1024
"""An event (or time zone) larger than this is skipped: no invitation is, a storm of dates is."""
MAX_NESTING = 8
"""Components nested deeper than this (VCALENDAR is 1, VEVENT 2, VALARM 3) are not read."""
MAX_ATTENDEES = 50
"""Guests of one event beyond this many are ignored: an interview panel is never larger."""
MAX_EVENT_LENGTH = timedelta(days=7)
"""An event longer than this is no interview; it is skipped before its series is expanded."""
MAX_OCCURRENCES_PER_EVENT = 1_000
"""A series with more occurrences than this near the window is skipped."""
MAX_OCCURRENCES_PER_CALENDAR = 10_000
"""A calendar with more events and occurrences than this near the window is refused."""
MAX_RECURRENCE_STEPS_PER_EVENT = 50_000
"""A series whose expansion walks more dates than this, from its first to the window, is skipped
(a daily series since 1890 would). Each step takes about 20 microseconds, counted and expanded."""
MAX_RECURRENCE_STEPS_PER_CALENDAR = 200_000
"""A calendar whose series walk more dates than this together is refused (they are all kept in
memory while the window is expanded: about 60 bytes each)."""
MAX_READ_SECONDS = 20.0
"""Parsing and expanding one calendar (after its download) stops with an error after this long."""

HOLD_AHEAD = timedelta(days=7)
"""How far past the window asked for a read keeps events: the windows of the next reads move
forward with the clock, and inside this they are answered without parsing the calendar again."""
FILE_WATCH_SECONDS = 2.0
"""How often a calendar file is looked at for a change (a `stat`) by `followup run`."""
FEED_POLL_SECONDS = 60.0
"""How often a calendar feed is asked for a change (a conditional GET) by `followup run`."""

Fetch = Callable[[str, float], bytes]
"""Downloads an https URL within a timeout (seconds); injected by tests."""
Validators = tuple[str, str]
"""A feed's ETag and Last-Modified as its server gave them ("" for none)."""
ConditionalFetch = Callable[[str, float, Validators], tuple[bytes | None, Validators]]
"""Downloads an https URL within a timeout unless the server says it is unchanged since the
validators given (then None), returning its new validators."""

_TIMING_PROPERTIES = frozenset(
    {"DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"}
)
_SINGLE_TIMES = ("DTSTART", "DTEND", "RECURRENCE-ID")
_TIME_LISTS = ("RDATE", "EXDATE")
# dateutil walks every instance from DTSTART, so these make a calendar take hours.
# A UID with any of these is a series whose occurrences are told apart by their original start.
_RECURRENCE_PROPERTIES = frozenset({"RRULE", "RDATE", "RECURRENCE-ID"})
_TOO_FREQUENT = frozenset({"SECONDLY", "MINUTELY"})
# Carries, from screening to the occurrence, why an event has no usable end or length.
_SKIP = "X-INTERVIEW-FOLLOWUP-SKIP"
_NO_END = "%s; an interview without an end cannot be timed"
# A period of these frequencies is a fixed time, so a rule shifted by whole periods fits the
# same dates; a rule no date fits is probed over the 400 years (one Gregorian cycle) before
# year 9999 instead of walked there from its start (millions of days for FREQ=DAILY).
_PERIODS = {"WEEKLY": timedelta(weeks=1), "DAILY": timedelta(days=1), "HOURLY": timedelta(hours=1)}
_PROBE_FROM = datetime.max.year - 400
# How many lines, or recurrence steps, pass between two looks at the clock.
_CLOCK_EVERY = 4096
# A file's stat cannot tell a change made this soon after the one it shows (the clock
# behind mtime ticks coarsely): its bytes are compared instead.
_RACY_NS = 2_000_000_000
# Enough of a file to tell how it is encoded and whether it has line feeds.
_HEAD_BYTES = 64 * 1024
_TOO_LARGE = f"larger than {MAX_CALENDAR_BYTES // 2**20} MiB, refused"

# Reading a calendar's lines before parsing them.
_NAME = re.compile(rb"[ \t]*([A-Za-z0-9-]+)[ \t]*[;:]")
_FOLD = re.compile(rb"\r?\n[ \t]")
_END_CALENDAR = b"END:VCALENDAR\r\n"
# The calendar's own properties worth reading; the rest of its header is never parsed.
_HEADER = frozenset({b"VERSION", b"PRODID", b"CALSCALE", b"METHOD", b"X-WR-TIMEZONE"})

_RESPONSES = {
    "ACCEPTED": ResponseStatus.ACCEPTED,
    "TENTATIVE": ResponseStatus.TENTATIVE,
    "DECLINED": ResponseStatus.DECLINED,
    # A guest who delegated the invitation did not attend it either.
    "DELEGATED": ResponseStatus.DECLINED,
}
_STATUSES = {"CANCELLED": EventStatus.CANCELLED, "TENTATIVE": EventStatus.TENTATIVE}


class OverBudgetError(ConnectorError):
    """A calendar passed a limit of the whole calendar (size, occurrences, time): none of it
    is read, and the message says which limit in words a user can act on."""


class IcsCalendar:
    """A `CalendarSource` reading one iCalendar file or https feed, and a `WatchedSource`.

    A read keeps the events it found over the window asked for and `HOLD_AHEAD`
    past it; while the calendar is unchanged (the same `stat` of a file, a 304
    or the same bytes from a feed) later windows inside that are answered from
    them without parsing again.
    """

    def __init__(
        self,
        name: str,
        *,
        path: Path | None = None,
        url: str | None = None,
        default_tz: tzinfo | None = None,
        timeout: float = 30.0,
        fetch: Fetch | None = None,
    ) -> None:
        """Read from `path` or `url` (exactly one); `url` must be https:// or webcal://.

        `default_tz` is the zone of floating times when the calendar names
        none (None: the system's zone). Raises `ValueError` unless exactly one
        of path/url is given and `ConnectorError` for a URL that is not https.
        """
        if (path is None) == (url is None):
            raise ValueError("IcsCalendar needs exactly one of path= or url=")
        self._name = name
        self._path = path
        self._url = None if url is None else _https_url(url)
        self._where = str(path) if self._url is None else _redact(self._url)
        self._timeout = timeout
        self._get: ConditionalFetch = _get_https if fetch is None else _unconditional(fetch)
        self._reader = CalendarReader(name, default_tz=default_tz)
        self._held: _Held | None = None
        self._pending: tuple[bytes, Validators] | None = None  # a feed `changed()` downloaded

    @property
    def name(self) -> str:
        """The identifier given at construction; part of every draft key."""
        return self._name

    def events(self, start: datetime, end: datetime) -> list[Event]:
        """Timed occurrences overlapping [start, end), sorted by start.

        Raises `ConnectorError` when the calendar cannot be read at all, and
        `OverBudgetError` (one) when it passes a limit of the whole calendar.
        """
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("events() needs timezone-aware start and end")
        try:
            return self._events(start, end)
        except ConnectorError:
            raise
        except Exception as exc:  # a stranger's calendar may break anything: one line, no trace
            log.debug("reading calendar %s failed", self._where, exc_info=exc)
            reason = one_line(str(exc), 160) or type(exc).__name__
            raise ConnectorError(f"calendar {self._where}: cannot be read ({reason})") from None

    def changed(self) -> bool:
        """Whether the calendar may differ from what the last read found (True before the
        first read): a `stat` of a file (its bytes compared only when that cannot tell), a
        conditional GET of a feed, whose new content is kept for the next read. A calendar
        that cannot be looked at now counts as unchanged: the next cycle will say why."""
        if self._held is None:
            return True
        try:
            return self._changed_since(self._held)
        except ConnectorError as error:
            log.debug("looking at calendar %s: %s", self._where, error)
            return False

    @property
    def watch_seconds(self) -> float:
        """How often asking `changed()` is cheap enough: seconds for a file, a minute for a feed."""
        return FILE_WATCH_SECONDS if self._path is not None else FEED_POLL_SECONDS

    def _events(self, start: datetime, end: datetime) -> list[Event]:
        held = self._held
        fresh = self._pending is None  # else `changed()` already downloaded a new feed
        if held is not None and held.covers(start, end) and fresh and not self._changed_since(held):
            return held.answer(start, end)
        with self._open() as document:
            if held is not None and held.digest == document.digest and held.covers(start, end):
                held.version, held.racy = document.version, document.racy
            else:
                self._held = self._read_held(document, start, end)
        assert self._held is not None  # just read
        return self._held.answer(start, end)

    def _changed_since(self, held: _Held) -> bool:
        if self._path is not None:
            if _file_version(self._stat()) == held.version and not held.racy:
                return False
            with self._open() as document:
                if document.digest != held.digest:
                    return True
                held.version, held.racy = document.version, document.racy
                return False
        body, validators = self._download(held.version)
        if body is None:
            return False
        if hashlib.sha256(body).digest() == held.digest:
            held.version = validators
            return False
        self._pending = (body, validators)
        return True

    def _read_held(self, document: _Document, start: datetime, end: datetime) -> _Held:
        """What `document` holds over the window and `HOLD_AHEAD` past it (only over the
        window when the longer one is over budget); an error is kept for the window only."""
        held = _Held(document.version, document.digest, document.racy, start, end + HOLD_AHEAD)
        try:
            held.events = self._window_events(document, start, held.end)
            return held
        except OverBudgetError:
            pass
        except Exception as exc:  # kept and raised again while the calendar is unchanged
            held.end, held.error = end, self._failure(exc)
            return held
        held.end = end
        try:
            held.events = self._window_events(document, start, end)
        except Exception as exc:  # kept and raised again while the calendar is unchanged
            held.error = self._failure(exc)
        return held

    def _failure(self, exc: Exception) -> ConnectorError:
        if isinstance(exc, ConnectorError):
            return exc
        # A stranger's calendar may break anything: one line, no trace.
        log.debug("reading calendar %s failed", self._where, exc_info=exc)
        reason = one_line(str(exc), 160) or type(exc).__name__
        return ConnectorError(f"calendar {self._where}: cannot be read ({reason})")

    def _window_events(self, document: _Document, start: datetime, end: datetime) -> list[Event]:
        budget = _Budget(self._where, _near(start, end))
        found = self._reader.stream_events(document.stream, document.head, start, end, budget)
        return sorted(found, key=lambda event: (event.start, event.uid))

    def _stat(self) -> os.stat_result:
        assert self._path is not None  # only asked of a file
        try:
            return self._path.stat()
        except OSError as exc:
            raise ConnectorError(f"calendar file {self._path}: {exc.strerror}") from None

    @contextmanager
    def _open(self) -> Iterator[_Document]:
        """The calendar as it is now, streamed from its file where it can be."""
        if self._path is not None:
            with _open_file(self._path, self._not_icalendar) as document:
                yield document
            return
        if self._pending is None:
            body, validators = self._download(("", ""))
            assert body is not None  # an unconditional GET has one
        else:
            (body, validators), self._pending = self._pending, None
        if len(body) > MAX_CALENDAR_BYTES:
            raise ConnectorError(f"calendar {self._where}: {_TOO_LARGE}")
        text = _as_utf8_document(body, self._not_icalendar)
        yield _Document(validators, hashlib.sha256(body).digest(), False, io.BytesIO(text), body)

    def _download(self, validators: object) -> tuple[bytes | None, Validators]:
        """The feed and its validators, or None when it is unchanged since `validators`."""
        assert self._url is not None  # the constructor guarantees one of them
        sent = validators if isinstance(validators, tuple) else ("", "")
        try:
            return self._get(self._url, self._timeout, sent)
        except Exception as exc:  # any failure of any fetcher must become one clear line
            reason = _fetch_failure(exc, self._timeout)
            raise ConnectorError(f"calendar {self._where}: download failed ({reason})") from None

    def _not_icalendar(self, data: bytes, detail: str = "") -> ConnectorError:
        return _not_icalendar(self._where, data, detail)


@dataclass(frozen=True)
class Document:
    """One iCalendar text to read, and where it came from (a file, a URL) for messages."""

    where: str
    data: bytes


class CalendarReader:
    """Reads iCalendar documents into `Event`s within the `MAX_` limits: the reading half of
    `IcsCalendar`, for connectors that fetch a calendar's documents their own way.

    The documents of one call share the limits of one calendar (their total size
    counts against `MAX_CALENDAR_BYTES`). A problem is warned about once, then
    only logged at debug level: the daemon reads the same calendar every few minutes.
    """

    def __init__(
        self, name: str, *, default_tz: tzinfo | None = None, calendar_zone: tzinfo | None = None
    ) -> None:
        """`default_tz` is the zone of floating times (None: the system's); `calendar_zone`,
        when given, is the calendar's own zone, which floating and UTC times are shown in
        (as X-WR-TIMEZONE says, which it overrides)."""
        self.name = name
        self.default_tz = default_tz
        self.calendar_zone = calendar_zone
        self._warned: set[str] = set()

    def events(
        self,
        where: str,
        documents: Iterable[Document],
        start: datetime,
        end: datetime,
        *,
        skip_broken: bool,
    ) -> list[Event]:
        """Timed occurrences in the documents overlapping [start, end), sorted by start.

        `where` names the calendar in the errors about all of it. With
        `skip_broken` a document that cannot be read is logged and skipped,
        otherwise it raises `ConnectorError`; passing a limit of the whole
        calendar raises `OverBudgetError` either way.
        """
        budget = _Budget(where, _near(start, end))
        found: list[Event] = []
        for document in documents:
            budget.check_time()
            budget.read(len(document.data))
            try:
                found.extend(self._document_events(document, start, end, budget))
            except OverBudgetError:
                raise
            except Exception as exc:  # a stranger's file may break anything; the others still count
                if not skip_broken:
                    raise
                log.debug("reading %s failed", document.where, exc_info=exc)
                reason = one_line(str(exc), 160) or type(exc).__name__
                self.warn("calendar %s: skipping %s: %s", where, document.where, reason)
        return sorted(found, key=lambda event: (event.start, event.uid))

    def stream_events(
        self, stream: IO[bytes], head: bytes, start: datetime, end: datetime, budget: _Budget
    ) -> list[Event]:
        """The occurrences in [start, end), in no order, of the calendar text in `stream`
        (UTF-8 with line feeds; `head`, its first bytes as read, says what it is when it is
        no calendar), read within `budget`."""
        return _DocumentReader(self, budget.where).events(stream, head, start, end, budget)

    def _document_events(
        self, document: Document, start: datetime, end: datetime, budget: _Budget
    ) -> list[Event]:
        reader = _DocumentReader(self, document.where)
        text = _as_utf8_document(document.data, reader.not_icalendar)
        return reader.events(io.BytesIO(text), document.data, start, end, budget)

    def warn(self, message: str, *args: object) -> None:
        """Warn once per problem; the daemon re-reads the calendar every few minutes."""
        key = message % args
        level = logging.DEBUG if key in self._warned else logging.WARNING
        self._warned.add(key)
        log.log(level, message, *args)


class _DocumentReader:
    """Reads one document of a calendar: its VCALENDARs, their time zones and events."""

    def __init__(self, reader: CalendarReader, where: str) -> None:
        self._name = reader.name
        self._where = where
        self._default_tz = reader.default_tz
        self._zone = reader.calendar_zone
        self._warn = reader.warn

    def events(
        self, stream: IO[bytes], head: bytes, start: datetime, end: datetime, budget: _Budget
    ) -> list[Event]:
        """The document's occurrences in [start, end), in no order."""
        found: list[Event] = []
        for calendar in self._parse(stream, head, budget):
            found.extend(self._calendar_events(calendar, start, end, budget))
        return found

    def not_icalendar(self, data: bytes, detail: str = "") -> ConnectorError:
        """The error for a document that is no calendar, with a hint when it is a web page."""
        return _not_icalendar(self._where, data, detail)

    def _parse(self, stream: IO[bytes], head: bytes, budget: _Budget) -> list[icalendar.Component]:
        """The VCALENDARs in `stream` (some feeds concatenate several), each holding only
        what can matter: its events near the window, its series and its time zones."""
        calendars = self._split(stream, budget)
        if not calendars:
            raise self.not_icalendar(head, " (no VCALENDAR)")
        # A calendar without an event near the window has nothing to say: not parsed at all.
        return [self._parse_calendar(calendar, budget) for calendar in calendars if calendar.events]

    def _split(self, stream: IO[bytes], budget: _Budget) -> list[_CalendarText]:
        stream.seek(0)
        splitter = _Splitter(self._where, self._warn, budget)
        for number, line in enumerate(_content_lines(stream)):
            if number % _CLOCK_EVERY == 0:
                budget.check_time()
                if splitter.offset > MAX_CALENDAR_BYTES:  # a file that grows as it is read
                    raise ConnectorError(f"calendar {self._where}: {_TOO_LARGE}")
            splitter.feed(line)
        return splitter.finish(stream)

    def _parse_calendar(self, text: _CalendarText, budget: _Budget) -> icalendar.Component:
        try:
            calendar: icalendar.Component = icalendar.Calendar.from_ical(text.with_events())
        except Exception:  # e.g. OSError for a TZID too long for a file name
            return self._parse_event_by_event(text, budget)
        return calendar

    def _parse_event_by_event(self, text: _CalendarText, budget: _Budget) -> icalendar.Component:
        """Parse each VEVENT alone, inside the rest of its calendar, so one cannot sink all."""
        text = self._without_broken_zones(text)
        try:
            calendar: icalendar.Component = icalendar.Calendar.from_ical(text.with_events([]))
        except Exception:  # icalendar's message quotes the content; ours must not
            raise ConnectorError(f"calendar {self._where}: not an iCalendar file") from None
        zones = [(_label(zone).encode(), zone) for zone in text.zones]
        for block in text.events:
            budget.check_time()
            # With only the zones it names: parsing every zone for every event takes long.
            lines = _unfold(b"".join(block))
            named = [zone for tzid, zone in zones if tzid in lines]
            try:
                wrapped = icalendar.Calendar.from_ical(
                    _CalendarText(text.header, named, [block]).with_events()
                )
                calendar.add_component(_events_in(wrapped)[0])
            except Exception as exc:  # only this event is lost
                reason = one_line(str(exc), 160)
                self._warn("calendar %s: skipping event %r: %s", self._where, _label(block), reason)
        return calendar

    def _without_broken_zones(self, text: _CalendarText) -> _CalendarText:
        """`text` without the time zones icalendar cannot parse; events in them are skipped
        later, for their unknown zone."""
        zones: list[list[bytes]] = []
        for zone in text.zones:
            try:
                icalendar.Calendar.from_ical(_CalendarText(text.header, [zone]).with_events([]))
            except Exception as exc:  # only this zone is lost
                reason = one_line(str(exc), 160)
                self._warn(
                    "calendar %s: skipping time zone %r: %s", self._where, _label(zone), reason
                )
            else:
                zones.append(zone)
        return _CalendarText(text.header, zones, text.events)

    def _calendar_events(
        self, calendar: icalendar.Component, start: datetime, end: datetime, budget: _Budget
    ) -> list[Event]:
        zones = _Zones(
            self._zone or self._calendar_zone(calendar), self._default_tz or local_zone()
        )
        timezones = [c for c in calendar.subcomponents if c.name == "VTIMEZONE"]
        screened: list[icalendar.Component] = []
        for component in _events_in(calendar):
            budget.check_time()
            if (event := self._screened(component, zones, budget)) is not None:
                screened.append(event)
        occurrences = self._expand(timezones, screened, start, end)
        series = {str(e.get("UID")) for e in screened if _RECURRENCE_PROPERTIES & set(e)}
        found: list[Event] = []
        for occurrence in occurrences:
            budget.check_time()
            if (timed := self._to_event(occurrence, series)) is not None:
                found.append(timed)
        return found

    def _calendar_zone(self, calendar: icalendar.Component) -> tzinfo | None:
        """The zone named by X-WR-TIMEZONE (Google, Apple), if it can be resolved."""
        name = _text(calendar, "X-WR-TIMEZONE").strip()
        if not name:
            return None
        try:
            zone = tzp.timezone(name)
        except (ValueError, OSError):  # e.g. a name too long for the file system
            zone = None
        if zone is None:
            self._warn(
                "calendar %s: unknown X-WR-TIMEZONE %r; floating times use the default zone",
                self._where,
                one_line(name, 80),
            )
        return zone

    def _screened(
        self, component: icalendar.Component, zones: _Zones, budget: _Budget
    ) -> icalendar.Component | None:
        try:
            return self._screen(component, zones, budget)
        except OverBudgetError:
            raise
        except Exception as exc:  # a stranger's property can break in any way; skip the event
            uid = _text(component, "UID") or "(no UID)"
            self._warn(
                "calendar %s: skipping event %r: %s", self._where, uid, one_line(str(exc), 160)
            )
            return None

    def _screen(
        self, component: icalendar.Component, zones: _Zones, budget: _Budget
    ) -> icalendar.Component | None:
        """A copy of `component` ready to expand, or None when it must be skipped; what
        expanding it costs is charged to `budget`."""
        problem = _broken(component)
        if problem is None and not isinstance(_value(component.get("DTSTART")), datetime):
            return None  # all-day (one day or many): the core never sees these
        uid = self._uid(component)
        problem = problem or _unknown_zone(component) or _rule_problem(component)
        if problem is not None:
            self._warn("calendar %s: skipping event %r: %s", self._where, uid, problem)
            return None
        event = component.copy()
        event["UID"] = uid
        _normalise_times(event, zones)
        unusable = _end_problem(event)
        instance = "RECURRENCE-ID" in event
        problem = _shift_problem(event) or (None if instance else unusable) or budget.charge(event)
        if problem is not None:
            self._warn("calendar %s: skipping event %r: %s", self._where, uid, problem)
            return None
        if unusable is not None:
            # Kept, not dropped: a moved or cancelled instance must still hide its original
            # slot. Zero length, so no long event widens the expansion; skipped later.
            event.pop("DURATION", None)
            event["DTEND"] = event["DTSTART"]
            event[_SKIP] = unusable
        return event

    def _uid(self, component: icalendar.Component) -> str:
        uid = _text(component, "UID").strip()
        if uid:
            return uid
        raw_start = component.get("DTSTART")
        seed = "\x1f".join(
            (
                _text(component, "SUMMARY"),
                str(getattr(raw_start, "params", {}).get("TZID", "")),
                "" if raw_start is None else raw_start.to_ical().decode("utf-8", "replace"),
            )
        )
        derived = "derived-" + hashlib.sha256(seed.encode("utf-8", "replace")).hexdigest()[:32]
        self._warn("calendar %s: event without UID, using %r", self._where, derived)
        return derived

    def _expand(
        self,
        timezones: list[icalendar.Component],
        events: list[icalendar.Component],
        start: datetime,
        end: datetime,
    ) -> list[icalendar.Component]:
        try:
            return _between(timezones, events, start, end)
        except Exception as exc:  # the library has no common error type; retry per series
            self._warn(
                "calendar %s: expanding recurrences failed (%s); retrying event by event",
                self._where,
                one_line(str(exc), 160),
            )
        occurrences: list[icalendar.Component] = []
        for uid, series in _by_uid(events).items():
            try:
                occurrences.extend(_between(timezones, series, start, end))
            except Exception as exc:  # only this series is lost
                self._warn(
                    "calendar %s: skipping event %r: its recurrence cannot be expanded (%s)",
                    self._where,
                    uid,
                    one_line(str(exc), 160),
                )
        return occurrences

    def _to_event(self, occurrence: icalendar.Component, series: set[str]) -> Event | None:
        uid = str(occurrence["UID"])
        try:
            return self._build_event(occurrence, uid, uid in series)
        except Exception as exc:  # a stranger's property can break in any way; skip the event
            self._warn(
                "calendar %s: skipping event %r: %s", self._where, uid, one_line(str(exc), 160)
            )
            return None

    def _build_event(
        self, occurrence: icalendar.Component, uid: str, recurring: bool
    ) -> Event | None:
        start = _value(occurrence["DTSTART"])
        end = _value(occurrence["DTEND"])
        if not isinstance(start, datetime) or not isinstance(end, datetime):
            return None  # an RDATE may add a date to a timed series: an all-day instance
        # An RDATE period or a moved instance brings its own end.
        reason = occurrence.get(_SKIP) or _length_problem(end - start)
        if reason is not None:
            self._warn("calendar %s: skipping event %r: %s", self._where, uid, reason)
            return None
        original = _value(occurrence.get("RECURRENCE-ID"))
        return Event(
            source=self._name,
            uid=uid,
            title=_text(occurrence, "SUMMARY"),
            start=start,
            end=end,
            occurrence=original if recurring and isinstance(original, datetime) else None,
            description=_text(occurrence, "DESCRIPTION"),
            location=_text(occurrence, "LOCATION"),
            organizer=_organizer(occurrence),
            attendees=tuple(_person(a) for a in _as_list(occurrence.get("ATTENDEE"))),
            status=_STATUSES.get(_text(occurrence, "STATUS").upper(), EventStatus.CONFIRMED),
        )


class _Zones:
    """Where floating times live, and the zone UTC times are shown in (X-WR-TIMEZONE)."""

    def __init__(self, calendar_zone: tzinfo | None, default: tzinfo) -> None:
        self.calendar = calendar_zone
        self.floating = calendar_zone or default

    def localise(self, value: Any, tzid: object) -> Any:
        """`value` made aware, in the zone it should be shown in; the instant is kept."""
        if isinstance(value, tuple):  # an RDATE period
            return tuple(self.localise(part, tzid) for part in value)
        if not isinstance(value, datetime):
            return value
        if value.tzinfo is None:
            return value.replace(tzinfo=self.floating)
        # Like x-wr-timezone: Google writes UTC times meaning the calendar's zone.
        if self.calendar is not None and value.tzname() == "UTC":
            return value.astimezone(self.calendar)
        # With a VTIMEZONE, icalendar builds its own zone even for a Windows name.
        olson = WINDOWS_TO_OLSON.get(str(tzid).strip("/")) if tzid else None
        zone = zone_named(olson) if olson else None
        if zone is not None and not isinstance(value.tzinfo, ZoneInfo):
            return value.astimezone(zone)
        return value


class _Budget:
    """One read of a calendar: where occurrences can matter, and what it may still spend."""

    def __init__(self, where: str, near: tuple[datetime, datetime]) -> None:
        self.near = near
        self.where = where
        self._deadline = time.monotonic() + MAX_READ_SECONDS
        self._occurrences = 0
        self._steps = 0
        self._parsed = 0
        self._values = 0
        self._read = 0

    def read(self, size: int) -> None:
        """Count `size` more bytes of documents read; raise `OverBudgetError` past
        `MAX_CALENDAR_BYTES`."""
        self._read += size
        if self._read > MAX_CALENDAR_BYTES:
            raise self._over(f"it is larger than {MAX_CALENDAR_BYTES // 2**20} MiB")

    def check_time(self) -> None:
        """Raise `OverBudgetError` once the read has taken longer than `MAX_READ_SECONDS`."""
        if time.monotonic() > self._deadline:
            raise self._over(f"reading it takes longer than {MAX_READ_SECONDS:g} s")

    def keep(self, size: int, values: int) -> None:
        """Count `size` more bytes and `values` more values to be parsed against the limits."""
        self._parsed += size
        self._values += values
        if self._parsed > MAX_PARSED_BYTES:
            raise self._over(
                f"more than {MAX_PARSED_BYTES // 2**20} MiB of it is near now or repeats"
            )
        if self._values > MAX_PARSED_VALUES:
            raise self._over(
                f"the part of it near now or repeating has more than {MAX_PARSED_VALUES:,} "
                "lines and dates"
            )

    def charge(self, event: icalendar.Component) -> str | None:
        """Why expanding `event` would cost too much, or None once its cost is charged to the
        calendar; raises `OverBudgetError` when the calendar's limits are passed."""
        steps, near = _expansion_cost(event, self)
        if steps > MAX_RECURRENCE_STEPS_PER_EVENT:
            return (
                f"its repetitions would need more than {MAX_RECURRENCE_STEPS_PER_EVENT:,} "
                "dates worked out (too frequent, or started too long ago)"
            )
        if near > MAX_OCCURRENCES_PER_EVENT:
            return f"it repeats more than {MAX_OCCURRENCES_PER_EVENT:,} times near now"
        self._steps += steps
        self._occurrences += near
        if self._occurrences > MAX_OCCURRENCES_PER_CALENDAR:
            raise self._over(
                f"it has more than {MAX_OCCURRENCES_PER_CALENDAR:,} events and repetitions near now"
            )
        if self._steps > MAX_RECURRENCE_STEPS_PER_CALENDAR:
            raise self._over(
                f"its repeating events would need more than "
                f"{MAX_RECURRENCE_STEPS_PER_CALENDAR:,} dates worked out"
            )
        return None

    def _over(self, reason: str) -> OverBudgetError:
        return OverBudgetError(f"calendar {self.where}: too much to read: {reason}")


def _near(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The window widened by the longest event and the furthest move of a series: an
    occurrence outside this cannot overlap the window nor move into it."""
    return start - 2 * MAX_EVENT_LENGTH, end + MAX_EVENT_LENGTH


@dataclass
class _Document:
    """A calendar's bytes as they are now, and what tells whether they changed."""

    version: object  # a file's identity, size and times; a feed's validators
    digest: bytes  # SHA-256 of the bytes as read
    racy: bool  # a file changed too shortly before being read for its version to be trusted
    stream: IO[bytes]  # the bytes as UTF-8 with line feeds, from the start
    head: bytes  # the first bytes as read, to say what they are when they are no calendar


@dataclass
class _Held:
    """What the last read of a calendar found: the events over [start, end), or the error."""

    version: object
    digest: bytes
    racy: bool
    start: datetime
    end: datetime
    events: list[Event] = field(default_factory=list)
    error: ConnectorError | None = None

    def covers(self, start: datetime, end: datetime) -> bool:
        """Whether the window [start, end) lies inside what was read."""
        return self.start <= start and end <= self.end

    def answer(self, start: datetime, end: datetime) -> list[Event]:
        """The events overlapping [start, end), or the error of the read raised again."""
        if self.error is not None:
            raise self.error
        return [event for event in self.events if event.start < end and event.end > start]


@dataclass
class _CalendarText:
    """One VCALENDAR as the lines worth parsing: its header, its time zones, its events."""

    header: list[bytes] = field(default_factory=lambda: [b"BEGIN:VCALENDAR\r\n"])
    zones: list[list[bytes]] = field(default_factory=list)
    events: list[list[bytes]] = field(default_factory=list)

    def with_events(self, events: list[list[bytes]] | None = None) -> bytes:
        """The calendar holding its zones and `events` (None: all of its own)."""
        chosen = self.events if events is None else events
        lines = [line for component in (*self.zones, *chosen) for line in component]
        return b"".join([*self.header, *lines, _END_CALENDAR])


@dataclass
class _Component:
    """A component of a VCALENDAR as its lines are read, and what decides if it is kept."""

    name: str
    offset: int = 0  # where its BEGIN line starts in the document
    lines: list[bytes] = field(default_factory=list)
    size: int = 0
    values: int = 0  # its lines, and the dates of its RDATE and EXDATE lists
    label: str = ""  # its UID (an event) or TZID (a time zone), for the log
    days: list[int] = field(default_factory=list)  # of DTSTART and RECURRENCE-ID, as YYYYMMDD
    start_day: int | None = None  # of DTSTART, as YYYYMMDD
    rules: list[bytes] = field(default_factory=list)  # its RRULE values
    repeats: bool = False  # RDATE, a change to "this and future": kept whatever its dates
    instance: bool = False  # it has a RECURRENCE-ID: one occurrence of a series
    attendees: int = 0
    problem: str = ""

    @property
    def in_series(self) -> bool:
        """Whether it is a series or one of its occurrences, told apart by UID only."""
        return self.repeats or self.instance or bool(self.rules)


class _Splitter:
    """Cuts a calendar, content line by content line, into the parts worth parsing.

    Kept: the header properties `_HEADER` names, every VTIMEZONE, and each
    VEVENT that starts near the window or belongs to a series that can reach
    it (with every other VEVENT of its UID: a series keeps its moved and
    cancelled occurrences); other components and events are never parsed.
    Guests beyond `MAX_ATTENDEES` are dropped; an event that is too large,
    nested too deep or never closed is logged and skipped.
    """

    def __init__(
        self, where: str, warn: Callable[..., None], budget: _Budget, *, keep_all: bool = False
    ) -> None:
        self._where = where
        self._warn = warn
        self._budget = budget
        self._keep_all = keep_all
        low, high = (moment.astimezone(UTC) for moment in budget.near)
        # A date in a line is local time: a day on each side for any zone.
        self._days = (_day_number(low - timedelta(days=1)), _day_number(high + timedelta(days=1)))
        self._calendars: list[_CalendarText] = []
        self._stack: list[str] = []  # the open components, outermost first
        self._deeper = 0  # components open beyond MAX_NESTING, counted only
        self._component: _Component | None = None
        self.offset = 0  # of the next line in the document
        self._kept: list[list[int]] = []  # per calendar, where each kept event starts
        self._needed: set[str] = set()  # the UIDs of the events kept
        # Events of a series left out for their dates, by UID, as (calendar, start, end) in
        # the document: read again at the end when another event of their UID was kept.
        self._aside: dict[str, list[tuple[int, int, int]]] = {}
        # The header and zones of the calendar being read are charged to the budget with its
        # first event kept: a calendar of nothing near the window (one of thousands of vdir
        # files) is never parsed, so it costs nothing.
        self._owed = (0, 0)

    def feed(self, line: bytes) -> None:
        """Take the next content line (folds included, as in the file)."""
        self.offset += len(line)
        match = _NAME.match(line)
        name = match.group(1).upper() if match else b""
        if name == b"BEGIN":
            self._begin(_component_name(line), line)
        elif name == b"END":
            self._end(_component_name(line), line)
        elif self._component is not None:
            self._property(name, line)
        elif self._stack == ["VCALENDAR"] and name in _HEADER:
            self._charge(len(line), 1)
            self._calendars[-1].header.append(_as_utf8(line))

    def finish(self, document: IO[bytes]) -> list[_CalendarText]:
        """The calendars read from `document` (which is read again for the events set aside
        whose series was kept); components left open at the end are closed (and an event
        left open is skipped)."""
        if self._component is not None:
            self._component.problem = f"it has no END:{self._component.name}"
            self._close()
        for uid in sorted(self._needed & self._aside.keys()):
            for number, start, end in self._aside[uid]:
                document.seek(start)
                self._reread(number, start, document.read(end - start))
        for calendar, starts in zip(self._calendars, self._kept, strict=True):
            # In the document's order, as a full parse would see them.
            order = sorted(range(len(starts)), key=starts.__getitem__)
            calendar.events = [calendar.events[i] for i in order]
        return self._calendars

    def _reread(self, number: int, start: int, text: bytes) -> None:
        """Keep the event `text`, which the document holds from `start` in its calendar
        `number`, whatever its dates."""
        again = _Splitter(self._where, self._warn, self._budget, keep_all=True)
        again._calendars, again._kept = [_CalendarText()], [[]]
        again._stack, again.offset = ["VCALENDAR"], start
        for line in _content_lines(io.BytesIO(text)):
            again.feed(line)
        again.finish(io.BytesIO())
        self._calendars[number].events += again._calendars[0].events
        self._kept[number] += again._kept[0]

    def _begin(self, kind: str, line: bytes) -> None:
        if len(self._stack) >= MAX_NESTING:
            self._deeper += 1
            if self._component is not None:
                self._component.problem = f"it nests components more than {MAX_NESTING} deep"
            return
        self._stack.append(kind)
        if self._stack == ["VCALENDAR"]:
            self._calendars.append(_CalendarText())
            self._kept.append([])
            self._owed = (0, 0)
        elif len(self._stack) == 2 and self._stack[0] == "VCALENDAR":
            self._component = _Component(kind, offset=self.offset - len(line))
        if self._component is not None:
            self._append(line)

    def _end(self, kind: str, line: bytes) -> None:
        if self._deeper:
            self._deeper -= 1
            return
        if kind not in self._stack:
            return  # an END without its BEGIN closes nothing
        position = len(self._stack) - 1 - self._stack[::-1].index(kind)
        closes_all = position + 1 == len(self._stack)
        del self._stack[position:]
        if self._component is None:
            return
        if position == 0:  # the calendar ends inside the component
            self._component.problem = f"it has no END:{self._component.name}"
            self._close()
            return
        if not closes_all:
            self._component.problem = "a component inside it is not closed"
        self._append(line)
        if position == 1:
            self._close()

    def _property(self, name: bytes, line: bytes) -> None:
        component = self._component
        assert component is not None  # only called inside a component
        if name == b"ATTENDEE":
            component.attendees += 1
            if component.attendees > MAX_ATTENDEES:
                return
        if len(self._stack) == 2 and not self._deeper:
            _note(component, name, line)
        if name in (b"RDATE", b"EXDATE"):
            component.values += line.count(b",")
        self._append(line)

    def _append(self, line: bytes) -> None:
        component = self._component
        assert component is not None  # only called inside a component
        component.size += len(line)
        component.values += 1
        if component.size > MAX_EVENT_BYTES and not component.problem:
            component.problem = f"it is larger than {MAX_EVENT_BYTES // 1024} KiB"
        if component.problem:
            component.lines.clear()  # it is skipped: only its END is still looked for
        else:
            component.lines.append(line)

    def _close(self) -> None:
        component, self._component = self._component, None
        assert component is not None  # only called inside a component
        calendar = self._calendars[-1]
        if component.name == "VTIMEZONE":
            if component.problem:
                self._skip("time zone", component)
            else:
                self._charge(component.size, component.values)
                calendar.zones.append(_in_utf8(component.lines))
        elif component.name == "VEVENT":
            if component.problem:
                self._skip("event", component)
            elif self._keep_all or self._may_matter(component):
                calendar.events.append(_in_utf8(component.lines))
                self._charge(component.size, component.values)
                self._kept[-1].append(component.offset)
                if component.label:
                    self._needed.add(component.label)
                self._note_guests(component)
            elif component.in_series:
                place = (len(self._calendars) - 1, component.offset, self.offset)
                self._aside.setdefault(component.label, []).append(place)

    def _charge(self, size: int, values: int) -> None:
        """Charge what is kept to the budget, or owe it until the calendar has an event."""
        size, values = size + self._owed[0], values + self._owed[1]
        if self._calendars[-1].events:
            self._budget.keep(size, values)
            size = values = 0
        self._owed = (size, values)

    def _may_matter(self, event: _Component) -> bool:
        low, high = self._days
        if event.repeats or not event.days or any(low <= d <= high for d in event.days):
            return True
        # A series starting after the window is kept, as one reaching it: the parser judges it.
        start = event.start_day
        return start is not None and (start > high or _reaches(event.rules, start, low))

    def _skip(self, what: str, component: _Component) -> None:
        label = component.label or "(no UID)"
        self._warn("calendar %s: skipping %s %r: %s", self._where, what, label, component.problem)

    def _note_guests(self, event: _Component) -> None:
        if event.attendees > MAX_ATTENDEES:
            self._warn(
                "calendar %s: event %r has %d guests; only the first %d are read",
                self._where,
                event.label or "(no UID)",
                event.attendees,
                MAX_ATTENDEES,
            )


def _note(component: _Component, name: bytes, line: bytes) -> None:
    """Record what a property of the component itself says about keeping it."""
    if name in (b"UID", b"TZID") and not component.label:
        component.label = _unfold(line).partition(b":")[2].strip().decode("utf-8", "replace")
    elif name == b"RRULE":
        component.rules.append(_unfold(line).partition(b":")[2].strip().upper())
    elif name == b"RDATE":
        component.repeats = True
    elif name in (b"DTSTART", b"RECURRENCE-ID"):
        component.instance = component.instance or name == b"RECURRENCE-ID"
        day = _line_day(line)
        if day is None or b"THISANDFUTURE" in line.upper():
            component.repeats = True  # unreadable here: the parser judges it
        else:
            component.days.append(day)
            if name == b"DTSTART":
                component.start_day = day


def _reaches(rules: list[bytes], start: int, low: int) -> bool:
    """Whether a series starting on day `start` (YYYYMMDD) may still have an occurrence
    starting on day `low` or later; False only when every rule surely ends before."""
    if not rules:
        return False
    for rule in rules:
        last = _last_day(rule, start)
        if last is None or last >= low:
            return True
    return False


def _last_day(rule: bytes, start: int) -> int | None:
    """The latest day (YYYYMMDD) an occurrence of `rule` from `start` can fall on, read from
    its UNTIL, or bounded by its COUNT where every period surely holds one occurrence (DAILY,
    WEEKLY, with at most BYDAY); None when the rule may go on, or cannot be read here."""
    parts = dict(part.partition(b"=")[::2] for part in rule.split(b";"))
    if b"UNTIL" in parts:
        day = parts[b"UNTIL"][:8]
        return int(day) if len(day) == 8 and day.isdigit() else None
    count, interval = parts.get(b"COUNT", b""), parts.get(b"INTERVAL", b"1")
    frequency, weekdays = parts.get(b"FREQ"), parts.get(b"BYDAY")
    if not (count.isdigit() and interval.isdigit()) or frequency not in (b"DAILY", b"WEEKLY"):
        return None
    if parts.keys() - {b"FREQ", b"COUNT", b"INTERVAL", b"BYDAY", b"WKST"}:
        return None
    if weekdays is not None and not all(day.isalpha() for day in weekdays.split(b",")):
        return None
    # With BYDAY, a day or a week may hold no occurrence; every week holds one.
    days_each = 1 if frequency == b"DAILY" and weekdays is None else 7
    try:
        first = date(start // 10000, start // 100 % 100, start % 100)
        last = first + timedelta(days=int(count) * int(interval) * days_each)
    except (ValueError, OverflowError):
        return None
    return _day_number(last)


def _in_utf8(lines: list[bytes]) -> list[bytes]:
    """A kept component's lines in UTF-8 (converted only once kept: most are never parsed)."""
    return [_as_utf8(line) for line in lines]


def _content_lines(stream: IO[bytes]) -> Iterator[bytes]:
    """Each content line of `stream` with its folds, as in `stream`, one at a time."""
    parts: list[bytes] = []
    for line in stream:
        if parts and line[:1] in (b" ", b"\t"):
            parts.append(line)
            continue
        if parts:
            yield b"".join(parts)
        parts = [line]
    if parts:
        yield b"".join(parts)


def _unfold(line: bytes) -> bytes:
    return _FOLD.sub(b"", line)


def _component_name(line: bytes) -> str:
    return _unfold(line).partition(b":")[2].strip().upper().decode("ascii", "replace")


def _line_day(line: bytes) -> int | None:
    """The date of a DTSTART or RECURRENCE-ID line as YYYYMMDD, or None."""
    digits = _unfold(line).rpartition(b":")[2].strip()[:8]
    return int(digits) if len(digits) == 8 and digits.isdigit() else None


def _day_number(moment: date) -> int:
    return moment.year * 10000 + moment.month * 100 + moment.day


def _as_utf8_document(data: bytes, not_icalendar: Callable[[bytes, str], Exception]) -> bytes:
    """`data` as UTF-8 with line feeds: a byte order mark is read and dropped, a file of
    carriage returns only (old Macs) gets line feeds."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeError:
            raise not_icalendar(data, " (broken UTF-16)") from None
    if b"\n" not in data:
        data = data.replace(b"\r", b"\n")
    return data


def _as_utf8(line: bytes) -> bytes:
    """The content line in UTF-8; one that is not is read as Windows-1252 (old Outlook)."""
    if _is_utf8(line) or _is_utf8(_unfold(line)):  # a fold may cut a character in two
        return line
    text = _unfold(line).rstrip(b"\r\n").decode("cp1252", "replace")
    return text.encode("utf-8") + b"\r\n"


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _events_in(calendar: icalendar.Component) -> list[icalendar.Component]:
    return [c for c in calendar.subcomponents if c.name == "VEVENT"]


def _https_url(url: str) -> str:
    """The https form of a feed address; webcal:// is https by convention."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
    except ValueError:
        raise ConnectorError("calendar URL is malformed") from None
    scheme = parts.scheme.lower()
    if scheme in ("webcal", "webcals"):
        parts = parts._replace(scheme="https")
    elif scheme != "https":
        raise ConnectorError(
            f"calendar URL {_redact(url)} is not https; use an https:// or webcal:// "
            "address (plain http would expose the calendar and its secret address)"
        )
    if not parts.hostname:
        raise ConnectorError(f"calendar URL {_redact(url)} has no host")
    return urllib.parse.urlunsplit(parts)


def _redact(url: str) -> str:
    """Scheme and host only: secret iCal addresses carry their token in the path."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        host = parts.hostname or "?"
    except ValueError:
        return "<malformed URL>"
    return f"{parts.scheme.lower() or '?'}://{host}/…"


def _get_https(url: str, timeout: float, validators: Validators) -> tuple[bytes | None, Validators]:
    """The feed unless unchanged since `validators`, refused once it passes
    MAX_CALENDAR_BYTES or MAX_DOWNLOAD_SECONDS."""
    # Imported here: urllib.request loads ssl, which a calendar of files never needs.
    from connectors.https_feed import fetch_https

    return fetch_https(
        url,
        timeout=timeout,
        total=MAX_DOWNLOAD_SECONDS,
        limit=MAX_CALENDAR_BYTES,
        redact=_redact,
        validators=validators,
    )


def _unconditional(fetch: Fetch) -> ConditionalFetch:
    """A fetcher that knows no validators, as a conditional one that always downloads."""

    def get(url: str, timeout: float, _validators: Validators) -> tuple[bytes | None, Validators]:
        return fetch(url, timeout), ("", "")

    return get


def _fetch_failure(exc: Exception, timeout: float) -> str:
    """Why a download failed, without the URL (urllib and others may quote it)."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {one_line(str(exc.reason), 160)}"
    if isinstance(exc, TimeoutError):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, urllib.error.URLError):
        return one_line(str(exc.reason), 160)
    if isinstance(exc, ConnectorError):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return type(exc).__name__


@contextmanager
def _open_file(path: Path, not_icalendar: Callable[[bytes, str], Exception]) -> Iterator[_Document]:
    """The calendar file as a stream of its bytes (read whole only when it needs converting
    to UTF-8 with line feeds, or is no regular file), refused past MAX_CALENDAR_BYTES."""
    try:
        # Non-blocking: a named pipe without a writer must not hang the daemon.
        file = os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb")
    except FileNotFoundError:
        raise ConnectorError(f"calendar file {path}: not found") from None
    except OSError as exc:
        raise ConnectorError(f"calendar file {path}: {_cannot_read(exc)}") from None
    with file:
        try:
            facts = os.fstat(file.fileno())
            # The change time, which no one can set back, tells how recent the last write is.
            version, racy = _file_version(facts), time.time_ns() - facts.st_ctime_ns < _RACY_NS
            head = file.read(_HEAD_BYTES)
            if facts.st_size > MAX_CALENDAR_BYTES:
                raise ConnectorError(f"calendar file {path}: {_TOO_LARGE}")
            if stat.S_ISREG(facts.st_mode) and not _needs_converting(head):
                digest = _digest(file)
                yield _Document(version, digest, racy, file, head)
                return
            data = head + file.read(MAX_CALENDAR_BYTES + 1 - len(head))
        except OSError as exc:
            raise ConnectorError(f"calendar file {path}: {_cannot_read(exc)}") from None
    if len(data) > MAX_CALENDAR_BYTES:
        raise ConnectorError(f"calendar file {path}: {_TOO_LARGE}")
    text = _as_utf8_document(data, not_icalendar)
    yield _Document(version, hashlib.sha256(data).digest(), racy, io.BytesIO(text), head)


def _not_icalendar(where: str, data: bytes, detail: str = "") -> ConnectorError:
    hint = ""
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        hint = "; it looks like a web page, is this the calendar's iCal address?"
    return ConnectorError(f"calendar {where}: not an iCalendar file{detail}{hint}")


def read_calendar_file(path: Path, limit: int = MAX_CALENDAR_BYTES) -> bytes:
    """At most `limit` + 1 bytes of `path`, so an oversized file is noticed; raises
    `ConnectorError` for a file that is missing or cannot be read."""
    try:
        # Non-blocking: a named pipe without a writer must not hang the daemon.
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as file:
            return file.read(limit + 1)
    except FileNotFoundError:
        raise ConnectorError(f"calendar file {path}: not found") from None
    except OSError as exc:
        raise ConnectorError(f"calendar file {path}: {_cannot_read(exc)}") from None


def _cannot_read(exc: OSError) -> str:
    return f"cannot be read ({exc.strerror or type(exc).__name__})"


def _needs_converting(head: bytes) -> bool:
    """Whether a file starting with `head` must be read whole to be turned into UTF-8 with
    line feeds (see `_as_utf8_document`)."""
    boms = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    return head.startswith(boms) or b"\n" not in head


def _digest(stream: IO[bytes]) -> bytes:
    """The SHA-256 of all of `stream`, which is then rewound to its start."""
    digest = hashlib.sha256()
    stream.seek(0)
    while chunk := stream.read(_HEAD_BYTES * 16):
        digest.update(chunk)
    stream.seek(0)
    return digest.digest()


def _file_version(facts: os.stat_result) -> tuple[int, ...]:
    """What changes whenever a file's content does: its identity, size and change times."""
    return (facts.st_dev, facts.st_ino, facts.st_size, facts.st_mtime_ns, facts.st_ctime_ns)


def _label(block: list[bytes]) -> str:
    """The UID of an event's lines, or the TZID of a time zone's."""
    for line in block:
        if line[:4].upper() in (b"UID:", b"TZID"):
            return line.partition(b":")[2].decode("utf-8", "replace").strip()
    return "(no UID)"


def _value(prop: Any) -> Any:
    """The Python value of a parsed property (None for None); raises for a broken one."""
    return None if prop is None else prop.dt


def _as_list(value: Any) -> list[Any]:
    """icalendar gives one value, or a list when the property repeats."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _text(component: icalendar.Component, name: str) -> str:
    values = _as_list(component.get(name))
    return str(values[0]) if values else ""


def _broken(event: icalendar.Component) -> str | None:
    """Why the event's times cannot be read at all, or None."""
    names = {name for name, _ in event.errors}
    if None in names:
        # The lost line may have been an EXDATE or RRULE: the times are not trustworthy.
        return "it contains a line that cannot be parsed"
    broken = sorted(name for name in names if name in _TIMING_PROPERTIES)
    if broken:
        return "unreadable " + ", ".join(broken)
    return None if "DTSTART" in event else "no DTSTART"


def _unknown_zone(event: icalendar.Component) -> str | None:
    """icalendar leaves a time naive, TZID kept, when it cannot resolve the TZID."""
    for name in (*_SINGLE_TIMES, *_TIME_LISTS):
        for prop in _as_list(event.get(name)):
            values = [d.dt for d in prop.dts] if isinstance(prop, vDDDLists) else [prop.dt]
            tzid = prop.params.get("TZID")
            if tzid and any(isinstance(v, datetime) and v.tzinfo is None for v in values):
                return f"unknown time zone TZID={tzid!r} in {name}"
    return None


def _rule_problem(event: icalendar.Component) -> str | None:
    for rule in _as_list(event.get("RRULE")):
        frequency = str(rule.get("FREQ", [""])[0]).upper()
        interval = rule.get("INTERVAL", [1])[0]
        if frequency in _TOO_FREQUENT:
            return f"RRULE repeats {frequency}, too often to expand"
        # dateutil loops forever on INTERVAL=0.
        if not isinstance(interval, int) or interval < 1:
            return f"RRULE INTERVAL={interval} is not a positive number"
    return None


def _normalise_times(event: icalendar.Component, zones: _Zones) -> None:
    """Give times their display zone before expansion, so a series follows its DST."""
    for name in _SINGLE_TIMES:
        prop = event.get(name)
        if prop is not None:
            old = _value(prop)
            new = zones.localise(old, prop.params.get("TZID"))
            if new is not old:
                event[name] = vDDDTypes(new)
    for name in _TIME_LISTS:
        if name in event:
            event[name] = [
                vDDDLists([zones.localise(d.dt, prop.params.get("TZID")) for d in prop.dts])
                for prop in _as_list(event.get(name))
            ]


def _end_problem(event: icalendar.Component) -> str | None:
    """Why the event has no usable end (none, not after its start, too long), or None."""
    start, end = _value(event.get("DTSTART")), _value(event.get("DTEND"))
    duration = _value(event.get("DURATION"))
    if end is not None:
        if not isinstance(end, datetime):
            return _NO_END % "DTEND is a date, not a date-time"
        if end <= start:
            return _NO_END % "DTEND is not after DTSTART"
        return _length_problem(end - start)
    if duration is not None:
        if not isinstance(duration, timedelta) or duration <= timedelta(0):
            return _NO_END % "DURATION is not positive"
        return _length_problem(duration)
    return _NO_END % "no DTEND or DURATION"


def _length_problem(length: timedelta) -> str | None:
    """Why an occurrence this long is no interview, or None."""
    if length <= timedelta(0):
        return _NO_END % "it ends before it starts"
    if length > MAX_EVENT_LENGTH:
        return f"it lasts {length}, longer than {MAX_EVENT_LENGTH.days} days: no interview does"
    return None


def _shift_problem(event: icalendar.Component) -> str | None:
    """Why a change to "this and all later" occurrences cannot be expanded cheaply, or None:
    the library widens its expansion by as much as the change moves them."""
    original = event.get("RECURRENCE-ID")
    if original is None or str(original.params.get("RANGE", "")).upper() != "THISANDFUTURE":
        return None
    moved = _value(event.get("DTSTART")) - _value(original)
    if abs(moved) <= MAX_EVENT_LENGTH:
        return None
    return f"it moves the rest of its series by {moved}, more than {MAX_EVENT_LENGTH.days} days"


def _expansion_cost(event: icalendar.Component, budget: _Budget) -> tuple[int, int]:
    """The dates expanding `event` walks through up to the window's end (counted until
    just past MAX_RECURRENCE_STEPS_PER_EVENT), and how many of them are near the window."""
    low, high = budget.near
    start = _value(event["DTSTART"])
    moments = [start, *(_first(d.dt) for p in _as_list(event.get("RDATE")) for d in p.dts)]
    steps = len(moments)
    near = sum(1 for m in moments if isinstance(m, datetime) and low <= m < high)
    for rule in _as_list(event.get("RRULE")):
        walked, seen = _walk(rule, start, MAX_RECURRENCE_STEPS_PER_EVENT - steps, budget)
        steps += walked
        near += seen
    return steps, near


def _first(value: Any) -> Any:
    """An RDATE's date, or the start of an RDATE period."""
    return value[0] if isinstance(value, tuple) else value


def _walk(rule: vRecur, start: datetime, limit: int, budget: _Budget) -> tuple[int, int]:
    """How many dates `rule` yields from `start` to the window's end (stopping past
    `limit`) and how many of them are near the window, walked one by one, as the expansion
    library will; raises ValueError for a rule that cannot be walked."""
    low, high = budget.near
    dates = _dates(rule, start)
    if _never_repeats(dates, rule, start):
        raise ValueError("its RRULE never repeats: no date fits all of its BY rules")
    steps = near = 0
    for moment in dates:
        if moment >= high or steps > limit:
            break
        steps += 1
        near += moment >= low
        if steps % _CLOCK_EVERY == 0:
            budget.check_time()
    return steps, near


def _dates(rule: vRecur, start: datetime) -> Any:
    """dateutil's lazy rule, read as the expansion library reads it: a COUNT below zero
    means none, a floating or date UNTIL is in the zone of the start."""
    parts = {name: value for name, value in rule.items() if name not in ("COUNT", "UNTIL")}
    try:
        text = vRecur(parts).to_ical().decode()  # type: ignore[no-untyped-call]
        dates = rrulestr(text, dtstart=start, cache=False)
    except ValueError as exc:
        raise ValueError(f"its RRULE cannot be expanded ({exc})") from None
    count = rule.get("COUNT", [None])[0]
    until = rule.get("UNTIL", [None])[0]
    if until is not None and not isinstance(until, datetime):
        until = datetime.combine(until, datetime.max.time())
    if until is not None and until.tzinfo is None:
        until = until.replace(tzinfo=start.tzinfo)
    count = count if isinstance(count, int) and count >= 0 else None
    # Both is against RFC 5545 (dateutil warns); the count alone walks no fewer dates.
    return dates.replace(count=count, until=None if count is not None else until)


def _never_repeats(dates: Any, rule: vRecur, start: datetime) -> bool:
    """Whether no date fits `rule`: dateutil looks for the next fitting date period by
    period up to year 9999, so such a rule would take it seconds, a FREQ=DAILY one minutes."""
    probe = dates.replace(count=None, until=None)
    period = _PERIODS.get(str(rule.get("FREQ", [""])[0]).upper())
    distance = datetime(_PROBE_FROM, 1, 1, tzinfo=start.tzinfo) - start
    if period is not None and distance > timedelta(0):
        step = period * rule.get("INTERVAL", [1])[0]
        probe = probe.replace(dtstart=start + step * (distance // step))
    return next(iter(probe), None) is None


def _by_uid(events: Iterable[icalendar.Component]) -> dict[str, list[icalendar.Component]]:
    series: dict[str, list[icalendar.Component]] = {}
    for event in events:
        series.setdefault(str(event["UID"]), []).append(event)
    return series


def _between(
    timezones: list[icalendar.Component],
    events: list[icalendar.Component],
    start: datetime,
    end: datetime,
) -> list[icalendar.Component]:
    calendar = icalendar.Calendar()
    for component in (*timezones, *events):
        calendar.add_component(component)
    occurrences: list[icalendar.Component] = recurring_ical_events.of(calendar).between(start, end)
    return occurrences


def _person(address: Any) -> Person:
    params = getattr(address, "params", {})
    role = _param(params, "ROLE")
    return Person(
        email=_email(str(address)),
        name=_param(params, "CN"),
        response=_RESPONSES.get(_param(params, "PARTSTAT"), ResponseStatus.NEEDS_ACTION),
        is_resource=_param(params, "CUTYPE") in ("ROOM", "RESOURCE"),
        optional=role == "OPT-PARTICIPANT",
        non_participant=role == "NON-PARTICIPANT",
    )


def _organizer(occurrence: icalendar.Component) -> Person | None:
    organizers = _as_list(occurrence.get("ORGANIZER"))
    if not organizers:
        return None
    return _person(organizers[0])


def _param(params: Any, name: str) -> str:
    """A parameter's text: CN keeps its case, the enumerated ones are upper-cased."""
    value = params.get(name) or ""
    if isinstance(value, list):  # a repeated parameter
        value = value[0] if value else ""
    return str(value) if name == "CN" else str(value).strip().upper()


def _email(address: str) -> str:
    """The address, lower-cased, without a `mailto:` in any case; other URIs kept as text."""
    text = address.strip()
    if text[:7].lower() == "mailto:":
        text = text[7:]
    return text.strip().lower()
