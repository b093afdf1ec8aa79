"""Gmail as a `Mailbox`: thank-you drafts in the user's Drafts, and what became of them.

Drafts are created from the raw RFC 5322 bytes (`{'message': {'raw': …}}`),
exactly once: `drafts.create` is never retried. A draft's reference is its
draft id and thread id, so that once the draft is gone its thread tells sent
(a SENT message is there) from deleted, from metadata alone. The scopes are
`gmail.compose` and `gmail.metadata`; with the latter Gmail refuses searches
(`q`) and bodies, so a draft is found again by reading the Message-ID header
of each draft.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any
from urllib.parse import quote

from connectors.google_api import GoogleSession
from daemon.protocols import ConnectorError, CreatedDraft, DraftState

log = logging.getLogger(__name__)

GMAIL_WEB = "https://mail.google.com/mail/u/"
_PAGE_SIZE = 100


class GmailMailbox:
    """The signed-in account's Gmail drafts."""

    def __init__(self, session: GoogleSession) -> None:
        self._session = session
        self._account = ""

    def create_draft(self, message: EmailMessage) -> str:
        """Create the draft once; the reference is `<draft id>/<thread id>`."""
        raw = base64.urlsafe_b64encode(message.as_bytes()).decode("ascii")
        request = self._drafts().create(userId="me", body={"message": {"raw": raw}})
        draft = self._session.write(request)
        return _ref(draft)

    def find_draft(self, message_id: str) -> str | None:
        """The draft carrying this Message-ID, looked up header by header."""
        wanted = message_id.strip()
        for listed in self._all_drafts():
            draft = self._session.read(
                self._drafts().get(userId="me", id=listed["id"], format="metadata"),
                missing_ok=True,
            )
            if draft and _header(draft["message"], "Message-ID").strip() == wanted:
                return _ref(draft)
        return None

    def draft_state(self, draft: CreatedDraft) -> DraftState:
        """Pending while the draft exists; then sent if its thread holds a SENT message."""
        draft_id, thread_id = _split(draft.ref)
        if self._session.read(
            self._drafts().get(userId="me", id=draft_id, format="minimal"), missing_ok=True
        ):
            return DraftState.PENDING
        thread = self._session.read(
            self._gmail().users().threads().get(userId="me", id=thread_id, format="minimal"),
            missing_ok=True,
        )
        messages = thread.get("messages", []) if thread else []
        sent = any("SENT" in m.get("labelIds", []) for m in messages)
        return DraftState.SENT if sent else DraftState.DELETED

    def draft_link(self, ref: str) -> str:
        """A link that opens the draft in Gmail (its thread once it is gone).

        Built from a fresh `drafts.get`, because the draft's message id changes
        on every edit; the account is named in the URL so the right one opens.
        """
        draft_id, thread_id = _split(ref)
        draft = self._session.read(
            self._drafts().get(userId="me", id=draft_id, format="minimal"), missing_ok=True
        )
        base = f"{GMAIL_WEB}{quote(self.account())}/"
        if draft:
            return f"{base}#drafts?compose={draft['message']['id']}"
        return f"{base}#all/{thread_id}"

    def account(self) -> str:
        """The signed-in address, asked of Gmail once."""
        if not self._account:
            profile = self._session.read(self._gmail().users().getProfile(userId="me"))
            self._account = str(profile["emailAddress"])
        return self._account

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


def _ref(draft: dict[str, Any]) -> str:
    return f"{draft['id']}/{draft['message']['threadId']}"


def _split(ref: str) -> tuple[str, str]:
    draft_id, slash, thread_id = ref.partition("/")
    if not slash or not draft_id or not thread_id:
        raise ConnectorError(f"not a Gmail draft reference: {ref!r}")
    return draft_id, thread_id


def _header(message: dict[str, Any], name: str) -> str:
    headers = message.get("payload", {}).get("headers", [])
    return next((h["value"] for h in headers if h["name"].lower() == name.lower()), "")
