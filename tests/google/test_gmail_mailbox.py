"""Gmail through the real client library against the loopback fake: the contract and more."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from google_support import session_for, signed_in
from mailbox_contract import MailboxContract, make_message

from connectors.gmail import GmailMailbox
from daemon.protocols import ConnectorError, CreatedDraft, DraftState, SignInRequiredError


def _draft_id(ref: str) -> str:
    return ref.split("/")[0]


class TestGmailContract(MailboxContract):
    @pytest.fixture
    def mailbox(self, google_fake, tmp_path):
        self.fake = google_fake
        return GmailMailbox(session_for(google_fake, signed_in(google_fake, tmp_path)))

    def user_sends(self, draft: CreatedDraft) -> None:
        self.fake.user_sends_draft(_draft_id(draft.ref), new_message_id_header=True)

    def user_deletes(self, draft: CreatedDraft) -> None:
        self.fake.user_deletes_draft(_draft_id(draft.ref))

    def read_back(self, ref: str) -> EmailMessage:
        return self.fake.draft(_draft_id(ref)).email


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
