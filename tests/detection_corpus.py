"""The labelled detection corpus in `tests/data/detection/`: realistic calendars of job seekers.

Each TOML file is one person's week: who they are (`[you]`), when detection
runs (`[corpus] now`), and their events, each with the interviewers a
thank-you is expected for (`expect`, empty when the event is not an interview
to thank for) and a one-line `reason`. `repeat_weekly = N` makes an event a
weekly series with N occurrences ending at `start`; an event may also say it
is `ambiguous` (a careful assistant would ask). This module turns the files
into the daemon's model values.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from daemon.core.model import Event, EventStatus, Person, ResponseStatus, You

CORPUS = Path(__file__).parent / "data" / "detection"

_RESPONSES = {
    "accepted": ResponseStatus.ACCEPTED,
    "tentative": ResponseStatus.TENTATIVE,
    "declined": ResponseStatus.DECLINED,
    "needs-action": ResponseStatus.NEEDS_ACTION,
}


@dataclass(frozen=True)
class Case:
    """One labelled event (the last occurrence, for a series)."""

    id: str
    reason: str
    event: Event
    expect: frozenset[str]
    ambiguous: bool


@dataclass(frozen=True)
class Calendar:
    """One person's labelled calendar."""

    name: str
    you: You
    now: datetime
    events: tuple[Event, ...]  # every occurrence, series included
    cases: tuple[Case, ...]


def calendars(folder: Path = CORPUS) -> list[Calendar]:
    """Every labelled calendar in `folder`."""
    return [load(path) for path in sorted(folder.glob("*.toml"))]


def load(path: Path) -> Calendar:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    mine = data["you"]
    you = You(
        mine["name"], mine["email"].lower(), tuple(a.lower() for a in mine.get("aliases", []))
    )
    events: list[Event] = []
    cases = []
    for raw in data["event"]:
        series = _occurrences(raw)
        events += series
        expect = frozenset(a.lower() for a in raw.get("expect", []))
        cases.append(
            Case(raw["id"], raw["reason"], series[-1], expect, raw.get("ambiguous", False))
        )
    return Calendar(path.stem, you, data["corpus"]["now"], tuple(events), tuple(cases))


def _occurrences(raw: dict[str, Any]) -> list[Event]:
    start: datetime = raw["start"]
    length = timedelta(minutes=raw["minutes"])
    weeks = raw.get("repeat_weekly", 0)
    starts = [start - timedelta(weeks=n) for n in reversed(range(weeks))] if weeks else [start]
    return [
        Event(
            source=raw.get("calendar", "calendar"),
            uid=raw.get("uid") or raw["id"],
            title=raw.get("title", ""),
            start=begin,
            end=begin + length,
            occurrence=begin if weeks else None,
            description=raw.get("description", ""),
            location=raw.get("location", ""),
            organizer=_person(raw["organizer"]) if "organizer" in raw else None,
            attendees=tuple(_person(a) for a in raw.get("attendees", [])),
            status=EventStatus(raw.get("status", "confirmed")),
        )
        for begin in starts
    ]


def _person(raw: dict[str, Any]) -> Person:
    return Person(
        email=raw["email"].lower(),
        name=raw.get("name", ""),
        response=_RESPONSES[raw.get("response", "needs-action")],
        is_resource=raw.get("resource", False),
        is_self=raw.get("self", False),
        optional=raw.get("optional", False),
    )
