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

Folders of thousands of messages stay cheap to ask: each is listed once and the
listing kept while the times of its new/ and cur/ show no change, a draft is
looked for first under the name it was last seen with, each file's headers are
read once and indexed by Message-ID, Subject and the ids it answers, and a
draft's text is read again only once its file changed. The first write into a
folder in a cycle removes what runs killed mid-write left in its tmp/: files
named as the daemon names them, 36 hours old (the Maildir convention).
"""

from __future__ import annotations

import email.policy
import errno
import hashlib
import itertools
import logging
import os
import re
import secrets
import socket
import stat
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.header import decode_header
from email.message import EmailMessage
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
    Synced,
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
# Seven times faster: the headers compared in whole folders are decoded by hand from it.
_RAW_HEADER_PARSER = BytesHeaderParser(policy=email.policy.compat32)

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
# A listing is kept only if the folder's times were already this old when it was made:
# file systems keep times in steps (2 s on FAT, 1 s on ext3 and some network file
# systems), and a change within the step of the last one would leave them unchanged.
_SETTLED_NS = 2_000_000_000
# A file in tmp/ this old was left by a run killed while writing (the Maildir convention).
_STALE_SECONDS = 36 * 3600
# The names `_new_key` gives: only those files in tmp/ are the daemon's to remove.
_OWN_NAME = re.compile(r"\d+\.M\d+P\d+Q\d+R[0-9a-f]{16}\.")


class MaildirMailbox:
    """Drafts in one Maildir folder; sent mail and the inbox optionally in others."""

    def __init__(self, drafts: Path, sent: Path | None = None, inbox: Path | None = None) -> None:
        self._drafts = drafts.expanduser().absolute()
        self._sent = _absolute(sent)
        self._inbox = _absolute(inbox)
        self._folders: dict[Path, _Folder] = {}
        self._swept: set[Path] = set()  # whose tmp/ this cycle cleaned already

    def create_draft(self, message: EmailMessage, reply_to: SentNote | None = None) -> str:
        """Write `message` into Drafts/cur with the D flag and return its unique key.

        `reply_to` needs nothing more here: a Maildir has no thread ids, and
        clients thread the check-in by the In-Reply-To and References it carries.
        """
        data = message.as_bytes(policy=_FILE_POLICY)
        try:
            _ensure_maildir(self._drafts)
            self._sweep(self._drafts)
            key = _new_key()
            path = _deliver(self._drafts, key, f"2,{_DRAFT_FLAG}", data)
        except OSError as exc:
            raise ConnectorError(
                f"cannot write a draft into {self._drafts}: {_reason(exc)}"
            ) from exc
        self._folder(self._drafts).remember(key, path)
        log.debug("wrote draft %s into %s", key, self._drafts)
        return key

    def check_ready(self) -> None:
        """Nothing to sign in to; a missing folder is created with the first draft.

        A cycle begins here: the first write into each folder cleans its tmp/ again.
        """
        self._swept.clear()

    def sync(self, mark: str) -> Synced:
        """Files are cheap to look at: the Maildir answers each question afresh, no mark."""
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
        """The key of a (not trashed) draft whose Message-ID is `message_id`.

        With `to` and `subject`, also a draft the client saved again under a new
        Message-ID, or, when the Sent folder holds a copy sent since `since`,
        `SENT_REF`. See `Mailbox.find_draft`.
        """
        wanted = CreatedDraft("", message_id, to, subject, since)
        found = self._copies(self._drafts, wanted) if self._drafts.is_dir() else []
        mine = [
            (_key_of(path.name), headers)
            for path, headers in found
            if _TRASHED_FLAG not in _flags(path.name) and _key_of(path.name) not in taken
        ]
        same_id = [key for key, headers in mine if _same_id(headers, wanted)]
        lookalikes = [
            key for key, headers in mine if to and subject and _is_copy_of(headers, wanted)
        ]
        if same_id or lookalikes:
            return (same_id or lookalikes)[0]
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
        stored = self._read_draft_file(ref)
        return stored.version if stored is not None else None

    def read_draft(self, ref: str) -> StoredDraft | None:
        """The draft's subject, text and attachment names, with the digest `draft_version`
        gives; None once it is gone or marked trashed. See `Mailbox.read_draft`."""
        return self._read_draft_file(ref)

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
            self._sweep(self._drafts)
            # write_atomically fsyncs the new file, renames it over `path` (os.replace:
            # atomic within the Maildir's file system) and fsyncs cur/.
            write_atomically(self._drafts / "tmp" / _new_key(), path, data)
            self._folder(self._drafts).remember(ref, path)
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
        return SentNote(copy.message_id, subject=copy.subject)

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
        answers = self._folder(self._inbox).messages(("answers", bare_id(note.message_id)))
        own = self._own_addresses(note) if answers else set()
        return any(answered_by(headers.senders, correspondent, own) for _, headers in answers)

    def find_self_mail(self, message_id: str) -> str | None:
        """ "" when the inbox holds a reminder with this Message-ID; None otherwise."""
        if self._inbox is None or not self._inbox.is_dir():
            return None
        return "" if self._folder(self._inbox).messages(("id", bare_id(message_id))) else None

    def daemon_messages(self, prefix: str) -> set[str]:
        """The Message-IDs starting with `prefix` in Drafts, Sent and the inbox (trashed
        drafts included: the user deleted them, so they count as made)."""
        found: set[str] = set()
        for folder in (self._drafts, self._sent, self._inbox):
            if folder is None or not folder.is_dir():
                continue
            listed = self._folder(folder)
            ids = (listed.headers(path) for path in listed.files())
            found |= {
                h.message_id for h in ids if h is not None and h.message_id.startswith(prefix)
            }
        return found

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
            self._sweep(self._inbox)
            key = _new_key()
            # new/ and no info suffix: every client shows it as unread, newly arrived.
            write_atomically(self._inbox / "tmp" / key, self._inbox / "new" / key, data)
        except OSError as exc:
            raise ConnectorError(
                f"cannot deliver a reminder into {self._inbox}: {_reason(exc)}"
            ) from exc
        log.debug("delivered reminder %s into %s", key, self._inbox)
        return ""

    def _sent_copy(self, draft: CreatedDraft) -> _Headers | None:
        """The headers of the draft's copy in Sent, if it has one carrying a Message-ID.

        The copy with the draft's own Message-ID; else (the client gave it a new
        one) the newest by Date with the draft's To and Subject, because an
        earlier interview at the same company may have left a look-alike.
        """
        if self._sent is None or not self._sent.is_dir():
            return None
        copies = [
            headers
            for _, headers in self._copies(self._sent, draft)
            if _is_sent_copy_of(headers, draft) and headers.message_id
        ]
        same_id = [h for h in copies if _same_id(h, draft)]
        if same_id:
            return same_id[0]
        # Reversed so that among equal dates the copy listed last (delivered later) wins.
        return max(reversed(copies), key=lambda headers: headers.date, default=None)

    def _own_addresses(self, note: SentNote) -> set[str]:
        """Who the user writes as: the From of the note's copy in Sent (if it is there)."""
        if self._sent is None or not self._sent.is_dir():
            return set()
        copies = self._folder(self._sent).messages(("id", bare_id(note.message_id)))
        return {address for _, headers in copies for address in headers.senders}

    def _locate(self, ref: str) -> Path | None:
        """The file of the draft with unique key `ref`, whatever its flags now are.

        Where it was last seen first; else in the folder's listing, listed again when the
        folder changed, so a client renaming the file does not make the draft seem gone.
        """
        return self._folder(self._drafts).locate(ref) if ref else None

    def _read_draft_file(self, ref: str) -> StoredDraft | None:
        """The digest of the draft's whole file and its text; None once it is gone or
        trashed. A file renamed by a client meanwhile is looked for again."""
        for _attempt in range(2):
            path = self._locate(ref)
            if path is None or _TRASHED_FLAG in _flags(path.name):
                return None
            try:
                return self._folder(self._drafts).stored(path)
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
        listed = self._folder(self._drafts).files(fresh=True)
        others = [p for p in listed if _key_of(p.name) == ref and p != written]
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
            _is_copy_of(headers, draft)
            for path, headers in self._copies(self._drafts, draft)
            if _TRASHED_FLAG not in _flags(path.name)
        )

    def _was_sent(self, draft: CreatedDraft) -> bool:
        if self._sent is None:
            return False
        if not self._sent.is_dir():
            log.debug("Sent folder %s does not exist; treating it as empty", self._sent)
            return False
        return any(
            _is_sent_copy_of(headers, draft) for _, headers in self._copies(self._sent, draft)
        )

    def _folder(self, maildir: Path) -> _Folder:
        """What is known of `maildir`'s files, kept across calls (see `_Folder`)."""
        folder = self._folders.get(maildir)
        if folder is None:
            folder = self._folders[maildir] = _Folder(maildir)
        return folder

    def _copies(self, maildir: Path, draft: CreatedDraft) -> list[tuple[Path, _Headers]]:
        """The messages in `maildir` that may be copies of `draft`: those with its
        Message-ID or its Subject, in listing order."""
        wanted = [("id", bare_id(draft.message_id)), ("subject", _normalise_text(draft.subject))]
        return self._folder(maildir).messages(*(pair for pair in wanted if pair[1]))

    def _sweep(self, maildir: Path) -> None:
        """Remove the files killed runs left in `maildir`'s tmp/, once per cycle: the
        daemon's own (by their names), 36 hours old, as the Maildir convention has it."""
        if maildir in self._swept:
            return
        self._swept.add(maildir)
        removed = _remove_stale(maildir / "tmp", time.time() - _STALE_SECONDS)
        if removed:
            log.info("removed %d file(s) interrupted runs left in %s", removed, maildir / "tmp")


@dataclass(frozen=True)
class _Headers:
    """What the daemon compares in a message's header block, read once per file."""

    message_id: str  # stripped, as written
    subject: str
    to: frozenset[str]  # lower-cased addresses
    senders: frozenset[str]  # the From addresses, lower-cased
    date: datetime  # `_UNDATED` when it has none
    answers: frozenset[str]  # the ids In-Reply-To and References name, bare

    @classmethod
    def parse(cls, block: bytes) -> _Headers:
        """The headers of a header block."""
        fields = _RAW_HEADER_PARSER.parsebytes(block).raw_items()
        # 8-bit bytes come as surrogates: read as UTF-8, as the email package does.
        raw = [
            (n.lower(), v.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
            for n, v in fields
        ]

        def text(name: str) -> str:
            # Unfolded: a line break followed by a space is that space.
            values = (value for field, value in raw if field == name.lower())
            return ", ".join(values).replace("\r", "").replace("\n", "")

        return cls(
            message_id=_normalise_id(text("Message-ID")),
            subject=_decoded_words(text("Subject")),
            to=frozenset(_addresses(text("To"))),
            senders=frozenset(_addresses(text("From"))),
            date=_date(text("Date")),
            answers=frozenset(named_ids([text("In-Reply-To"), text("References")])),
        )


@dataclass
class _Listing:
    """The files in new/ and cur/ of a Maildir as listed at one moment, with indexes by key
    and, once asked for, by Message-ID, Subject and the ids a message answers."""

    stamp: tuple[tuple[int, int] | None, ...]  # (inode, mtime) of new/ and cur/
    paths: list[Path]  # new/ first, then cur/, each sorted by name
    settled: bool  # the folder had not changed for a while: a later change shows in `stamp`
    by_key: dict[str, Path] = field(default_factory=dict)
    indexes: dict[str, dict[str, list[int]]] | None = None  # positions in `paths`

    def __post_init__(self) -> None:
        for path in reversed(self.paths):  # the first file listed with a key wins
            self.by_key[_key_of(path.name)] = path


class _Folder:
    """The message files of one Maildir, listed once and kept while the folder is unchanged,
    each file's headers read once.

    A message arriving, leaving or renamed (new flags) changes the modification time of
    new/ or cur/, so their times say whether a listing still holds; one made while they
    were recent is not kept (see `_SETTLED_NS`). A draft is looked for first under the
    name it was last seen with, by one `stat`. Maildir files never change once written,
    so their headers are kept by name; the daemon's own replacement of a draft says so
    (`remember`). A draft's text is kept while its file's inode, size and time stay.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._listing: _Listing | None = None
        self._headers: dict[Path, _Headers] = {}
        self._seen: dict[str, Path] = {}  # where each key was last found
        # Drafts as read, by file, with the (inode, size, mtime) they were read at.
        self._stored: dict[Path, tuple[tuple[int, int, int], StoredDraft]] = {}

    def files(self, *, fresh: bool = False) -> list[Path]:
        """The message files in new/ and cur/, dot-files skipped; listed again when the
        folder changed since (or `fresh`)."""
        return self._current(fresh).paths

    def locate(self, key: str) -> Path | None:
        """The file of the message with unique key `key`, whatever its flags now are."""
        known = self._seen.get(key)
        if known is not None and known.exists():
            return known
        listing = self._current()
        path = listing.by_key.get(key)
        stale = path is not None and not path.exists()
        if stale or (path is None and not listing.settled):
            # A client renamed the file as the folder was listed, or within its times' step.
            listing = self._current(fresh=True)
            path = listing.by_key.get(key)
        # Every key listed: the next drafts looked for are found by their names.
        self._seen = dict(listing.by_key)
        return path

    def remember(self, key: str, path: Path) -> None:
        """The daemon wrote the message with key `key` as `path` (a new file, or new bytes
        under the same name): its headers are read again when asked for."""
        self._seen[key] = path
        self._headers.pop(path, None)
        self._stored.pop(path, None)
        self._listing = None

    def headers(self, path: Path) -> _Headers | None:
        """The headers of the message file `path`; None if it vanished or is unreadable."""
        found = self._headers.get(path)
        if found is None:
            block = _header_block(path)
            found = _Headers.parse(block) if block is not None else None
            if found is not None:
                self._headers[path] = found
        return found

    def stored(self, path: Path) -> StoredDraft:
        """The draft in file `path`: the digest of its bytes and its text, read again
        only when the file changed (a client writing it in place changes its size or
        time; a file changed within its time's step is not kept, see `_SETTLED_NS`)."""
        info = path.stat()
        identity = (info.st_ino, info.st_size, info.st_mtime_ns)
        kept = self._stored.get(path)
        if kept is not None and kept[0] == identity:
            return kept[1]
        version, head = _digest_and_head(path)
        stored = StoredDraft(version, draft_text(head))
        if info.st_mtime_ns < time.time_ns() - _SETTLED_NS:
            self._stored[path] = (identity, stored)
        return stored

    def messages(self, *wanted: tuple[str, str]) -> list[tuple[Path, _Headers]]:
        """The messages any of `wanted` picks, in listing order. Each is an index and a
        value: ("id", a bare Message-ID), ("subject", a normalised Subject) or
        ("answers", an id In-Reply-To or References names)."""
        listing = self._current()
        if listing.indexes is None:
            listing.indexes = self._indexes(listing.paths)
        indexes = listing.indexes
        positions = sorted({p for index, value in wanted for p in indexes[index].get(value, [])})
        found = ((listing.paths[p], self.headers(listing.paths[p])) for p in positions)
        return [(path, headers) for path, headers in found if headers is not None]

    def _indexes(self, paths: list[Path]) -> dict[str, dict[str, list[int]]]:
        indexes: dict[str, dict[str, list[int]]] = {"id": {}, "subject": {}, "answers": {}}
        for position, path in enumerate(paths):
            headers = self.headers(path)
            if headers is None:
                continue
            keys = {
                "id": [bare_id(headers.message_id)],
                "subject": [_normalise_text(headers.subject)],
                "answers": sorted(headers.answers),
            }
            for index, values in keys.items():
                for value in values:
                    indexes[index].setdefault(value, []).append(position)
        return indexes

    def _current(self, fresh: bool = False) -> _Listing:
        """The listing, made again unless the one kept still holds."""
        stamp = self._stamp()
        kept = self._listing
        if not fresh and kept is not None and kept.settled and kept.stamp == stamp:
            return kept
        started = time.time_ns()
        paths = self._list()
        after = self._stamp()
        recent = any(s is not None and s[1] > started - _SETTLED_NS for s in after)
        self._listing = _Listing(after, paths, settled=after == stamp and not recent)
        # What was read of files gone or renamed is not needed again.
        self._headers = {p: h for p in paths if (h := self._headers.get(p)) is not None}
        self._stored = {p: d for p in paths if (d := self._stored.get(p)) is not None}
        return self._listing

    def _stamp(self) -> tuple[tuple[int, int] | None, ...]:
        stamps: list[tuple[int, int] | None] = []
        for sub in _LISTED:
            try:
                info = (self.root / sub).stat()
            except OSError:
                stamps.append(None)
                continue
            stamps.append((info.st_ino, info.st_mtime_ns))
        return tuple(stamps)

    def _list(self) -> list[Path]:
        paths: list[Path] = []
        for sub in _LISTED:
            folder = self.root / sub
            try:
                names = sorted(entry.name for entry in folder.iterdir())
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise ConnectorError(f"cannot read the Maildir {folder}: {_reason(exc)}") from exc
            paths += [folder / name for name in names if not name.startswith(".")]
        return paths


def _absolute(folder: Path | None) -> Path | None:
    return folder.expanduser().absolute() if folder is not None else None


def _date(text: str) -> datetime:
    """A Date header's moment, timezone-aware; the earliest moment if it has none."""
    try:
        moment = parsedate_to_datetime(text)
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


def _deliver(maildir: Path, key: str, info: str, data: bytes) -> Path:
    """Write `data` to tmp/ and rename it into cur/ as `key:info`, durably; the file."""
    path = maildir / "cur" / f"{key}:{info}"
    write_atomically(maildir / "tmp" / key, path, data)
    return path


def _remove_stale(tmp: Path, before: float) -> int:
    """Remove the daemon's own files in `tmp` last written before `before` (a time
    stamp); how many. Only regular files of this user, named as `_new_key` names them:
    another program's file, or anything in new/ or cur/, is never touched."""
    try:
        entries = list(os.scandir(tmp))
    except OSError:
        return 0  # no tmp/ yet, or unreadable: the write itself will say
    removed = 0
    for entry in entries:
        if not _OWN_NAME.match(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid() and info.st_mtime < before:
                Path(entry.path).unlink()
                removed += 1
        except FileNotFoundError:
            continue  # removed meanwhile
        except OSError as exc:
            log.debug("cannot remove %s: %s", entry.path, exc)
    return removed


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


def _header_block(path: Path) -> bytes | None:
    """The header block of a message file; None if it vanished or is unreadable."""
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
    return bytes(block)


def _is_copy_of(headers: _Headers, draft: CreatedDraft) -> bool:
    """Whether a message is (a copy of) the draft: same Message-ID, or same To and Subject."""
    if _same_id(headers, draft):
        return True
    subject = _normalise_text(headers.subject)
    if not subject or subject != _normalise_text(draft.subject):
        return False
    wanted = _addresses(draft.to)
    return bool(wanted) and wanted <= headers.to


def _is_sent_copy_of(headers: _Headers, draft: CreatedDraft) -> bool:
    """Whether a message in Sent is the draft as sent: a copy (see `_is_copy_of`) that is
    not dated before the draft existed, which would make it an earlier note's."""
    if not _is_copy_of(headers, draft):
        return False
    dated = headers.date
    sent_before = draft.since is not None and _UNDATED < dated < draft.since - CLOCK_SKEW
    return not sent_before or _same_id(headers, draft)


def _same_id(headers: _Headers, draft: CreatedDraft) -> bool:
    wanted_id = _normalise_id(draft.message_id)
    return bool(wanted_id) and headers.message_id == wanted_id


def _decoded_words(text: str) -> str:
    """A header value with its RFC 2047 encoded words decoded, as the email package reads
    them: bytes a charset cannot decode are replaced, an unknown charset is read as UTF-8."""
    try:
        parts = decode_header(text)
    except Exception as exc:  # the email package can raise on hostile headers
        log.debug("cannot decode header value %r: %s", text, exc)
        return text.strip()
    words = []
    for part, charset in parts:
        if isinstance(part, str):
            words.append(part)
            continue
        # decode_header hands the text between encoded words back in raw-unicode-escape.
        try:
            words.append(part.decode(charset or "raw-unicode-escape", "replace"))
        except LookupError:
            words.append(part.decode("utf-8", "replace"))
    return "".join(words).strip()


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
