"""The behaviour every `Mailbox` implementation owes the daemon, as a reusable test base.

Subclass `MailboxContract` in a `test_*.py` module (named `Test…`) and provide:

- a `mailbox` fixture returning a fresh, empty Mailbox;
- `user_sends(draft)`: do what the user's client does when they send the draft;
- `user_deletes(draft)`: do what the user's client does when they delete it;
- `user_edits(draft, body)`: do what the user's client does when they edit and save it;
- `read_back(ref)`: the stored draft, parsed, as an `EmailMessage`;
- `sent_message_id(draft)`: the Message-ID the sent copy carries after `user_sends`;
- `user_receives_reply(note, from_addr)`: an answer to a sent note arrives;
- `own_address()`: the user's own address, as the mailbox knows it;
- `read_self_mail()`: the reminders delivered to the user, parsed.

Set `shows_draft_text = False` where the mailbox may not read draft bodies (Gmail
without `[google] read_drafts`): `read_draft` must then give versions only.

The contract uses nothing but the `Mailbox` Protocol and these hooks, so the
same tests run against Maildir folders and against a fake Gmail.
"""

from __future__ import annotations

import abc
import dataclasses
import uuid
from email.headerregistry import Address
from email.message import EmailMessage

import pytest

from daemon.core.protocols import (
    ConnectorError,
    CreatedDraft,
    DraftState,
    DraftText,
    Mailbox,
    SentNote,
)

JOSE = Address("José Müller", "jose", "example.com")
ANNA = Address("Anna Berg", "anna.berg", "example.com")
SUBJECT = "Thank you — Senior Engineer at Zürich AG"
BODY = "Hallo José,\n\ndanke für das Gespräch über Straßenbahn-Fahrpläne. ✓\n\nBeste Grüße\nKim\n"


def make_message(
    to: Address = JOSE,
    subject: str = SUBJECT,
    body: str = BODY,
    message_id: str | None = None,
) -> EmailMessage:
    """A thank-you note as the daemon would build it."""
    message = EmailMessage()
    message["From"] = Address("Kim Candidate", "kim", "example.com")
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or f"<{uuid.uuid4().hex}.followup@example.com>"
    message.set_content(body)
    return message


def plain_text(message: EmailMessage) -> str:
    """The text/plain body of a stored message, with LF line ends."""
    body = message.get_body(preferencelist=("plain",))
    assert body is not None, "the message has no text/plain body"
    return str(body.get_content()).replace("\r\n", "\n")


def make_message_with_attachment(filename: str = "Kim Portfolio – 2026.pdf") -> EmailMessage:
    """A thank-you note carrying the portfolio it promised."""
    message = make_message()
    message.add_attachment(
        b"%PDF-1.4 not really a portfolio", maintype="application", subtype="pdf", filename=filename
    )
    return message


def make_check_in(note: SentNote, subject: str = SUBJECT) -> EmailMessage:
    """A check-in replying to a sent note, with the threading headers the daemon sets."""
    message = make_message(subject=f"Re: {subject}", body="Hallo José,\n\nkurze Nachfrage.\n")
    message["In-Reply-To"] = note.message_id
    message["References"] = note.message_id
    return message


def make_reminder(to: str, subject: str = "Reminder: thank José by 18:00") -> EmailMessage:
    """A reminder to the user, as the daemon would build it."""
    message = EmailMessage()
    message["From"] = to
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}.reminder@example.com>"
    message.set_content("The thank-you note to José is still a draft.\n")
    return message


class MailboxContract(abc.ABC):
    # Whether `user_sends` keeps the draft's Message-ID on the sent copy (mail clients
    # differ; the Gmail harness takes the harder case, a new one).
    sending_keeps_the_message_id = True

    """Tests any `Mailbox` must pass; subclasses provide the fixture and the hooks."""

    shows_draft_text = True  # False where `read_draft` may give versions only

    @pytest.fixture
    def mailbox(self) -> Mailbox:
        """A fresh, empty Mailbox under test."""
        raise NotImplementedError

    @abc.abstractmethod
    def user_sends(self, draft: CreatedDraft) -> None:
        """Simulate the user sending `draft` from their mail client."""

    @abc.abstractmethod
    def user_deletes(self, draft: CreatedDraft) -> None:
        """Simulate the user deleting `draft` in their mail client."""

    @abc.abstractmethod
    def user_edits(self, draft: CreatedDraft, body: str) -> str:
        """Simulate the user editing `draft`'s body and saving it; its reference now."""

    @abc.abstractmethod
    def read_back(self, ref: str) -> EmailMessage:
        """The draft stored under `ref`, parsed with `email.policy.default`."""

    @abc.abstractmethod
    def sent_message_id(self, draft: CreatedDraft) -> str:
        """The Message-ID header of the copy `user_sends(draft)` left behind."""

    @abc.abstractmethod
    def user_receives_reply(self, note: SentNote, from_addr: str) -> None:
        """Deliver an answer to `note` from `from_addr`, threaded as mail clients do."""

    @abc.abstractmethod
    def own_address(self) -> str:
        """The address the user writes from (and reminders go to)."""

    @abc.abstractmethod
    def read_self_mail(self) -> list[EmailMessage]:
        """The messages delivered to the user's own mailbox, oldest first."""

    def create(self, mailbox: Mailbox, message: EmailMessage) -> CreatedDraft:
        """Create `message` as a draft and remember it as the daemon does."""
        ref = mailbox.create_draft(message)
        return CreatedDraft(
            ref=ref,
            message_id=str(message["Message-ID"]),
            to=message["To"].addresses[0].addr_spec,
            subject=str(message["Subject"]),
        )

    def test_create_returns_a_nonempty_ref(self, mailbox: Mailbox) -> None:
        ref = mailbox.create_draft(make_message())
        assert isinstance(ref, str)
        assert ref.strip() != ""

    def test_created_draft_is_found_by_message_id(self, mailbox: Mailbox) -> None:
        message = make_message(message_id="<found-me.1@example.com>")
        ref = mailbox.create_draft(message)
        assert mailbox.find_draft("<found-me.1@example.com>") == ref

    def test_find_draft_returns_none_for_unknown_id(self, mailbox: Mailbox) -> None:
        mailbox.create_draft(make_message(message_id="<known@example.com>"))
        assert mailbox.find_draft("<unknown@example.com>") is None

    def test_find_draft_in_empty_mailbox_returns_none(self, mailbox: Mailbox) -> None:
        assert mailbox.find_draft("<nothing-here@example.com>") is None

    def test_a_draft_carrying_the_message_id_wins_over_a_look_alike(self, mailbox: Mailbox) -> None:
        # Two interviews with one person: same To, same Subject, created in this order.
        earlier = mailbox.create_draft(make_message(message_id="<round-1@example.com>"))
        later = mailbox.create_draft(make_message(message_id="<round-2@example.com>"))
        found = mailbox.find_draft("<round-2@example.com>", to=JOSE.addr_spec, subject=SUBJECT)
        assert (found, earlier != later) == (later, True)

    def test_drafts_other_keys_own_are_never_found(self, mailbox: Mailbox) -> None:
        other = mailbox.create_draft(make_message(message_id="<theirs@example.com>"))
        lost = "<mine@example.com>"
        assert mailbox.find_draft(lost, to=JOSE.addr_spec, subject=SUBJECT) == other
        assert mailbox.find_draft(lost, to=JOSE.addr_spec, subject=SUBJECT, taken={other}) is None

    def test_draft_reads_back_with_same_to_subject_and_body(self, mailbox: Mailbox) -> None:
        ref = mailbox.create_draft(make_message())
        stored = self.read_back(ref)
        addresses = stored["To"].addresses
        assert len(addresses) == 1
        assert addresses[0].display_name == "José Müller"
        assert addresses[0].addr_spec == "jose@example.com"
        assert str(stored["Subject"]) == "Thank you — Senior Engineer at Zürich AG"
        body = stored.get_body(preferencelist=("plain",))
        assert body is not None
        assert body.get_content().replace("\r\n", "\n") == BODY

    def test_draft_reads_back_with_same_message_id(self, mailbox: Mailbox) -> None:
        ref = mailbox.create_draft(make_message(message_id="<same-id.7@example.com>"))
        assert str(self.read_back(ref)["Message-ID"]).strip() == "<same-id.7@example.com>"

    def test_state_is_pending_right_after_creation(self, mailbox: Mailbox) -> None:
        draft = self.create(mailbox, make_message())
        assert mailbox.draft_state(draft) is DraftState.PENDING

    def test_state_is_sent_after_the_user_sends_it(self, mailbox: Mailbox) -> None:
        draft = self.create(mailbox, make_message())
        self.user_sends(draft)
        assert mailbox.draft_state(draft) is DraftState.SENT

    def test_state_is_deleted_after_the_user_deletes_it(self, mailbox: Mailbox) -> None:
        draft = self.create(mailbox, make_message())
        self.user_deletes(draft)
        assert mailbox.draft_state(draft) is DraftState.DELETED

    def test_a_draft_version_holds_until_the_user_edits_it(self, mailbox: Mailbox) -> None:
        draft = self.create(mailbox, make_message())
        written = mailbox.draft_version(draft.ref)
        assert written and mailbox.draft_version(draft.ref) == written
        ref = self.user_edits(draft, "Hi José,\n\nThank you — edited by me.\n")
        assert mailbox.draft_version(ref) not in (None, written)

    def test_a_gone_draft_has_no_version(self, mailbox: Mailbox) -> None:
        draft = self.create(mailbox, make_message())
        self.user_deletes(draft)
        assert mailbox.draft_version(draft.ref) is None

    def test_a_deleted_draft_is_gone_and_deleting_again_is_harmless(self, mailbox: Mailbox) -> None:
        draft = self.create(mailbox, make_message(message_id="<removed@example.com>"))
        other = self.create(mailbox, make_message(to=ANNA, message_id="<kept@example.com>"))
        mailbox.delete_draft(draft.ref)
        mailbox.delete_draft(draft.ref)
        assert mailbox.find_draft("<removed@example.com>") is None
        assert mailbox.draft_version(draft.ref) is None
        assert mailbox.draft_state(other) is DraftState.PENDING

    def test_draft_link_is_a_nonempty_string(self, mailbox: Mailbox) -> None:
        ref = mailbox.create_draft(make_message())
        link = mailbox.draft_link(ref)
        assert isinstance(link, str)
        assert link.strip() != ""

    def test_two_drafts_are_independent(self, mailbox: Mailbox) -> None:
        first = self.create(mailbox, make_message(to=JOSE, message_id="<first@example.com>"))
        # A panel interview: one note per interviewer, all with the same subject.
        second = self.create(mailbox, make_message(to=ANNA, message_id="<second@example.com>"))
        assert first.ref != second.ref
        assert mailbox.find_draft("<first@example.com>") == first.ref
        assert mailbox.find_draft("<second@example.com>") == second.ref
        assert self.read_back(second.ref)["To"].addresses[0].addr_spec == "anna.berg@example.com"

        self.user_sends(first)
        assert mailbox.draft_state(first) is DraftState.SENT
        assert mailbox.draft_state(second) is DraftState.PENDING

        self.user_deletes(second)
        assert mailbox.draft_state(second) is DraftState.DELETED
        assert mailbox.draft_state(first) is DraftState.SENT

    # --- reading a draft as the user left it, replacing an untouched one ------------------

    def expected_text(self, text: DraftText) -> DraftText | None:
        """What `read_draft` shows of a draft whose words are `text`."""
        return text if self.shows_draft_text else None

    def test_read_draft_shows_the_subject_body_and_attachment_names(self, mailbox: Mailbox) -> None:
        draft = self.create(mailbox, make_message_with_attachment())
        stored = mailbox.read_draft(draft.ref)
        assert stored is not None
        assert stored.version == mailbox.draft_version(draft.ref)
        expected = DraftText(SUBJECT, BODY, ("Kim Portfolio – 2026.pdf",))
        assert stored.text == self.expected_text(expected)

    def test_read_draft_follows_the_users_edit(self, mailbox: Mailbox) -> None:
        draft = self.create(mailbox, make_message())
        before = mailbox.read_draft(draft.ref)
        assert before is not None and mailbox.read_draft(draft.ref) == before
        edited = "Hi José,\n\nThank you — I fixed the placeholder myself.\n"
        ref = self.user_edits(draft, edited)
        after = mailbox.read_draft(ref)
        assert after is not None
        assert after.version not in (None, before.version)
        assert after.version == mailbox.draft_version(ref)
        assert after.text == self.expected_text(DraftText(SUBJECT, edited))

    def test_a_gone_draft_reads_as_none(self, mailbox: Mailbox) -> None:
        deleted_by_user = self.create(mailbox, make_message(message_id="<by-user@example.com>"))
        deleted_by_daemon = self.create(mailbox, make_message(to=ANNA))
        sent = self.create(mailbox, make_message(subject="Thank you, again"))
        self.user_deletes(deleted_by_user)
        mailbox.delete_draft(deleted_by_daemon.ref)
        self.user_sends(sent)
        assert mailbox.read_draft(deleted_by_user.ref) is None
        assert mailbox.read_draft(deleted_by_daemon.ref) is None
        assert mailbox.read_draft(sent.ref) is None

    def test_replace_draft_puts_the_new_note_in_place_of_the_old(self, mailbox: Mailbox) -> None:
        message_id = "<replaced@example.com>"
        draft = self.create(mailbox, make_message(message_id=message_id))
        written = mailbox.draft_version(draft.ref)
        new_body = "Hallo José,\n\ndanke — mit den Notizen von heute.\n"
        ref = mailbox.replace_draft(draft.ref, make_message(body=new_body, message_id=message_id))
        assert plain_text(self.read_back(ref)) == new_body
        assert mailbox.find_draft(message_id) == ref
        assert mailbox.find_draft(message_id, taken={ref}) is None  # one draft, not two
        assert mailbox.draft_version(ref) not in (None, written)
        replaced = CreatedDraft(ref, message_id, JOSE.addr_spec, SUBJECT)
        assert mailbox.draft_state(replaced) is DraftState.PENDING
        text = mailbox.read_draft(ref)
        assert text is not None
        assert text.text == self.expected_text(DraftText(SUBJECT, new_body))

    def test_replacing_twice_with_the_same_note_leaves_one_draft(self, mailbox: Mailbox) -> None:
        message_id = "<replaced-twice@example.com>"
        draft = self.create(mailbox, make_message(message_id=message_id))
        new = make_message(body="Hallo José,\n\nzweiter Versuch.\n", message_id=message_id)
        first = mailbox.replace_draft(draft.ref, new)
        second = mailbox.replace_draft(first, new)  # as after an interrupted replacement
        assert mailbox.find_draft(message_id) == second
        assert mailbox.find_draft(message_id, taken={second}) is None
        assert "zweiter Versuch" in plain_text(self.read_back(second))

    def test_replacing_a_gone_draft_raises(self, mailbox: Mailbox) -> None:
        deleted = self.create(mailbox, make_message())
        sent = self.create(mailbox, make_message(to=ANNA, subject="Thank you, Anna"))
        self.user_deletes(deleted)
        self.user_sends(sent)
        for gone in (deleted, sent):
            with pytest.raises(ConnectorError) as refused:
                mailbox.replace_draft(gone.ref, make_message(message_id=gone.message_id))
            assert "\n" not in str(refused.value)
        assert mailbox.find_draft(deleted.message_id) is None

    # --- after sending: the sent note, answers, check-ins --------------------------------

    def send_a_note(self, mailbox: Mailbox) -> SentNote:
        """A thank-you note the user sent, as `sent_note` reports it."""
        draft = self.create(mailbox, make_message())
        self.user_sends(draft)
        assert mailbox.draft_state(draft) is DraftState.SENT
        note = mailbox.sent_note(draft)
        assert note is not None
        return note

    def test_sent_note_is_the_sent_copy(self, mailbox: Mailbox) -> None:
        draft = self.create(mailbox, make_message())
        self.user_sends(draft)
        note = mailbox.sent_note(draft)
        assert note is not None
        assert note.message_id == self.sent_message_id(draft)

    def test_sent_note_of_a_deleted_draft_is_none(self, mailbox: Mailbox) -> None:
        draft = self.create(mailbox, make_message())
        self.user_deletes(draft)
        assert mailbox.sent_note(draft) is None

    def test_a_check_in_draft_carries_its_threading_headers(self, mailbox: Mailbox) -> None:
        note = self.send_a_note(mailbox)
        message = make_check_in(note)
        ref = mailbox.create_draft(message, reply_to=note)
        stored = self.read_back(ref)
        assert str(stored["In-Reply-To"]).strip() == note.message_id
        assert str(stored["References"]).strip() == note.message_id
        assert str(stored["Subject"]) == f"Re: {SUBJECT}"
        assert mailbox.find_draft(str(message["Message-ID"])) == ref

    def test_a_check_in_draft_is_pending_then_sent(self, mailbox: Mailbox) -> None:
        note = self.send_a_note(mailbox)
        message = make_check_in(note)
        ref = mailbox.create_draft(message, reply_to=note)
        draft = CreatedDraft(
            ref, str(message["Message-ID"]), JOSE.addr_spec, str(message["Subject"])
        )
        assert mailbox.draft_state(draft) is DraftState.PENDING
        self.user_sends(draft)
        check_in = mailbox.sent_note(draft)
        assert check_in is not None
        assert check_in.message_id == self.sent_message_id(draft)
        assert check_in.message_id != note.message_id

    # --- a cycle's view (`sync`) -------------------------------------------------------

    def test_each_sync_shows_what_the_mailbox_shows(self, mailbox: Mailbox) -> None:
        waiting, sent, deleted = (
            self.create(mailbox, make_message(subject=f"{SUBJECT} ({n})")) for n in range(3)
        )
        synced = mailbox.sync("")
        assert not synced.rescanned
        for draft in (waiting, sent, deleted):
            assert synced.view.draft_state(draft) is DraftState.PENDING
            assert synced.view.read_draft(draft.ref) == mailbox.read_draft(draft.ref)
        self.user_sends(sent)
        self.user_deletes(deleted)
        edited = self.user_edits(waiting, "Hallo José,\n\nmeine Worte.\n")
        waiting = dataclasses.replace(waiting, ref=edited)
        view = mailbox.sync(synced.mark).view
        assert view.draft_state(waiting) is DraftState.PENDING
        assert view.read_draft(waiting.ref) == mailbox.read_draft(waiting.ref)
        assert view.draft_state(sent) is DraftState.SENT
        assert view.draft_state(deleted) is DraftState.DELETED
        note = view.sent_note(sent)
        assert note is not None and note == mailbox.sent_note(sent)
        self.user_receives_reply(note, JOSE.addr_spec)
        assert mailbox.sync(synced.mark).view.has_reply(note, JOSE.addr_spec) is True

    def test_a_lost_create_is_found_after_a_sync_from_before_it(self, mailbox: Mailbox) -> None:
        mark = mailbox.sync("").mark
        message = make_message()
        ref = mailbox.create_draft(message)
        mailbox.sync(mark)
        assert mailbox.find_draft(str(message["Message-ID"])) == ref

    def test_no_reply_right_after_sending(self, mailbox: Mailbox) -> None:
        note = self.send_a_note(mailbox)
        assert mailbox.has_reply(note, JOSE.addr_spec) is False

    def test_the_interviewers_answer_is_a_reply(self, mailbox: Mailbox) -> None:
        note = self.send_a_note(mailbox)
        self.user_receives_reply(note, JOSE.addr_spec)
        assert mailbox.has_reply(note, JOSE.addr_spec) is True

    def test_the_correspondent_is_matched_whatever_the_case(self, mailbox: Mailbox) -> None:
        note = self.send_a_note(mailbox)
        self.user_receives_reply(note, "JOSE@Example.COM")
        assert mailbox.has_reply(note, "Jose@example.com") is True

    def test_a_colleague_at_the_interviewers_domain_answering_counts(
        self, mailbox: Mailbox
    ) -> None:
        note = self.send_a_note(mailbox)
        self.user_receives_reply(note, "recruiting@example.com")
        assert mailbox.has_reply(note, JOSE.addr_spec) is True

    def test_someone_at_another_domain_is_not_the_interviewer(self, mailbox: Mailbox) -> None:
        note = self.send_a_note(mailbox)
        self.user_receives_reply(note, "jose@elsewhere.example.org")
        assert mailbox.has_reply(note, JOSE.addr_spec) is False

    def test_a_message_from_yourself_is_not_a_reply(self, mailbox: Mailbox) -> None:
        note = self.send_a_note(mailbox)
        self.user_receives_reply(note, self.own_address())
        assert mailbox.has_reply(note, JOSE.addr_spec) is False

    def test_a_reply_to_one_note_is_not_a_reply_to_another(self, mailbox: Mailbox) -> None:
        first = self.send_a_note(mailbox)
        second_draft = self.create(mailbox, make_message(to=ANNA, subject="Thank you, Anna"))
        self.user_sends(second_draft)
        second = mailbox.sent_note(second_draft)
        assert second is not None
        self.user_receives_reply(second, ANNA.addr_spec)
        assert mailbox.has_reply(second, ANNA.addr_spec) is True
        assert mailbox.has_reply(first, JOSE.addr_spec) is False

    # --- reminders to yourself -------------------------------------------------------------

    def test_a_reminder_reaches_your_own_mailbox(self, mailbox: Mailbox) -> None:
        mailbox.send_to_self(make_reminder(self.own_address()))
        [delivered] = self.read_self_mail()
        assert str(delivered["Subject"]) == "Reminder: thank José by 18:00"
        body = delivered.get_body(preferencelist=("plain",))
        assert body is not None
        assert "still a draft" in body.get_content()

    def test_a_second_reminder_stays_in_the_first_ones_thread(self, mailbox: Mailbox) -> None:
        own = self.own_address()
        thread = mailbox.send_to_self(make_reminder(own))
        assert isinstance(thread, str)
        assert mailbox.send_to_self(make_reminder(own), thread) == thread
        assert len(self.read_self_mail()) == 2

    def test_a_delivered_reminder_is_found_by_its_message_id(self, mailbox: Mailbox) -> None:
        reminder = make_reminder(self.own_address())
        assert mailbox.find_self_mail(reminder["Message-ID"]) is None
        thread = mailbox.send_to_self(reminder)
        assert mailbox.find_self_mail(reminder["Message-ID"]) == thread
        assert mailbox.find_self_mail("<never.sent@example.com>") is None

    # --- the daemon's own marks, to rebuild a lost ledger -------------------------------------

    def test_the_daemons_messages_are_found_wherever_they_are(self, mailbox: Mailbox) -> None:
        waiting = make_message(message_id="<followup.waiting@example.com>")
        sent = make_message(
            to=ANNA, subject="Thanks, Anna", message_id="<followup.sent@example.com>"
        )
        deleted = make_message(subject="Thanks again", message_id="<followup.gone@example.com>")
        self.create(mailbox, waiting)
        self.user_sends(self.create(mailbox, sent))
        mailbox.delete_draft(self.create(mailbox, deleted).ref)
        self.create(mailbox, make_message(message_id="<someone.else@example.com>"))
        reminder = make_reminder(self.own_address())
        del reminder["Message-ID"]
        reminder["Message-ID"] = "<followup.remind.x@example.com>"
        mailbox.send_to_self(reminder)
        found = mailbox.daemon_messages("<followup.")
        assert {"<followup.waiting@example.com>", "<followup.remind.x@example.com>"} <= found
        # Where sending gives the note a new Message-ID, its mark is gone with it.
        assert ("<followup.sent@example.com>" in found) is self.sending_keeps_the_message_id
        assert "<someone.else@example.com>" not in found
