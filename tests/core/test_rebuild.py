"""A lost, emptied or damaged ledger is rebuilt from the mailbox: nothing twice, nothing lost,
the user told; a reminder interrupted by a crash is not sent again."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import builders
import pytest
from builders import ME, YOU, event, person
from memory_mailbox import MemoryMailbox

from daemon.config import DraftsSettings, MailboxKind, Settings
from daemon.core.model import NOT_FOUND_AFTER_REBUILD, Decision, DraftStatus, ref_of
from daemon.core.protocols import DraftState
from daemon.core.reminders import ReminderRules
from daemon.cycle import run_cycle
from daemon.executor import Channels
from daemon.ledger import REBUILT_AT, Ledger
from daemon.runtime import Runtime

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
PANEL = event(
    "Interview: Backend Engineer – Acme",
    attendees=(
        ME,
        person("priya@acme.example", "Priya Raman"),
        person("jose@acme.example", "José Müller"),
        person("sam@acme.example", "Sam Lee"),
    ),
    now=NOW,
)


class Listed:
    name = "work"

    def __init__(self, *events):
        self.listed = [replace(e, source=self.name) for e in events]

    def events(self, start, end):
        return [e for e in self.listed if e.end > start and e.start < end]


class Harness:
    """A daemon on a calendar and a mailbox in memory whose ledger can be lost at will."""

    def __init__(self, folder, *events):
        self.folder = folder
        self.calendar = Listed(*events)
        self.mailbox = MemoryMailbox()
        self.told: list[tuple[str, str]] = []
        self.runtime = self.start()

    @property
    def ledger_path(self):
        return self.folder / "ledger.sqlite3"

    def start(self) -> Runtime:
        settings = Settings(YOU, (), DraftsSettings(MailboxKind.MAILDIR), self.folder)
        drafting = builders.drafting(ReminderRules((6, 2)))
        channels = Channels(YOU, True, lambda title, body: self.told.append((title, body)))
        ledger = Ledger(self.ledger_path, NOW)
        return Runtime(settings, drafting, [self.calendar], self.mailbox, ledger, channels)

    def restart(self) -> None:
        self.runtime.close()
        self.runtime = self.start()

    def cycle(self, at=NOW):
        return run_cycle(at, self.runtime)

    def lose_ledger(self, how: str) -> None:
        self.runtime.close()
        if how == "deleted":
            self.ledger_path.unlink()
        elif how == "emptied":
            self.ledger_path.write_bytes(b"")
        elif how == "garbage":
            self.ledger_path.write_bytes(os.urandom(4096))
        elif how == "half":
            data = self.ledger_path.read_bytes()
            self.ledger_path.write_bytes(data[: len(data) // 2])
        self.runtime = self.start()

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.mailbox.drafts.values()]


def by_recipient(ledger: Ledger) -> dict[str, DraftStatus]:
    return {r.recipient_email: r.status for r in ledger.records().values()}


@pytest.mark.parametrize("how", ["deleted", "emptied", "garbage", "half"])
def test_a_lost_ledger_is_rebuilt_with_no_draft_twice(tmp_path, how):
    daemon = Harness(tmp_path, PANEL)
    daemon.cycle()
    refs = {r.recipient_email: r.draft_ref for r in daemon.runtime.ledger.records().values()}
    daemon.mailbox.states[refs["priya@acme.example"]] = DraftState.SENT
    daemon.mailbox.states[refs["jose@acme.example"]] = DraftState.DELETED
    del daemon.mailbox.drafts[refs["jose@acme.example"]]  # gone for good, mark and all
    daemon.cycle(NOW + timedelta(minutes=5))
    before = sorted(daemon.message_ids())

    daemon.lose_ledger(how)
    daemon.cycle(NOW + timedelta(minutes=10))
    daemon.cycle(NOW + timedelta(minutes=15))

    assert sorted(daemon.message_ids()) == before  # nothing created again
    ledger = daemon.runtime.ledger
    assert by_recipient(ledger) == {
        "priya@acme.example": DraftStatus.SENT,  # found in the mailbox, sent
        "sam@acme.example": DraftStatus.DRAFTED,  # found waiting
    }
    [asked] = ledger.candidates()  # José's note cannot be told deleted from never made
    assert asked.reason == NOT_FOUND_AFTER_REBUILD
    assert [r.email for r in asked.recipients] == ["jose@acme.example"]
    assert ledger.meta(REBUILT_AT) is not None
    told = [body for title, body in daemon.told if "rebuilt" in title]
    assert len(told) == 1 and "2 notes" in told[0]
    damaged = sorted(p.name for p in tmp_path.glob("ledger.sqlite3.damaged-*"))
    assert bool(damaged) is (how in {"garbage", "half"})
    if damaged:
        assert "the ledger was damaged; it is kept as" in told[0]


def test_what_was_not_found_is_drafted_once_the_user_says_track(tmp_path):
    daemon = Harness(tmp_path, PANEL)
    daemon.cycle()
    jose = next(r for r in daemon.runtime.ledger.records().values() if "jose" in r.recipient_email)
    del daemon.mailbox.drafts[jose.draft_ref]
    daemon.lose_ledger("deleted")
    daemon.cycle(NOW + timedelta(minutes=5))
    assert "jose@acme.example" not in by_recipient(daemon.runtime.ledger)
    ref = ref_of(replace(PANEL, source="work"))
    daemon.runtime.ledger.decide(ref, Decision.TRACK, (), NOW)
    daemon.cycle(NOW + timedelta(minutes=10))
    assert by_recipient(daemon.runtime.ledger)["jose@acme.example"] is DraftStatus.DRAFTED
    assert daemon.runtime.ledger.candidates() == []


def test_a_first_run_drafts_as_usual_and_is_not_called_a_rebuild(tmp_path):
    daemon = Harness(tmp_path, PANEL)
    daemon.cycle()
    assert len(daemon.mailbox.drafts) == 3
    assert daemon.runtime.ledger.meta(REBUILT_AT) is None
    assert not [title for title, _body in daemon.told if "rebuilt" in title]


def test_reminders_already_delivered_are_not_sent_again_after_a_rebuild(tmp_path):
    daemon = Harness(tmp_path, PANEL)
    daemon.cycle()
    later = PANEL.end + timedelta(hours=19)  # past the 6-hour reminder
    daemon.cycle(later)
    assert len(daemon.mailbox.self_mail) == 1
    daemon.lose_ledger("deleted")
    daemon.cycle(later + timedelta(minutes=5))
    assert len(daemon.mailbox.self_mail) == 1


class CrashAfterSending(MemoryMailbox):
    """The reminder reaches the inbox, then the process dies before it is recorded."""

    crash = True

    def send_to_self(self, message: EmailMessage, thread: str = "") -> str:
        thread = super().send_to_self(message, thread)
        if self.crash:
            self.crash = False
            raise KeyboardInterrupt  # not an error the cycle handles: the process stops
        return thread


def test_a_reminder_interrupted_after_delivery_is_not_sent_twice(tmp_path):
    daemon = Harness(tmp_path, PANEL)
    daemon.mailbox = CrashAfterSending()
    daemon.restart()
    daemon.cycle()
    later = PANEL.end + timedelta(hours=19)
    with pytest.raises(KeyboardInterrupt):
        daemon.cycle(later)
    daemon.restart()
    daemon.cycle(later + timedelta(minutes=5))
    daemon.cycle(later + timedelta(minutes=10))
    assert len(daemon.mailbox.self_mail) == 1
    [delivered] = next(iter(daemon.runtime.ledger.reminders().values()))
    assert delivered.mailed


def test_a_reminder_that_never_went_out_is_sent_on_the_retry(tmp_path):
    class Refusing(MemoryMailbox):
        refuse = True

        def send_to_self(self, message: EmailMessage, thread: str = "") -> str:
            if self.refuse:
                self.refuse = False
                raise KeyboardInterrupt
            return super().send_to_self(message, thread)

    daemon = Harness(tmp_path, PANEL)
    daemon.mailbox = Refusing()
    daemon.restart()
    daemon.cycle()
    later = PANEL.end + timedelta(hours=19)
    with pytest.raises(KeyboardInterrupt):
        daemon.cycle(later)
    daemon.restart()
    daemon.cycle(later + timedelta(minutes=5))
    assert len(daemon.mailbox.self_mail) == 1


def test_a_sent_note_the_mailbox_lost_track_of_is_a_question_not_a_duplicate(tmp_path):
    daemon = Harness(tmp_path, PANEL)
    daemon.cycle()
    for ref, message in daemon.mailbox.drafts.items():  # sent with a new Message-ID
        daemon.mailbox.states[ref] = DraftState.SENT
        del message["Message-ID"]
        message["Message-ID"] = f"<client.{ref}@example.com>"
    daemon.lose_ledger("deleted")
    daemon.cycle(NOW + timedelta(minutes=5))
    assert len(daemon.mailbox.drafts) == 3
    assert daemon.runtime.ledger.records() == {}
    [asked] = daemon.runtime.ledger.candidates()
    assert len(asked.recipients) == 3


def test_a_ledger_restored_from_an_older_copy_drafts_nothing_twice(tmp_path):
    later = replace(
        PANEL,
        uid="later@acme.example",
        title="Interview: Staff Engineer – Acme",
        start=PANEL.start + timedelta(hours=2),
        end=PANEL.end + timedelta(hours=2),
    )
    daemon = Harness(tmp_path, PANEL, later)
    daemon.cycle(PANEL.end + timedelta(minutes=30))  # only the first interview is over
    daemon.runtime.close()
    copy = daemon.ledger_path.read_bytes()  # a backup, taken while the daemon was stopped
    daemon.runtime = daemon.start()
    daemon.cycle(later.end + timedelta(minutes=30))  # the second one's drafts are made
    assert len(daemon.mailbox.drafts) == 6
    daemon.runtime.close()
    for journal in tmp_path.glob("ledger.sqlite3-*"):
        journal.unlink()
    daemon.ledger_path.write_bytes(copy)  # a backup from before the second interview
    daemon.runtime = daemon.start()
    daemon.cycle(later.end + timedelta(minutes=35))
    assert len(daemon.mailbox.drafts) == 6  # nothing twice
    statuses = by_recipient(daemon.runtime.ledger)
    assert len(daemon.runtime.ledger.records()) == 6  # the second interview's found again
    assert set(statuses.values()) == {DraftStatus.DRAFTED}
    because = daemon.runtime.ledger.meta("rebuilt-because") or ""
    assert "older than the daemon's last run" in because


def test_a_run_killed_while_writing_the_mark_does_not_stop_the_next(tmp_path):
    ledger = Ledger(tmp_path / "ledger.sqlite3", NOW)
    ledger.advance()
    # What a kill between creating the mark's temporary file and renaming it leaves.
    for leftover in (".ledger.sqlite3.began.tmp", ".ledger.sqlite3.began.0123456789ab.tmp"):
        (tmp_path / leftover).write_text("1", encoding="ascii")
    ledger.advance()
    ledger.close()
    assert (tmp_path / "ledger.sqlite3.began").read_text(encoding="ascii") == "2"
    assert not list(tmp_path.glob(".*.tmp"))
