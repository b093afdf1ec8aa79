"""`ImapMailbox` against the shared Mailbox contract, on a real Dovecot.

The user's mail client is played with the standard library's imaplib, the way
Thunderbird and mutt act on an IMAP account: an edited draft is saved as a new
message (same Message-ID) and the old one expunged; a sent note is written to
Sent under a new Message-ID and its draft expunged; a deleted draft is moved
to Trash; an answer arrives in the INBOX.
"""

from __future__ import annotations

import email.policy
import imaplib
import uuid
from collections.abc import Iterator
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from dovecot_server import Account
from mailbox_contract import SUBJECT, MailboxContract

from connectors.imap import ImapMailbox, Ref
from daemon.core.protocols import CreatedDraft, SentNote

_PARSER = BytesParser(policy=email.policy.default)


class MailClient:
    """What the tests do as the user, over a connection of their own."""

    def __init__(self, imap: imaplib.IMAP4) -> None:
        self.imap = imap

    def fetch(self, folder: str, uid: int) -> bytes:
        self._select(folder)
        status, data = self.imap.uid("FETCH", str(uid), "(BODY.PEEK[])")
        assert status == "OK" and data and isinstance(data[0], tuple), data
        return bytes(data[0][1])

    def message(self, folder: str, uid: int) -> EmailMessage:
        parsed = _PARSER.parsebytes(self.fetch(folder, uid))
        assert isinstance(parsed, EmailMessage)
        return parsed

    def uids(self, folder: str, *criteria: str) -> list[int]:
        self._select(folder)
        status, data = self.imap.uid("SEARCH", *(criteria or ("ALL",)))
        assert status == "OK", data
        return [int(n) for n in data[0].split()]

    def flags(self, folder: str, uid: int) -> str:
        self._select(folder)
        status, data = self.imap.uid("FETCH", str(uid), "(FLAGS)")
        assert status == "OK", data
        return str(data[0])

    def append(self, folder: str, message: EmailMessage, flags: str = "") -> None:
        data = message.as_bytes(policy=email.policy.SMTP)
        status, answer = self.imap.append(folder, f"({flags})" if flags else None, None, data)
        assert status == "OK", answer

    def expunge(self, folder: str, uid: int) -> None:
        self._select(folder)
        self.imap.uid("STORE", str(uid), "+FLAGS", "(\\Deleted)")
        self.imap.expunge()

    def move(self, folder: str, uid: int, to: str) -> None:
        self._select(folder)
        status, answer = self.imap.uid("MOVE", str(uid), to)
        assert status == "OK", answer

    def _select(self, folder: str) -> None:
        status, answer = self.imap.select(folder)
        assert status == "OK", answer


class TestImapMailbox(MailboxContract):
    """The contract, with the user's client played over IMAP."""

    # The harness sends as Thunderbird and mutt do: the copy in Sent gets a new Message-ID.
    sending_keeps_the_message_id = False

    box: ImapMailbox
    client: MailClient
    sent_ids: dict[str, str]
    user: str

    @pytest.fixture
    def mailbox(self, account: Account) -> Iterator[ImapMailbox]:
        self.box = ImapMailbox(account.settings())
        imap = account.server.client(account.user, account.password)
        self.client = MailClient(imap)
        self.sent_ids = {}
        self.user = account.user
        yield self.box
        self.box.close()
        imap.logout()

    def user_sends(self, draft: CreatedDraft) -> None:
        place = Ref.parse(draft.ref)
        message = self.client.message(place.folder, place.uid)
        del message["Message-ID"]
        message["Message-ID"] = f"<{uuid.uuid4().hex}@client.example.com>"
        self.client.append("Sent", message, "\\Seen")
        self.client.expunge(place.folder, place.uid)
        self.sent_ids[draft.ref] = str(message["Message-ID"])

    def user_deletes(self, draft: CreatedDraft) -> None:
        place = Ref.parse(draft.ref)
        self.client.move(place.folder, place.uid, "Trash")

    def user_edits(self, draft: CreatedDraft, body: str) -> str:
        place = Ref.parse(draft.ref)
        message = self.client.message(place.folder, place.uid)
        message.set_content(body)
        self.client.append(place.folder, message, "\\Draft \\Seen")
        self.client.expunge(place.folder, place.uid)
        ref = self.box.find_draft(draft.message_id)
        assert ref is not None and ref != draft.ref
        return ref

    def read_back(self, ref: str) -> EmailMessage:
        place = Ref.parse(ref)
        return self.client.message(place.folder, place.uid)

    def sent_message_id(self, draft: CreatedDraft) -> str:
        return self.sent_ids[draft.ref]

    def user_receives_reply(self, note: SentNote, from_addr: str) -> None:
        self.client.append("INBOX", reply(note, from_addr))

    def own_address(self) -> str:
        return self.user

    def read_self_mail(self) -> list[EmailMessage]:
        return [self.client.message("INBOX", uid) for uid in self.client.uids("INBOX")]


def reply(note: SentNote, from_addr: str, *, header: str = "In-Reply-To") -> EmailMessage:
    """An answer to `note` as it arrives, naming it in `header`."""
    message = EmailMessage()
    message["From"] = from_addr
    message["To"] = "kim@example.com"
    message["Subject"] = f"Re: {note.subject or SUBJECT}"
    message["Message-ID"] = f"<{uuid.uuid4().hex}@example.com>"
    message[header] = note.message_id
    message.set_content("Gern!\n")
    return message
