"""Planning and executing: a draft key is drafted at most once, ever, across crashes."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import builders
import pytest
from builders import ME, NOW, YOU, event, person
from memory_mailbox import MemoryMailbox

from daemon.core.detect import finished_interviews
from daemon.core.model import DraftKey, DraftStatus, key_for
from daemon.core.plan import CreateDraft, Reconcile, RecordOutcome, Snapshot, plan
from daemon.core.protocols import ConnectorError, CreatedDraft, DraftState
from daemon.executor import Channels, Executor, execute
from daemon.ledger import Ledger, LedgerError

DRAFTING = builders.drafting()
CHANNELS = Channels(YOU, by_mail=False)


@pytest.fixture
def ledger(tmp_path):
    ledger = Ledger(tmp_path / "state" / "ledger.sqlite3")
    yield ledger
    ledger.close()


def interviews(*events):
    return finished_interviews(
        events, YOU, NOW, grace=timedelta(minutes=10), lookback=timedelta(hours=48)
    )


PANEL = event(
    attendees=(
        ME,
        person("priya.raman@acme.example", "Priya Raman"),
        person("jose@acme.example", "José"),
    ),
)


def cycle(ledger, mailbox, now=NOW, found=None):
    records = ledger.records()
    observed = {
        k: mailbox.draft_state(
            CreatedDraft(r.draft_ref, r.message_id, r.recipient_email, r.subject)
        )
        for k, r in records.items()
        if r.status is DraftStatus.DRAFTED
    }
    found = found if found is not None else interviews(PANEL)
    actions = plan(now, Snapshot(found, records, observed), DRAFTING)
    execute(actions, ledger, mailbox, now, CHANNELS)
    return actions


def test_one_draft_per_interviewer_and_none_on_the_next_cycle(ledger):
    mailbox = MemoryMailbox()
    first = cycle(ledger, mailbox)
    assert sorted(m["To"].addresses[0].addr_spec for m in mailbox.drafts.values()) == [
        "jose@acme.example",
        "priya.raman@acme.example",
    ]
    assert all(isinstance(a, CreateDraft) for a in first)
    assert cycle(ledger, mailbox) == []
    assert len(mailbox.drafts) == 2
    assert {r.status for r in ledger.records().values()} == {DraftStatus.DRAFTED}


def test_a_deleted_draft_is_a_tombstone_never_recreated(ledger):
    mailbox = MemoryMailbox()
    cycle(ledger, mailbox)
    mailbox.states["d1"] = DraftState.DELETED
    mailbox.states["d2"] = DraftState.SENT
    actions = cycle(ledger, mailbox)
    assert sorted(type(a).__name__ for a in actions) == ["RecordOutcome", "RecordOutcome"]
    assert sorted(r.status.value for r in ledger.records().values()) == ["deleted", "sent"]
    assert cycle(ledger, mailbox) == []
    assert len(mailbox.drafts) == 2


def test_a_lost_create_response_is_healed_without_a_duplicate(ledger):
    mailbox = MemoryMailbox()
    mailbox.lose_response = True
    cycle(ledger, mailbox)
    assert {r.status for r in ledger.records().values()} == {DraftStatus.CREATING}
    mailbox.lose_response = False
    actions = cycle(ledger, mailbox)
    assert all(isinstance(a, CreateDraft) and a.recovering for a in actions)
    assert len(mailbox.drafts) == 2
    assert {r.draft_ref for r in ledger.records().values()} == {"d1", "d2"}


def test_a_crash_between_create_and_record_is_healed_without_a_duplicate(ledger):
    mailbox = MemoryMailbox()
    [action, _] = plan(NOW, Snapshot(interviews(PANEL)), DRAFTING)
    ledger.begin(action.record, NOW)
    mailbox.create_draft(action.message.as_email())  # the process dies before recording
    cycle(ledger, mailbox)
    assert len(mailbox.drafts) == 2
    assert ledger.records()[action.record.key].draft_ref == "d1"


def test_a_failing_mailbox_is_retried_each_cycle_without_duplicates(ledger):
    mailbox = MemoryMailbox()
    mailbox.fail_create = ConnectorError("Drafts folder is read-only")
    for _ in range(4):
        cycle(ledger, mailbox)
    assert {(r.status, r.attempts) for r in ledger.records().values()} == {
        (DraftStatus.CREATING, 4)
    }
    assert {r.last_error for r in ledger.records().values()} == {"Drafts folder is read-only"}
    mailbox.fail_create = None
    cycle(ledger, mailbox)
    assert len(mailbox.drafts) == 2
    assert {r.status for r in ledger.records().values()} == {DraftStatus.DRAFTED}


def test_a_draft_never_made_fails_with_its_reason_once_the_interview_is_out_of_reach(ledger):
    mailbox = MemoryMailbox()
    mailbox.fail_create = ConnectorError("Drafts folder is read-only")
    cycle(ledger, mailbox)
    actions = cycle(ledger, mailbox, found=[])
    assert all(isinstance(a, Reconcile) for a in actions) and len(actions) == 2
    assert {(r.status, r.last_error) for r in ledger.records().values()} == {
        (DraftStatus.FAILED, "Drafts folder is read-only")
    }
    assert cycle(ledger, mailbox, found=[]) == []


def test_an_unexpected_error_in_one_action_does_not_stop_the_others(ledger):
    mailbox = MemoryMailbox()
    [first, second] = plan(NOW, Snapshot(interviews(PANEL)), DRAFTING)
    broken = replace(first, message=replace(first.message, to_email="a@b.example, c@d.example"))
    outcome = execute([broken, second], ledger, mailbox, NOW, CHANNELS)
    assert len(outcome.failed) == 1 and len(outcome.drafted) == 1
    error = ledger.records()[first.record.key].last_error
    assert error.startswith("internal error: the draft to a@b.example, c@d.example")


def test_the_same_event_twice_in_one_cycle_makes_one_draft_per_interviewer(ledger):
    mailbox = MemoryMailbox()
    cycle(ledger, mailbox, found=interviews(PANEL, PANEL))
    assert len(mailbox.drafts) == 2


def test_a_key_claimed_by_another_run_is_not_created_again(ledger):
    mailbox = MemoryMailbox()
    [action, _] = plan(NOW, Snapshot(interviews(PANEL)), DRAFTING)
    other = MemoryMailbox()
    assert (
        Executor(ledger, other, NOW, CHANNELS).create(action) == "d1"
    )  # the other instance wins the race
    assert Executor(ledger, mailbox, NOW, CHANNELS).create(action) is None
    assert mailbox.drafts == {}


def test_rescheduling_a_single_event_keeps_its_key_but_each_occurrence_of_a_series_is_new():
    moved = replace(
        PANEL, start=PANEL.start + timedelta(minutes=15), end=PANEL.end + timedelta(minutes=15)
    )
    assert key_for(moved, "p@acme.example") == key_for(PANEL, "p@acme.example")
    weekly = replace(PANEL, occurrence=PANEL.start)
    next_week = replace(PANEL, occurrence=PANEL.start + timedelta(days=7))
    assert key_for(weekly, "p@acme.example") != key_for(next_week, "p@acme.example")


def test_markers_differ_for_keys_that_join_to_the_same_text():
    left = DraftKey("a|b", "c", "single", "d@e.example")
    right = DraftKey("a", "b|c", "single", "d@e.example")
    assert str(left) == str(right) and left.marker != right.marker


def test_an_interrupted_draft_whose_interview_vanished_is_reconciled(ledger):
    mailbox = MemoryMailbox()
    mailbox.lose_response = True
    cycle(ledger, mailbox)
    mailbox.lose_response = False
    actions = cycle(ledger, mailbox, found=[])
    assert all(isinstance(a, Reconcile) for a in actions)
    assert {r.status for r in ledger.records().values()} == {DraftStatus.DRAFTED}


def test_the_record_carries_the_deadline_in_the_events_zone_and_the_proofreading(ledger):
    [action, _] = plan(NOW, Snapshot(interviews(PANEL)), DRAFTING)
    record = action.record
    assert record.deadline == PANEL.end + timedelta(hours=24)
    assert record.deadline.utcoffset() == PANEL.end.utcoffset()
    assert "placeholder left in: [a topic you discussed]" in record.problems
    execute([action], ledger, MemoryMailbox(), NOW, CHANNELS)
    stored = ledger.records()[record.key]
    assert (stored.deadline, stored.problems, stored.status) == (
        record.deadline,
        record.problems,
        DraftStatus.DRAFTED,
    )


def test_recording_an_outcome_only_touches_drafted_keys(ledger):
    mailbox = MemoryMailbox()
    cycle(ledger, mailbox)
    records = ledger.records()
    observed = dict.fromkeys(records, DraftState.SENT)
    assert all(
        isinstance(a, RecordOutcome) for a in plan(NOW, Snapshot((), records, observed), DRAFTING)
    )


def test_create_returns_the_ref_it_recorded(ledger):
    [action, _] = plan(NOW, Snapshot(interviews(PANEL)), DRAFTING)
    assert Executor(ledger, MemoryMailbox(), NOW, CHANNELS).create(action) == "d1"


def test_the_ledger_lives_in_a_private_directory(tmp_path):
    path = tmp_path / "state" / "ledger.sqlite3"
    Ledger(path).close()
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_ledger_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "ledger.sqlite3"
    Ledger(path).close()
    import sqlite3

    with sqlite3.connect(path) as db:
        db.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(LedgerError, match="newer"):
        Ledger(path)


def test_the_state_directory_and_its_missing_parents_are_private_under_any_umask(tmp_path):
    import os

    old = os.umask(0)
    try:
        Ledger(tmp_path / "home" / ".local" / "state" / "followup" / "ledger.sqlite3").close()
    finally:
        os.umask(old)
    for part in ("home", "home/.local", "home/.local/state", "home/.local/state/followup"):
        assert (tmp_path / part).stat().st_mode & 0o777 == 0o700, part
