"""The behaviour every `Mailbox` implementation owes the daemon, as a reusable test base.

Subclass `MailboxContract` in a `test_*.py` module (named `Test…`) and provide:

- a `mailbox` fixture returning a fresh, empty Mailbox;
- `user_sends(draft)`: do what the user's client does when they send the draft;
- `user_deletes(draft)`: do what the user's client does when they delete it;
- `read_back(ref)`: the stored draft, parsed, as an `EmailMessage`.

The contract uses nothing but the `Mailbox` Protocol and these hooks, so the
same tests run against Maildir folders and against a fake Gmail.
"""

from __future__ import annotations

import abc
import uuid
from email.headerregistry import Address
from email.message import EmailMessage

import pytest

from daemon.protocols import CreatedDraft, DraftState, Mailbox

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


class MailboxContract(abc.ABC):
    """Tests any `Mailbox` must pass; subclasses provide the fixture and the hooks."""

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
    def read_back(self, ref: str) -> EmailMessage:
        """The draft stored under `ref`, parsed with `email.policy.default`."""

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
