"""What is particular to IMAP: flags, folders, TLS, sign-in, and a server that fails."""

from __future__ import annotations

import logging
import socket
import time
import uuid
from collections.abc import Iterator

import pytest
from dovecot_server import Account
from mailbox_contract import ANNA, JOSE, SUBJECT, make_message, make_reminder
from tcp_faults import FaultyProxy, Silent
from test_mailbox_imap_contract import MailClient, reply

from connectors.imap import (
    SENT_REF,
    ImapAccount,
    ImapMailbox,
    Ref,
    Security,
    choose_folders,
)
from daemon.core.protocols import ConnectorError, CreatedDraft, DraftState, SentNote


@pytest.fixture
def client(account: Account) -> Iterator[MailClient]:
    imap = account.server.client(account.user, account.password)
    yield MailClient(imap)
    imap.logout()


@pytest.fixture
def box(account: Account) -> Iterator[ImapMailbox]:
    mailbox = ImapMailbox(account.settings())
    yield mailbox
    mailbox.close()


def created(box: ImapMailbox, **fields: object) -> CreatedDraft:
    message = make_message(**fields)  # type: ignore[arg-type]
    ref = box.create_draft(message)
    to = message["To"].addresses[0].addr_spec
    return CreatedDraft(ref, str(message["Message-ID"]), to, str(message["Subject"]))


def failure(call: object) -> str:
    """The one line of the ConnectorError `call` raises."""
    assert callable(call)
    with pytest.raises(ConnectorError) as raised:
        call()
    text = str(raised.value)
    assert "\n" not in text
    return text


# --- where drafts and reminders land ------------------------------------------------------


def test_a_draft_is_in_drafts_with_the_draft_flag(box: ImapMailbox, client: MailClient) -> None:
    draft = created(box)
    place = Ref.parse(draft.ref)
    assert place.folder == "Drafts"
    assert client.uids("Drafts") == [place.uid]
    assert "\\Draft" in client.flags("Drafts", place.uid)


def test_a_reminder_lands_unread_in_the_inbox(box: ImapMailbox, client: MailClient) -> None:
    box.send_to_self(make_reminder("kim@example.com"))
    [uid] = client.uids("INBOX")
    assert "\\Seen" not in client.flags("INBOX", uid)
    assert client.uids("Drafts") == [] and client.uids("Sent") == []


def test_the_link_is_an_imap_url_and_needs_no_connection(account: Account) -> None:
    unreachable = ImapMailbox(account.settings(port=1))
    link = unreachable.draft_link("Drafts;UIDVALIDITY=7/;UID=3")
    assert (
        link == f"imap://{account.user.replace('@', '%40')}@127.0.0.1:1/Drafts;UIDVALIDITY=7/;UID=3"
    )


# --- what the user did with a draft --------------------------------------------------------


def test_a_draft_moved_to_sent_is_sent_under_its_own_message_id(
    box: ImapMailbox, client: MailClient
) -> None:
    draft = created(box)
    client.move("Drafts", Ref.parse(draft.ref).uid, "Sent")
    assert box.draft_state(draft) is DraftState.SENT
    note = box.sent_note(draft)
    assert note is not None and note.message_id == draft.message_id
    assert draft.message_id in box.daemon_messages("<")


def test_a_draft_marked_deleted_but_not_expunged_is_deleted(
    box: ImapMailbox, client: MailClient
) -> None:
    draft = created(box)
    client._select("Drafts")
    client.imap.uid("STORE", str(Ref.parse(draft.ref).uid), "+FLAGS", "(\\Deleted)")
    assert box.draft_state(draft) is DraftState.DELETED
    assert box.draft_version(draft.ref) is None
    assert box.find_draft(draft.message_id) is None


def test_an_edit_saved_under_a_new_message_id_is_still_pending(
    box: ImapMailbox, client: MailClient
) -> None:
    draft = created(box)
    place = Ref.parse(draft.ref)
    message = client.message("Drafts", place.uid)
    del message["Message-ID"]
    message["Message-ID"] = f"<{uuid.uuid4().hex}@client.example.com>"
    message.set_content("Hallo José,\n\nneu geschrieben.\n")
    client.append("Drafts", message, "\\Draft")
    client.expunge("Drafts", place.uid)
    assert box.draft_state(draft) is DraftState.PENDING
    found = box.find_draft(draft.message_id, to=draft.to, subject=draft.subject)
    assert found is not None and Ref.parse(found).uid != place.uid


def test_a_lost_draft_already_sent_is_found_as_sent(box: ImapMailbox, client: MailClient) -> None:
    draft = created(box)
    client.move("Drafts", Ref.parse(draft.ref).uid, "Sent")
    found = box.find_draft("<lost@example.com>", to=draft.to, subject=draft.subject)
    assert found == SENT_REF


def test_an_answer_naming_the_note_only_in_references_counts(
    box: ImapMailbox, client: MailClient
) -> None:
    draft = created(box)
    client.move("Drafts", Ref.parse(draft.ref).uid, "Sent")
    note = SentNote(draft.message_id, subject=SUBJECT)
    client.append("INBOX", reply(note, JOSE.addr_spec, header="References"))
    assert box.has_reply(note, JOSE.addr_spec) is True
    assert box.has_reply(SentNote("<other@example.com>"), JOSE.addr_spec) is False


def test_a_replacement_done_twice_after_an_interruption_leaves_one_draft(
    box: ImapMailbox, client: MailClient
) -> None:
    # The first replacement wrote its copy, then stopped before removing the old one.
    draft = created(box, message_id="<again@example.com>")
    new = make_message(body="Hallo José,\n\nneu.\n", message_id="<again@example.com>")
    client.append("Drafts", new, "\\Draft \\Seen")
    ref = box.replace_draft(draft.ref, new)
    assert client.uids("Drafts") == [Ref.parse(ref).uid]


def test_two_drafts_to_one_interviewer_are_told_apart(box: ImapMailbox) -> None:
    first = created(box, message_id="<one@example.com>")
    second = created(box, to=ANNA, message_id="<two@example.com>")
    assert box.find_draft("<two@example.com>", taken={first.ref}) == second.ref


# --- folders ---------------------------------------------------------------------------------


def test_folders_are_found_by_special_use_before_names(account: Account) -> None:
    listing = [
        ((b"\\HasNoChildren",), b"/", "Drafts"),
        ((b"\\HasNoChildren", b"\\Drafts"), b"/", "Entwürfe"),
        ((b"\\Sent",), b"/", "Gesendet"),
        ((), b"/", "INBOX"),
    ]
    found = choose_folders(listing, account.settings(drafts_folder="Drafts"))
    assert (found.drafts, found.sent, found.inbox) == ("Entwürfe", "Gesendet", "INBOX")


def test_without_special_use_the_configured_then_common_names_are_used(account: Account) -> None:
    listing = [((), b".", "INBOX"), ((), b".", "INBOX.Drafts"), ((), b".", "Sent Items")]
    assert choose_folders(listing, account.settings()).drafts == "INBOX.Drafts"
    assert choose_folders(listing, account.settings()).sent == "Sent Items"
    listing.append(((), b".", "Brouillons"))
    assert choose_folders(listing, account.settings(drafts_folder="Brouillons")).drafts == (
        "Brouillons"
    )


def test_no_drafts_folder_is_named_in_one_line(account: Account) -> None:
    listing = [((), b"/", "INBOX")]
    text = failure(lambda: choose_folders(listing, account.settings(drafts_folder="Kladden")))
    assert "'Kladden'" in text and "drafts_folder" in text


def test_a_missing_inbox_folder_is_named_in_one_line(account: Account) -> None:
    box = ImapMailbox(account.settings(inbox_folder="Erinnerungen"))
    text = failure(lambda: box.send_to_self(make_reminder("kim@example.com")))
    assert "'Erinnerungen'" in text and "does not exist" in text
    box.close()


def test_check_names_the_account_and_the_folders(box: ImapMailbox, account: Account) -> None:
    described = box.describe()
    assert account.user in described
    assert "'Drafts'" in described and "'Sent'" in described and "'INBOX'" in described


# --- protection and sign-in ------------------------------------------------------------------


@pytest.mark.parametrize("security", [Security.STARTTLS, Security.NONE])
def test_starttls_and_plain_loopback_connections_work(account: Account, security: Security) -> None:
    box = ImapMailbox(account.settings(port=account.server.imap_port, security=security))
    draft = created(box)
    assert box.draft_state(draft) is DraftState.PENDING
    box.close()


def test_the_system_authorities_do_not_trust_the_test_certificate(account: Account) -> None:
    box = ImapMailbox(account.settings(ca_file=None))
    text = failure(box.describe)
    assert "certificate" in text and "ca_file" in text


def test_the_server_is_reached_by_name_with_its_certificate_verified(account: Account) -> None:
    box = ImapMailbox(account.settings(host="localhost"))
    assert "signed in" in box.describe()
    box.close()


def test_a_refused_sign_in_is_one_line_without_the_password_and_not_tried_again(
    account: Account, caplog: pytest.LogCaptureFixture
) -> None:
    asked: list[int] = []

    def wrong_password() -> str:
        asked.append(1)
        return "not the password"

    box = ImapMailbox(account.settings(password=wrong_password))
    with caplog.at_level(logging.DEBUG):
        text = failure(box.describe)
        again = failure(lambda: box.create_draft(make_message()))
    assert "refused the sign-in" in text and account.user in text
    assert again == text and len(asked) == 1  # no second try this cycle
    assert "not the password" not in text + caplog.text
    box.close()  # the next cycle tries again
    failure(box.describe)
    assert len(asked) == 2


def test_a_refused_connection_is_one_line() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
    box = ImapMailbox(_account(port, Security.NONE))
    assert "connection refused" in failure(box.describe)


# --- a server that fails ------------------------------------------------------------------


def test_a_server_that_never_answers_costs_one_timeout_a_cycle() -> None:
    with Silent() as silent:
        box = ImapMailbox(_account(silent.port, Security.IMPLICIT, timeout=0.5))
        started = time.monotonic()
        text = failure(box.describe)
        failure(lambda: box.find_draft("<x@example.com>"))
        elapsed = time.monotonic() - started
    assert "did not answer within" in text
    assert elapsed < 3


def test_a_server_that_stops_answering_mid_session_ends_the_call_in_time(
    account: Account,
) -> None:
    with FaultyProxy(account.server.imap_port, cut_after=b"EXAMINE", freeze=True) as proxy:
        box = ImapMailbox(account.settings(port=proxy.port, security=Security.NONE, timeout=1))
        started = time.monotonic()
        text = failure(lambda: box.find_draft("<x@example.com>"))
        assert time.monotonic() - started < 4
        assert "did not answer within 1 s" in text and proxy.cuts == 1
        box.close()


def test_an_append_cut_in_the_middle_leaves_no_draft_and_the_next_try_makes_one(
    account: Account, client: MailClient
) -> None:
    message = make_message(message_id="<cut@example.com>")
    with FaultyProxy(account.server.imap_port, cut_after=b"APPEND", extra=60) as proxy:
        box = ImapMailbox(account.settings(port=proxy.port, security=Security.NONE))
        text = failure(lambda: box.create_draft(message))
        assert "closed the connection while saving the draft" in text and proxy.cuts == 1
        assert box.find_draft("<cut@example.com>") is None
        box.close()
    healthy = ImapMailbox(account.settings())
    ref = healthy.create_draft(message)
    assert client.uids("Drafts") == [Ref.parse(ref).uid]
    healthy.close()


def test_an_append_whose_answer_was_lost_is_found_by_message_id_not_written_twice(
    account: Account, client: MailClient
) -> None:
    message = make_message(
        body="Hallo José,\n\ndanke.\nEND-OF-NOTE\n", message_id="<kept@example.com>"
    )
    # The whole command reaches the server (the note, then CRLF CRLF); its answer does not.
    with FaultyProxy(account.server.imap_port, cut_after=b"END-OF-NOTE", extra=4) as proxy:
        box = ImapMailbox(account.settings(port=proxy.port, security=Security.NONE))
        box.folders()
        try:
            ref = box.create_draft(message)
        except ConnectorError:
            # The server had not stored it yet when asked: the next cycle's look finds it.
            ref = box.find_draft("<kept@example.com>") or ""
        assert proxy.cuts == 1
        box.close()
    assert client.uids("Drafts") == [Ref.parse(ref).uid]


def _account(port: int, security: Security, timeout: float = 2.0) -> ImapAccount:
    return ImapAccount(
        host="127.0.0.1",
        port=port,
        security=security,
        username="kim@example.com",
        password=lambda: "secret",
        timeout=timeout,
    )
