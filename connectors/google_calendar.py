"""Google Calendar as a `CalendarSource`: `events.list` turned into normalised `Event`s.

Recurring series come expanded (`singleEvents=True`), only ordinary events are
asked for (`eventTypes=default`, so no out-of-office, focus time or working
location), every page is read, and all-day events are left out. An item that
cannot be understood, or lasts longer than any interview, is logged with its id
and skipped; guests beyond `MAX_ATTENDEES` are ignored. Reading is bounded: a
calendar with more than `MAX_EVENTS` events in the window, or an answer that is
not a page of events, raises `ConnectorError`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from connectors.google_api import GoogleSession
from daemon.core.model import Event, EventStatus, Person, ResponseStatus
from daemon.core.protocols import ConnectorError
from daemon.core.text import one_line

log = logging.getLogger(__name__)

PAGE_SIZE = 250
MAX_ATTENDEES = 50
"""Guests of one event beyond this many are ignored: an interview panel is never larger."""
MAX_EVENT_LENGTH = timedelta(days=7)
"""An event longer than this is no interview; it is skipped."""
MAX_EVENTS = 10_000
"""A calendar with more events than this in the window is refused rather than read."""
MAX_PAGES = 2 * MAX_EVENTS // PAGE_SIZE
"""Pages read at most (Google may send pages that are not full, even empty ones)."""
_RESPONSES = {
    "accepted": ResponseStatus.ACCEPTED,
    "tentative": ResponseStatus.TENTATIVE,
    "declined": ResponseStatus.DECLINED,
}
_STATUSES = {"cancelled": EventStatus.CANCELLED, "tentative": EventStatus.TENTATIVE}


class GoogleCalendar:
    """One Google calendar of the signed-in account."""

    def __init__(self, name: str, session: GoogleSession, calendar_id: str = "primary") -> None:
        self._name = name
        self._session = session
        self._calendar_id = calendar_id
        self._warned: set[str] = set()

    @property
    def name(self) -> str:
        """The source name used in draft keys."""
        return self._name

    def events(self, start: datetime, end: datetime) -> list[Event]:
        """Every timed occurrence overlapping [start, end), all pages read.

        Raises `ConnectorError` when the calendar cannot be read, or holds more
        than `MAX_EVENTS` events in the window.
        """
        found: list[Event] = []
        items = 0
        page_token: str | None = None
        for _ in range(MAX_PAGES):
            page = self._page(start, end, page_token)
            zone = _zone(page.get("timeZone"))
            items += len(page.get("items", []))
            if items > MAX_EVENTS:
                raise ConnectorError(
                    f"Google calendar {self._calendar_id}: too much to read: more than "
                    f"{MAX_EVENTS:,} events near now"
                )
            found.extend(e for item in page.get("items", []) if (e := self._event(item, zone)))
            page_token = page.get("nextPageToken")
            if not page_token:
                return found
        raise ConnectorError(
            f"Google calendar {self._calendar_id}: too much to read: more than {MAX_PAGES} "
            "pages of events near now"
        )

    def _page(self, start: datetime, end: datetime, page_token: str | None) -> dict[str, Any]:
        try:
            page = self._session.read(self._list_request(start, end, page_token))
        except ConnectorError:
            raise
        except Exception as error:  # e.g. RecursionError for an absurdly nested answer
            raise ConnectorError(
                f"Google calendar {self._calendar_id}: its answer cannot be read "
                f"({type(error).__name__})"
            ) from None
        if not (
            isinstance(page, dict)
            and isinstance(page.get("items", []), list)
            and isinstance(page.get("nextPageToken") or "", str)
        ):
            raise ConnectorError(
                f"Google calendar {self._calendar_id}: its answer is not a page of events"
            )
        return page

    def _list_request(self, start: datetime, end: datetime, page_token: str | None) -> Any:
        return (
            self._session.calendar()
            .events()
            .list(
                calendarId=self._calendar_id,
                timeMin=start.isoformat(),
                timeMax=end.isoformat(),
                singleEvents=True,
                orderBy="startTime",
                eventTypes=["default"],
                showDeleted=False,
                maxResults=PAGE_SIZE,
                pageToken=page_token,
            )
        )

    def _event(self, item: Any, calendar_zone: tzinfo | None) -> Event | None:
        guests = _guests(item)
        if guests > MAX_ATTENDEES:
            self._warn(
                "Google event %s has %d guests; only the first %d are read",
                _item_id(item),
                guests,
                MAX_ATTENDEES,
            )
        try:
            return event_from_google(item, self._name, calendar_zone)
        except ConnectorError as error:
            self._warn("skipping Google event %s: %s", _item_id(item), error)
            return None

    def _warn(self, message: str, *args: object) -> None:
        """Warn once per problem; the daemon re-reads the calendar every few minutes."""
        key = message % args
        level = logging.DEBUG if key in self._warned else logging.WARNING
        self._warned.add(key)
        log.log(level, message, *args)


def event_from_google(item: Any, source: str, calendar_zone: tzinfo | None) -> Event | None:
    """The normalised event for one `events.list` item; None for all-day and other kinds.

    Guests beyond `MAX_ATTENDEES` are dropped. Raises `ConnectorError`, saying
    why in one line, for an item that cannot be understood or is no interview
    (it lasts longer than `MAX_EVENT_LENGTH`).
    """
    try:
        return _event_from_item(item, source, calendar_zone)
    except KeyError as error:
        raise ConnectorError(f"it has no {error}") from None
    except ValueError as error:  # a date that does not parse, or a rule of ours above
        raise ConnectorError(one_line(str(error), 160) or "a value is out of range") from None
    except Exception:  # Google's JSON, or a proxy's, may be wrong in any way
        raise ConnectorError(
            "it is not shaped like a Google Calendar event (a field holds the wrong kind of value)"
        ) from None


def _event_from_item(
    item: dict[str, Any], source: str, calendar_zone: tzinfo | None
) -> Event | None:
    if item.get("eventType", "default") != "default" or "date" in item.get("start", {}):
        return None
    start = _moment(item["start"], calendar_zone)
    end = _moment(item["end"], calendar_zone)
    if end <= start:
        raise ValueError("it ends before it starts")
    if end - start > MAX_EVENT_LENGTH:
        raise ValueError(
            f"it lasts {end - start}, longer than {MAX_EVENT_LENGTH.days} days: no interview does"
        )
    original = item.get("originalStartTime")
    return Event(
        source=source,
        uid=str(item.get("iCalUID") or item["id"]),
        title=str(item.get("summary", "")),
        start=start,
        end=end,
        occurrence=_moment(original, calendar_zone) if original else None,
        description=str(item.get("description", "")),
        location=str(item.get("location", "")),
        organizer=_person(item["organizer"]) if "organizer" in item else None,
        attendees=tuple(_person(a) for a in item.get("attendees", [])[:MAX_ATTENDEES]),
        status=_STATUSES.get(item.get("status", ""), EventStatus.CONFIRMED),
    )


def _item_id(item: Any) -> str:
    return one_line(str(item.get("id", "?")), 80) if isinstance(item, dict) else "?"


def _guests(item: Any) -> int:
    attendees = item.get("attendees") if isinstance(item, dict) else None
    return len(attendees) if isinstance(attendees, list) else 0


def _moment(when: dict[str, Any], calendar_zone: tzinfo | None) -> datetime:
    if "dateTime" not in when:
        raise ValueError("an all-day time where a timed one was expected")
    moment = datetime.fromisoformat(when["dateTime"])
    zone = _zone(when.get("timeZone", "")) or calendar_zone
    if moment.tzinfo is None:
        if zone is None:
            raise ValueError(f"a time without a zone: {when['dateTime']}")
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone) if zone else moment


def _zone(name: Any) -> tzinfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        log.warning(
            "unknown time zone %r from Google; keeping the UTC offset", one_line(str(name), 80)
        )
        return None


def _person(raw: dict[str, Any]) -> Person:
    return Person(
        email=str(raw.get("email", "")).lower(),
        name=str(raw.get("displayName", "")),
        response=_RESPONSES.get(raw.get("responseStatus", ""), ResponseStatus.NEEDS_ACTION),
        is_resource=bool(raw.get("resource", False)),
        is_self=bool(raw.get("self", False)),
        optional=bool(raw.get("optional", False)),
    )
