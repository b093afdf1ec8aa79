"""Gmail as a `Mailbox`: thank-you drafts in the user's Drafts, and what became of them.

Drafts are created from the raw RFC 5322 bytes (`{'message': {'raw': …}}`),
exactly once: `drafts.create` is never retried. A draft's reference names the
draft, its thread and the account, so that once the draft is gone its thread
tells sent (a message that is no longer a draft: sent or scheduled) from
deleted, from labels alone, and so that drafts are never judged from another
account's mailbox.

The scopes are `gmail.compose` and `gmail.metadata`. Gmail refuses searches
(`q`) and bodies to any token holding `gmail.metadata`, even beside broader
scopes, so a draft is found again by reading headers one draft at a time, and
an answer to a sent note is recognised by the From headers of the messages in
its thread. With `[google] read_drafts` the sign-in holds `gmail.readonly`
instead, and only then is a draft's body read (`drafts.get` as raw bytes), to
proofread it as the user left it; otherwise `read_draft` gives the draft's
version without its text, and nothing here asks for a body. A draft is
replaced with `drafts.update`, once, in its thread.

Gmail files a new draft or message into an existing thread only when the
request names the `threadId`, the message's References/In-Reply-To name a
message of that thread, and the Subjects match; otherwise it quietly starts a
new thread. The only mail ever sent is a reminder to the account itself, and
every recipient is checked against the account before it goes.
"""

from __future__ import annotations

import base64
import copy
import email.policy
import logging
from collections.abc import Collection, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from email import errors
from email.headerregistry import AddressHeader, BaseHeader
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from typing import Any
from urllib.parse import quote

from connectors.draft_text import draft_text
from connectors.gmail_changes import Changes, changes_of
from connectors.google_api import GoogleSession
from connectors.replies import answered_by, bare_id, named_ids
from daemon.core.protocols import (
    CLOCK_SKEW,
    ConnectorError,
    CreatedDraft,
    DraftState,
    SentNote,
    SignInRequiredError,
    StoredDraft,
    Synced,
)

log = logging.getLogger(__name__)

GMAIL_WEB = "https://mail.google.com/mail/u/"
_PAGE_SIZE = 100
# Gmail's largest page of history records or drafts: one request in all but busy mailboxes.
_LARGEST_PAGE = 500
# What the view reads of a thread, once, to answer every question about it.
_THREAD_HEADERS = ("Message-ID", "To", "Subject", "From")
# How far back among sent messages a lost draft or an interrupted reminder is looked for.
_RECENT_SENT = 50
# How far back among sent messages the daemon's own are looked for when its ledger is lost.
_REBUILD_SENT = 500
# Messages the user wrote: never an answer from the interviewer.
_OWN_LABELS = frozenset({"SENT", "DRAFT", "SCHEDULED"})
# What the user sent (or scheduled): where the sent copy of a draft is.
_SENT_LABELS = frozenset({"SENT", "SCHEDULED"})
# Every header that can make Gmail deliver a message to someone.
_RECIPIENT_HEADERS = ("To", "Cc", "Bcc", "Resent-To", "Resent-Cc", "Resent-Bcc")
_HEADER_PARSER = BytesHeaderParser(policy=email.policy.default)
# Why a draft cannot be replaced once the user sent or deleted it.
_GONE = "cannot replace the Gmail draft {ref}: it is no longer a draft (sent or deleted)"
# A message id inside In-Reply-To or References: `<local@domain>`.


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
        # What the last sync learnt, and what was last seen of drafts and threads; see `sync`.
        self._changes: Changes | None = None
        self._until = 0
        self._drafts_seen: dict[str, _SeenDraft] = {}
        self._threads_seen: dict[str, _SeenThread] = {}
        self._sent_in: dict[str, str] = {}  # draft ref -> the thread its sent copy went out in

    def sync(self, mark: str) -> Synced:
        """Ask Gmail once (`users.history.list`) what changed since history id `mark`.

        The view answers from memory for every draft and thread nothing touched
        since it was last read, and reads the others afresh. Without a mark, or
        when Gmail no longer keeps the history since it (a 404), the view reads
        everything once and says so (`rescanned`); the new mark is then taken
        before those reads, so nothing that changes meanwhile is missed. A mark
        is `<history id>/<account>`: one of another account's mailbox starts afresh.
        """
        # Until this sync succeeds, nothing it learnt before may answer `find_draft`.
        self._changes = None
        since = _history_id(mark, self.account())
        changes = self._history(since) if since else None
        if changes is None:
            self._drafts_seen.clear()
            self._threads_seen.clear()
            until = self._position()
        else:
            until = changes.until
        self._changes, self._until = changes, until
        rescanned = bool(since) and not changes
        return Synced(_HistoryView(self, changes, until), f"{until}/{self.account()}", rescanned)

    def check_ready(self) -> None:
        """Raise `SignInRequiredError` when no usable sign-in is stored; no network call."""
        self._session.check_ready()

    def create_draft(self, message: EmailMessage, reply_to: SentNote | None = None) -> str:
        """Create the draft once and return its reference.

        With `reply_to`, the draft is filed into the sent note's thread; the
        message carries the In-Reply-To and References Gmail needs for that.
        A thread the user has deleted since is left out: naming it would make
        Gmail refuse the draft, and the headers still thread it for the recipient.
        """
        body: dict[str, Any] = {"raw": _encode(message.as_bytes())}
        if reply_to is not None and reply_to.thread and self._thread(reply_to.thread, ()):
            body["threadId"] = reply_to.thread
        draft = self._session.write(self._drafts().create(userId="me", body={"message": body}))
        message_id, thread_id = str(draft["message"]["id"]), str(draft["message"]["threadId"])
        # Its own arrival in the history is no news: the next cycle need not read it again.
        self._drafts_seen[str(draft["id"])] = _SeenDraft(
            message_id, thread_id, self._until, StoredDraft(message_id), created=message_id
        )
        return str(_Ref(draft["id"], thread_id, self.account()))

    def find_draft(
        self,
        message_id: str,
        *,
        to: str = "",
        subject: str = "",
        since: datetime | None = None,
        taken: Collection[str] = (),
    ) -> str | None:
        """The draft with this Message-ID; with `to` and `subject`, also one the user
        edited (Gmail gives an edited draft a new Message-ID) or has already sent
        since `since`. See `Mailbox.find_draft`."""
        wanted = _Wanted(message_id.strip(), to, subject)
        if self._changes is not None:
            return self._find_among_changes(self._changes, wanted, since, taken)
        lookalike = None
        for listed in self._all_drafts():
            draft = self._session.read(
                self._drafts().get(userId="me", id=listed["id"], format="metadata"),
                missing_ok=True,
            )
            if not draft:
                continue
            ref = str(_Ref(draft["id"], draft["message"]["threadId"], self.account()))
            if ref in taken:
                continue
            if wanted.has_id(draft["message"]):
                return ref
            if lookalike is None and wanted.matches(draft["message"]):
                lookalike = ref
        if lookalike is not None or not (to and subject):
            return lookalike
        sent = self._recently_sent(wanted, since)
        found = str(_Ref("-", sent["threadId"], self.account())) if sent else None
        return found if found not in taken else None

    def draft_state(self, draft: CreatedDraft) -> DraftState:
        """Pending while the draft exists; then sent if its thread holds the copy it became
        (sent, or scheduled to be); deleted otherwise."""
        ref = self._own(draft.ref)
        if ref.draft_id != "-" and self._draft(ref.draft_id):
            return DraftState.PENDING
        thread = self._thread(ref.thread_id, ("Message-ID", "To", "Subject"))
        messages = thread.get("messages", []) if thread else []
        return DraftState.SENT if _sent_copy_in(messages, draft) else DraftState.DELETED

    def draft_version(self, ref: str) -> str | None:
        """The id of the draft's message, which Gmail changes on every edit; None once
        the draft is gone (sent or deleted)."""
        parsed = self._own(ref)
        draft = self._draft(parsed.draft_id) if parsed.draft_id != "-" else None
        return str(draft["message"]["id"]) if draft else None

    def read_draft(self, ref: str) -> StoredDraft | None:
        """The draft's version (as `draft_version`) and, where the sign-in and
        `[google] read_drafts` allow it, its text; None once it is gone."""
        parsed = self._own(ref)
        if parsed.draft_id == "-":
            return None
        if not self._session.may_read_drafts():
            draft = self._draft(parsed.draft_id)
            return StoredDraft(str(draft["message"]["id"])) if draft else None
        request = self._drafts().get(userId="me", id=parsed.draft_id, format="raw")
        draft = self._session.read(request, missing_ok=True)
        if not draft:
            return None
        message = draft["message"]
        return StoredDraft(str(message["id"]), draft_text(_decode(message.get("raw", ""))))

    def replace_draft(self, ref: str, message: EmailMessage) -> str:
        """Put `message` in the draft's place (`drafts.update`, once, naming its thread)
        and return the reference: the draft id stays, the thread may be new, as Gmail
        files a message into a thread only when its headers belong there."""
        parsed = self._own(ref)
        if parsed.draft_id == "-":
            raise ConnectorError(_GONE.format(ref=ref))
        body = {
            "id": parsed.draft_id,
            "message": {"raw": _encode(message.as_bytes()), "threadId": parsed.thread_id},
        }
        request = self._drafts().update(userId="me", id=parsed.draft_id, body=body)
        try:
            draft = self._session.write(request)
        except SignInRequiredError:
            raise
        except ConnectorError as error:
            if self._is_gone(parsed.draft_id):  # say so, rather than Google's 404
                raise ConnectorError(_GONE.format(ref=ref)) from error
            raise
        return str(_Ref(draft["id"], draft["message"]["threadId"], self.account()))

    def delete_draft(self, ref: str) -> None:
        """Delete the draft (`drafts.delete`, once); one already gone is left alone."""
        parsed = self._own(ref)
        if parsed.draft_id == "-" or not self._draft(parsed.draft_id):
            return
        self._session.write(self._drafts().delete(userId="me", id=parsed.draft_id))

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

    def sent_note(self, draft: CreatedDraft) -> SentNote | None:
        """The message the draft became, found in the draft's thread by its headers.

        The newest sent copy whose Message-ID, or To and Subject, are the
        draft's; else (the user edited the subject before sending) the newest
        message the user sent in that thread. None when the thread is gone.
        """
        ref = self._own(draft.ref)
        thread = self._thread(ref.thread_id, ("Message-ID", "To", "Subject"))
        return _note_in(thread.get("messages", []) if thread else [], draft, ref.thread_id)

    def has_reply(self, note: SentNote, correspondent: str) -> bool:
        """Whether the note's thread holds a message from the interviewer.

        A colleague at the interviewer's domain answering for them counts;
        the user's own messages (sent, drafted, scheduled, or from the
        account's address) never do. Only the From headers are read.
        """
        if not note.thread:
            return False
        thread = self._thread(note.thread, ("From",))
        if thread is None:
            return False  # the user deleted the conversation: nothing to see any more
        return _answered_in(thread.get("messages", []), correspondent, self.account())

    def send_to_self(self, message: EmailMessage, thread: str = "") -> str:
        """Send a reminder to the account itself, once, and return its thread.

        Every recipient must be the account's own address; anything else is
        refused before Gmail is asked, so a bug elsewhere can never mail an
        interviewer. With `thread` (an earlier reminder's), the reminder joins
        it: Gmail requires References to a message of the thread (added here
        when the caller's name none) and the same Subject. A thread that is
        gone is not named, so the reminder starts a new one instead of failing.
        """
        own = self.account()
        outgoing = copy.deepcopy(message)
        body: dict[str, Any] = {}
        if thread:
            found = self._thread(thread, ("Message-ID",))
            if found is not None:
                body["threadId"] = thread
                _refer_to_last(outgoing, found)
        data = outgoing.as_bytes()
        # Check the bytes Gmail will read, not the object they came from.
        _check_only_to(own, _HEADER_PARSER.parsebytes(data))
        body["raw"] = _encode(data)
        sent = self._session.write(self._gmail().users().messages().send(userId="me", body=body))
        return str(sent["threadId"])

    def find_self_mail(self, message_id: str) -> str | None:
        """The thread of a recently sent reminder with this Message-ID; None without one."""
        wanted = message_id.strip()
        for message in self._sent_headers(_RECENT_SENT, ("Message-ID",)):
            if _message_id(message) == wanted:
                return str(message["threadId"])
        return None

    def daemon_messages(self, prefix: str) -> set[str]:
        """The Message-IDs starting with `prefix` among the drafts and the last
        `_REBUILD_SENT` messages sent (notes and reminders): read header by header,
        since the permissions the daemon holds forbid a search."""
        found = set()
        for listed in self._all_drafts():
            draft = self._session.read(
                self._drafts().get(userId="me", id=listed["id"], format="metadata"),
                missing_ok=True,
            )
            if draft:
                found.add(_message_id(draft["message"]))
        found |= {_message_id(m) for m in self._sent_headers(_REBUILD_SENT, ("Message-ID",))}
        return {message_id for message_id in found if message_id.startswith(prefix)}

    def _sent_headers(self, most: int, headers: tuple[str, ...]) -> Iterator[dict[str, Any]]:
        """The newest `most` sent messages, with these headers (metadata only)."""
        messages = self._gmail().users().messages()
        page_token = None
        seen = 0
        while seen < most:
            page = self._session.read(
                messages.list(
                    userId="me",
                    labelIds=["SENT"],
                    maxResults=min(_PAGE_SIZE, most - seen),
                    pageToken=page_token,
                )
            )
            for listed in page.get("messages", []):
                seen += 1
                found = self._session.read(
                    messages.get(
                        userId="me",
                        id=listed["id"],
                        format="metadata",
                        metadataHeaders=list(headers),
                    ),
                    missing_ok=True,
                )
                if found:
                    yield dict(found)
            page_token = page.get("nextPageToken")
            if not page_token:
                return

    def self_address(self) -> str:
        """Reminders go to the signed-in account: the only address Gmail sends them to."""
        return self.account()

    def account(self) -> str:
        """The signed-in address, asked of Gmail once."""
        if not self._account:
            self._position()
        return self._account

    def _position(self) -> int:
        """Where the mailbox's history stands now (and, in passing, whose mailbox it is)."""
        profile = self._session.read(self._gmail().users().getProfile(userId="me"))
        self._account = str(profile["emailAddress"]).lower()
        return int(profile["historyId"])

    def _history(self, since: int) -> Changes | None:
        """The changes after history id `since`; None when Gmail no longer keeps them."""
        history = self._gmail().users().history()
        records: list[dict[str, Any]] = []
        until, page_token = 0, None
        while True:
            page = self._session.read(
                history.list(
                    userId="me",
                    startHistoryId=str(since),
                    maxResults=_LARGEST_PAGE,
                    pageToken=page_token,
                ),
                missing_ok=True,
            )
            if page is None:
                log.info("Gmail no longer keeps its changes since history %d", since)
                return None
            records.extend(page.get("history", []))
            # Where it stood at the first page: later changes may or may not be on later pages.
            until = until or int(page.get("historyId", since))
            page_token = page.get("nextPageToken")
            if not page_token:
                return changes_of(since, until, records)

    def _find_among_changes(
        self,
        changes: Changes,
        wanted: _Wanted,
        since: datetime | None,
        taken: Collection[str],
    ) -> str | None:
        """`find_draft` through the messages added since the last sync's mark: the
        daemon's marks come from before any unsettled create, so an interrupted one
        is among them; only those are read, never every draft of the account."""
        owned = {_draft_id_of(ref) for ref in taken}
        lookalike = None
        for arrival in changes.arrived("DRAFT"):
            message = self._metadata(arrival.message)
            if message is None or "DRAFT" not in _labels(message) or not wanted.matches(message):
                continue
            draft_id = self._draft_holding(arrival.message)
            if draft_id is None or draft_id in owned:
                continue
            ref = str(_Ref(draft_id, str(message["threadId"]), self.account()))
            if wanted.has_id(message):
                return ref
            lookalike = lookalike or ref
        if lookalike is not None or not (wanted.to and wanted.subject):
            return lookalike
        earliest = (since - CLOCK_SKEW).timestamp() * 1000 if since else 0
        for arrival in reversed(changes.arrived(*_SENT_LABELS)):
            message = self._metadata(arrival.message)
            if message is None or not _labels(message) & _SENT_LABELS:
                continue
            sent_before = int(message.get("internalDate", 0)) < earliest
            if wanted.matches(message) and (wanted.has_id(message) or not sent_before):
                found = str(_Ref("-", str(message["threadId"]), self.account()))
                if found not in taken:
                    return found
        return None

    def _metadata(self, message_id: str) -> dict[str, Any] | None:
        """A message's labels and the headers that identify a draft; None once it is gone."""
        request = (
            self._gmail()
            .users()
            .messages()
            .get(
                userId="me",
                id=message_id,
                format="metadata",
                metadataHeaders=["Message-ID", "To", "Subject"],
            )
        )
        found = self._session.read(request, missing_ok=True)
        return dict(found) if found else None

    def _draft_holding(self, message_id: str) -> str | None:
        """The id of the draft whose message this is: the newest drafts come first."""
        for listed in self._all_drafts(_LARGEST_PAGE):
            if listed.get("message", {}).get("id") == message_id:
                return str(listed["id"])
        return None

    def _own(self, ref: str) -> _Ref:
        parsed = _Ref.parse(ref)
        if parsed.account != self.account():
            # Another account's mailbox would say every draft is gone: a tombstone for each.
            raise SignInRequiredError(
                f"Google sign-in is for {self.account()}, but the drafts are in "
                f"{parsed.account}'s Gmail: run `followup auth` and choose {parsed.account}"
            )
        return parsed

    def _thread(self, thread_id: str, headers: tuple[str, ...]) -> dict[str, Any] | None:
        """The thread with these headers of each message (metadata only); None if gone."""
        threads = self._gmail().users().threads()
        if headers:
            request = threads.get(
                userId="me", id=thread_id, format="metadata", metadataHeaders=list(headers)
            )
        else:
            request = threads.get(userId="me", id=thread_id, format="minimal")
        found = self._session.read(request, missing_ok=True)
        return dict(found) if found else None

    def _draft(self, draft_id: str, attempts: int | None = None) -> Any:
        request = self._drafts().get(userId="me", id=draft_id, format="minimal")
        return self._session.read(request, missing_ok=True, attempts=attempts)

    def _is_gone(self, draft_id: str) -> bool:
        """Whether Gmail says the draft is no longer there; False when it cannot say."""
        try:
            return not self._draft(draft_id, attempts=1)
        except SignInRequiredError:
            raise
        except ConnectorError:
            return False

    def _recently_sent(self, wanted: _Wanted, since: datetime | None) -> dict[str, Any] | None:
        """The newest sent message that is the wanted draft, not one sent before `since`."""
        earliest = (since - CLOCK_SKEW).timestamp() * 1000 if since else 0
        for message in self._sent_headers(_RECENT_SENT, ("Message-ID", "To", "Subject")):
            if not wanted.matches(message):
                continue
            sent_before = int(message.get("internalDate", 0)) < earliest
            if wanted.has_id(message) or not sent_before:
                return message
        return None

    def _all_drafts(self, page_size: int = _PAGE_SIZE) -> Iterator[dict[str, Any]]:
        page_token = None
        while True:
            page = self._session.read(
                self._drafts().list(userId="me", maxResults=page_size, pageToken=page_token)
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

    def has_id(self, message: dict[str, Any]) -> bool:
        """Whether the message carries the wanted Message-ID."""
        return bool(self.message_id) and _header(message, "Message-ID").strip() == self.message_id

    def matches(self, message: dict[str, Any]) -> bool:
        """Whether the message carries the wanted Message-ID, or the wanted To and Subject."""
        if self.has_id(message):
            return True
        if not (self.to and self.subject):
            return False
        addresses = {a.lower() for _, a in getaddresses([_header(message, "To")])}
        same_subject = " ".join(_header(message, "Subject").split()) == " ".join(
            self.subject.split()
        )
        return same_subject and self.to.lower() in addresses


@dataclass(frozen=True)
class _SeenDraft:
    """A draft as last read: its message and thread, as of history id `as_of`; `created`
    is the message the daemon created it with, whose arrival is no news."""

    message: str
    thread: str
    as_of: int
    stored: StoredDraft
    created: str = ""


@dataclass(frozen=True)
class _SeenThread:
    """A thread's messages (`_THREAD_HEADERS` only) as of history id `as_of`; none once gone."""

    messages: list[dict[str, Any]]
    as_of: int


class _HistoryView:
    """The Gmail mailbox as one sync found it.

    A draft or a thread that no change touched since it was last read is
    answered from memory; anything else is read afresh and remembered. A draft
    that is gone is looked for as sent in its last known thread (a subject edit
    can move a draft into a thread of its own), then in the threads where
    messages were sent since.
    """

    def __init__(self, mailbox: GmailMailbox, changes: Changes | None, until: int) -> None:
        self._mailbox = mailbox
        self._changes = changes
        self._until = until

    def draft_state(self, draft: CreatedDraft) -> DraftState:
        """Pending while the draft is there; else sent if its copy is found, else deleted."""
        mailbox = self._mailbox
        ref = mailbox._own(draft.ref)
        if ref.draft_id == "-":
            return mailbox.draft_state(draft)
        if self._still(ref.draft_id) or self._look(ref.draft_id):
            return DraftState.PENDING
        return self._fate(draft, ref)

    def read_draft(self, ref: str) -> StoredDraft | None:
        """The draft as last read when nothing touched it since, else as read now."""
        parsed = self._mailbox._own(ref)
        if parsed.draft_id == "-":
            return None
        seen = self._still(parsed.draft_id)
        if seen is None or (seen.stored.text is None and self._reads_text()):
            seen = self._look(parsed.draft_id)
        return seen.stored if seen else None

    def sent_note(self, draft: CreatedDraft) -> SentNote | None:
        """The sent copy, in the thread it went out in."""
        ref = self._mailbox._own(draft.ref)
        thread_id = self._mailbox._sent_in.get(draft.ref, ref.thread_id)
        return _note_in(self._thread(thread_id), draft, thread_id)

    def has_reply(self, note: SentNote, correspondent: str) -> bool:
        """Whether the note's thread holds a message from the interviewer."""
        if not note.thread:
            return False
        messages = self._thread(note.thread)
        return _answered_in(messages, correspondent, self._mailbox.account())

    def _reads_text(self) -> bool:
        return self._mailbox._session.may_read_drafts()

    def _still(self, draft_id: str) -> _SeenDraft | None:
        """What was last seen of the draft, when no change touched it since."""
        seen = self._mailbox._drafts_seen.get(draft_id)
        changes = self._changes
        if seen is None or changes is None or not changes.covers(seen.as_of):
            return None
        if changes.touched(
            after=seen.as_of, message=seen.message, thread=seen.thread, besides=seen.created
        ):
            return None
        seen = replace(seen, as_of=self._until)
        self._mailbox._drafts_seen[draft_id] = seen
        return seen

    def _look(self, draft_id: str) -> _SeenDraft | None:
        """Read the draft now (its body too where that is allowed) and remember it."""
        mailbox = self._mailbox
        fmt = "raw" if self._reads_text() else "minimal"
        request = mailbox._drafts().get(userId="me", id=draft_id, format=fmt)
        found = mailbox._session.read(request, missing_ok=True)
        if not found:
            return None
        message = found["message"]
        text = draft_text(_decode(message.get("raw", ""))) if fmt == "raw" else None
        version = str(message["id"])
        thread = str(message["threadId"])
        seen = _SeenDraft(version, thread, self._until, StoredDraft(version, text))
        mailbox._drafts_seen[draft_id] = seen
        return seen

    def _fate(self, draft: CreatedDraft, ref: _Ref) -> DraftState:
        """Sent or deleted, for a draft that is gone."""
        mailbox = self._mailbox
        seen = mailbox._drafts_seen.pop(ref.draft_id, None)
        home = seen.thread if seen else ref.thread_id
        if _sent_copy_in(self._thread(home), draft):
            mailbox._sent_in[draft.ref] = home
            return DraftState.SENT
        for thread_id in self._sent_elsewhere(home):
            if _moved_copy_in(self._thread(thread_id), draft, self._drafted_in(thread_id)):
                mailbox._sent_in[draft.ref] = thread_id
                return DraftState.SENT
        return DraftState.DELETED

    def _sent_elsewhere(self, home: str) -> list[str]:
        """The other threads where messages were sent since the last sync's mark."""
        if self._changes is None:
            return []
        threads = (a.thread for a in self._changes.arrived(*_SENT_LABELS) if a.thread != home)
        return list(dict.fromkeys(threads))

    def _drafted_in(self, thread_id: str) -> bool:
        """Whether a draft was written in the thread since the last sync's mark."""
        changes = self._changes
        return changes is not None and any(a.thread == thread_id for a in changes.arrived("DRAFT"))

    def _thread(self, thread_id: str) -> list[dict[str, Any]]:
        """The thread's messages, from memory when no change touched it since."""
        mailbox, changes = self._mailbox, self._changes
        seen = mailbox._threads_seen.get(thread_id)
        if (
            seen is not None
            and changes is not None
            and changes.covers(seen.as_of)
            and not changes.touched(after=seen.as_of, thread=thread_id)
        ):
            mailbox._threads_seen[thread_id] = replace(seen, as_of=self._until)
            return seen.messages
        thread = mailbox._thread(thread_id, _THREAD_HEADERS)
        messages = list(thread.get("messages", [])) if thread else []
        mailbox._threads_seen[thread_id] = _SeenThread(messages, self._until)
        return messages


def _sent_copy_in(messages: list[dict[str, Any]], draft: CreatedDraft) -> bool:
    """Whether the draft's own thread holds the copy it became (sent or scheduled).

    A check-in's thread also holds the thank-you it answers, so only a copy of
    this draft counts. A note that started its own thread (not a "Re:") is the
    lone sent message there even when the user changed its subject before sending.
    """
    sent = [m for m in messages if _labels(m) & _SENT_LABELS]
    wanted = _Wanted(draft.message_id.strip(), draft.to, draft.subject)
    started_thread = not draft.subject.lower().startswith("re:")
    alone = started_thread and len(messages) == 1 and bool(sent)
    return alone or any(wanted.matches(m) for m in sent)


def _moved_copy_in(messages: list[dict[str, Any]], draft: CreatedDraft, drafted: bool) -> bool:
    """Whether another thread holds the draft's sent copy: one carrying its Message-ID or
    its To and Subject, or, where a draft was written in that thread since the last
    look (Gmail moved it there when its subject was edited), the lone message sent to
    the same recipient."""
    sent = [m for m in messages if _labels(m) & _SENT_LABELS]
    wanted = _Wanted(draft.message_id.strip(), draft.to, draft.subject)
    if any(wanted.matches(m) for m in sent):
        return True
    to = draft.to.lower()
    alone = drafted and len(messages) == 1 and len(sent) == 1
    return alone and to in {a.lower() for _, a in getaddresses([_header(sent[0], "To")])}


def _note_in(
    messages: list[dict[str, Any]], draft: CreatedDraft, thread_id: str
) -> SentNote | None:
    """The newest sent copy in the thread whose Message-ID, or To and Subject, are the
    draft's; else (the user edited the subject before sending) the newest message the
    user sent there."""
    newest_first = [m for m in reversed(messages) if _labels(m) & _SENT_LABELS and _message_id(m)]
    wanted = _Wanted(draft.message_id.strip(), draft.to, draft.subject)
    chosen = next((m for m in newest_first if wanted.matches(m)), None)
    chosen = chosen or next(iter(newest_first), None)
    if chosen is None:
        return None
    return SentNote(_message_id(chosen), thread_id, _header(chosen, "Subject"))


def _answered_in(messages: list[dict[str, Any]], correspondent: str, account: str) -> bool:
    """Whether a message of the thread is from the interviewer (or a colleague at their
    domain); the user's own messages never count."""
    senders = [
        address
        for message in messages
        if not _labels(message) & _OWN_LABELS
        for _, address in getaddresses([_header(message, "From")])
    ]
    return answered_by(senders, correspondent, [account])


def _history_id(mark: str, account: str) -> int:
    """The history id a mark (`<history id>/<account>`) holds; 0 for none, or for a mark
    of another account's mailbox, whose history ids mean nothing here."""
    history_id, _, owner = mark.partition("/")
    return int(history_id) if history_id.isdigit() and owner == account else 0


def _draft_id_of(ref: str) -> str:
    """The draft id a reference names ("" for anything else)."""
    try:
        return _Ref.parse(ref).draft_id
    except ConnectorError:
        return ""


def _check_only_to(own: str, headers: Message) -> None:
    """Raise ConnectorError unless every recipient is `own` (and there is one)."""
    found = [
        address
        for name in _RECIPIENT_HEADERS
        for value in headers.get_all(name, [])
        for address in _recipients(name, value)
    ]
    strangers = sorted({a for a in found if a.strip().lower() != own.lower()})
    if strangers:
        raise ConnectorError(
            f"refusing to send a reminder to {', '.join(strangers)}: reminders go only to {own}"
        )
    if not found:
        raise ConnectorError(f"refusing to send a reminder without recipients; it is for {own}")


def _recipients(name: str, value: object) -> list[str]:
    """The addresses of one recipient header, as two parsers read them.

    A header either parser finds malformed is refused, because Gmail may read
    a malformed list differently from Python (`me@x.com evil@y.com` is one
    address to the email package).
    """
    if not isinstance(value, AddressHeader):
        raise ConnectorError(f"refusing to send a reminder: cannot read its {name}")
    if any(not isinstance(d, errors.ObsoleteHeaderDefect) for d in _defects(value)):
        raise ConnectorError(f"refusing to send a reminder: its {name} is malformed")
    strict = [address.addr_spec for address in value.addresses]
    return strict + [address for _, address in getaddresses([str(value)])]


def _defects(header: object) -> tuple[errors.MessageDefect, ...]:
    """What the parser found wrong with a header (the registry mixes BaseHeader into each)."""
    if not isinstance(header, BaseHeader):
        return (errors.HeaderDefect("not a parsed header"),)
    return tuple(header.defects)


def _refer_to_last(message: EmailMessage, thread: dict[str, Any]) -> None:
    """Make `message` answer the thread's last message, unless it already names one of them.

    The caller's References may name an id Gmail replaced when it sent the
    earlier reminder; Gmail would then start a new thread, so the id Gmail
    really stored is added.
    """
    ids = [i for i in map(_message_id, thread.get("messages", [])) if i]
    named = named_ids(str(message.get(name, "")) for name in ("In-Reply-To", "References"))
    if not ids or {bare_id(i) for i in ids} & named:
        return
    references = f"{message.get('References', '')} {ids[-1]}".strip()
    del message["In-Reply-To"], message["References"]
    message["In-Reply-To"] = ids[-1]
    message["References"] = references


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def _decode(raw: str) -> bytes:
    """The bytes of Gmail's base64url `raw`, whether or not it kept its padding."""
    return base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))


def _message_id(message: dict[str, Any]) -> str:
    return _header(message, "Message-ID").strip()


def _labels(message: dict[str, Any]) -> set[str]:
    return set(message.get("labelIds", []))


def _header(message: dict[str, Any], name: str) -> str:
    headers = message.get("payload", {}).get("headers", [])
    return next((h["value"] for h in headers if h["name"].lower() == name.lower()), "")
