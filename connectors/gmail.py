"""Gmail as a `Mailbox`: thank-you drafts in the user's Drafts, and what became of them.

Drafts are created from the raw RFC 5322 bytes (`{'message': {'raw': …}}`),
exactly once: `drafts.create` is never retried. A draft's reference names the
draft, its thread and the account, so that once the draft is gone its thread
tells sent (a message that is no longer a draft: sent or scheduled) from
deleted, from labels alone, and so that drafts are never judged from another
account's mailbox. The scopes are `gmail.compose` and `gmail.metadata`; with
the latter Gmail refuses searches (`q`) and bodies, so a draft is found again
by reading headers one draft at a time.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses
from typing import Any
from urllib.parse import quote

from connectors.google_api import GoogleSession
from daemon.protocols import ConnectorError, CreatedDraft, DraftState, SignInRequiredError

log = logging.getLogger(__name__)

GMAIL_WEB = "https://mail.google.com/mail/u/"
_PAGE_SIZE = 100
# How far back among sent messages a lost draft is looked for.
_RECENT_SENT = 50
_NOT_SENT_LABELS = frozenset({"DRAFT", "TRASH"})


@dataclass(frozen=True)
class _Ref:
    """`<draft id>/<thread id>/<account>`; the draft id is `-` for a draft found already sent."""

    draft_id: str
    thread_id: str
    account: str

    @classmethod
    def parse(cls, ref: str) -> _Ref:
        parts = ref.split("/")
        if len(parts) != 3 or not all(parts):
            raise ConnectorError(f"not a Gmail draft reference: {ref!r}")
        return cls(*parts)

    def __str__(self) -> str:
        return f"{self.draft_id}/{self.thread_id}/{self.account}"


class GmailMailbox:
    """The signed-in account's Gmail drafts."""

    def __init__(self, session: GoogleSession) -> None:
        self._session = session
        self._account = ""
        self._unreachable = False

    def check_ready(self) -> None:
        """Raise `SignInRequiredError` when no usable sign-in is stored; no network call."""
        self._session.check_ready()

    def create_draft(self, message: EmailMessage) -> str:
        """Create the draft once and return its reference."""
        raw = base64.urlsafe_b64encode(message.as_bytes()).decode("ascii")
        request = self._drafts().create(userId="me", body={"message": {"raw": raw}})
        draft = self._session.write(request)
        return str(_Ref(draft["id"], draft["message"]["threadId"], self.account()))

    def find_draft(self, message_id: str, *, to: str = "", subject: str = "") -> str | None:
        """The draft with this Message-ID; with `to` and `subject`, also one the user
        edited (Gmail gives an edited draft a new Message-ID) or has already sent."""
        wanted = _Wanted(message_id.strip(), to, subject)
        for listed in self._all_drafts():
            draft = self._session.read(
                self._drafts().get(userId="me", id=listed["id"], format="metadata"),
                missing_ok=True,
            )
            if draft and wanted.matches(draft["message"]):
                return str(_Ref(draft["id"], draft["message"]["threadId"], self.account()))
        if not (to and subject):
            return None
        sent = self._recently_sent(wanted)
        return str(_Ref("-", sent["threadId"], self.account())) if sent else None

    def draft_state(self, draft: CreatedDraft) -> DraftState:
        """Pending while the draft exists; then sent if its thread holds a message that
        is no longer a draft (sent, or scheduled to be); deleted otherwise."""
        ref = self._own(draft.ref)
        if ref.draft_id != "-" and self._draft(ref.draft_id):
            return DraftState.PENDING
        thread = self._session.read(
            self._gmail().users().threads().get(userId="me", id=ref.thread_id, format="minimal"),
            missing_ok=True,
        )
        messages = thread.get("messages", []) if thread else []
        if any(not _NOT_SENT_LABELS & set(m.get("labelIds", [])) for m in messages):
            return DraftState.SENT
        return DraftState.DELETED

    def draft_link(self, ref: str) -> str:
        """A link that opens the draft in Gmail (its thread once it is gone).

        Built from a fresh `drafts.get`, because the draft's message id changes
        on every edit; the account is named in the URL so the right one opens.
        Without an answer from Google, a link to the Drafts folder.
        """
        parsed = _Ref.parse(ref)
        base = f"{GMAIL_WEB}{quote(parsed.account, safe='@')}/"
        if self._unreachable:
            return f"{base}#drafts"
        try:
            draft = self._draft(parsed.draft_id, attempts=1) if parsed.draft_id != "-" else None
        except ConnectorError as error:
            log.warning("links lead to the Drafts folder: %s", error)
            self._unreachable = True  # one slow failure is enough; do not wait once per draft
            return f"{base}#drafts"
        if draft:
            return f"{base}#drafts?compose={draft['message']['id']}"
        return f"{base}#all/{parsed.thread_id}"

    def account(self) -> str:
        """The signed-in address, asked of Gmail once."""
        if not self._account:
            profile = self._session.read(self._gmail().users().getProfile(userId="me"))
            self._account = str(profile["emailAddress"]).lower()
        return self._account

    def _own(self, ref: str) -> _Ref:
        parsed = _Ref.parse(ref)
        if parsed.account != self.account():
            # Another account's mailbox would say every draft is gone: a tombstone for each.
            raise SignInRequiredError(
                f"Google sign-in is for {self.account()}, but the drafts are in "
                f"{parsed.account}'s Gmail: run `followup auth` and choose {parsed.account}"
            )
        return parsed

    def _draft(self, draft_id: str, attempts: int | None = None) -> Any:
        request = self._drafts().get(userId="me", id=draft_id, format="minimal")
        return self._session.read(request, missing_ok=True, attempts=attempts)

    def _recently_sent(self, wanted: _Wanted) -> dict[str, Any] | None:
        page = self._session.read(
            self._gmail()
            .users()
            .messages()
            .list(userId="me", labelIds=["SENT"], maxResults=_RECENT_SENT)
        )
        for listed in page.get("messages", []):
            message = self._session.read(
                self._gmail()
                .users()
                .messages()
                .get(
                    userId="me",
                    id=listed["id"],
                    format="metadata",
                    metadataHeaders=["Message-ID", "To", "Subject"],
                ),
                missing_ok=True,
            )
            if message and wanted.matches(message):
                return dict(message)
        return None

    def _all_drafts(self) -> Iterator[dict[str, Any]]:
        page_token = None
        while True:
            page = self._session.read(
                self._drafts().list(userId="me", maxResults=_PAGE_SIZE, pageToken=page_token)
            )
            yield from page.get("drafts", [])
            page_token = page.get("nextPageToken")
            if not page_token:
                return

    def _gmail(self) -> Any:
        return self._session.gmail()

    def _drafts(self) -> Any:
        return self._gmail().users().drafts()


@dataclass(frozen=True)
class _Wanted:
    """What identifies a draft: its Message-ID, or (for an edited one) its To and Subject."""

    message_id: str
    to: str
    subject: str

    def matches(self, message: dict[str, Any]) -> bool:
        if self.message_id and _header(message, "Message-ID").strip() == self.message_id:
            return True
        if not (self.to and self.subject):
            return False
        addresses = {a.lower() for _, a in getaddresses([_header(message, "To")])}
        same_subject = " ".join(_header(message, "Subject").split()) == " ".join(
            self.subject.split()
        )
        return same_subject and self.to.lower() in addresses


def _header(message: dict[str, Any], name: str) -> str:
    headers = message.get("payload", {}).get("headers", [])
    return next((h["value"] for h in headers if h["name"].lower() == name.lower()), "")
