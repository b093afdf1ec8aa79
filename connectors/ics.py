"""Read interview candidates from an iCalendar (.ics) file or a secret https/webcal address.

`IcsCalendar` is a `CalendarSource`: it expands recurring series (RRULE, RDATE,
EXDATE, moved and cancelled instances) and turns every timed occurrence in a
window into a normalised `Event`. All-day events are dropped. Calendars are
written by strangers, so one broken event is logged with its UID and skipped
while the rest still count; only a calendar that cannot be read at all raises
`ConnectorError`.
"""

from __future__ import annotations

import hashlib
import logging
import urllib.error
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
from icalendar.prop import vDDDLists, vDDDTypes
from icalendar.timezone import tzp
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from connectors.zones import local_zone, zone_named
from daemon.core.model import Event, EventStatus, Person, ResponseStatus
from daemon.core.protocols import ConnectorError
from daemon.core.text import one_line

log = logging.getLogger(__name__)

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
"""A feed larger than this is refused rather than read into memory."""

Fetch = Callable[[str, float], bytes]
"""Downloads an https URL within a timeout (seconds); injected by tests."""

_TIMING_PROPERTIES = frozenset(
    {"DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"}
)
_SINGLE_TIMES = ("DTSTART", "DTEND", "RECURRENCE-ID")
_TIME_LISTS = ("RDATE", "EXDATE")
# dateutil walks every instance from DTSTART, so these make a calendar take hours.
# A UID with any of these is a series whose occurrences are told apart by their original start.
_RECURRENCE_PROPERTIES = frozenset({"RRULE", "RDATE", "RECURRENCE-ID"})
_TOO_FREQUENT = frozenset({"SECONDLY", "MINUTELY"})
# Carries, from screening to the occurrence, why an event has no usable end.
_NO_END = "X-INTERVIEW-FOLLOWUP-NO-END"

_RESPONSES = {
    "ACCEPTED": ResponseStatus.ACCEPTED,
    "TENTATIVE": ResponseStatus.TENTATIVE,
    "DECLINED": ResponseStatus.DECLINED,
    # A guest who delegated the invitation did not attend it either.
    "DELEGATED": ResponseStatus.DECLINED,
}
_STATUSES = {"CANCELLED": EventStatus.CANCELLED, "TENTATIVE": EventStatus.TENTATIVE}


class IcsCalendar:
    """A `CalendarSource` reading one iCalendar file or https feed on every call."""

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
        self._default_tz = default_tz
        self._timeout = timeout
        self._fetch: Fetch = fetch or _fetch_https
        self._warned: set[str] = set()

    @property
    def name(self) -> str:
        """The identifier given at construction; part of every draft key."""
        return self._name

    def events(self, start: datetime, end: datetime) -> list[Event]:
        """Timed occurrences overlapping [start, end), sorted by start.

        Raises `ConnectorError` when the calendar cannot be read at all.
        """
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("events() needs timezone-aware start and end")
        found: list[Event] = []
        for calendar in self._parse(self._read()):
            found.extend(self._calendar_events(calendar, start, end))
        return sorted(found, key=lambda event: (event.start, event.uid))

    def _read(self) -> bytes:
        if self._path is not None:
            return _read_file(self._path)
        assert self._url is not None  # the constructor guarantees one of them
        try:
            data = self._fetch(self._url, self._timeout)
        except Exception as exc:  # any failure of any fetcher must become one clear line
            reason = _fetch_failure(exc, self._timeout)
            raise ConnectorError(f"calendar {self._where}: download failed ({reason})") from None
        if len(data) > MAX_DOWNLOAD_BYTES:
            raise ConnectorError(
                f"calendar {self._where}: larger than {MAX_DOWNLOAD_BYTES // 2**20} MiB, refused"
            )
        return data

    def _parse(self, data: bytes) -> list[icalendar.Component]:
        """The VCALENDARs in `data`; some feeds concatenate several."""
        components: Sequence[icalendar.Component]
        try:
            components = icalendar.Calendar.from_ical(data, multiple=True)
        except Exception:  # e.g. OSError for a TZID too long for a file name
            components = [self._parse_event_by_event(data)]
        calendars: list[icalendar.Component] = [c for c in components if c.name == "VCALENDAR"]
        if not calendars:
            raise self._not_icalendar(data, " (no VCALENDAR)")
        return calendars

    def _parse_event_by_event(self, data: bytes) -> icalendar.Component:
        """Parse each VEVENT alone, inside the rest of the file, so one cannot sink all."""
        frame, blocks = _split_events(data.splitlines(keepends=True))
        try:
            calendar = icalendar.Calendar.from_ical(b"".join(frame))
        except Exception:  # icalendar's message quotes the content; ours must not
            raise self._not_icalendar(data) from None
        end = max(i for i, line in enumerate(frame) if line.strip().upper() == b"END:VCALENDAR")
        for block in blocks:
            try:
                wrapped = icalendar.Calendar.from_ical(b"".join(frame[:end] + block + frame[end:]))
                calendar.add_component(wrapped.walk("VEVENT")[0])
            except Exception as exc:  # only this event is lost
                uid = _block_uid(block)
                reason = one_line(str(exc), 160)
                self._warn("calendar %s: skipping event %r: %s", self._where, uid, reason)
        return calendar

    def _not_icalendar(self, data: bytes, detail: str = "") -> ConnectorError:
        hint = ""
        if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            hint = "; it looks like a web page, is this the calendar's iCal address?"
        return ConnectorError(f"calendar {self._where}: not an iCalendar file{detail}{hint}")

    def _calendar_events(
        self, calendar: icalendar.Component, start: datetime, end: datetime
    ) -> list[Event]:
        zones = _Zones(self._calendar_zone(calendar), self._default_tz or local_zone())
        timezones = [c for c in calendar.subcomponents if c.name == "VTIMEZONE"]
        screened = [
            event
            for component in calendar.subcomponents
            if component.name == "VEVENT"
            and (event := self._screened(component, zones)) is not None
        ]
        occurrences = self._expand(timezones, screened, start, end)
        series = {str(e.get("UID")) for e in screened if _RECURRENCE_PROPERTIES & set(e)}
        return [f for o in occurrences if (f := self._to_event(o, series)) is not None]

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
        self, component: icalendar.Component, zones: _Zones
    ) -> icalendar.Component | None:
        try:
            return self._screen(component, zones)
        except Exception as exc:  # a stranger's property can break in any way; skip the event
            uid = _text(component, "UID") or "(no UID)"
            self._warn(
                "calendar %s: skipping event %r: %s", self._where, uid, one_line(str(exc), 160)
            )
            return None

    def _screen(self, component: icalendar.Component, zones: _Zones) -> icalendar.Component | None:
        """A copy of `component` ready to expand, or None when it must be skipped."""
        problem = _broken(component)
        if problem is None and not isinstance(_value(component.get("DTSTART")), datetime):
            return None  # all-day: the core never sees these
        uid = self._uid(component)
        problem = problem or _unknown_zone(component) or _rule_problem(component)
        if problem is not None:
            self._warn("calendar %s: skipping event %r: %s", self._where, uid, problem)
            return None
        event = component.copy()
        event["UID"] = uid
        _normalise_times(event, zones)
        end_problem = _end_problem(event)
        if end_problem is not None:
            # Kept, not dropped: a moved or cancelled instance must still hide
            # its original slot. Zero length; the occurrence is skipped later.
            event.pop("DURATION", None)
            event["DTEND"] = event["DTSTART"]
            event[_NO_END] = end_problem
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
        if _NO_END in occurrence or end <= start:
            reason = str(occurrence.get(_NO_END, "it ends before it starts"))
            self._warn(
                "calendar %s: skipping event %r: %s; an interview without an end cannot be timed",
                self._where,
                uid,
                reason,
            )
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

    def _warn(self, message: str, *args: object) -> None:
        """Warn once per problem; the daemon re-reads the calendar every few minutes."""
        key = message % args
        level = logging.DEBUG if key in self._warned else logging.WARNING
        self._warned.add(key)
        log.log(level, message, *args)


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


def _fetch_https(url: str, timeout: float) -> bytes:
    """Download at most MAX_DOWNLOAD_BYTES + 1 bytes, so an oversized feed is noticed."""
    # Imported here: urllib.request loads ssl, which a calendar of files never needs.
    from connectors.https_feed import fetch_https

    return fetch_https(url, timeout, MAX_DOWNLOAD_BYTES + 1, _redact)


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


def _read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ConnectorError(f"calendar file {path}: not found") from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConnectorError(f"calendar file {path}: cannot be read ({reason})") from None


def _split_events(lines: list[bytes]) -> tuple[list[bytes], list[list[bytes]]]:
    """The lines outside any VEVENT, and each VEVENT's lines (folded lines stay inside)."""
    frame: list[bytes] = []
    blocks: list[list[bytes]] = []
    block: list[bytes] | None = None
    for line in lines:
        marker = line.strip().upper()
        if marker == b"BEGIN:VEVENT":
            block = []
        if block is None:
            frame.append(line)
        else:
            block.append(line)
        if marker == b"END:VEVENT" and block is not None:
            blocks.append(block)
            block = None
    return frame, blocks


def _block_uid(block: list[bytes]) -> str:
    for line in block:
        if line[:4].upper() == b"UID:":
            return line[4:].decode("utf-8", "replace").strip()
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
    """Why the event has no usable end, or None."""
    start, end = _value(event.get("DTSTART")), _value(event.get("DTEND"))
    duration = _value(event.get("DURATION"))
    if end is not None:
        if not isinstance(end, datetime):
            return "DTEND is a date, not a date-time"
        return "DTEND is not after DTSTART" if end <= start else None
    if duration is not None:
        positive = isinstance(duration, timedelta) and duration > timedelta(0)
        return None if positive else "DURATION is not positive"
    return "no DTEND or DURATION"


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
