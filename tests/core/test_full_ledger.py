"""A ledger that cannot be written (a full disk) stops the cycle with one plain line; the
mailbox is written no further, and once there is space again nothing is drafted twice."""

from __future__ import annotations

import email
import logging
import sqlite3
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from daemon.config import parse_settings
from daemon.core.model import DraftStatus, EventRef
from daemon.demo import sample_calendar
from daemon.ledger import Ledger, LedgerError
from daemon.loop import cycle_safely
from daemon.wiring import build_runtime

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
CONFIG = (
    '[you]\nname = "Alex Rivera"\nemail = "alex@example.com"\n\n'
    '[[calendar]]\nkind = "ics"\nname = "demo"\npath = "calendar.ics"\n\n'
    '[drafts]\nkind = "maildir"\npath = "Drafts"\n\n[state]\ndir = "state"\n'
)


class FillingDisk:
    """The ledger's connection on a disk that fills up: once `full`, every write fails
    as SQLite's writes do then."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.full = False

    def execute(self, sql: str, *parameters: Any) -> sqlite3.Cursor:
        if self.full and sql.split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            raise sqlite3.OperationalError("database or disk is full")
        return self.db.execute(sql, *parameters)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)


def test_a_full_database_is_a_plain_ledger_error_and_space_again_heals_it(tmp_path):
    path = tmp_path / "state" / "ledger.sqlite3"
    ledger = Ledger(path)
    pages = ledger._db.execute("PRAGMA page_count").fetchone()[0]
    ledger._db.execute(f"PRAGMA max_page_count = {pages}")  # not one page more: full
    written = []
    with pytest.raises(LedgerError) as failed:
        for number in range(50):
            event = EventRef("demo", f"uid-{number}", "single")
            ledger.set_debrief(event, "what we talked about " * 200, NOW)
            written.append(event)
    assert str(failed.value) == f"the ledger cannot be written: database or disk is full ({path})"
    assert sorted(ledger.debriefs()) == sorted(written)  # the failed write left nothing
    ledger._db.execute("PRAGMA max_page_count = 1073741823")  # space again
    ledger.set_debrief(EventRef("demo", "uid-after", "single"), "notes", NOW)
    assert len(ledger.debriefs()) == len(written) + 1
    ledger.close()


def test_a_ledger_that_cannot_be_read_is_a_plain_ledger_error(tmp_path):
    path = tmp_path / "state" / "ledger.sqlite3"
    ledger = Ledger(path)
    ledger._db.execute("DROP TABLE alerts")  # as good as damaged
    with pytest.raises(LedgerError, match=r"^the ledger cannot be read: no such table: alerts"):
        ledger.alerts()
    ledger.close()


def _draft_ids(drafts: Path) -> list[str]:
    files = sorted((drafts / "cur").iterdir()) if (drafts / "cur").is_dir() else []
    return [str(email.message_from_bytes(f.read_bytes())["Message-ID"]) for f in files]


def test_a_disk_filling_up_mid_cycle_stops_it_in_one_line_and_heals_without_duplicates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "calendar.ics").write_bytes(sample_calendar(NOW))
    runtime = build_runtime(parse_settings(tomllib.loads(CONFIG), source="t", base=tmp_path))
    disk = FillingDisk(runtime.ledger._db)
    monkeypatch.setattr(runtime.ledger, "_db", disk)
    create = runtime.mailbox.create_draft

    def create_then_fill(*args: Any, **kwargs: Any) -> str:
        ref = create(*args, **kwargs)
        disk.full = True  # the draft is written; recording it will find the disk full
        return ref

    monkeypatch.setattr(runtime.mailbox, "create_draft", create_then_fill)
    caplog.set_level(logging.DEBUG)
    assert cycle_safely(runtime, lambda: NOW) is None
    path = runtime.ledger.path
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    full = f"the ledger cannot be written: database or disk is full ({path})"
    assert errors == [f"cycle failed: {full}"]
    assert not [r for r in caplog.records if r.exc_info] and "Traceback" not in caplog.text
    drafts = tmp_path / "Drafts"
    assert len(_draft_ids(drafts)) == 1  # nothing was written after the failure

    disk.full = False  # space again
    monkeypatch.setattr(runtime.mailbox, "create_draft", create)
    report = cycle_safely(runtime, lambda: NOW)
    assert report is not None and not report.outcome.failed
    records = [r for r in runtime.ledger.records().values() if r.status is DraftStatus.DRAFTED]
    ids = _draft_ids(drafts)  # one draft per key: the first was found again, not made twice
    assert sorted(ids) == sorted(r.message_id for r in records) and len(set(ids)) == len(ids)
    assert len(records) == len(report.outcome.drafted) > 1
    runtime.close()
