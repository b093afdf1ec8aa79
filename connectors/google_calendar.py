"""Google Calendar as a `CalendarSource`: `events.list` turned into normalised `Event`s.

Recurring series come expanded (`singleEvents=True`), only ordinary events are
asked for (`eventTypes=default`, so no out-of-office, focus time or working
location), every page is read, and all-day events are left out. An item that
cannot be understood is logged with its id and skipped.
"""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from connectors.google_api import GoogleSession
from daemon.core.model import Event, EventStatus, Person, ResponseStatus

log = logging.getLogger(__name__)

PAGE_SIZE = 250
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

    @property
    def name(self) -> str:
        """The source name used in draft keys."""
        return self._name

    def events(self, start: datetime, end: datetime) -> list[Event]:
        """Every timed occurrence overlapping [start, end), all pages read."""
        found: list[Event] = []
        page_token: str | None = None
        while True:
            page = self._session.read(self._list_request(start, end, page_token))
            zone = _zone(page.get("timeZone", ""))
            found.extend(e for item in page.get("items", []) if (e := self._event(item, zone)))
            page_token = page.get("nextPageToken")
            if not page_token:
                return found

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

    def _event(self, item: dict[str, Any], calendar_zone: tzinfo | None) -> Event | None:
        try:
            return event_from_google(item, self._name, calendar_zone)
        except (KeyError, TypeError, ValueError) as error:
            log.warning("skipping Google event %s: %s", item.get("id", "?"), error)
            return None


def event_from_google(
    item: dict[str, Any], source: str, calendar_zone: tzinfo | None
) -> Event | None:
    """The normalised event for one `events.list` item; None for all-day and other kinds."""
    if item.get("eventType", "default") != "default" or "date" in item.get("start", {}):
        return None
    start = _moment(item["start"], calendar_zone)
    end = _moment(item["end"], calendar_zone)
    if end <= start:
        raise ValueError("it ends before it starts")
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
        attendees=tuple(_person(a) for a in item.get("attendees", [])),
        status=_STATUSES.get(item.get("status", ""), EventStatus.CONFIRMED),
    )


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


def _zone(name: str) -> tzinfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown time zone %r from Google; keeping the UTC offset", name)
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
