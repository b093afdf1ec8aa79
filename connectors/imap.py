"""An IMAP account as a `Mailbox`: drafts in its Drafts folder, reminders in its inbox.

A draft is APPENDed to the Drafts folder with the `\\Draft` flag. The folders
are found by their special-use attributes (RFC 6154: `\\Drafts`, `\\Sent`),
else by the names the configuration gives, else by the names clients commonly
use. A draft's reference names its folder, the folder's UIDVALIDITY and the
draft's UID, in the form of an IMAP URL's tail (RFC 5092), so that a link to
it needs no connection and a folder made anew never passes for the old one.

A message in IMAP never changes: a client that saves an edited draft APPENDs
a new copy (a new UID, usually the same Message-ID) and expunges the old one.
So a draft is PENDING while its UID is there, or while the Drafts folder holds
a copy with its Message-ID or its To and Subject; SENT when the Sent folder
holds a copy with its Message-ID (the client moved it) or its To and Subject
(the client wrote it again, under a new Message-ID); DELETED otherwise. Its
version is its place (UIDVALIDITY and UID): the same UID is always the same
bytes. Replacing a draft APPENDs the new note and then removes the old one;
an interrupted replacement, done again, takes the copy it already left.

Nothing is ever sent: a reminder is APPENDed, unread, to the inbox, and no
SMTP server is involved. An answer to a sent note is a message in the inbox
whose In-Reply-To or References name it, from the interviewer's address or
domain.

Every write is done once. An APPEND cut off by the connection is never
repeated here: the draft is looked for by its Message-ID (the daemon derives
it from the draft's key) on a fresh connection, and only if it is not there
does the call fail, for the daemon's next cycle to look again before it ever
writes again.

One connection serves a cycle: it is opened at the first call and closed by
`close()`, which the runtime calls when the cycle ends. Every call has a
timeout; a refused sign-in, a certificate that cannot be trusted, a server
that cannot be reached or does not answer is reported once as a one-line
`ConnectorError` and not tried again before the next cycle, so a server that
hangs costs one timeout a cycle and a wrong password never locks the account.
The password is asked for at each sign-in and never logged.
"""

from __future__ import annotations

import email.policy
import enum
import logging
import re
import socket
import ssl
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, unquote

from imapclient import IMAPClient, SocketTimeout
from imapclient.exceptions import (
    CapabilityError,
    IMAPClientAbortError,
    IMAPClientError,
    LoginError,
)

from connectors.draft_text import MAX_DRAFT_BYTES, draft_text
from connectors.replies import answered_by, bare_id, named_ids
from daemon.core.protocols import (
    CLOCK_SKEW,
    ConnectorError,
    CreatedDraft,
    DraftState,
    SentNote,
    StoredDraft,
    Synced,
)
from daemon.core.text import one_line

log = logging.getLogger(__name__)

# The reference of a draft that was already sent when it was looked for: no UID has it.
SENT_REF = "sent"

DEFAULT_TIMEOUT_SECONDS = 30.0
"""How long one step (connecting, one command's answer) may take."""

# IMAP carries messages with CRLF line ends.
_WIRE_POLICY = email.policy.SMTP
_HEADER_PARSER = BytesHeaderParser(policy=email.policy.default)
_HEADER_FIELDS = "MESSAGE-ID TO FROM SUBJECT DATE IN-REPLY-TO REFERENCES"
_FETCH_HEADERS = f"BODY.PEEK[HEADER.FIELDS ({_HEADER_FIELDS})]"
_FETCH_BODY = f"BODY.PEEK[]<0.{MAX_DRAFT_BYTES}>"
_DRAFT = b"\\Draft"
_SEEN = b"\\Seen"
_DELETED = b"\\Deleted"
_APPENDUID = re.compile(rb"\[APPENDUID (\d+) (\d+)\]", re.IGNORECASE)
_REF = re.compile(r"^(?P<folder>[^;]*);UIDVALIDITY=(?P<validity>\d+)/;UID=(?P<uid>\d+)$")
# What a message without a readable Date counts as: older than everything.
_UNDATED = datetime.min.replace(tzinfo=UTC)
# The names clients give these folders where the server marks none (tried in order).
_COMMON_DRAFTS = ("Drafts", "INBOX.Drafts", "INBOX/Drafts", "Draft", "[Gmail]/Drafts")
_COMMON_SENT = (
    "Sent",
    "Sent Items",
    "Sent Messages",
    "Sent Mail",
    "INBOX.Sent",
    "INBOX/Sent",
    "[Gmail]/Sent Mail",
)

T = TypeVar("T")


class Security(enum.StrEnum):
    """How the connection is protected: TLS from the first byte, STARTTLS, or not at all
    (only on this computer; the configuration refuses it elsewhere)."""

    IMPLICIT = "implicit"
    STARTTLS = "starttls"
    NONE = "none"


@dataclass(frozen=True)
class ImapAccount:
    """Where the account is and how to sign in; `password` is called at each sign-in."""

    host: str
    port: int
    security: Security
    username: str
    password: Callable[[], str] = field(repr=False)
    ca_file: Path | None = None
    drafts_folder: str = ""
    sent_folder: str = ""
    inbox_folder: str = "INBOX"
    timeout: float = DEFAULT_TIMEOUT_SECONDS

    @property
    def server(self) -> str:
        """`host:port`, as messages name the server."""
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Folders:
    """The folders a connection found: Drafts, Sent ("" when there is none), the inbox."""

    drafts: str
    sent: str
    inbox: str


@dataclass(frozen=True)
class Ref:
    """A draft's place: `<folder>;UIDVALIDITY=<n>/;UID=<n>` (the folder URL-quoted)."""

    folder: str
    validity: int
    uid: int

    @classmethod
    def parse(cls, ref: str) -> Ref:
        """The place `ref` names; raises ConnectorError for what is not an IMAP reference."""
        found = _REF.match(ref)
        if found is None:
            raise ConnectorError(f"not an IMAP draft reference: {one_line(ref, 80)!r}")
        return cls(unquote(found["folder"]), int(found["validity"]), int(found["uid"]))

    def __str__(self) -> str:
        return f"{quote(self.folder, safe='')};UIDVALIDITY={self.validity}/;UID={self.uid}"


@dataclass(frozen=True)
class Headers:
    """What the daemon compares of a message: its ids, addresses, subject and date."""

    message_id: str
    to: frozenset[str]
    senders: frozenset[str]
    subject: str
    date: datetime
    answers: frozenset[str]  # the ids In-Reply-To and References name

    @classmethod
    def parse(cls, block: bytes) -> Headers:
        """The headers in a header block as IMAP hands it over."""
        message = _HEADER_PARSER.parsebytes(block)

        def text(name: str) -> str:
            try:
                return " ".join(str(v) for v in message.get_all(name, []))
            except Exception as error:  # the email package can raise on hostile headers
                log.debug("cannot read the %s header: %s", name, error)
                return ""

        return cls(
            message_id=text("Message-ID").strip(),
            to=frozenset(_addresses(text("To"))),
            senders=frozenset(_addresses(text("From"))),
            subject=_normalise_text(text("Subject")),
            date=_date(text("Date")),
            answers=frozenset(named_ids([text("In-Reply-To"), text("References")])),
        )


@dataclass(frozen=True)
class _Message:
    """A message found in a folder: where it is, its flags and its headers."""

    ref: Ref
    flags: frozenset[bytes]
    headers: Headers

    @property
    def deleted(self) -> bool:
        return _DELETED in self.flags


class ImapMailbox:
    """Drafts in an IMAP account's Drafts folder; sent mail and answers read from its
    Sent folder and inbox; reminders delivered into its inbox."""

    def __init__(
        self,
        account: ImapAccount,
        connect: Callable[[ImapAccount], IMAPClient] | None = None,
    ) -> None:
        self._account = account
        self._connect = connect or open_connection
        self._client: IMAPClient | None = None
        self._folders: Folders | None = None
        # A failure to reach or sign in to the server: said once, not tried again this cycle.
        self._unreachable: ConnectorError | None = None

    # --- the connection -------------------------------------------------------------------

    def check_ready(self) -> None:
        """Nothing to check without the network: the first call signs in."""

    def close(self) -> None:
        """End the cycle's connection (logging out), and forget this cycle's failures."""
        client, self._client, self._folders = self._client, None, None
        self._unreachable = None
        if client is None:
            return
        try:
            client.logout()
        except (IMAPClientError, OSError) as error:
            log.debug("the IMAP connection ended without a logout: %s", error)
            _shut(client)

    def folders(self) -> Folders:
        """The folders in use, found at the first call (signing in if need be)."""
        self._session()
        assert self._folders is not None
        return self._folders

    def _session(self) -> IMAPClient:
        if self._unreachable is not None:
            raise self._unreachable
        if self._client is not None:
            return self._client
        account = self._account
        client: IMAPClient | None = None
        try:
            client = self._connect(account)
            sign_in(client, account.username, account.password())
            self._folders = choose_folders(client.list_folders(), account)
        except ConnectorError as error:
            if client is not None:
                _shut(client)
            self._unreachable = error
            raise
        except (IMAPClientError, OSError, EOFError) as error:
            if client is not None:
                _shut(client)
            self._unreachable = ConnectorError(describe_failure(error, account, "signing in"))
            raise self._unreachable from None
        self._client = client
        log.debug("signed in to %s as %s", account.server, account.username)
        return client

    def _run(self, what: str, step: Callable[[IMAPClient], T]) -> T:
        """Do `step` on the cycle's connection; every failure is one ConnectorError line.

        A connection that broke is dropped (the next call opens another); one that
        timed out is not opened again this cycle.
        """
        client = self._session()
        try:
            return step(client)
        except ConnectorError:
            raise
        except (IMAPClientAbortError, OSError, EOFError) as error:
            self._drop()
            failure = ConnectorError(describe_failure(error, self._account, what))
            if isinstance(error, TimeoutError):
                self._unreachable = failure
            raise failure from None
        except IMAPClientError as error:
            raise ConnectorError(describe_failure(error, self._account, what)) from None

    def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            _shut(client)

    # --- drafts -----------------------------------------------------------------------------

    def create_draft(self, message: EmailMessage, reply_to: SentNote | None = None) -> str:
        """APPEND `message` to Drafts with the `\\Draft` flag and return its reference.

        `reply_to` needs nothing more: IMAP has no thread ids, and clients thread
        the check-in by the In-Reply-To and References it carries.
        """
        drafts = self.folders().drafts
        ref = self._append(drafts, message, (_DRAFT, _SEEN), "saving the draft")
        log.debug("saved draft %s", ref)
        return str(ref)

    def sync(self, mark: str) -> Synced:
        """The account answers each question afresh over the cycle's one connection; no mark."""
        return Synced(self)

    def find_draft(
        self,
        message_id: str,
        *,
        to: str = "",
        subject: str = "",
        since: datetime | None = None,
        taken: Collection[str] = (),
    ) -> str | None:
        """The reference of a draft (not marked deleted) whose Message-ID is `message_id`.

        With `to` and `subject`, also a draft the client saved again under a new
        Message-ID, or, when the Sent folder holds a copy sent since `since`,
        `SENT_REF`. See `Mailbox.find_draft`.
        """
        wanted = CreatedDraft("", message_id, to, subject, since)
        found = [
            m
            for m in self._copies(self.folders().drafts, wanted)
            if not m.deleted and str(m.ref) not in taken
        ]
        same_id = [m for m in found if _same_id(m.headers, wanted)]
        lookalikes = [m for m in found if to and subject and _is_copy_of(m.headers, wanted)]
        if same_id or lookalikes:
            return str((same_id or lookalikes)[0].ref)
        return SENT_REF if to and subject and self._sent_copy(wanted) is not None else None

    def draft_state(self, draft: CreatedDraft) -> DraftState:
        """PENDING while in Drafts (or an edited copy is), SENT if a copy is in Sent,
        DELETED otherwise (a draft marked `\\Deleted` included)."""
        flags = self._flags(draft.ref) if draft.ref != SENT_REF else None
        if flags is not None:
            return DraftState.DELETED if _DELETED in flags else DraftState.PENDING
        if self._sent_copy(draft) is not None:
            return DraftState.SENT
        edited = any(
            _is_copy_of(m.headers, draft) and not m.deleted
            for m in self._copies(self.folders().drafts, draft)
        )
        return DraftState.PENDING if edited else DraftState.DELETED

    def draft_version(self, ref: str) -> str | None:
        """The draft's place (a message in IMAP never changes); None once it is gone."""
        flags = self._flags(ref)
        return _version(Ref.parse(ref)) if flags is not None and _DELETED not in flags else None

    def read_draft(self, ref: str) -> StoredDraft | None:
        """The draft's subject, text and attachment names with its version; None once
        it is gone or marked deleted."""
        place = Ref.parse(ref)

        def read(client: IMAPClient) -> bytes | None:
            if not _select(client, place.folder, place.validity, readonly=True):
                return None
            fetched = client.fetch([place.uid], ["FLAGS", _FETCH_BODY]).get(place.uid)
            if not fetched or _DELETED in fetched.get(b"FLAGS", ()):
                return None
            return _item(fetched, b"BODY[")

        data = self._run("reading the draft", read)
        return StoredDraft(_version(place), draft_text(data)) if data is not None else None

    def replace_draft(self, ref: str, message: EmailMessage) -> str:
        """Put `message` in the place of draft `ref`: APPEND it, then remove the old copy.

        Done again after an interruption, the copy the first try left (same
        Message-ID, same bytes) is taken instead of a second APPEND.
        """
        place = Ref.parse(ref)
        flags = self._flags(ref)
        if flags is None or _DELETED in flags:
            raise ConnectorError(f"cannot replace the draft {ref}: it is no longer in Drafts")
        data = message.as_bytes(policy=_WIRE_POLICY)
        wanted = CreatedDraft("", str(message.get("Message-ID", "")), "", "")
        earlier = [
            m.ref
            for m in self._copies(place.folder, wanted)
            if m.ref != place and not m.deleted and _same_id(m.headers, wanted)
        ]
        left = next((r for r in earlier if self._bytes(r) == data), None)
        new = left or self._append(place.folder, message, (_DRAFT, _SEEN), "replacing the draft")
        self._remove(place)
        log.debug("replaced draft %s with %s", ref, new)
        return str(new)

    def delete_draft(self, ref: str) -> None:
        """Mark the draft `\\Deleted` and expunge it; nothing happens when it is gone."""
        place = Ref.parse(ref)
        if self._flags(ref) is not None:
            self._remove(place)
            log.info("removed draft %s", ref)

    def draft_link(self, ref: str) -> str:
        """An IMAP URL of the draft (RFC 5092); no connection is needed."""
        account = self._account
        user = quote(account.username, safe="")
        return f"imap://{user}@{account.host}:{account.port}/{ref}"

    # --- after sending ------------------------------------------------------------------------

    def sent_note(self, draft: CreatedDraft) -> SentNote | None:
        """The Message-ID and Subject of the draft's copy in Sent; None without one."""
        copy = self._sent_copy(draft)
        return SentNote(copy.message_id, subject=copy.subject) if copy is not None else None

    def has_reply(self, note: SentNote, correspondent: str) -> bool:
        """Whether the inbox holds an answer to the note from the interviewer (or a
        colleague at their domain), never from the user (the note's own From)."""
        wanted = bare_id(note.message_id)
        if not wanted:
            return False
        criteria = ["OR", "HEADER", "In-Reply-To", wanted, "HEADER", "References", wanted]
        answers = [
            m.headers
            for m in self._search(self.folders().inbox, criteria)
            if wanted in m.headers.answers
        ]
        if not answers:
            return False
        own = {self.self_address(), *self._senders_of(note)} - {""}
        return any(answered_by(h.senders, correspondent, own) for h in answers)

    # --- reminders ------------------------------------------------------------------------------

    def self_address(self) -> str:
        """The account's address where its user name is one; else "" (`[you] email`)."""
        name = self._account.username
        return name if "@" in name else ""

    def send_to_self(self, message: EmailMessage, thread: str = "") -> str:
        """APPEND the reminder, unread, to the inbox; nothing is sent. IMAP has no thread
        ids: "" is returned, and clients thread reminders by their headers."""
        self._append(self.folders().inbox, message, (), "delivering a reminder")
        return ""

    def find_self_mail(self, message_id: str) -> str | None:
        """ "" when the inbox holds a message with this Message-ID; None otherwise."""
        wanted = CreatedDraft("", message_id, "", "")
        found = self._search(self.folders().inbox, ["HEADER", "Message-ID", bare_id(message_id)])
        return "" if any(_same_id(m.headers, wanted) for m in found) else None

    def daemon_messages(self, prefix: str) -> set[str]:
        """The Message-IDs starting with `prefix` in Drafts, Sent and the inbox (drafts
        marked deleted included: the user deleted them, so they count as made)."""
        folders = self.folders()
        criteria = ["HEADER", "Message-ID", prefix.lstrip("<")]
        found: set[str] = set()
        for folder in (folders.drafts, folders.sent, folders.inbox):
            if folder:
                found |= {
                    m.headers.message_id
                    for m in self._search(folder, criteria)
                    if m.headers.message_id.startswith(prefix)
                }
        return found

    def describe(self) -> str:
        """Who is signed in where, and which folders are used (signing in to find out)."""
        folders = self.folders()
        sent = repr(folders.sent) if folders.sent else "none (a gone draft counts as deleted)"
        return (
            f"signed in to {self._account.server} as {self._account.username}; "
            f"drafts in {folders.drafts!r}, sent mail in {sent}, reminders in {folders.inbox!r}"
        )

    # --- helpers ------------------------------------------------------------------------------

    def _append(self, folder: str, message: EmailMessage, flags: Sequence[bytes], what: str) -> Ref:
        """APPEND once; if the connection broke meanwhile, the message is looked for by its
        Message-ID on a new connection, and the call fails only if it is not there."""
        data = message.as_bytes(policy=_WIRE_POLICY)
        try:
            answer = self._run(what, lambda c: c.append(folder, data, flags=flags))
        except ConnectorError as error:
            kept = self._kept_after(error, folder, str(message.get("Message-ID", "")))
            if kept is None:
                raise
            log.info("the server kept the message before the connection broke: %s", kept)
            return kept
        found = _APPENDUID.search(answer if isinstance(answer, bytes) else b"")
        if found is not None:
            return Ref(folder, int(found[1]), int(found[2]))
        # A server without UIDPLUS: the UID is found by the Message-ID just written.
        wanted = CreatedDraft("", str(message.get("Message-ID", "")), "", "")
        same = [m.ref for m in self._copies(folder, wanted) if _same_id(m.headers, wanted)]
        if not same:
            raise ConnectorError(
                f"the IMAP server accepted a message into {folder!r} but does not show it"
            )
        return max(same, key=lambda r: r.uid)

    def _kept_after(self, error: ConnectorError, folder: str, message_id: str) -> Ref | None:
        """The message an interrupted APPEND left, found by Message-ID; None when it is not
        there, or when the server cannot be asked again this cycle."""
        if self._unreachable is not None or not bare_id(message_id):
            return None
        wanted = CreatedDraft("", message_id, "", "")
        try:
            found = [
                m.ref
                for m in self._copies(folder, wanted)
                if _same_id(m.headers, wanted) and not m.deleted
            ]
        except ConnectorError as again:
            log.debug("cannot look for the message after %s: %s", error, again)
            return None
        return found[0] if found else None

    def _flags(self, ref: str) -> frozenset[bytes] | None:
        """The flags of the draft at `ref`; None when it is no longer there."""
        place = Ref.parse(ref)

        def flags(client: IMAPClient) -> frozenset[bytes] | None:
            if not _select(client, place.folder, place.validity, readonly=True):
                return None
            fetched = client.fetch([place.uid], ["FLAGS"]).get(place.uid)
            return frozenset(fetched.get(b"FLAGS", ())) if fetched else None

        return self._run("looking for the draft", flags)

    def _bytes(self, place: Ref) -> bytes | None:
        def read(client: IMAPClient) -> bytes | None:
            if not _select(client, place.folder, place.validity, readonly=True):
                return None
            fetched = client.fetch([place.uid], ["BODY.PEEK[]"]).get(place.uid)
            return _item(fetched, b"BODY[") if fetched else None

        return self._run("reading the draft", read)

    def _remove(self, place: Ref) -> None:
        def remove(client: IMAPClient) -> None:
            if not _select(client, place.folder, place.validity, readonly=False):
                return
            client.add_flags([place.uid], [_DELETED], silent=True)
            # Without UIDPLUS the flag alone stays: a plain EXPUNGE would also remove
            # whatever else the user marked deleted but kept for now.
            if client.has_capability("UIDPLUS"):
                client.uid_expunge([place.uid])

        self._run("removing the draft", remove)

    def _copies(self, folder: str, draft: CreatedDraft) -> list[_Message]:
        """The messages in `folder` that may be copies of `draft`: those carrying its
        Message-ID or addressed to its recipient, oldest first."""
        criteria: list[list[str]] = []
        if bare_id(draft.message_id):
            criteria.append(["HEADER", "Message-ID", bare_id(draft.message_id)])
        criteria += [["HEADER", "To", address] for address in sorted(_addresses(draft.to))]
        found: dict[int, _Message] = {}
        for each in criteria:
            found |= {m.ref.uid: m for m in self._search(folder, each)}
        return [found[uid] for uid in sorted(found)]

    def _search(self, folder: str, criteria: list[str]) -> list[_Message]:
        """The messages in `folder` the SEARCH `criteria` pick, with flags and headers.

        SEARCH matches substrings, case-insensitively: callers compare the headers.
        """

        def search(client: IMAPClient) -> list[_Message]:
            validity = _select(client, folder, None, readonly=True)
            assert validity is not None
            uids = client.search(criteria, charset=_charset(criteria))
            if not uids:
                return []
            fetched = client.fetch(uids, ["FLAGS", _FETCH_HEADERS])
            return [
                _Message(
                    Ref(folder, validity, uid),
                    frozenset(item.get(b"FLAGS", ())),
                    Headers.parse(_item(item, b"BODY[HEADER") or b""),
                )
                for uid, item in sorted(fetched.items())
            ]

        return self._run(f"searching {folder!r}", search)

    def _sent_copy(self, draft: CreatedDraft) -> Headers | None:
        """The headers of the draft's copy in Sent: the one with its Message-ID, else the
        newest with its To and Subject not sent before the draft existed."""
        sent = self.folders().sent
        if not sent:
            return None
        copies = [
            m.headers
            for m in self._copies(sent, draft)
            if _is_sent_copy_of(m.headers, draft) and m.headers.message_id and not m.deleted
        ]
        same_id = [h for h in copies if _same_id(h, draft)]
        if same_id:
            return same_id[0]
        # Reversed so that among equal dates the copy stored later wins.
        return max(reversed(copies), key=lambda headers: headers.date, default=None)

    def _senders_of(self, note: SentNote) -> set[str]:
        """Who the user writes as: the From of the note's copy in Sent."""
        sent = self.folders().sent
        if not sent:
            return set()
        found = self._search(sent, ["HEADER", "Message-ID", bare_id(note.message_id)])
        return {address for m in found for address in m.headers.senders}


def open_connection(account: ImapAccount) -> IMAPClient:
    """A connection to the account's server, TLS verified (the system's authorities, or
    only `ca_file`'s), every step bounded by the account's timeout; not signed in."""
    timeout = SocketTimeout(connect=account.timeout, read=account.timeout)
    context = tls_context(account.ca_file) if account.security is not Security.NONE else None
    implicit = account.security is Security.IMPLICIT
    client = IMAPClient(
        account.host, port=account.port, ssl=implicit, ssl_context=context, timeout=timeout
    )
    if account.security is Security.STARTTLS:
        try:
            client.starttls(context)
        except CapabilityError:
            _shut(client)
            raise ConnectorError(
                f"the IMAP server {account.server} does not offer STARTTLS; "
                'use tls = "implicit" (usually port 993)'
            ) from None
        except BaseException:
            _shut(client)
            raise
    return client


def sign_in(client: IMAPClient, username: str, password: str) -> None:
    """LOGIN; or, for a name or password beyond ASCII (which LOGIN cannot carry),
    AUTHENTICATE PLAIN, which carries UTF-8."""
    if username.isascii() and password.isascii():
        client.login(username, password)
    else:
        client.plain_login(username, password)


def tls_context(ca_file: Path | None) -> ssl.SSLContext:
    """Certificates and host names verified: against `ca_file` alone when given (a
    bridge's own certificate), else against the system's authorities."""
    if ca_file is None:
        return ssl.create_default_context()
    try:
        return ssl.create_default_context(cafile=str(ca_file.expanduser()))
    except (OSError, ssl.SSLError) as error:
        raise ConnectorError(
            f"cannot read [drafts] ca_file {ca_file}: {getattr(error, 'strerror', None) or error}"
        ) from None


def choose_folders(listing: Iterable[tuple[Any, Any, Any]], account: ImapAccount) -> Folders:
    """The Drafts, Sent and inbox folders in a LIST answer: by special-use attribute
    (RFC 6154), else by the configured name, else by a common name. Raises ConnectorError
    when there is no Drafts folder, or a configured folder is missing."""
    folders = [(frozenset(_flag(f) for f in flags), str(name)) for flags, _, name in listing]
    names = [name for _, name in folders]
    drafts = _special(folders, "\\drafts") or _named(names, account.drafts_folder, _COMMON_DRAFTS)
    if not drafts:
        wanted = account.drafts_folder or "Drafts"
        raise ConnectorError(
            f"the IMAP folder {wanted!r} does not exist on {account.server} and no folder is "
            "marked as Drafts; set [drafts] drafts_folder to your Drafts folder"
        )
    sent = _special(folders, "\\sent") or _named(names, account.sent_folder, _COMMON_SENT)
    if account.sent_folder and not sent:
        raise ConnectorError(
            f"the IMAP folder {account.sent_folder!r} ([drafts] sent_folder) does not exist "
            f"on {account.server}"
        )
    if not sent:
        log.warning("no Sent folder on %s: a draft that is gone counts as deleted", account.server)
    inbox = _named(names, account.inbox_folder, ())
    if not inbox:
        raise ConnectorError(
            f"the IMAP folder {account.inbox_folder!r} ([drafts] inbox_folder) does not exist "
            f"on {account.server}"
        )
    return Folders(drafts, sent, inbox)


def describe_failure(error: BaseException, account: ImapAccount, what: str) -> str:
    """One line saying what went wrong with the server, and what to do about it."""
    server = account.server
    if isinstance(error, LoginError):
        return (
            f"the IMAP server {server} refused the sign-in of {account.username}: "
            f"{_server_text(error)}; check the user name and the (app) password"
        )
    if isinstance(error, ssl.SSLCertVerificationError):
        reason = error.verify_message or str(error)
        return (
            f"the certificate of the IMAP server {server} cannot be trusted ({reason}); "
            "if it is yours (a bridge's, say), set [drafts] ca_file to it"
        )
    if isinstance(error, ssl.SSLError):
        return f"no secure connection to the IMAP server {server}: {error.reason or error}"
    if isinstance(error, TimeoutError):
        return (
            f"the IMAP server {server} did not answer within {account.timeout:.0f} s while {what}"
        )
    if isinstance(error, ConnectionRefusedError):
        return f"cannot connect to the IMAP server {server}: connection refused"
    if isinstance(error, socket.gaierror):
        return f"cannot find the IMAP server {account.host}: {error.strerror or error}"
    if isinstance(error, (IMAPClientAbortError, EOFError, ConnectionError)):
        return f"the IMAP server {server} closed the connection while {what}"
    if isinstance(error, OSError):
        return f"cannot reach the IMAP server {server} while {what}: {error.strerror or error}"
    return f"the IMAP server {server} refused {what}: {_server_text(error)}"


def _server_text(error: BaseException) -> str:
    """The server's own words, without imaplib's wrapping (`b'...'`, `select failed:`)."""
    text = str(error)
    text = re.sub(r"^b?'(.*)'$", r"\1", text.strip())
    return one_line(text.split(" failed: ", 1)[-1], 160) or type(error).__name__


def _select(client: IMAPClient, folder: str, validity: int | None, *, readonly: bool) -> int | None:
    """Select `folder` afresh (so messages other clients added since are seen) and return
    its UIDVALIDITY; None when it differs from `validity` (the folder was made anew)."""
    try:
        answer = client.select_folder(folder, readonly=readonly)
    except IMAPClientAbortError:
        raise
    except IMAPClientError as error:
        raise ConnectorError(
            f"the IMAP folder {folder!r} cannot be opened: {_server_text(error)}"
        ) from None
    current = int(answer.get(b"UIDVALIDITY", 0))
    return current if validity is None or current == validity else None


def _item(fetched: dict[bytes, Any] | None, prefix: bytes) -> bytes | None:
    """The data item of a FETCH answer whose name starts with `prefix` (a server names
    `BODY.PEEK[…]` as `BODY[…]`)."""
    for name, value in (fetched or {}).items():
        if name.upper().startswith(prefix) and isinstance(value, bytes):
            return value
    return None


def _charset(criteria: Iterable[str]) -> str | None:
    return None if all(c.isascii() for c in criteria) else "UTF-8"


def _shut(client: IMAPClient) -> None:
    try:
        client.shutdown()
    except (IMAPClientError, OSError) as error:
        log.debug("closing the IMAP connection: %s", error)


def _version(place: Ref) -> str:
    return f"{place.validity}.{place.uid}"


def _flag(value: object) -> str:
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else str(value)
    return text.lower()


def _special(folders: list[tuple[frozenset[str], str]], attribute: str) -> str:
    return next((name for flags, name in folders if attribute in flags), "")


def _named(names: list[str], configured: str, common: Iterable[str]) -> str:
    """The configured folder if it exists, else the first common name that does (names
    compared case-insensitively; INBOX is always case-insensitive in IMAP)."""
    by_key = {name.casefold(): name for name in names}
    for wanted in (configured, *common) if configured else common:
        if wanted.casefold() in by_key:
            return by_key[wanted.casefold()]
    return ""


def _date(text: str) -> datetime:
    """A Date header's moment, timezone-aware; the earliest moment if it has none."""
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return _UNDATED
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _addresses(text: str) -> set[str]:
    return {address.lower() for _, address in getaddresses([text]) if address}


def _normalise_text(value: str) -> str:
    return " ".join(value.split())


def _same_id(headers: Headers, draft: CreatedDraft) -> bool:
    wanted = draft.message_id.strip()
    return bool(wanted) and headers.message_id == wanted


def _is_copy_of(headers: Headers, draft: CreatedDraft) -> bool:
    """Whether a message is (a copy of) the draft: same Message-ID, or same To and Subject."""
    if _same_id(headers, draft):
        return True
    subject = headers.subject
    if not subject or subject != _normalise_text(draft.subject):
        return False
    wanted = _addresses(draft.to)
    return bool(wanted) and wanted <= headers.to


def _is_sent_copy_of(headers: Headers, draft: CreatedDraft) -> bool:
    """A copy (see `_is_copy_of`) not dated before the draft existed, which would make it
    an earlier note's."""
    if not _is_copy_of(headers, draft):
        return False
    sent_before = draft.since is not None and _UNDATED < headers.date < draft.since - CLOCK_SKEW
    return not sent_before or _same_id(headers, draft)
