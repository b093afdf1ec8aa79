"""Gmail followed through its history: what a cycle asks Google, and that it still converges.

An idle cycle asks the calendar once and Gmail's history once, however many
drafts wait and notes are watched; a send or a reply costs a read or two more;
an interrupted create is found among the messages added since the last mark;
when Gmail no longer keeps that history, every draft is read once and that is
counted; a draft Gmail moved to a new thread is still seen sent.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from gmail_daemon import GmailDaemon, google_requests, tracked, user_sends
from google_support import session_for, signed_in
from mailbox_contract import make_message

from connectors.gmail import GmailMailbox
from daemon.core.model import DraftStatus, Purpose
from daemon.core.protocols import ConnectorError, CreatedDraft, DraftState, SentNote
from daemon.cycle import MAILBOX_MARK, MAILBOX_RESCANS

PENDING, WATCHED = 20, 20


@pytest.fixture
def daemon(google_fake, tmp_path):
    started = tracked(google_fake, tmp_path, PENDING, WATCHED, history=True)
    yield started
    started.close()


def _statuses(daemon: GmailDaemon) -> list[DraftStatus]:
    records = daemon.runtime.ledger.records().values()
    return [r.status for r in records if r.key.purpose is Purpose.THANKS]


def test_an_idle_cycle_asks_the_calendar_once_and_gmails_history_once(daemon):
    counts = daemon.cycle()
    assert google_requests(counts) <= 2, counts
    assert counts["gmail.users.history.list"] == 1
    assert sorted(_statuses(daemon)).count(DraftStatus.SENT) == WATCHED


def test_one_sent_draft_costs_at_most_two_more_requests(google_fake, daemon):
    user_sends(google_fake, 1)
    counts = daemon.cycle()
    assert google_requests(counts) <= 4, counts
    assert _statuses(daemon).count(DraftStatus.SENT) == WATCHED + 1
    assert google_requests(daemon.cycle()) <= 2  # and the next cycle is idle again


def test_one_reply_costs_at_most_two_more_requests(google_fake, daemon):
    [note] = [r for r in daemon.runtime.ledger.records().values() if r.status is DraftStatus.SENT][
        :1
    ]
    thread = note.draft_ref.split("/")[1]
    google_fake.receive_reply(thread, note.recipient_email)
    counts = daemon.cycle()
    assert google_requests(counts) <= 4, counts
    answered = daemon.runtime.ledger.records()[note.key].status
    assert answered is DraftStatus.ANSWERED
    assert google_requests(daemon.cycle()) <= 2


def test_a_restart_reads_everything_once_then_idles(daemon):
    daemon.restart()
    first = daemon.cycle()
    assert google_requests(first) > 2  # nothing is remembered across a restart
    assert google_requests(daemon.cycle()) <= 2


def test_history_no_longer_kept_falls_back_converges_and_is_counted(google_fake, daemon, caplog):
    google_fake.history_kept = 2
    sent_threads = user_sends(google_fake, 3)
    for _ in range(3):
        google_fake.receive_message(make_message())  # enough changes to leave the window
    with caplog.at_level(logging.INFO):
        daemon.cycle()
    ledger = daemon.runtime.ledger
    assert ledger.meta(MAILBOX_RESCANS) == "1"
    assert "every draft is read again (1 times so far)" in caplog.text
    assert _statuses(daemon).count(DraftStatus.SENT) == WATCHED + len(sent_threads)
    assert _statuses(daemon).count(DraftStatus.DRAFTED) == PENDING - len(sent_threads)
    assert google_requests(daemon.cycle()) <= 2
    assert ledger.meta(MAILBOX_RESCANS) == "1"


def test_the_mark_is_kept_in_the_ledger_and_moves_with_each_cycle(google_fake, daemon):
    def kept() -> int:
        history_id, _, account = (daemon.runtime.ledger.meta(MAILBOX_MARK) or "").partition("/")
        assert account == google_fake.account
        return int(history_id)

    before = kept()
    google_fake.receive_message(make_message())
    daemon.cycle()
    assert kept() > before


# --- recovery --------------------------------------------------------------------------


@pytest.fixture
def gmail(google_fake, tmp_path):
    return GmailMailbox(session_for(google_fake, signed_in(google_fake, tmp_path)))


def _many_drafts(google_fake, count: int) -> None:
    for number in range(count):
        google_fake.user_writes_draft(make_message(subject=f"Draft {number}"))


def test_an_interrupted_create_is_found_in_a_few_requests_among_500_drafts(google_fake, gmail):
    _many_drafts(google_fake, 500)
    mark = gmail.sync("").mark  # the cycle before the create
    message = make_message()
    google_fake.lose_response("gmail.users.drafts.create")
    with pytest.raises(ConnectorError, match="the next cycle checks"):
        gmail.create_draft(message)
    gmail.sync(mark)  # the next cycle starts from the mark kept before the create
    google_fake.clear_requests()
    ref = gmail.find_draft(message["Message-ID"])
    assert ref is not None
    assert google_fake.draft(ref.split("/")[0]).message_id == message["Message-ID"]
    assert google_requests(google_fake.request_counts()) <= 3


def test_an_interrupted_create_never_made_is_not_found_and_costs_nothing(google_fake, gmail):
    _many_drafts(google_fake, 500)
    gmail.sync(gmail.sync("").mark)
    google_fake.clear_requests()
    assert gmail.find_draft(make_message()["Message-ID"]) is None
    assert google_requests(google_fake.request_counts()) == 0


def test_after_a_failed_sync_a_lost_create_is_still_found_by_reading_the_drafts(google_fake, gmail):
    gmail.sync("")
    message = make_message()
    google_fake.lose_response("gmail.users.drafts.create")
    with pytest.raises(ConnectorError, match="the next cycle checks"):
        gmail.create_draft(message)
    google_fake.fail("gmail.users.history.list", 500, times=None)
    with pytest.raises(ConnectorError):
        gmail.sync(gmail.sync("").mark)
    # What the earlier sync learnt predates the create: it must not answer for it.
    assert gmail.find_draft(message["Message-ID"]) is not None


def test_a_mark_of_another_accounts_mailbox_starts_afresh(google_fake, gmail):
    theirs = gmail.sync("").mark.replace(google_fake.account, "old.account@example.com")
    synced = gmail.sync(theirs)
    assert not synced.rescanned
    assert synced.mark.endswith("/" + google_fake.account)
    assert google_fake.requests("gmail.users.history.list") == []


def test_a_lost_draft_the_user_already_sent_is_found_through_history(google_fake, gmail):
    mark = gmail.sync("").mark
    message = make_message()
    google_fake.lose_response("gmail.users.drafts.create")
    with pytest.raises(ConnectorError, match="the next cycle checks"):
        gmail.create_draft(message)
    [draft] = google_fake.drafts()
    google_fake.user_sends_draft(draft.draft_id or "", new_message_id_header=True)
    gmail.sync(mark)
    since = datetime.now(UTC) - timedelta(minutes=5)
    found = gmail.find_draft(
        message["Message-ID"], to="jose@example.com", subject=message["Subject"], since=since
    )
    assert found is not None and found.startswith("-/")


# --- a draft Gmail moves to a new thread ---------------------------------------------------


def _identity(ref: str, message) -> CreatedDraft:
    return CreatedDraft(ref, message["Message-ID"], "jose@example.com", message["Subject"])


@pytest.mark.parametrize("cycle_between", [True, False], ids=["edit-cycle-send", "edit-and-send"])
def test_a_draft_moved_to_a_new_thread_by_a_subject_edit_is_seen_sent(
    google_fake, gmail, cycle_between
):
    message = make_message()
    draft = _identity(gmail.create_draft(message), message)
    mark = gmail.sync("").mark
    draft_id = draft.ref.split("/")[0]
    google_fake.user_edits_draft(
        draft_id, subject="Thanks!", new_message_id_header=True, new_thread=True
    )
    if cycle_between:
        synced = gmail.sync(mark)
        assert synced.view.draft_state(draft) is DraftState.PENDING
        mark = synced.mark
    sent = google_fake.message(google_fake.user_sends_draft(draft_id, new_message_id_header=True))
    assert sent.thread_id != draft.ref.split("/")[1]
    view = gmail.sync(mark).view
    assert view.draft_state(draft) is DraftState.SENT
    note = view.sent_note(draft)
    assert note == SentNote(sent.message_id, sent.thread_id, "Thanks!")
    google_fake.receive_reply(sent.thread_id, "jose@example.com")
    assert gmail.sync(mark).view.has_reply(note, "jose@example.com")


def test_a_draft_sent_in_place_is_seen_sent_through_its_new_label(google_fake, gmail):
    message = make_message()
    draft = _identity(gmail.create_draft(message), message)
    synced = gmail.sync("")
    assert synced.view.draft_state(draft) is DraftState.PENDING
    google_fake.user_sends_draft(draft.ref.split("/")[0], in_place=True)
    view = gmail.sync(synced.mark).view
    assert view.draft_state(draft) is DraftState.SENT
    note = view.sent_note(draft)
    assert note is not None and note.message_id == message["Message-ID"]
