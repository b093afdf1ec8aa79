"""The ledger: one SQLite row per draft key, the daemon's memory across cycles and crashes.

A key is written as `creating` before the mailbox is touched and updated once
the mailbox answers, so an interrupted cycle can be healed without drafting
twice. The database lives in the private state directory (0700, file 0600),
in WAL mode, with a schema version table for later migrations.
"""

from __future__ import annotations

import glob
import json
import logging
import os
import secrets
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from daemon.core.model import (
    Candidate,
    Checked,
    Decision,
    Delivered,
    DraftKey,
    DraftRecord,
    DraftStatus,
    EventRef,
    InterviewId,
    Purpose,
    Recipient,
    ReminderStage,
)
from daemon.core.secrets import redact
from daemon.files import ensure_private_dir, write_atomically

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2
# What the daemon learns and keeps (`learn`/`learnt`): your employer's domains.
EMPLOYER = "employer"
# The ledger's facts about itself (`meta`): when it began, and when and why it was rebuilt.
INITIALIZED = "initialized"
REBUILT_AT = "rebuilt-at"
REBUILT_BECAUSE = "rebuilt-because"
GENERATION = "generation"

# The first schema; later versions are the migrations below, applied in order.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS drafts (
    source TEXT NOT NULL,
    uid TEXT NOT NULL,
    occurrence TEXT NOT NULL,
    recipient TEXT NOT NULL,
    purpose TEXT NOT NULL,
    status TEXT NOT NULL,
    event_title TEXT NOT NULL,
    company TEXT NOT NULL,
    role TEXT NOT NULL,
    recipient_name TEXT NOT NULL,
    ended_at TEXT NOT NULL,
    deadline TEXT NOT NULL,
    message_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    problems TEXT NOT NULL,
    draft_ref TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    sent_at TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (source, uid, occurrence, recipient, purpose)
);
CREATE TABLE IF NOT EXISTS reminders (
    source TEXT NOT NULL,
    uid TEXT NOT NULL,
    occurrence TEXT NOT NULL,
    purpose TEXT NOT NULL,
    stage TEXT NOT NULL,
    delivered_at TEXT NOT NULL,
    message_id TEXT NOT NULL,
    thread TEXT NOT NULL,
    mailed INTEGER NOT NULL,
    PRIMARY KEY (source, uid, occurrence, purpose, stage)
);
CREATE TABLE IF NOT EXISTS alerts (
    name TEXT PRIMARY KEY,
    message TEXT NOT NULL,
    since TEXT NOT NULL
);
"""


_MIGRATIONS: dict[int, tuple[str, ...]] = {
    2: (
        # A token of the draft as the daemon wrote it: a draft whose token changed was edited.
        "ALTER TABLE drafts ADD COLUMN version TEXT NOT NULL DEFAULT ''",
        """CREATE TABLE decisions (
            source TEXT NOT NULL,
            uid TEXT NOT NULL,
            occurrence TEXT NOT NULL,
            decision TEXT NOT NULL,
            domains TEXT NOT NULL,
            decided_at TEXT NOT NULL,
            PRIMARY KEY (source, uid, occurrence)
        )""",
        """CREATE TABLE candidates (
            source TEXT NOT NULL,
            uid TEXT NOT NULL,
            occurrence TEXT NOT NULL,
            title TEXT NOT NULL,
            ended_at TEXT NOT NULL,
            reason TEXT NOT NULL,
            recipients TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            PRIMARY KEY (source, uid, occurrence)
        )""",
        """CREATE TABLE learnt (
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            since TEXT NOT NULL,
            PRIMARY KEY (kind, value)
        )""",
        """CREATE TABLE debriefs (
            source TEXT NOT NULL,
            uid TEXT NOT NULL,
            occurrence TEXT NOT NULL,
            text TEXT NOT NULL,
            written_at TEXT NOT NULL,
            PRIMARY KEY (source, uid, occurrence)
        )""",
        # A digest of the note as composed: when the notes change, so does this.
        "ALTER TABLE drafts ADD COLUMN composed TEXT NOT NULL DEFAULT ''",
        # What the problems were found in: the note as composed, or the draft as it stands.
        "ALTER TABLE drafts ADD COLUMN checked TEXT NOT NULL DEFAULT 'composed'",
        # A replacement of the draft (new notes) began: the next cycle finishes it.
        "ALTER TABLE drafts ADD COLUMN updating INTEGER NOT NULL DEFAULT 0",
        # Facts about the ledger itself: when it began, when it was rebuilt and why.
        "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        # The draft's version its problems were found in: not proofread again until it changes.
        "ALTER TABLE drafts ADD COLUMN checked_version TEXT NOT NULL DEFAULT ''",
    ),
}


class LedgerError(Exception):
    """The ledger cannot be opened or used; the message says why in one line."""


class _DamagedError(Exception):
    """The ledger file is not a sound database (SQLite says it is corrupt, or not one)."""


# SQLITE_CORRUPT and SQLITE_NOTADB: the only answers that mean the file itself is damaged.
_DAMAGE_CODES = frozenset({11, 26})


class Ledger:
    """The SQLite ledger of every draft key the daemon has handled."""

    def __init__(self, path: Path, now: datetime | None = None) -> None:
        """Open (or create) the ledger at `path`. A damaged one is moved aside, named with
        `now`, and a new one begun: `damaged` says where the old one is kept."""
        ensure_private_dir(path.parent)
        self.path = path
        self.damaged: Path | None = None
        try:
            self._open()
        except _DamagedError as error:
            self.damaged = self._move_aside(error, now or datetime.now(UTC))
            self._open()
        except OSError as error:
            reason = error.strerror or str(error)
            raise LedgerError(f"cannot open the ledger {path}: {reason}") from None

    def _open(self) -> None:
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600)
            os.close(fd)
            self._db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            checked = self._db.execute("PRAGMA quick_check").fetchone()[0]
            if checked != "ok":
                raise _DamagedError(checked)
            self._migrate()
        except sqlite3.Error as error:
            if hasattr(self, "_db"):
                self._db.close()
            if getattr(error, "sqlite_errorcode", None) in _DAMAGE_CODES:
                raise _DamagedError(str(error)) from None
            # Locked, unwritable, full: not damage, so nothing is moved.
            raise LedgerError(f"cannot open the ledger {self.path}: {error}") from None
        except _DamagedError:
            self._db.close()
            raise

    def _move_aside(self, error: _DamagedError, now: datetime) -> Path:
        """Keep a damaged ledger (and its journal files) beside a new one, named with the time."""
        kept = self.path.with_name(f"{self.path.name}.damaged-{now:%Y%m%dT%H%M%SZ}")
        for number in range(2, 1000):
            if not kept.exists():
                break
            kept = kept.with_name(f"{self.path.name}.damaged-{now:%Y%m%dT%H%M%SZ}-{number}")
        for suffix in ("", "-wal", "-shm"):
            part = self.path.with_name(self.path.name + suffix)
            if part.exists():
                part.rename(kept.with_name(kept.name + suffix))
        log.error(
            "the ledger %s was damaged (%s); it is kept as %s, and the state is rebuilt "
            "from your mailbox",
            self.path,
            error,
            kept,
        )
        return kept

    @classmethod
    def empty(cls) -> Ledger:
        """A ledger in memory, for a dry run on a state directory that has none yet."""
        ledger = cls.__new__(cls)
        ledger._db = sqlite3.connect(":memory:", isolation_level=None)
        ledger.path, ledger.damaged = Path(":memory:"), None
        ledger._migrate()
        return ledger

    @classmethod
    def read_only(cls, path: Path) -> Ledger:
        """The ledger opened only to be read, as it is on disk, for a state directory that
        cannot be written (a read-only file system): `status` still shows the drafts."""
        ledger = cls.__new__(cls)
        try:
            uri = f"{path.absolute().as_uri()}?mode=ro&immutable=1"
            ledger._db = sqlite3.connect(uri, uri=True, isolation_level=None)
            version = ledger._db.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
        except sqlite3.Error as error:
            raise LedgerError(f"cannot read the ledger {path}: {error}") from None
        if version != SCHEMA_VERSION:
            ledger._db.close()
            raise LedgerError(f"the ledger {path} is from another version; it cannot be read")
        ledger.path, ledger.damaged = path, None
        return ledger

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    @property
    def blank(self) -> bool:
        """Nothing was ever recorded here: a first run, or a ledger that was lost."""
        [(tracked,)] = self._rows("SELECT EXISTS (SELECT 1 FROM drafts)")
        return not tracked and self.meta(INITIALIZED) is None

    @property
    def had_one(self) -> bool:
        """Whether a ledger was begun here before this one: the mark beside it says so, and
        outlives the ledger file being deleted or emptied."""
        return self._mark.exists()

    @property
    def behind(self) -> bool:
        """Whether the ledger is older than the daemon's last cycle (the mark beside it has
        counted further): restored from a copy, say, so drafts it does not know may exist."""
        try:
            marked = int(self._mark.read_text(encoding="ascii") or "0")
        except (OSError, ValueError):
            return False
        return marked > self.generation

    @property
    def generation(self) -> int:
        """How many cycles this ledger has recorded."""
        return int(self.meta(GENERATION) or "0")

    def advance(self) -> None:
        """One more cycle recorded: counted in the ledger and in the mark beside it."""
        generation = self.generation + 1
        self.set_meta(GENERATION, str(generation))
        self._write_mark(generation)

    def catch_up(self) -> None:
        """The ledger was reconciled with the mailbox: it counts from the mark on."""
        try:
            marked = int(self._mark.read_text(encoding="ascii") or "0")
        except (OSError, ValueError):
            marked = 0
        self.set_meta(GENERATION, str(max(marked, self.generation)))
        self._write_mark(max(marked, self.generation))

    def _write_mark(self, generation: int) -> None:
        if self.path.name == ":memory:":
            return
        # A fresh name each time: a run killed mid-write leaves its temporary file behind,
        # and the next must not trip over it (it is swept up below).
        temporary = self._mark.with_name(f".{self._mark.name}.{secrets.token_hex(6)}.tmp")
        try:
            write_atomically(temporary, self._mark, str(generation).encode("ascii"))
        except OSError as error:
            raise LedgerError(
                f"the ledger's mark {self._mark} cannot be written: {error.strerror or error}"
            ) from None
        for leftover in self._mark.parent.glob(f".{glob.escape(self._mark.name)}*.tmp"):
            leftover.unlink(missing_ok=True)

    @property
    def _mark(self) -> Path:
        return self.path.with_name(f"{self.path.name}.began")

    def meta(self, name: str) -> str | None:
        """A fact about the ledger itself (when it began, when it was rebuilt)."""
        rows = self._rows("SELECT value FROM meta WHERE name = ?", (name,))
        return str(rows[0][0]) if rows else None

    def set_meta(self, name: str, value: str) -> None:
        """Keep a fact about the ledger itself."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO meta VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (name, value),
            )

    def records(self) -> dict[DraftKey, DraftRecord]:
        """Every draft key the ledger knows, with what it knows of it."""
        with self._failing("read"):
            rows = self._db.execute("SELECT * FROM drafts ORDER BY ended_at, recipient")
            names = [column[0] for column in rows.description]
            found = [_record(dict(zip(names, row, strict=True))) for row in rows.fetchall()]
        return {record.key: record for record in found}

    def begin(self, record: DraftRecord, now: datetime) -> bool:
        """Claim `record`'s key and write the intent to create its draft.

        True when this caller may go on: the key was new, or still `creating`
        with the attempts the caller planned from. False when another process
        (or an earlier action of this cycle) got there first.
        """
        values = _columns(record) | {"updated_at": now.isoformat()}
        values["attempts"] = record.attempts + 1
        names = ", ".join(values)
        marks = ", ".join(f":{name}" for name in values)
        updates = ", ".join(f"{n} = excluded.{n}" for n in values if n not in _KEY_COLUMNS)
        with self._transaction():
            cursor = self._db.execute(
                f"INSERT INTO drafts ({names}) VALUES ({marks}) "
                "ON CONFLICT (source, uid, occurrence, recipient, purpose) "
                f"DO UPDATE SET {updates} "
                "WHERE drafts.status = 'creating' AND drafts.attempts = excluded.attempts - 1",
                values,
            )
        return cursor.rowcount == 1

    def mark_drafted(self, key: DraftKey, draft_ref: str, now: datetime, version: str = "") -> None:
        """The mailbox holds the draft now, under `draft_ref`, as `version` (its token)."""
        self._update(
            key,
            now,
            status=DraftStatus.DRAFTED.value,
            draft_ref=draft_ref,
            last_error="",
            version=version,
        )

    def begin_update(self, key: DraftKey, now: datetime) -> None:
        """Write the intent to replace the draft, so an interruption is finished later
        instead of being taken for the user's edit."""
        self._update(key, now, updating=1)

    def finish_update(self, key: DraftKey, now: datetime, revised: DraftRecord) -> None:
        """The mailbox holds the `revised` note now, under its `draft_ref` and `version`."""
        self._update(
            key,
            now,
            draft_ref=revised.draft_ref,
            version=revised.version,
            subject=revised.subject,
            composed=revised.composed,
            problems=json.dumps(list(revised.problems)),
            checked=Checked.COMPOSED.value,
            checked_version="",
            notes=revised.notes,
            updating=0,
        )

    def abandon_update(self, key: DraftKey, now: datetime) -> None:
        """The draft was not replaced after all (the user edited it first)."""
        self._update(key, now, updating=0)

    def set_problems(
        self,
        key: DraftKey,
        problems: Iterable[str],
        checked: Checked,
        now: datetime,
        *,
        composed: str = "",
        version: str = "",
        checked_version: str = "",
    ) -> None:
        """What proofreading found in the draft, and in which text (`checked_version`: the
        draft's version it read); with `composed`, the digest of the note the draft was
        written from; with `version`, the version an interrupted replacement left, adopted
        as the daemon's own."""
        values: dict[str, str | int] = {
            "problems": json.dumps(list(problems)),
            "checked": checked.value,
            "checked_version": checked_version,
        }
        if composed:
            values["composed"] = composed
        if version:
            values |= {"version": version, "updating": 0}
        self._update(key, now, **values)

    def decide(
        self, event: EventRef, decision: Decision, domains: Iterable[str], now: datetime
    ) -> None:
        """Keep the user's word on an event, and the organisers' domains it teaches about."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT "
                "(source, uid, occurrence) DO UPDATE SET decision = excluded.decision, "
                "domains = excluded.domains, decided_at = excluded.decided_at",
                (
                    *_event_columns(event),
                    decision.value,
                    json.dumps(sorted(domains)),
                    now.isoformat(),
                ),
            )
            self._db.execute(
                "DELETE FROM candidates WHERE source = ? AND uid = ? AND occurrence = ?",
                _event_columns(event),
            )

    def decisions(self) -> tuple[dict[EventRef, Decision], dict[str, Decision]]:
        """The user's decisions by event, and by the domains they teach about (latest wins)."""
        by_event: dict[EventRef, Decision] = {}
        by_domain: dict[str, Decision] = {}
        rows = self._rows("SELECT * FROM decisions ORDER BY decided_at")
        for source, uid, occurrence, decision, domains, _at in rows:
            by_event[EventRef(source, uid, occurrence)] = Decision(decision)
            by_domain |= dict.fromkeys(json.loads(domains), Decision(decision))
        return by_event, by_domain

    def set_candidates(
        self, candidates: Iterable[Candidate], sources: Iterable[str], now: datetime
    ) -> list[Candidate]:
        """The events of `sources` that are possibly interviews now: the others of those
        sources are dropped; the ones new since the last cycle are returned."""
        wanted = {c.ref: c for c in candidates}
        known = {c.ref for c in self.candidates()}
        with self._transaction():
            for source in set(sources):
                stale = [r for r in known if r.source == source and r not in wanted]
                for ref in stale:
                    self._db.execute(
                        "DELETE FROM candidates WHERE source = ? AND uid = ? AND occurrence = ?",
                        _event_columns(ref),
                    )
            for ref, candidate in wanted.items():
                self._db.execute(
                    "INSERT OR IGNORE INTO candidates VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (*_event_columns(ref), *_candidate_columns(candidate), now.isoformat()),
                )
        return [c for ref, c in wanted.items() if ref not in known]

    def candidates(self) -> list[Candidate]:
        """The events that are possibly interviews, oldest first."""
        rows = self._rows("SELECT * FROM candidates ORDER BY ended_at")
        return [
            Candidate(
                EventRef(source, uid, occurrence),
                title,
                datetime.fromisoformat(ended_at),
                reason,
                tuple(Recipient(*r) for r in json.loads(recipients)),
                datetime.fromisoformat(first_seen),
            )
            for source, uid, occurrence, title, ended_at, reason, recipients, first_seen in rows
        ]

    def learn(self, kind: str, values: Iterable[str], now: datetime) -> list[str]:
        """Remember what the daemon learnt (e.g. `employer` domains); returns the new ones."""
        new = []
        with self._transaction():
            for value in values:
                cursor = self._db.execute(
                    "INSERT OR IGNORE INTO learnt VALUES (?, ?, ?)", (kind, value, now.isoformat())
                )
                if cursor.rowcount:
                    new.append(value)
        return new

    def set_debrief(self, event: EventRef, text: str, now: datetime) -> None:
        """Keep what the user wrote in `followup debrief` about an interview."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO debriefs VALUES (?, ?, ?, ?, ?) ON CONFLICT (source, uid, occurrence) "
                "DO UPDATE SET text = excluded.text, written_at = excluded.written_at",
                (*_event_columns(event), text, now.isoformat()),
            )

    def debriefs(self) -> dict[EventRef, str]:
        """What the user wrote about each interview they debriefed."""
        rows = self._rows("SELECT source, uid, occurrence, text FROM debriefs")
        return {EventRef(source, uid, occurrence): text for source, uid, occurrence, text in rows}

    def learnt(self, kind: str) -> list[str]:
        """What the daemon learnt of `kind`, oldest first."""
        rows = self._rows("SELECT value FROM learnt WHERE kind = ? ORDER BY since", (kind,))
        return [value for (value,) in rows]

    def set_status(
        self, key: DraftKey, status: DraftStatus, now: datetime, error: str = ""
    ) -> None:
        """Record a new status (sent, deleted, failed…), with the reason for a failure."""
        sent = {"sent_at": now.isoformat()} if status is DraftStatus.SENT else {}
        self._update(key, now, status=status.value, last_error=error, **sent)

    def record_reminder(
        self,
        interview: InterviewId,
        stage: ReminderStage,
        now: datetime,
        message_id: str,
        mailed: bool,
    ) -> None:
        """A reminder stage reached the user: never again for this interview."""
        with self._transaction():
            self._db.execute(
                "INSERT OR IGNORE INTO reminders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    *_interview_columns(interview),
                    stage.name,
                    now.isoformat(),
                    message_id,
                    "",
                    mailed,
                ),
            )

    def mark_mailed(self, interview: InterviewId, stage: ReminderStage, thread: str) -> None:
        """The reminder's mail to yourself went out, in `thread`."""
        with self._transaction():
            self._db.execute(
                "UPDATE reminders SET mailed = 1, thread = ? WHERE source = ? AND uid = ? "
                "AND occurrence = ? AND purpose = ? AND stage = ?",
                (thread, *_interview_columns(interview), stage.name),
            )

    def reminders(self) -> dict[InterviewId, list[Delivered]]:
        """Every reminder delivered, by interview, oldest first."""
        found: dict[InterviewId, list[Delivered]] = {}
        rows = self._rows("SELECT * FROM reminders ORDER BY delivered_at")
        for source, uid, occurrence, purpose, stage, at, message_id, thread, mailed in rows:
            reminder = Delivered(
                ReminderStage.named(stage), datetime.fromisoformat(at), message_id, thread, mailed
            )
            interview = InterviewId(source, uid, occurrence, Purpose(purpose))
            found.setdefault(interview, []).append(reminder)
        return found

    def note_error(self, key: DraftKey, error: str, now: datetime) -> None:
        """Remember why the last attempt on `key` failed; its status stays as it is."""
        self._update(key, now, last_error=error)

    def set_alert(self, name: str, message: str, now: datetime) -> bool:
        """Raise a daemon-wide alert (e.g. sign-in needed); True when it is new. The message
        is kept with its secrets masked: an error answer may echo the request."""
        message = redact(message)
        with self._transaction():
            known = self._db.execute("SELECT 1 FROM alerts WHERE name = ?", (name,)).fetchone()
            self._db.execute(
                "INSERT INTO alerts VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET message = excluded.message",
                (name, message, now.isoformat()),
            )
        return known is None

    def clear_alert(self, name: str) -> None:
        """The condition behind the alert is over."""
        with self._transaction():
            self._db.execute("DELETE FROM alerts WHERE name = ?", (name,))

    def alerts(self) -> dict[str, str]:
        """Every alert standing, by name."""
        return dict(self._rows("SELECT name, message FROM alerts ORDER BY since"))

    def _update(self, key: DraftKey, now: datetime, **values: str | int) -> None:
        if "last_error" in values:  # an error answer may echo the request, secrets and all
            values["last_error"] = redact(str(values["last_error"]))
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        params = values | _key_columns(key) | {"updated_at": now.isoformat()}
        with self._transaction():
            self._db.execute(
                f"UPDATE drafts SET {assignments}, updated_at = :updated_at WHERE "
                "source = :source AND uid = :uid AND occurrence = :occurrence "
                "AND recipient = :recipient AND purpose = :purpose",
                params,
            )

    def _rows(self, query: str, parameters: tuple[str, ...] = ()) -> list[Any]:
        """Every row `query` selects."""
        with self._failing("read"):
            return self._db.execute(query, parameters).fetchall()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write, whole or not at all; SQLite's failures raise LedgerError."""
        with self._failing("written"):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
                self._db.execute("COMMIT")
            except BaseException:
                # A failed COMMIT (a full disk) may leave the transaction open, or not.
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    @contextmanager
    def _failing(self, what: str) -> Iterator[None]:
        """SQLite's errors (a full disk, a damaged file, a lock held too long) as one
        plain LedgerError, so that a cycle says it in one line and stops writing."""
        try:
            yield
        except sqlite3.Error as error:
            raise LedgerError(f"the ledger cannot be {what}: {error} ({self.path})") from error

    def _migrate(self) -> None:
        self._db.executescript(_SCHEMA)  # every statement is IF NOT EXISTS
        with self._transaction():
            version = self._db.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
            if version is None:
                version = 1
                self._db.execute("INSERT INTO schema_version VALUES (1)")
        if version > SCHEMA_VERSION:
            raise LedgerError(
                f"the ledger was written by a newer interview-followup (schema {version}); "
                "upgrade before running this one"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self._transaction():
                for statement in _MIGRATIONS[target]:
                    self._db.execute(statement)
                self._db.execute("UPDATE schema_version SET version = ?", (target,))


_KEY_COLUMNS = ("source", "uid", "occurrence", "recipient", "purpose")


def _key_columns(key: DraftKey) -> dict[str, str]:
    return {
        "source": key.source,
        "uid": key.uid,
        "occurrence": key.occurrence,
        "recipient": key.recipient,
        "purpose": key.purpose,
    }


def _event_columns(event: EventRef) -> tuple[str, str, str]:
    return event.source, event.uid, event.occurrence


def _candidate_columns(candidate: Candidate) -> tuple[str, str, str, str]:
    recipients = json.dumps([[r.email, r.name] for r in candidate.recipients])
    return candidate.title, candidate.ended_at.isoformat(), candidate.reason, recipients


def _interview_columns(interview: InterviewId) -> tuple[str, str, str, str]:
    return interview.source, interview.uid, interview.occurrence, interview.purpose


def _columns(record: DraftRecord) -> dict[str, object]:
    created = record.created_at.isoformat() if record.created_at else ""
    columns: dict[str, object] = dict(_key_columns(record.key))
    return columns | {
        "status": record.status.value,
        "event_title": record.event_title,
        "company": record.company,
        "role": record.role,
        "recipient_name": record.recipient_name,
        "ended_at": record.ended_at.isoformat(),
        "deadline": record.deadline.isoformat(),
        "message_id": record.message_id,
        "subject": record.subject,
        "problems": json.dumps(list(record.problems)),
        "draft_ref": record.draft_ref,
        "last_error": redact(record.last_error),
        "created_at": created,
        "notes": record.notes,
        "composed": record.composed,
        "checked": record.checked.value,
    }


def _record(row: dict[str, object]) -> DraftRecord:
    def text(name: str) -> str:
        return str(row[name])

    return DraftRecord(
        key=DraftKey(
            text("source"),
            text("uid"),
            text("occurrence"),
            text("recipient"),
            Purpose(text("purpose")),
        ),
        status=DraftStatus(text("status")),
        event_title=text("event_title"),
        company=text("company"),
        role=text("role"),
        recipient_name=text("recipient_name"),
        recipient_email=text("recipient"),
        ended_at=datetime.fromisoformat(text("ended_at")),
        deadline=datetime.fromisoformat(text("deadline")),
        message_id=text("message_id"),
        subject=text("subject"),
        problems=tuple(json.loads(text("problems"))),
        draft_ref=text("draft_ref"),
        attempts=int(str(row["attempts"])),
        last_error=text("last_error"),
        created_at=datetime.fromisoformat(text("created_at")) if row["created_at"] else None,
        updated_at=datetime.fromisoformat(text("updated_at")),
        sent_at=datetime.fromisoformat(text("sent_at")) if row["sent_at"] else None,
        notes=text("notes"),
        version=text("version"),
        composed=text("composed"),
        checked=Checked(text("checked")),
        updating=bool(row["updating"]),
        checked_version=text("checked_version"),
    )
