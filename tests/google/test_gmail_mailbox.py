"""Gmail through the real client library against the loopback fake: the contract and more."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from google_support import session_for, signed_in
from mailbox_contract import (
    JOSE,
    SUBJECT,
    MailboxContract,
    make_check_in,
    make_message,
    make_reminder,
)

from connectors.gmail import GmailMailbox
from connectors.google_auth import scopes_for
from daemon.core.protocols import (
    ConnectorError,
    CreatedDraft,
    DraftState,
    SentNote,
    SignInRequiredError,
)

ME = "me@example.com"  # the fake's account


def _draft_id(ref: str) -> str:
    return ref.split("/")[0]


class TestGmailContract(MailboxContract):
    """The contract with the default sign-in (`gmail.metadata`): no body is ever read."""

    shows_draft_text = False

    @pytest.fixture
    def mailbox(self, google_fake, tmp_path):
        self.fake = google_fake
        return GmailMailbox(session_for(google_fake, signed_in(google_fake, tmp_path)))

    sending_keeps_the_message_id = False

    def user_sends(self, draft: CreatedDraft) -> None:
        # Gmail may give the sent message a new Message-ID: the harder case.
        sent = self.fake.user_sends_draft(_draft_id(draft.ref), new_message_id_header=True)
        self.sent_ids = {**getattr(self, "sent_ids", {}), draft.ref: sent}

    def user_deletes(self, draft: CreatedDraft) -> None:
        self.fake.user_deletes_draft(_draft_id(draft.ref))

    def user_edits(self, draft: CreatedDraft, body: str) -> str:
        self.fake.user_edits_draft(_draft_id(draft.ref), body=body)
        return draft.ref

    def read_back(self, ref: str) -> EmailMessage:
        return self.fake.draft(_draft_id(ref)).email

    def sent_message_id(self, draft: CreatedDraft) -> str:
        return self.fake.message(self.sent_ids[draft.ref]).message_id

    def user_receives_reply(self, note: SentNote, from_addr: str) -> None:
        self.fake.receive_reply(note.thread, from_addr)

    def own_address(self) -> str:
        return str(self.fake.account)

    def read_self_mail(self) -> list[EmailMessage]:
        return [mail.email for mail in self.fake.messages("INBOX")]


class TestGmailContractReadingDrafts(TestGmailContract):
    """The whole contract again with `[google] read_drafts` and the sign-in it asks for
    (`gmail.readonly` instead of `gmail.metadata`): drafts are read as the user left them."""

    shows_draft_text = True

    @pytest.fixture
    def mailbox(self, google_fake, tmp_path):
        self.fake = google_fake
        store = signed_in(google_fake, tmp_path, scopes_for(read_drafts=True))
        return GmailMailbox(session_for(google_fake, store, read_drafts=True))


@pytest.fixture
def gmail(google_fake, tmp_path):
    return GmailMailbox(session_for(google_fake, signed_in(google_fake, tmp_path)))


def test_drafts_are_created_from_raw_bytes_not_a_media_upload(google_fake, gmail):
    gmail.create_draft(make_message())
    [request] = google_fake.requests("gmail.users.drafts.create")
    assert request.path == "/gmail/v1/users/me/drafts"
    assert set(request.json["message"]) == {"raw"}


def test_a_failed_create_is_never_retried(google_fake, gmail):
    google_fake.fail("gmail.users.drafts.create", 503)
    with pytest.raises(ConnectorError):
        gmail.create_draft(make_message())
    assert len(google_fake.requests("gmail.users.drafts.create")) == 1


def test_a_lost_create_response_leaves_one_draft_that_can_be_found(google_fake, gmail):
    message = make_message()
    google_fake.lose_response("gmail.users.drafts.create")
    with pytest.raises(ConnectorError, match="the next cycle checks"):
        gmail.create_draft(message)
    assert len(google_fake.drafts()) == 1
    ref = gmail.find_draft(message["Message-ID"])
    assert ref is not None and _draft_id(ref) == google_fake.drafts()[0].draft_id


def test_the_link_follows_edits_and_names_the_account(google_fake, gmail):
    ref = gmail.create_draft(make_message())
    first = gmail.draft_link(ref)
    new_id = google_fake.user_edits_draft(_draft_id(ref), body="Edited by hand.\n")
    second = gmail.draft_link(ref)
    assert second == f"https://mail.google.com/mail/u/me@example.com/#drafts?compose={new_id}"
    assert first != second


def test_a_sent_draft_links_to_its_thread(google_fake, gmail):
    ref = gmail.create_draft(make_message())
    google_fake.user_sends_draft(_draft_id(ref))
    assert (
        gmail.draft_link(ref)
        == f"https://mail.google.com/mail/u/me@example.com/#all/{ref.split('/')[1]}"
    )


def test_state_is_told_from_metadata_only(google_fake, gmail):
    message = make_message()
    ref = gmail.create_draft(message)
    google_fake.user_sends_draft(_draft_id(ref))
    google_fake.clear_requests()
    draft = CreatedDraft(ref, message["Message-ID"], "jose@example.com", str(message["Subject"]))
    assert gmail.draft_state(draft) is DraftState.SENT
    formats = {
        r.query.get("format", [""])[0]
        for r in google_fake.requests("gmail.*")
        if "format" in r.query
    }
    assert formats <= {"minimal", "metadata"}


def _identity(ref: str, message: EmailMessage) -> CreatedDraft:
    to = message["To"].addresses[0].addr_spec
    return CreatedDraft(ref, str(message["Message-ID"]), to, str(message["Subject"]))


def test_a_scheduled_send_counts_as_sent(google_fake, gmail):
    message = make_message()
    ref = gmail.create_draft(message)
    google_fake.user_schedules_draft(_draft_id(ref))
    assert gmail.draft_state(_identity(ref, message)) is DraftState.SENT


def test_drafts_are_never_judged_from_another_accounts_mailbox(google_fake, gmail):
    message = make_message()
    ref = gmail.create_draft(message)
    theirs = ref.rsplit("/", 1)[0] + "/old.account@example.com"
    with pytest.raises(SignInRequiredError, match=r"old\.account@example\.com"):
        gmail.draft_state(_identity(theirs, message))


@pytest.mark.parametrize("then", ["edits", "sends"])
def test_a_lost_create_is_found_even_after_the_user_edited_or_sent_it(google_fake, gmail, then):
    message = make_message()
    google_fake.lose_response("gmail.users.drafts.create")
    with pytest.raises(ConnectorError):
        gmail.create_draft(message)
    [draft] = google_fake.drafts()
    if then == "edits":
        google_fake.user_edits_draft(draft.draft_id, new_message_id_header=True)
    else:
        google_fake.user_sends_draft(draft.draft_id, new_message_id_header=True)
    wanted = _identity("", message)
    assert gmail.find_draft(wanted.message_id) is None  # the Message-ID alone is not enough
    ref = gmail.find_draft(wanted.message_id, to=wanted.to, subject=wanted.subject)
    assert ref is not None
    expected = DraftState.PENDING if then == "edits" else DraftState.SENT
    assert gmail.draft_state(_identity(ref, message)) is expected


def test_a_web_page_instead_of_json_is_one_clear_error(google_fake, gmail):
    google_fake.portal("gmail.users.drafts.list")
    with pytest.raises(ConnectorError, match="captive portal"):
        gmail.find_draft("<x@example.com>")


def test_a_missing_permission_asks_for_sign_in_and_stops_calling(google_fake, gmail):
    google_fake.fail("gmail.users.drafts.list", 403, reason="insufficientPermissions")
    with pytest.raises(SignInRequiredError, match="permission"):
        gmail.find_draft("<x@example.com>")
    google_fake.clear_requests()
    with pytest.raises(SignInRequiredError):
        gmail.find_draft("<x@example.com>")
    assert google_fake.requests() == []


def test_links_fall_back_to_the_drafts_folder_at_once_when_google_is_unreachable(
    google_fake, gmail
):
    refs = [gmail.create_draft(make_message()) for _ in range(3)]
    google_fake.fail("gmail.users.drafts.get", 503, times=None)
    links = [gmail.draft_link(ref) for ref in refs]
    assert links == ["https://mail.google.com/mail/u/me@example.com/#drafts"] * 3
    assert len(google_fake.requests("gmail.users.drafts.get")) == 1


# --- sent notes, check-ins and answers -----------------------------------------------------


def _send(
    google_fake, gmail, message: EmailMessage | None = None, reply_to: SentNote | None = None
) -> tuple[CreatedDraft, str]:
    """Create a draft, have the user send it with a fresh Message-ID; (draft, sent message id)."""
    message = message or make_message()
    draft = _identity(gmail.create_draft(message, reply_to), message)
    return draft, google_fake.user_sends_draft(_draft_id(draft.ref), new_message_id_header=True)


def test_sent_note_is_the_sent_message_in_the_drafts_thread(google_fake, gmail):
    draft, sent_id = _send(google_fake, gmail)
    sent = google_fake.message(sent_id)
    google_fake.clear_requests()
    note = gmail.sent_note(draft)
    assert note == SentNote(sent.message_id, sent.thread_id, str(sent.email["Subject"]))
    assert note.message_id != draft.message_id
    assert note.thread == draft.ref.split("/")[1]
    [request] = google_fake.requests("gmail.users.threads.get")
    assert request.query["format"] == ["metadata"]


def test_sent_note_of_a_scheduled_send_is_the_scheduled_message(google_fake, gmail):
    message = make_message()
    draft = _identity(gmail.create_draft(message), message)
    google_fake.user_schedules_draft(_draft_id(draft.ref))
    note = gmail.sent_note(draft)
    assert note is not None and note.message_id == draft.message_id


def test_sent_note_when_the_subject_was_edited_before_sending(google_fake, gmail):
    message = make_message()
    draft = _identity(gmail.create_draft(message), message)
    google_fake.user_edits_draft(
        _draft_id(draft.ref), subject="Thanks!", new_message_id_header=True
    )
    sent_id = google_fake.user_sends_draft(_draft_id(draft.ref))
    note = gmail.sent_note(draft)
    assert note is not None and note.message_id == google_fake.message(sent_id).message_id


def test_sent_note_is_never_read_from_another_accounts_mailbox(google_fake, gmail):
    draft, _ = _send(google_fake, gmail)
    theirs = CreatedDraft(
        draft.ref.rsplit("/", 1)[0] + "/old.account@example.com",
        draft.message_id,
        draft.to,
        draft.subject,
    )
    with pytest.raises(SignInRequiredError):
        gmail.sent_note(theirs)


def test_a_check_in_draft_joins_the_sent_notes_thread(google_fake, gmail):
    draft, _ = _send(google_fake, gmail)
    note = gmail.sent_note(draft)
    ref = gmail.create_draft(make_check_in(note), reply_to=note)
    assert ref.split("/")[1] == note.thread
    stored = google_fake.draft(_draft_id(ref))
    assert stored.thread_id == note.thread
    assert str(stored.email["In-Reply-To"]) == note.message_id
    [_, request] = google_fake.requests("gmail.users.drafts.create")
    assert request.json["message"]["threadId"] == note.thread


def test_a_sent_check_in_is_told_from_the_note_it_answers(google_fake, gmail):
    draft, _ = _send(google_fake, gmail)
    note = gmail.sent_note(draft)
    check_in, sent_id = _send(google_fake, gmail, make_check_in(note), note)
    assert check_in.ref.split("/")[1] == note.thread
    # The note and its check-in share a thread; each is found as itself.
    assert gmail.sent_note(draft) == note
    answer = gmail.sent_note(check_in)
    sent = google_fake.message(sent_id)
    assert answer == SentNote(sent.message_id, note.thread, str(sent.email["Subject"]))


def test_a_check_in_for_a_deleted_conversation_starts_its_own_thread(google_fake, gmail):
    gone = SentNote("<note@example.com>", "19a00000000000ff")
    ref = gmail.create_draft(make_check_in(gone), reply_to=gone)
    assert ref.split("/")[1] != gone.thread
    [request] = google_fake.requests("gmail.users.drafts.create")
    assert "threadId" not in request.json["message"]
    assert str(google_fake.draft(_draft_id(ref)).email["In-Reply-To"]) == gone.message_id


def test_a_failed_check_in_create_is_never_retried(google_fake, gmail):
    draft, _ = _send(google_fake, gmail)
    note = gmail.sent_note(draft)
    google_fake.fail("gmail.users.drafts.create", 503)
    with pytest.raises(ConnectorError):
        gmail.create_draft(make_check_in(note), reply_to=note)
    assert len(google_fake.requests("gmail.users.drafts.create")) == 2  # the note, this one


def test_replies_are_told_from_the_from_header_alone(google_fake, gmail):
    draft, _ = _send(google_fake, gmail)
    note = gmail.sent_note(draft)
    google_fake.receive_reply(note.thread, JOSE.addr_spec)
    google_fake.clear_requests()
    assert gmail.has_reply(note, JOSE.addr_spec) is True
    [request] = google_fake.requests("gmail.users.threads.get")
    assert request.query["format"] == ["metadata"]
    assert request.query["metadataHeaders"] == ["From"]


def test_an_answer_in_another_thread_is_not_a_reply(google_fake, gmail):
    draft, _ = _send(google_fake, gmail)
    note = gmail.sent_note(draft)
    unrelated = make_message(subject="Your application")
    del unrelated["From"]
    unrelated["From"] = JOSE.addr_spec
    google_fake.receive_message(unrelated)
    assert gmail.has_reply(note, JOSE.addr_spec) is False


def test_the_users_own_messages_in_the_thread_are_never_a_reply(google_fake, gmail):
    draft, _ = _send(google_fake, gmail)
    note = gmail.sent_note(draft)
    # The note, a check-in the user sent and one still in Drafts are all From
    # kim@example.com, at the interviewer's domain and not the account's address:
    # only their labels (SENT, DRAFT) say they are the user's own.
    _send(google_fake, gmail, make_check_in(note), note)
    gmail.create_draft(make_check_in(note), reply_to=note)
    assert len(google_fake.requests("gmail.users.drafts.create")) == 3
    assert gmail.has_reply(note, "recruiting@example.com") is False


def test_a_deleted_conversation_has_no_reply(google_fake, gmail):
    assert gmail.has_reply(SentNote("<n@example.com>", "19a00000000000ff"), JOSE.addr_spec) is False
    assert gmail.has_reply(SentNote("<n@example.com>", ""), JOSE.addr_spec) is False


# --- reminders to yourself -----------------------------------------------------------------


def test_a_reminder_is_sent_once_as_raw_bytes_and_lands_in_your_inbox(google_fake, gmail):
    thread = gmail.send_to_self(make_reminder(ME))
    [request] = google_fake.requests("gmail.users.messages.send")
    assert set(request.json) == {"raw"}
    [mail] = google_fake.messages("INBOX")
    assert mail.thread_id == thread
    assert {"SENT", "INBOX", "UNREAD"} <= set(mail.label_ids)


def test_reminders_of_one_interview_share_a_thread(google_fake, gmail):
    first = make_reminder(ME)
    thread = gmail.send_to_self(first)
    second = make_reminder(ME)
    second["In-Reply-To"] = second["References"] = first["Message-ID"]
    assert gmail.send_to_self(second, thread) == thread
    assert [m.thread_id for m in google_fake.messages("SENT")] == [thread, thread]
    [_, request] = google_fake.requests("gmail.users.messages.send")
    assert request.json["threadId"] == thread


def test_a_reminder_without_threading_headers_still_joins_the_thread(google_fake, gmail):
    thread = gmail.send_to_self(make_reminder(ME))
    second = make_reminder(ME)
    assert gmail.send_to_self(second, thread) == thread
    assert second["In-Reply-To"] is None  # the caller's message is left as it was
    first_id = google_fake.messages("SENT")[0].message_id
    assert str(google_fake.messages("SENT")[1].email["In-Reply-To"]) == first_id


def test_a_reminder_joins_even_when_gmail_replaced_the_first_ones_message_id(google_fake, gmail):
    first = make_reminder(ME)
    thread = gmail.send_to_self(first)
    [sent] = google_fake.messages("SENT")
    second = make_reminder(ME)
    # What the daemon believes the first reminder's id is, if Gmail had replaced it.
    second["In-Reply-To"] = second["References"] = "<what-we-thought-it-was@example.com>"
    assert gmail.send_to_self(second, thread) == thread
    stored = google_fake.messages("SENT")[1].email
    assert str(stored["In-Reply-To"]) == sent.message_id
    assert str(stored["References"]).split() == [
        "<what-we-thought-it-was@example.com>",
        sent.message_id,
    ]


def test_a_reminder_whose_thread_is_gone_starts_a_new_one(google_fake, gmail):
    thread = gmail.send_to_self(make_reminder(ME), "19a00000000000ff")
    assert thread != "19a00000000000ff"
    [request] = google_fake.requests("gmail.users.messages.send")
    assert "threadId" not in request.json


def test_a_reminder_to_your_address_in_another_case_is_yours(google_fake, gmail):
    gmail.send_to_self(make_reminder("Me Myself <ME@Example.com>"))
    assert len(google_fake.messages("INBOX")) == 1


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("To", "jose@example.com"),
        ("To", f"{ME}, jose@example.com"),
        ("To", f'"{ME}" <jose@example.com>'),
        ("To", f"{ME} jose@example.com"),  # malformed: one address to Python, maybe two to Gmail
        ("Cc", "jose@example.com"),
        ("Bcc", "jose@example.com"),
        ("Bcc", f"{ME}, anna.berg@example.com"),
        ("Resent-To", "jose@example.com"),
    ],
)
def test_a_reminder_for_anyone_else_is_refused_and_nothing_is_sent(
    google_fake, gmail, header, value
):
    message = make_reminder(ME)
    if header == "To":
        del message["To"]
    message[header] = value
    with pytest.raises(ConnectorError, match="refusing to send") as info:
        gmail.send_to_self(message)
    assert "\n" not in str(info.value)
    assert google_fake.requests("gmail.users.messages.send") == []
    assert google_fake.messages() == []


def test_a_reminder_without_recipients_is_refused(google_fake, gmail):
    message = make_reminder(ME)
    del message["To"]
    with pytest.raises(ConnectorError, match="without recipients"):
        gmail.send_to_self(message)
    assert google_fake.requests("gmail.users.messages.send") == []


def test_a_refused_reminder_is_refused_even_in_an_existing_thread(google_fake, gmail):
    thread = gmail.send_to_self(make_reminder(ME))
    google_fake.clear_requests()
    with pytest.raises(ConnectorError, match=r"jose@example\.com"):
        gmail.send_to_self(make_reminder("jose@example.com"), thread)
    assert google_fake.requests("gmail.users.messages.send") == []


def test_a_failed_reminder_is_never_retried(google_fake, gmail):
    google_fake.fail("gmail.users.messages.send", 503)
    with pytest.raises(ConnectorError):
        gmail.send_to_self(make_reminder(ME))
    assert len(google_fake.requests("gmail.users.messages.send")) == 1
    assert google_fake.messages() == []


def test_check_in_subject_is_the_notes_with_re(google_fake, gmail):
    draft, _ = _send(google_fake, gmail)
    note = gmail.sent_note(draft)
    ref = gmail.create_draft(make_check_in(note), reply_to=note)
    assert str(google_fake.draft(_draft_id(ref)).email["Subject"]) == f"Re: {SUBJECT}"


def test_a_deleted_check_in_is_deleted_though_its_thread_holds_the_sent_note(google_fake, gmail):
    draft, _ = _send(google_fake, gmail)
    note = gmail.sent_note(draft)
    message = make_check_in(note)
    check_in = _identity(gmail.create_draft(message, reply_to=note), message)
    google_fake.user_deletes_draft(_draft_id(check_in.ref))
    assert gmail.draft_state(check_in) is DraftState.DELETED
    assert gmail.draft_state(draft) is DraftState.SENT


def test_a_note_sent_with_an_edited_subject_still_counts_as_sent(google_fake, gmail):
    message = make_message()
    draft = _identity(gmail.create_draft(message), message)
    google_fake.user_edits_draft(
        _draft_id(draft.ref), subject="Thanks!", new_message_id_header=True
    )
    google_fake.user_sends_draft(_draft_id(draft.ref))
    assert gmail.draft_state(draft) is DraftState.SENT


def test_reminders_go_to_the_signed_in_account(gmail):
    assert gmail.self_address() == ME


def test_a_lost_create_is_not_taken_for_a_note_sent_before_it(google_fake, gmail):
    # Last week's note to the same interviewer, same To and Subject, already sent.
    gmail.create_draft(make_message())
    [earlier] = google_fake.drafts()
    google_fake.user_sends_draft(earlier.draft_id, new_message_id_header=True)
    wanted = _identity("", make_message())
    lost = {"to": wanted.to, "subject": wanted.subject}
    before = datetime.now(UTC) - timedelta(hours=1)
    assert gmail.find_draft("<never-stored@example.com>", **lost, since=before) is not None
    later = datetime.now(UTC) + timedelta(hours=1)
    assert gmail.find_draft("<never-stored@example.com>", **lost, since=later) is None


# --- reading drafts as the user left them, replacing untouched ones ------------------------

READ_DRAFTS_SCOPES = scopes_for(read_drafts=True)


def _gmail(google_fake, tmp_path, scopes: tuple[str, ...], *, read_drafts: bool) -> GmailMailbox:
    store = signed_in(google_fake, tmp_path, scopes)
    return GmailMailbox(session_for(google_fake, store, read_drafts=read_drafts))


def _draft_formats(google_fake) -> set[str]:
    return {r.query.get("format", ["full"])[0] for r in google_fake.requests("gmail.*.get")}


def test_with_the_default_sign_in_a_draft_is_read_without_its_body(google_fake, gmail):
    ref = gmail.create_draft(make_message())
    google_fake.clear_requests()
    stored = gmail.read_draft(ref)
    assert stored is not None and stored.text is None
    assert stored.version == google_fake.draft(_draft_id(ref)).id
    assert _draft_formats(google_fake) == {"minimal"}  # raw or full would be refused


def test_with_read_drafts_and_readonly_the_draft_is_read_as_the_user_left_it(google_fake, tmp_path):
    gmail = _gmail(google_fake, tmp_path, READ_DRAFTS_SCOPES, read_drafts=True)
    ref = gmail.create_draft(make_message())
    google_fake.user_edits_draft(_draft_id(ref), subject="Thanks, José!", body="Hi José,\n")
    google_fake.clear_requests()
    stored = gmail.read_draft(ref)
    assert stored is not None and stored.text is not None
    assert (stored.text.subject, stored.text.body) == ("Thanks, José!", "Hi José,\n")
    assert stored.version == gmail.draft_version(ref)
    [request, _] = google_fake.requests("gmail.users.drafts.get")
    assert request.query["format"] == ["raw"]


def test_read_drafts_with_an_old_metadata_sign_in_runs_without_bodies_and_says_so(
    google_fake, tmp_path, caplog
):
    caplog.set_level(logging.INFO, logger="connectors.google_api")
    gmail = _gmail(google_fake, tmp_path, scopes_for(read_drafts=False), read_drafts=True)
    ref = gmail.create_draft(make_message())
    gmail.check_ready()
    stored = [gmail.read_draft(ref), gmail.read_draft(ref)]
    assert [s.text if s else "gone" for s in stored] == [None, None]
    assert _draft_formats(google_fake) == {"minimal"}
    said = [r for r in caplog.records if "followup auth" in r.getMessage()]
    assert len(said) == 1 and said[0].levelno == logging.INFO
    assert "read_drafts" in said[0].getMessage()


def test_a_readonly_sign_in_without_read_drafts_reads_no_body(google_fake, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="connectors.google_api")
    gmail = _gmail(google_fake, tmp_path, READ_DRAFTS_SCOPES, read_drafts=False)
    ref = gmail.create_draft(make_message())
    stored = gmail.read_draft(ref)
    assert stored is not None and stored.text is None
    assert _draft_formats(google_fake) == {"minimal"}
    assert any("narrow it" in r.getMessage() for r in caplog.records)


def test_a_gone_draft_reads_as_none_with_either_sign_in(google_fake, gmail, tmp_path):
    reader = _gmail(google_fake, tmp_path / "reader", READ_DRAFTS_SCOPES, read_drafts=True)
    for mailbox in (gmail, reader):
        ref = mailbox.create_draft(make_message())
        google_fake.user_deletes_draft(_draft_id(ref))
        assert mailbox.read_draft(ref) is None
        assert mailbox.read_draft(f"-/{ref.split('/')[1]}/{ME}") is None  # found already sent


def test_replacing_a_check_in_keeps_it_in_the_sent_notes_thread(google_fake, gmail):
    draft, _ = _send(google_fake, gmail)
    note = gmail.sent_note(draft)
    first = make_check_in(note)
    ref = gmail.create_draft(first, reply_to=note)
    second = make_check_in(note)
    second.replace_header("Message-ID", str(first["Message-ID"]))
    new_ref = gmail.replace_draft(ref, second)
    assert new_ref == ref  # same draft, same thread
    stored = google_fake.draft(_draft_id(ref))
    assert stored.thread_id == note.thread
    assert str(stored.email["In-Reply-To"]) == note.message_id
    [request] = google_fake.requests("gmail.users.drafts.update")
    assert request.json["message"]["threadId"] == note.thread
    assert request.json["id"] == _draft_id(ref)


def test_replace_draft_returns_the_thread_gmail_filed_it_in(google_fake, gmail):
    # A note alone in its thread: Gmail files the new message where it decides.
    message = make_message()
    ref = gmail.create_draft(message)
    new_ref = gmail.replace_draft(ref, make_message(message_id=str(message["Message-ID"])))
    stored = google_fake.draft(_draft_id(ref))
    assert new_ref == f"{_draft_id(ref)}/{stored.thread_id}/{ME}"
    assert gmail.find_draft(str(message["Message-ID"])) == new_ref


def test_a_failed_replace_is_never_retried(google_fake, gmail):
    message = make_message()
    ref = gmail.create_draft(message)
    google_fake.fail("gmail.users.drafts.update", 503)
    new = make_message(body="Hallo José,\n\nneu.\n", message_id=str(message["Message-ID"]))
    with pytest.raises(ConnectorError):
        gmail.replace_draft(ref, new)
    assert len(google_fake.requests("gmail.users.drafts.update")) == 1
    assert "Straßenbahn" in google_fake.draft(_draft_id(ref)).email.get_body().get_content()


def test_replacing_a_gone_draft_says_it_is_gone(google_fake, gmail):
    ref = gmail.create_draft(make_message())
    google_fake.user_deletes_draft(_draft_id(ref))
    with pytest.raises(ConnectorError, match="no longer a draft"):
        gmail.replace_draft(ref, make_message())
    assert google_fake.drafts() == []
