"""Waiting drafts follow the notes and are proofread as they stand, cycle after cycle."""

from __future__ import annotations

import sqlite3

import builders
import pytest
from builders import NOW, YOU, interview_from, onsite
from memory_mailbox import MemoryMailbox

from daemon.core.actions import Recheck, UpdateDraft
from daemon.core.compose import TOPIC_PLACEHOLDER
from daemon.core.model import Checked
from daemon.core.plan import Snapshot, plan
from daemon.core.revise import NOT_APPLIED
from daemon.cycle import observe_drafts, read_waiting
from daemon.executor import Channels, execute
from daemon.ledger import Ledger
from daemon.spelling import EnglishLexicon

DRAFTING = builders.drafting(lexicon=EnglishLexicon())
CHANNELS = Channels(YOU, by_mail=False)
PANEL = onsite()
DEBRIEF = "[Priya Raman]\nTopics: the ledger migration\n\n[José Müller]\nTopics: rate limits"


@pytest.fixture
def ledger(tmp_path):
    ledger = Ledger(tmp_path / "state" / "ledger.sqlite3")
    yield ledger
    ledger.close()


def cycle(ledger, mailbox, debrief="", drafting=DRAFTING):
    records = ledger.records()
    observed = observe_drafts(mailbox, records)
    stored = read_waiting(mailbox, records, observed)
    found = [interview_from(PANEL, debrief)]
    seen = Snapshot(found, records, observed, stored=stored)
    actions = plan(NOW, seen, drafting)
    execute(actions, ledger, mailbox, NOW, CHANNELS)
    return actions


def crash(*_args):
    """The power goes out here."""
    raise OSError("power cut")


def body(mailbox, ref):
    return mailbox.drafts[ref].get_content()


def record_to(ledger, address):
    return next(r for r in ledger.records().values() if r.recipient_email == address)


def edit(mailbox, ref, old, new):
    """What the user does in their mail client: the draft's text changes in place."""
    message = mailbox.drafts[ref]
    message.set_content(message.get_content().replace(old, new))


def test_a_debrief_after_drafting_rewrites_the_untouched_drafts(ledger):
    mailbox = MemoryMailbox()
    cycle(ledger, mailbox)
    assert all(TOPIC_PLACEHOLDER in body(mailbox, ref) for ref in mailbox.drafts)
    actions = cycle(ledger, mailbox, DEBRIEF)
    assert sorted(type(a).__name__ for a in actions) == ["UpdateDraft", "UpdateDraft"]
    priya, jose = (
        record_to(ledger, "priya.raman@acme.example"),
        record_to(ledger, "jose.muller@acme.example"),
    )
    assert "the ledger migration" in body(mailbox, priya.draft_ref)
    assert "rate limits" in body(mailbox, jose.draft_ref)
    assert "rate limits" not in body(mailbox, priya.draft_ref)
    assert len(mailbox.drafts) == 2
    assert mailbox.drafts[priya.draft_ref]["Message-ID"] == priya.message_id
    assert not any(TOPIC_PLACEHOLDER in p for p in priya.problems)
    assert cycle(ledger, mailbox, DEBRIEF) == []  # the same notes again change nothing


def test_an_edited_draft_is_left_alone_and_says_the_new_notes_were_not_applied(ledger):
    mailbox = MemoryMailbox()
    cycle(ledger, mailbox)
    priya = record_to(ledger, "priya.raman@acme.example")
    edit(mailbox, priya.draft_ref, TOPIC_PLACEHOLDER, "the coffee machine")
    mine = body(mailbox, priya.draft_ref)
    actions = cycle(ledger, mailbox, DEBRIEF)
    assert [type(a) for a in actions if a.key == priya.key] == [Recheck]
    assert body(mailbox, priya.draft_ref) == mine
    assert NOT_APPLIED in record_to(ledger, "priya.raman@acme.example").problems
    jose = record_to(ledger, "jose.muller@acme.example")
    assert "rate limits" in body(mailbox, jose.draft_ref)  # José's was untouched: rewritten
    assert NOT_APPLIED not in jose.problems


def test_problems_follow_the_draft_as_the_user_edits_it(ledger):
    mailbox = MemoryMailbox()
    cycle(ledger, mailbox)
    priya = record_to(ledger, "priya.raman@acme.example")
    assert f"placeholder left in: {TOPIC_PLACEHOLDER}" in priya.problems
    edit(mailbox, priya.draft_ref, TOPIC_PLACEHOLDER, "the ledger migration")
    cycle(ledger, mailbox)
    fixed = record_to(ledger, "priya.raman@acme.example")
    assert fixed.checked is Checked.CURRENT
    assert not any("placeholder" in p for p in fixed.problems)
    edit(mailbox, priya.draft_ref, "especially", "espeshally")
    cycle(ledger, mailbox)
    worse = record_to(ledger, "priya.raman@acme.example")
    assert any(p.startswith("spelling: 'espeshally'") for p in worse.problems)


def test_without_the_drafts_text_the_problems_are_as_composed_and_marked_once_edited(ledger):
    mailbox = MemoryMailbox()
    mailbox.hides_text = True
    cycle(ledger, mailbox)
    priya = record_to(ledger, "priya.raman@acme.example")
    assert cycle(ledger, mailbox) == []
    edit(mailbox, priya.draft_ref, TOPIC_PLACEHOLDER, "the ledger migration")
    cycle(ledger, mailbox)
    outdated = record_to(ledger, "priya.raman@acme.example")
    assert outdated.checked is Checked.OUTDATED
    assert outdated.problems == priya.problems  # as drafted: the daemon cannot see the fix
    assert "does not show the daemon its text" in outdated.checked.describe()


def interrupted_rewrite(ledger, mailbox, monkeypatch, owner, method):
    """Drafts, then a debrief whose rewrite loses power in `owner.method`; Priya's record."""
    cycle(ledger, mailbox)
    monkeypatch.setattr(owner, method, crash)
    cycle(ledger, mailbox, DEBRIEF)
    monkeypatch.undo()
    return record_to(ledger, "priya.raman@acme.example")


def test_an_interrupted_rewrite_is_finished_next_cycle_not_taken_for_an_edit(ledger, monkeypatch):
    mailbox = MemoryMailbox()
    interrupted = interrupted_rewrite(ledger, mailbox, monkeypatch, Ledger, "finish_update")
    assert interrupted.updating and "the ledger migration" in body(mailbox, interrupted.draft_ref)
    actions = cycle(ledger, mailbox, DEBRIEF)
    recovering = [a for a in actions if isinstance(a, UpdateDraft)]
    assert len(recovering) == 2 and all(a.recovering for a in recovering)
    done = record_to(ledger, "priya.raman@acme.example")
    assert not done.updating and NOT_APPLIED not in done.problems
    assert len(mailbox.drafts) == 2
    assert cycle(ledger, mailbox, DEBRIEF) == []


def test_a_draft_edited_between_plan_and_rewrite_is_kept(ledger):
    mailbox = MemoryMailbox()
    cycle(ledger, mailbox)
    priya = record_to(ledger, "priya.raman@acme.example")
    records = ledger.records()
    observed = observe_drafts(mailbox, records)
    stored = read_waiting(mailbox, records, observed)
    found = [interview_from(PANEL, DEBRIEF)]
    actions = plan(NOW, Snapshot(found, records, observed, stored=stored), DRAFTING)
    edit(mailbox, priya.draft_ref, "Hi Priya", "Dear Priya")  # the user was quicker
    execute(actions, ledger, mailbox, NOW, CHANNELS)
    assert body(mailbox, priya.draft_ref).startswith("Dear Priya")
    assert not record_to(ledger, "priya.raman@acme.example").updating


def test_a_draft_written_before_digests_were_kept_takes_a_baseline_and_stays(ledger):
    mailbox = MemoryMailbox()
    cycle(ledger, mailbox, DEBRIEF)
    priya = record_to(ledger, "priya.raman@acme.example")
    with sqlite3.connect(ledger.path) as older:  # as a ledger from before digests has it
        older.execute("UPDATE drafts SET composed = ''")
    before = body(mailbox, priya.draft_ref)
    actions = cycle(ledger, mailbox, DEBRIEF + "\nFit: I like queues")
    assert not any(isinstance(a, UpdateDraft) and a.key == priya.key for a in actions)
    assert body(mailbox, priya.draft_ref) == before
    assert record_to(ledger, "priya.raman@acme.example").composed


def test_a_rewrite_interrupted_before_the_mailbox_took_it_is_done_next_cycle(ledger, monkeypatch):
    mailbox = MemoryMailbox()
    priya = interrupted_rewrite(ledger, mailbox, monkeypatch, MemoryMailbox, "replace_draft")
    assert priya.updating and "the ledger migration" not in body(mailbox, priya.draft_ref)
    cycle(ledger, mailbox, DEBRIEF)
    assert "the ledger migration" in body(mailbox, priya.draft_ref)
    assert not record_to(ledger, "priya.raman@acme.example").updating


def test_an_edit_after_an_interrupted_rewrite_is_the_users_and_stays(ledger, monkeypatch):
    mailbox = MemoryMailbox()
    priya = interrupted_rewrite(ledger, mailbox, monkeypatch, Ledger, "finish_update")
    edit(mailbox, priya.draft_ref, "Hi Priya", "Dear Priya")
    cycle(ledger, mailbox, DEBRIEF)
    assert body(mailbox, priya.draft_ref).startswith("Dear Priya")
    assert not record_to(ledger, "priya.raman@acme.example").updating
