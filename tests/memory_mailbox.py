"""A mailbox in memory for tests of the core: drafts, states, sent notes, replies, self-mail."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from email.message import EmailMessage

from connectors.draft_text import draft_text
from daemon.core.protocols import (
    ConnectorError,
    CreatedDraft,
    DraftState,
    SentNote,
    StoredDraft,
    Synced,
)


class MemoryMailbox:
    """Implements the Mailbox Protocol in dicts, with switches to fail as real ones do."""

    def __init__(self) -> None:
        self.drafts: dict[str, EmailMessage] = {}
        self.states: dict[str, DraftState] = {}
        self.replies: set[str] = set()  # Message-IDs of sent notes someone answered
        self.self_mail: list[tuple[EmailMessage, str]] = []  # (message, thread)
        self.reply_to: dict[str, SentNote | None] = {}
        self.fail_create: Exception | None = None
        self.fail_self_mail: Exception | None = None
        self.lose_response = False
        self.sent_subject = ""  # the subject the user changed before sending, if any
        self.hides_text = False  # as Gmail without `[google] read_drafts`: versions only

    def check_ready(self) -> None:
        pass

    def sync(self, mark: str) -> Synced:
        return Synced(self)

    def create_draft(self, message: EmailMessage, reply_to: SentNote | None = None) -> str:
        if self.fail_create:
            raise self.fail_create
        ref = f"d{len(self.drafts) + 1}"
        self.drafts[ref] = message
        self.states[ref] = DraftState.PENDING
        self.reply_to[ref] = reply_to
        if self.lose_response:
            raise ConnectorError("connection dropped after the draft was stored")
        return ref

    def find_draft(
        self,
        message_id: str,
        *,
        to: str = "",
        subject: str = "",
        since: datetime | None = None,
        taken: Collection[str] = (),
    ) -> str | None:
        """A draft with this Message-ID, else one with this To and Subject (edited)."""
        free = {r: m for r, m in self.drafts.items() if r not in taken}
        exact = [r for r, m in free.items() if m["Message-ID"] == message_id]
        edited = [
            r
            for r, m in free.items()
            if to and subject and (m["To"].addresses[0].addr_spec, m["Subject"]) == (to, subject)
        ]
        return next(iter(exact + edited), None)

    def draft_state(self, draft: CreatedDraft) -> DraftState:
        return self.states[draft.ref]

    def draft_version(self, ref: str) -> str | None:
        if self.states.get(ref) is not DraftState.PENDING:
            return None
        return str(hash(self.drafts[ref].as_bytes()))

    def read_draft(self, ref: str) -> StoredDraft | None:
        """The stored message's words; its version changes whenever a test edits it in place."""
        version = self.draft_version(ref)
        if version is None:
            return None
        if self.hides_text:
            return StoredDraft(version)
        return StoredDraft(version, draft_text(self.drafts[ref].as_bytes()))

    def replace_draft(self, ref: str, message: EmailMessage) -> str:
        if self.draft_version(ref) is None:
            raise ConnectorError(f"draft {ref} is gone")
        self.drafts[ref] = message
        return ref

    def delete_draft(self, ref: str) -> None:
        if ref in self.states:
            self.states[ref] = DraftState.DELETED

    def draft_link(self, ref: str) -> str:
        return f"memory:{ref}"

    def sent_note(self, draft: CreatedDraft) -> SentNote | None:
        sent = self.states.get(draft.ref) is DraftState.SENT
        subject = self.sent_subject or draft.subject
        return SentNote(draft.message_id, f"t-{draft.ref}", subject) if sent else None

    def has_reply(self, note: SentNote, correspondent: str) -> bool:
        return note.message_id in self.replies

    def self_address(self) -> str:
        return ""

    def find_self_mail(self, message_id: str) -> str | None:
        return next((t for m, t in self.self_mail if m["Message-ID"] == message_id), None)

    def daemon_messages(self, prefix: str) -> set[str]:
        ids = [m["Message-ID"] for m in self.drafts.values()]
        ids += [m["Message-ID"] for m, _thread in self.self_mail]
        return {str(i) for i in ids if str(i).startswith(prefix)}

    def send_to_self(self, message: EmailMessage, thread: str = "") -> str:
        if self.fail_self_mail:
            raise self.fail_self_mail
        thread = thread or f"self-{len(self.self_mail) + 1}"
        self.self_mail.append((message, thread))
        return thread
