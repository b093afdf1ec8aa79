"""Greeting names and the company and role, measured on tables written from real invites.

`tests/data/notes/given_names.toml` holds display names as calendars show them
with the interviewer's address and the name a careful writer greets them by;
`company_role.toml` holds titles, descriptions, organisers and domains in nine
languages with the company and role as the invite spells them ("" when it
does not: a domain is never squashed into a name).
"""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from daemon.core.company import company_of, role_of
from daemon.core.model import Event, Person, You
from daemon.core.names import given_name
from daemon.core.people import name_of
from daemon.core.text import labelled_lines, plain_text

DATA = Path(__file__).parents[1] / "data" / "notes"
NAMES = tomllib.loads((DATA / "given_names.toml").read_text(encoding="utf-8"))["name"]
CASES = tomllib.loads((DATA / "company_role.toml").read_text(encoding="utf-8"))["case"]
YOU = You("Alex Rivera", "alex@example.com")
START = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def test_the_tables_are_large_and_in_many_languages():
    assert len(NAMES) >= 30
    assert len(CASES) >= 60
    assert len({case["lang"] for case in CASES}) >= 8


@pytest.mark.parametrize("row", NAMES, ids=[f"{r['display']} <{r['email']}>" for r in NAMES])
def test_each_interviewer_is_greeted_by_their_given_name(row):
    spoken = name_of(Person(row["email"], row["display"]))
    assert given_name(spoken, row["email"]) == row["greet"], row["reason"]


def invite(case) -> tuple[Event, tuple[Person, ...]]:
    people = tuple(Person(f"interviewer@{domain}") for domain in case["domains"])
    organiser = Person(f"organiser@{case['domains'][0]}", case.get("organizer", ""))
    description = case.get("description", "")
    end = START + timedelta(hours=1)
    event = Event("c", "u", case["title"], START, end, None, description, "", organiser, people)
    return event, people


@pytest.mark.parametrize("case", CASES, ids=[c["title"][:60] for c in CASES])
def test_the_company_and_role_are_spelt_as_the_invite_writes_them(case):
    event, people = invite(case)
    labels = labelled_lines(plain_text(event.description))
    company = company_of(event, people, labels, you=YOU)
    assert company == case["company"], case["reason"]
    assert role_of(event, labels, company) == case["role"], case["reason"]


def test_another_invite_from_the_same_domain_spells_the_company():
    event = Event("c", "u", "Second interview", START, START + timedelta(hours=1), None)
    people = (Person("priya@brightwavehealth.example"),)
    known = {"brightwavehealth.example": "Brightwave Health"}
    assert company_of(event, people, {}, known) == "Brightwave Health"
    assert company_of(event, people, {}) == ""
