"""The daemon's side of asking: possible interviews kept and told once, decisions and what
was learnt kept across restarts, and a ledger of the first schema carried forward."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import builders
from builders import ME, YOU, event, person
from memory_mailbox import MemoryMailbox

from daemon.config import DraftsSettings, MailboxKind, Settings
from daemon.core.model import Decision, ref_of
from daemon.cycle import run_cycle
from daemon.executor import Channels
from daemon.ledger import EMPLOYER, SCHEMA_VERSION, Ledger
from daemon.runtime import Runtime

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


class Listed:
    name = "job search"

    def __init__(self, *events):
        self.listed = [replace(e, source=self.name) for e in events]

    def events(self, start, end):
        return [e for e in self.listed if e.end > start and e.start < end]


def runtime(tmp_path, calendar, desktop):
    settings = Settings(YOU, (), DraftsSettings(MailboxKind.MAILDIR), tmp_path)
    drafting = builders.drafting()
    channels = Channels(YOU, False, lambda title, body: desktop.append((title, body)))
    ledger = Ledger(tmp_path / "ledger.sqlite3")
    return Runtime(settings, drafting, [calendar], MemoryMailbox(), ledger, channels)


def test_a_possible_interview_is_kept_for_status_and_told_once(tmp_path):
    chat = event("Chat with Priya", now=NOW)
    told: list[tuple[str, str]] = []
    first = runtime(tmp_path, Listed(chat), told)
    assert run_cycle(NOW, first).possible == 1
    run_cycle(NOW + timedelta(minutes=5), first)
    first.close()
    again = runtime(tmp_path, Listed(chat), told)  # a restart
    run_cycle(NOW + timedelta(minutes=10), again)
    [(title, body)] = told
    assert title == "Possibly an interview"
    assert body.startswith("Chat with Priya: followup track ")
    [candidate] = again.ledger.candidates()
    assert candidate.ref == ref_of(replace(chat, source="job search"))
    assert [r.email for r in candidate.recipients] == ["priya.raman@acme.example"]
    assert again.mailbox.drafts == {}


def test_a_decision_survives_restarts_and_a_tracked_event_is_drafted(tmp_path):
    chat = replace(event("Chat with Priya", now=NOW), source="job search")
    first = runtime(tmp_path, Listed(chat), [])
    run_cycle(NOW, first)
    first.ledger.decide(ref_of(chat), Decision.TRACK, {"acme.example"}, NOW)
    first.close()
    again = runtime(tmp_path, Listed(chat), [])
    report = run_cycle(NOW + timedelta(minutes=5), again)
    assert (report.interviews, report.possible, len(again.mailbox.drafts)) == (1, 0, 1)
    assert again.ledger.candidates() == []
    assert again.ledger.decisions() == (
        {ref_of(chat): Decision.TRACK},
        {"acme.example": Decision.TRACK},
    )


def test_the_employer_learnt_from_recurring_meetings_is_remembered(tmp_path):
    colleagues = (ME, person("bo@currentco.example"), person("li@currentco.example"))
    standup = replace(
        event("Team standup", attendees=colleagues, now=NOW), occurrence=NOW - timedelta(hours=1)
    )
    first = runtime(tmp_path, Listed(standup), [])
    run_cycle(NOW, first)
    first.close()
    conducting = event(
        "Interview: Jordan Smith",
        attendees=(ME, person("bo@currentco.example"), person("jordan@gmail.com")),
        now=NOW + timedelta(days=5),
    )
    later = runtime(tmp_path, Listed(conducting), [])  # the standup is out of the window
    report = run_cycle(NOW + timedelta(days=5), later)
    assert later.ledger.learnt(EMPLOYER) == ["currentco.example"]
    assert (report.interviews, later.mailbox.drafts) == (0, {})


def test_a_ledger_of_the_first_schema_is_carried_forward(tmp_path):
    path = tmp_path / "ledger.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(
            "CREATE TABLE schema_version (version INTEGER NOT NULL);"
            "INSERT INTO schema_version VALUES (1);"
        )
    ledger = Ledger(path)  # creates the first schema's tables, then migrates
    assert ledger.candidates() == [] and ledger.learnt(EMPLOYER) == []
    ledger.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        columns = [row[1] for row in db.execute("PRAGMA table_info(drafts)")]
    assert "version" in columns
