"""A `Mailbox` kept in local Maildir folders, as mutt, neomutt, aerc and notmuch read them.

Drafts are written atomically (tmp/, fsync, rename into cur/) with the Draft
flag, so every Maildir client lists them as drafts. The reference of a draft
is its Maildir unique key, the part of the file name before the info suffix
(`:2,D`): clients rename the file when they change its flags, and some sync
tools (mbsync, offlineimap) append `,U=<uid>` to the name, but the key
survives both.

A draft is read back as the user left it (its subject, text and attachment
names, for proofreading), its version being a digest of the file. Replacing a
draft writes the new message to tmp/ and renames it over the draft's current
file: the same name, so its key and flags stay, and a reader sees the old
draft or the new one, never a part.

Whether a draft that left the Drafts folder was sent is decided from the
optional Sent folder: by Message-ID, or by To address and Subject, because
mutt and Thunderbird give the sent copy a fresh Message-ID.

The optional inbox folder is where an answer to a sent note is looked for
(a message whose In-Reply-To or References name the note) and where reminders
are delivered: nothing is ever sent from a Maildir, a reminder is only a new,
unread file in inbox/new/. A check-in draft threads by the In-Reply-To and
References headers its message carries, as every Maildir client threads.
"""

from __future__ import annotations

import email.policy
import errno
import hashlib
import itertools
import logging
import os
import secrets
import socket
import time
from collections.abc import Collection, Iterator
from datetime import UTC, datetime
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

from connectors.draft_text import MAX_DRAFT_BYTES, draft_text
from connectors.replies import answered_by, bare_id, named_ids
from daemon.core.protocols import (
    CLOCK_SKEW,
    ConnectorError,
    CreatedDraft,
    DraftState,
    SentNote,
    StoredDraft,
)
from daemon.files import ensure_private_dir, fsync_directory, write_atomically

log = logging.getLogger(__name__)

# The reference of a draft that was already sent when it was looked for: no file has it.
SENT_REF = "sent"

# Maildir files are stored with the platform's line ending, LF: that is what
# mutt, dovecot, notmuch and Python's own `mailbox.Maildir` write and expect
# (CRLF is only the wire format of SMTP and IMAP). Generating with LF keeps the
# headers and body consistent; clients convert to CRLF when they send.
_FILE_POLICY = email.policy.default.clone(linesep="\n")
_HEADER_PARSER = BytesHeaderParser(policy=email.policy.default)

_SUBDIRS = ("tmp", "new", "cur")
# Scan new/ before cur/: a client moving a file new/ -> cur/ between the two
# listings is then still seen once.
_LISTED = ("new", "cur")
_DRAFT_FLAG = "D"
_TRASHED_FLAG = "T"
# What may follow the unique key in a file name: the info suffix, or a sync
# tool's extra fields (mbsync and offlineimap append ",U=<uid>").
_KEY_ENDS = (":", ",")
_MAX_HEADER_BYTES = 256 * 1024
# A message id inside In-Reply-To or References: `<local@domain>`.
_NO_INBOX = "cannot deliver a reminder: set [drafts] inbox_path to receive reminder mails"
_counter = itertools.count()
# What a message without a readable Date counts as: older than everything.
_UNDATED = datetime.min.replace(tzinfo=UTC)


class MaildirMailbox:
    """Drafts in one Maildir folder; sent mail and the inbox optionally in others."""

    def __init__(self, drafts: Path, sent: Path | None = None, inbox: Path | None = None) -> None:
        self._drafts = drafts.expanduser().absolute()
        self._sent = _absolute(sent)
        self._inbox = _absolute(inbox)

    def create_draft(self, message: EmailMessage, reply_to: SentNote | None = None) -> str:
        """Write `message` into Drafts/cur with the D flag and return its unique key.

        `reply_to` needs nothing more here: a Maildir has no thread ids, and
        clients thread the check-in by the In-Reply-To and References it carries.
        """
        data = message.as_bytes(policy=_FILE_POLICY)
        try:
            _ensure_maildir(self._drafts)
            key = _new_key()
            _deliver(self._drafts, key, f"2,{_DRAFT_FLAG}", data)
        except OSError as exc:
            raise ConnectorError(
                f"cannot write a draft into {self._drafts}: {_reason(exc)}"
            ) from exc
        log.debug("wrote draft %s into %s", key, self._drafts)
        return key

    def check_ready(self) -> None:
        """Nothing to sign in to; a missing folder is created with the first draft."""

    def find_draft(
        self,
        message_id: str,
        *,
        to: str = "",
        subject: str = "",
        since: datetime | None = None,
        taken: Collection[str] = (),
    ) -> str | None:
        """The key of a (not trashed) draft whose Message-ID is `message_id`.

        With `to` and `subject`, also a draft the client saved again under a new
        Message-ID, or, when the Sent folder holds a copy sent since `since`,
        `SENT_REF`. See `Mailbox.find_draft`.
        """
        wanted = CreatedDraft("", message_id, to, subject, since)
        wanted_id = _normalise_id(message_id)
        lookalike = None
        for path in self._files(self._drafts) if self._drafts.is_dir() else ():
            key = _key_of(path.name)
            headers = None if _TRASHED_FLAG in _flags(path.name) else _read_headers(path)
            if headers is None or key in taken:
                continue
            if wanted_id and _normalise_id(_header_text(headers, "Message-ID")) == wanted_id:
                return key
            if lookalike is None and to and subject and _is_copy_of(headers, wanted):
                lookalike = key
        if lookalike is not None:
            return lookalike
        return SENT_REF if to and subject and self._was_sent(wanted) else None

    def draft_state(self, draft: CreatedDraft) -> DraftState:
        """PENDING while in Drafts, SENT if a copy is in Sent, DELETED otherwise."""
        if not all((self._drafts / sub).is_dir() for sub in _LISTED):
            raise ConnectorError(f"the Drafts folder {self._drafts} is missing or not a Maildir")
        path = self._locate(draft.ref)
        if path is not None:
            trashed = _TRASHED_FLAG in _flags(path.name)
            return DraftState.DELETED if trashed else DraftState.PENDING
        if self._was_sent(draft):
            return DraftState.SENT
        # mutt, aerc and Thunderbird save an edited draft as a new file.
        return DraftState.PENDING if self._edited_copy(draft) else DraftState.DELETED

    def draft_version(self, ref: str) -> str | None:
        """A digest of the draft file's bytes; None once it is gone or marked trashed."""
        read = self._read_draft_file(ref)
        return read[0] if read is not None else None

    def read_draft(self, ref: str) -> StoredDraft | None:
        """The draft's subject, text and attachment names, with the digest `draft_version`
        gives; None once it is gone or marked trashed. See `Mailbox.read_draft`."""
        read = self._read_draft_file(ref)
        if read is None:
            return None
        version, head = read
        return StoredDraft(version, draft_text(head))

    def replace_draft(self, ref: str, message: EmailMessage) -> str:
        """Write `message` over the draft's file, atomically, and return its (unchanged) key.

        The new bytes go to tmp/ and are renamed onto the draft's current name, so
        the key and the flags a client set stay; a reader sees the old draft or the
        new one, never a mix. Raises ConnectorError when the draft is gone.
        """
        path = self._locate(ref)
        if path is None or _TRASHED_FLAG in _flags(path.name):
            raise ConnectorError(
                f"cannot replace the draft {ref}: it is no longer in {self._drafts}"
            )
        data = message.as_bytes(policy=_FILE_POLICY)
        try:
            _ensure_maildir(self._drafts)
            # write_atomically fsyncs the new file, renames it over `path` (os.replace:
            # atomic within the Maildir's file system) and fsyncs cur/.
            write_atomically(self._drafts / "tmp" / _new_key(), path, data)
            self._undo_if_renamed(ref, path)
        except OSError as exc:
            raise ConnectorError(f"cannot replace the draft {path}: {_reason(exc)}") from exc
        log.debug("replaced draft %s in %s", ref, self._drafts)
        return ref

    def delete_draft(self, ref: str) -> None:
        """Remove the draft's file from Drafts."""
        path = self._locate(ref)
        if path is None:
            return
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise ConnectorError(f"cannot remove the draft {path}: {_reason(exc)}") from exc
        fsync_directory(path.parent)
        log.info("removed draft %s from %s", ref, self._drafts)

    def draft_link(self, ref: str) -> str:
        """The draft's file path now, or the Drafts folder if the draft is gone."""
        try:
            path = self._locate(ref)
        except ConnectorError:
            path = None
        return str(path if path is not None else self._drafts)

    def sent_note(self, draft: CreatedDraft) -> SentNote | None:
        """The Message-ID of the draft's copy in the Sent folder; None without one."""
        copy = self._sent_copy(draft)
        if copy is None:
            return None
        message_id = _header_text(copy, "Message-ID").strip()
        return SentNote(message_id, subject=_header_text(copy, "Subject"))

    def has_reply(self, note: SentNote, correspondent: str) -> bool:
        """Whether the inbox holds an answer to the note from the interviewer.

        An answer names the note in In-Reply-To or References and comes from
        `correspondent` or a colleague at their domain, never from the user
        (the From of the note's sent copy). Only headers are read; without an
        inbox folder nothing can have arrived.
        """
        if self._inbox is None or not bare_id(note.message_id):
            return False
        if not self._inbox.is_dir():
            log.debug("inbox folder %s does not exist; treating it as empty", self._inbox)
            return False
        own: set[str] | None = None  # read from Sent only once a candidate turns up
        for path in self._files(self._inbox):
            headers = _read_headers(path)
            if headers is None or not _answers(headers, note.message_id):
                continue
            own = self._own_addresses(note) if own is None else own
            if answered_by(_addresses(_header_text(headers, "From")), correspondent, own):
                return True
        return False

    def self_address(self) -> str:
        """A Maildir has no address of its own; reminders are addressed to `[you] email`."""
        return ""

    def send_to_self(self, message: EmailMessage, thread: str = "") -> str:
        """Deliver a reminder as a new, unread file in inbox/new/; nothing is sent.

        `thread` is ignored and "" returned: a Maildir has no thread ids. Raises
        ConnectorError without an inbox folder, or when the file cannot be written.
        """
        if self._inbox is None:
            raise ConnectorError(_NO_INBOX)
        data = message.as_bytes(policy=_FILE_POLICY)
        try:
            _ensure_maildir(self._inbox)
            key = _new_key()
            # new/ and no info suffix: every client shows it as unread, newly arrived.
            write_atomically(self._inbox / "tmp" / key, self._inbox / "new" / key, data)
        except OSError as exc:
            raise ConnectorError(
                f"cannot deliver a reminder into {self._inbox}: {_reason(exc)}"
            ) from exc
        log.debug("delivered reminder %s into %s", key, self._inbox)
        return ""

    def _sent_copy(self, draft: CreatedDraft) -> Message | None:
        """The headers of the draft's copy in Sent, if it has one carrying a Message-ID.

        The copy with the draft's own Message-ID; else (the client gave it a new
        one) the newest by Date with the draft's To and Subject, because an
        earlier interview at the same company may have left a look-alike.
        """
        if self._sent is None or not self._sent.is_dir():
            return None
        copies = [
            headers
            for headers in map(_read_headers, self._files(self._sent))
            if headers is not None
            and _is_sent_copy_of(headers, draft)
            and _header_text(headers, "Message-ID").strip()
        ]
        wanted = _normalise_id(draft.message_id)
        same_id = [h for h in copies if _normalise_id(_header_text(h, "Message-ID")) == wanted]
        if same_id:
            return same_id[0]
        # Reversed so that among equal dates the copy listed last (delivered later) wins.
        return max(reversed(copies), key=_date, default=None)

    def _own_addresses(self, note: SentNote) -> set[str]:
        """Who the user writes as: the From of the note's copy in Sent (if it is there)."""
        if self._sent is None or not self._sent.is_dir():
            return set()
        wanted = bare_id(note.message_id)
        return {
            address
            for headers in map(_read_headers, self._files(self._sent))
            if headers is not None and bare_id(_header_text(headers, "Message-ID")) == wanted
            for address in _addresses(_header_text(headers, "From"))
        }

    def _locate(self, ref: str) -> Path | None:
        """The file of the draft with unique key `ref`, whatever its flags now are.

        Looks twice before giving up, so a client renaming the file while it is
        being looked for does not make the draft seem gone.
        """
        if not ref:
            return None
        for _attempt in range(2):
            for path in self._files(self._drafts):
                if _key_of(path.name) == ref:
                    return path
        return None

    def _read_draft_file(self, ref: str) -> tuple[str, bytes] | None:
        """The digest of the draft's whole file and its first `MAX_DRAFT_BYTES`; None once
        it is gone or trashed. A file renamed by a client meanwhile is looked for again."""
        for _attempt in range(2):
            path = self._locate(ref)
            if path is None or _TRASHED_FLAG in _flags(path.name):
                return None
            try:
                return _digest_and_head(path)
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise ConnectorError(f"cannot read the draft {path}: {_reason(exc)}") from exc
        return None

    def _undo_if_renamed(self, ref: str, written: Path) -> None:
        """Undo a replacement that raced a client renaming the draft (new flags).

        Renaming onto the old name then made a second file with the same key beside
        the renamed draft: ours is removed, leaving the draft as the client has it,
        and the replacement is reported as not done, so that it is done again.
        (A client saving an edit as a new file in the same instant cannot be told
        apart this way; the caller compares versions just before, which keeps that
        window to the few milliseconds of the rename.)
        """
        others = [p for p in self._files(self._drafts) if _key_of(p.name) == ref and p != written]
        if not others:
            return
        written.unlink(missing_ok=True)
        fsync_directory(written.parent)
        raise ConnectorError(
            f"the draft {ref} was renamed by a mail client while it was being replaced; "
            "it was left as it is"
        )

    def _edited_copy(self, draft: CreatedDraft) -> bool:
        """Whether Drafts holds the draft under another name."""
        return any(
            headers is not None and _is_copy_of(headers, draft)
            for path in self._files(self._drafts)
            if _TRASHED_FLAG not in _flags(path.name)
            for headers in [_read_headers(path)]
        )

    def _was_sent(self, draft: CreatedDraft) -> bool:
        if self._sent is None:
            return False
        if not self._sent.is_dir():
            log.debug("Sent folder %s does not exist; treating it as empty", self._sent)
            return False
        return any(
            headers is not None and _is_sent_copy_of(headers, draft)
            for headers in map(_read_headers, self._files(self._sent))
        )

    def _files(self, maildir: Path) -> Iterator[Path]:
        """The message files in new/ and cur/ of `maildir`, dot-files skipped."""
        for sub in _LISTED:
            folder = maildir / sub
            try:
                names = sorted(entry.name for entry in folder.iterdir())
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise ConnectorError(f"cannot read the Maildir {folder}: {_reason(exc)}") from exc
            yield from (folder / name for name in names if not name.startswith("."))


def _absolute(folder: Path | None) -> Path | None:
    return folder.expanduser().absolute() if folder is not None else None


def _answers(headers: Message, message_id: str) -> bool:
    """Whether a message's In-Reply-To or References name `message_id`."""
    named = named_ids(_header_text(headers, name) for name in ("In-Reply-To", "References"))
    return bare_id(message_id) in named


def _date(headers: Message) -> datetime:
    """The Date of a message, timezone-aware; the earliest moment if it has none."""
    try:
        moment = parsedate_to_datetime(_header_text(headers, "Date"))
    except (TypeError, ValueError, IndexError):
        return _UNDATED
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _ensure_maildir(root: Path) -> None:
    """Create `root` (and missing parents) and its tmp/new/cur with mode 0700."""
    for folder in (root, *(root / sub for sub in _SUBDIRS)):
        ensure_private_dir(folder, tighten=False)


def _new_key() -> str:
    """A Maildir unique name: time, microseconds, pid, counter, random, host."""
    now = time.time()
    host = socket.gethostname().replace("/", r"\057").replace(":", r"\072")
    host = host.replace(",", r"\054") or "localhost"
    return (
        f"{int(now)}.M{int(now % 1 * 1e6)}P{os.getpid()}Q{next(_counter)}"
        f"R{secrets.token_hex(8)}.{host}"
    )


def _deliver(maildir: Path, key: str, info: str, data: bytes) -> None:
    """Write `data` to tmp/ and rename it into cur/ as `key:info`, durably."""
    write_atomically(maildir / "tmp" / key, maildir / "cur" / f"{key}:{info}", data)


def _digest_and_head(path: Path) -> tuple[str, bytes]:
    """The sha256 of the whole file, and its first `MAX_DRAFT_BYTES`.

    Drafts are small, but one can carry a large attachment: the digest streams
    through the whole file (it must equal what `draft_version` always gave) while
    only the head is kept to be parsed (see `connectors.draft_text`).
    """
    digest = hashlib.sha256()
    head = bytearray()
    with path.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
            if len(head) < MAX_DRAFT_BYTES:
                head += chunk[: MAX_DRAFT_BYTES - len(head)]
    return digest.hexdigest(), bytes(head)


def _key_of(name: str) -> str:
    """The unique key of a Maildir file name: the part before ':' or ','."""
    cut = min((i for i in map(name.find, _KEY_ENDS) if i >= 0), default=len(name))
    return name[:cut]


def _flags(name: str) -> str:
    """The flags of a Maildir file name (`…:2,DS` -> "DS"); "" without info."""
    _, sep, info = name.rpartition(":")
    return info[2:] if sep and info.startswith("2,") else ""


def _read_headers(path: Path) -> Message | None:
    """Parse only the header block of a message file; None if it vanished or is unreadable."""
    try:
        with path.open("rb") as fh:
            block = bytearray()
            for line in fh:
                if line in (b"\n", b"\r\n") or len(block) > _MAX_HEADER_BYTES:
                    break
                block += line
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("skipping unreadable message %s: %s", path, exc)
        return None
    return _HEADER_PARSER.parsebytes(bytes(block))


def _is_copy_of(headers: Message, draft: CreatedDraft) -> bool:
    """Whether a message is (a copy of) the draft: same Message-ID, or same To and Subject."""
    if _same_id(headers, draft):
        return True
    subject = _normalise_text(_header_text(headers, "Subject"))
    if not subject or subject != _normalise_text(draft.subject):
        return False
    wanted = _addresses(draft.to)
    return bool(wanted) and wanted <= _addresses(_header_text(headers, "To"))


def _is_sent_copy_of(headers: Message, draft: CreatedDraft) -> bool:
    """Whether a message in Sent is the draft as sent: a copy (see `_is_copy_of`) that is
    not dated before the draft existed, which would make it an earlier note's."""
    if not _is_copy_of(headers, draft):
        return False
    dated = _date(headers)
    sent_before = draft.since is not None and _UNDATED < dated < draft.since - CLOCK_SKEW
    return not sent_before or _same_id(headers, draft)


def _same_id(headers: Message, draft: CreatedDraft) -> bool:
    wanted_id = _normalise_id(draft.message_id)
    return bool(wanted_id) and _normalise_id(_header_text(headers, "Message-ID")) == wanted_id


def _header_text(headers: Message, name: str) -> str:
    """The decoded value(s) of a header, joined by ", "; "" if absent or unparseable."""
    try:
        return ", ".join(str(value) for value in headers.get_all(name, []))
    except Exception as exc:  # the email package can raise on hostile headers
        log.debug("cannot parse header %s: %s", name, exc)
        return ""


def _addresses(text: str) -> set[str]:
    return {addr.lower() for _, addr in getaddresses([text]) if addr}


def _normalise_id(value: str) -> str:
    """A Message-ID without surrounding whitespace; case is kept."""
    return value.strip()


def _normalise_text(value: str) -> str:
    return " ".join(value.split())


def _reason(exc: OSError) -> str:
    if exc.errno is not None and exc.strerror:
        return f"{exc.strerror} ({errno.errorcode.get(exc.errno, exc.errno)})"
    return str(exc) or type(exc).__name__
