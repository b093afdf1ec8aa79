"""`MaildirMailbox` against the shared Mailbox contract, plus what is specific to Maildir."""

from __future__ import annotations

import email.policy
import errno
import hashlib
import logging
import mailbox as stdlib_mailbox
import os
import stat
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from mailbox_contract import (
    ANNA,
    JOSE,
    SUBJECT,
    MailboxContract,
    make_check_in,
    make_message,
    make_reminder,
)

from connectors import maildir as maildir_module
from connectors.draft_text import MAX_DRAFT_BYTES
from connectors.maildir import SENT_REF, MaildirMailbox
from daemon.core.protocols import ConnectorError, CreatedDraft, DraftState, SentNote
from daemon.files import write_atomically

_PARSER = BytesParser(policy=email.policy.default)


def _only_file(folder: Path) -> Path:
    files = [p for p in folder.iterdir() if not p.name.startswith(".")]
    assert len(files) == 1, files
    return files[0]


def _write_sent(sent: Path, name: str, data: bytes) -> Path:
    for sub in ("tmp", "new", "cur"):
        (sent / sub).mkdir(parents=True, exist_ok=True)
    path = sent / "cur" / f"{name}:2,S"
    path.write_bytes(data)
    return path


def _reply(
    from_addr: str, *, in_reply_to: str = "", references: str = "", body: str = "Gern!\n"
) -> bytes:
    """An answer as it arrives in the inbox; threading headers only where given."""
    message = EmailMessage()
    message["From"] = from_addr
    message["To"] = "kim@example.com"
    message["Subject"] = f"Re: {SUBJECT}"
    message["Message-ID"] = f"<{uuid.uuid4().hex}@example.com>"
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    message.set_content(body)
    return message.as_bytes()


def _deliver(inbox: Path, data: bytes, sub: str = "new") -> Path:
    """Put a message into a Maildir as a delivery agent (new/) or a client (cur/) would."""
    for folder in ("tmp", "new", "cur"):
        (inbox / folder).mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.delivered" + (":2,S" if sub == "cur" else "")
    path = inbox / sub / name
    path.write_bytes(data)
    return path


def _messages(folder: Path) -> list[EmailMessage]:
    paths = sorted(
        (p for sub in ("new", "cur") if (folder / sub).is_dir() for p in (folder / sub).iterdir()),
        key=lambda path: path.stat().st_mtime_ns,
    )
    parsed = [_PARSER.parsebytes(path.read_bytes()) for path in paths]
    return [m for m in parsed if isinstance(m, EmailMessage)]


def _created(box: MaildirMailbox, message: EmailMessage) -> CreatedDraft:
    return CreatedDraft(
        ref=box.create_draft(message),
        message_id=str(message["Message-ID"]),
        to=message["To"].addresses[0].addr_spec,
        subject=str(message["Subject"]),
    )


class TestMaildirMailbox(MailboxContract):
    """The contract, with the user's client simulated by moving files around."""

    drafts: Path
    sent: Path
    inbox: Path
    box: MaildirMailbox

    @pytest.fixture
    def mailbox(self, tmp_path: Path) -> MaildirMailbox:
        self.drafts = tmp_path / "Mail" / "Drafts"
        self.sent = tmp_path / "Mail" / "Sent"
        self.inbox = tmp_path / "Mail" / "INBOX"
        self.box = MaildirMailbox(self.drafts, self.sent, self.inbox)
        return self.box

    def user_sends(self, draft: CreatedDraft) -> None:
        path = Path(self.box.draft_link(draft.ref))
        _write_sent(self.sent, f"sent-{draft.ref}", path.read_bytes())
        path.unlink()

    def user_deletes(self, draft: CreatedDraft) -> None:
        Path(self.box.draft_link(draft.ref)).unlink()

    def user_edits(self, draft: CreatedDraft, body: str) -> str:
        # mutt and aerc save an edited draft as a new file (a new key), same Message-ID.
        path = Path(self.box.draft_link(draft.ref))
        message = _PARSER.parsebytes(path.read_bytes())
        message.set_content(body)
        new = path.with_name("1799999999.M1P1.client:2,D")
        new.write_bytes(message.as_bytes())
        path.unlink()
        return "1799999999.M1P1.client"

    def read_back(self, ref: str) -> EmailMessage:
        data = Path(self.box.draft_link(ref)).read_bytes()
        message = _PARSER.parsebytes(data)
        assert isinstance(message, EmailMessage)
        return message

    def sent_message_id(self, draft: CreatedDraft) -> str:
        [path] = (self.sent / "cur").glob(f"sent-{draft.ref}:*")
        return str(_PARSER.parsebytes(path.read_bytes())["Message-ID"])

    def user_receives_reply(self, note: SentNote, from_addr: str) -> None:
        _deliver(self.inbox, _reply(from_addr, in_reply_to=note.message_id))

    def own_address(self) -> str:
        # A Maildir has no account: the user is whoever the sent copy is from.
        return "kim@example.com"

    def read_self_mail(self) -> list[EmailMessage]:
        return _messages(self.inbox)


@pytest.fixture
def drafts(tmp_path: Path) -> Path:
    return tmp_path / "Mail" / "Drafts"


@pytest.fixture
def sent(tmp_path: Path) -> Path:
    return tmp_path / "Mail" / "Sent"


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    return tmp_path / "Mail" / "INBOX"


@pytest.fixture
def box(drafts: Path, sent: Path, inbox: Path) -> MaildirMailbox:
    return MaildirMailbox(drafts, sent, inbox)


# --- where and how the file is written ---------------------------------------------------


def test_draft_lands_in_cur_with_the_draft_flag(box: MaildirMailbox, drafts: Path) -> None:
    ref = box.create_draft(make_message())
    assert _only_file(drafts / "cur").name == f"{ref}:2,D"
    assert list((drafts / "new").iterdir()) == []


def test_ref_is_a_plain_unique_key(box: MaildirMailbox) -> None:
    ref = box.create_draft(make_message())
    assert ref
    assert not {":", "/", ","} & set(ref)


def test_draft_file_has_mode_0600(box: MaildirMailbox, drafts: Path) -> None:
    box.create_draft(make_message())
    path = _only_file(drafts / "cur")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_missing_folders_are_created_with_mode_0700(tmp_path: Path) -> None:
    drafts = tmp_path / "new-home" / "Mail" / "Drafts"
    MaildirMailbox(drafts).create_draft(make_message())
    for folder in (
        tmp_path / "new-home",
        tmp_path / "new-home" / "Mail",
        drafts,
        drafts / "cur",
        drafts / "new",
        drafts / "tmp",
    ):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_construction_alone_creates_nothing(drafts: Path) -> None:
    MaildirMailbox(drafts)
    assert not drafts.exists()


def test_existing_maildir_is_reused(drafts: Path) -> None:
    for sub in ("cur", "new", "tmp"):
        (drafts / sub).mkdir(parents=True)
    ref = MaildirMailbox(drafts).create_draft(make_message())
    assert (drafts / "cur" / f"{ref}:2,D").is_file()


def test_tmp_is_empty_after_create(box: MaildirMailbox, drafts: Path) -> None:
    box.create_draft(make_message())
    box.create_draft(make_message(to=ANNA))
    assert list((drafts / "tmp").iterdir()) == []
    assert len(list((drafts / "cur").iterdir())) == 2


def test_file_uses_lf_line_endings_only(box: MaildirMailbox, drafts: Path) -> None:
    box.create_draft(make_message())
    data = _only_file(drafts / "cur").read_bytes()
    assert b"\r" not in data
    assert b"\n\n" in data  # the blank line between headers and body


def test_non_ascii_headers_are_rfc2047_encoded_in_the_file(
    box: MaildirMailbox, drafts: Path
) -> None:
    box.create_draft(make_message())
    head = _only_file(drafts / "cur").read_bytes().split(b"\n\n", 1)[0]
    assert head.isascii()
    assert b"=?utf-8?" in head.lower()


def test_stdlib_maildir_parses_the_draft_and_sees_the_d_flag(
    box: MaildirMailbox, drafts: Path
) -> None:
    ref = box.create_draft(make_message(message_id="<stdlib@example.com>"))
    folder = stdlib_mailbox.Maildir(drafts, create=False)
    assert folder.keys() == [ref]
    message = folder[ref]
    assert message.get_flags() == "D"
    assert message.get_subdir() == "cur"
    assert message["Message-ID"] == "<stdlib@example.com>"
    assert message["To"] == "=?utf-8?q?Jos=C3=A9_M=C3=BCller?= <jose@example.com>"


# --- finding drafts ------------------------------------------------------------------------


def test_find_draft_ignores_surrounding_whitespace(box: MaildirMailbox) -> None:
    ref = box.create_draft(make_message(message_id="<spaced@example.com>"))
    assert box.find_draft("  <spaced@example.com>\n") == ref


def test_find_draft_is_case_sensitive(box: MaildirMailbox) -> None:
    box.create_draft(make_message(message_id="<MixedCase@example.com>"))
    assert box.find_draft("<mixedcase@example.com>") is None


def test_find_draft_reads_headers_not_the_body(box: MaildirMailbox, drafts: Path) -> None:
    body = "Quoted below:\nMessage-ID: <in-body@example.com>\n"
    box.create_draft(make_message(body=body, message_id="<in-header@example.com>"))
    assert box.find_draft("<in-body@example.com>") is None


def test_find_draft_without_drafts_folder_returns_none(box: MaildirMailbox, drafts: Path) -> None:
    assert box.find_draft("<any@example.com>") is None
    assert not drafts.exists()


def test_find_draft_after_deletion_returns_none(box: MaildirMailbox, drafts: Path) -> None:
    ref = box.create_draft(make_message(message_id="<gone@example.com>"))
    (drafts / "cur" / f"{ref}:2,D").unlink()
    assert box.find_draft("<gone@example.com>") is None


def test_find_draft_skips_trashed_drafts(box: MaildirMailbox, drafts: Path) -> None:
    ref = box.create_draft(make_message(message_id="<trashed@example.com>"))
    (drafts / "cur" / f"{ref}:2,D").rename(drafts / "cur" / f"{ref}:2,DT")
    assert box.find_draft("<trashed@example.com>") is None


def test_empty_message_id_matches_nothing(box: MaildirMailbox, drafts: Path) -> None:
    (drafts / "cur").mkdir(parents=True)
    (drafts / "new").mkdir()
    (drafts / "cur" / "1700000000.M5P5.client:2,D").write_bytes(b"Subject: no id\n\nbody\n")
    assert box.find_draft("  ") is None


def test_sent_message_without_id_does_not_match_an_empty_id(
    box: MaildirMailbox, drafts: Path, sent: Path
) -> None:
    ref = box.create_draft(make_message())
    draft = CreatedDraft(ref, "", "someone-else@example.com", "Another subject")
    _write_sent(sent, "noid.client", b"Subject: unrelated\nTo: x@example.com\n\nbody\n")
    (drafts / "cur" / f"{ref}:2,D").unlink()
    assert box.draft_state(draft) is DraftState.DELETED


def test_dot_files_in_cur_are_ignored(box: MaildirMailbox, drafts: Path) -> None:
    ref = box.create_draft(make_message(message_id="<real@example.com>"))
    (drafts / "cur" / ".uidvalidity").write_bytes(b"Message-ID: <real@example.com>\n\n")
    assert box.find_draft("<real@example.com>") == ref


# --- clients renaming files ----------------------------------------------------------------


@pytest.mark.parametrize(
    "new_name",
    [
        "cur/{ref}:2,DS",  # mutt/neomutt mark it seen
        "cur/{ref}:2,DFS",  # flagged too
        "cur/{ref},U=17:2,DS",  # mbsync/offlineimap add the IMAP UID
        "new/{ref}",  # a client moved it back to new/ without info
    ],
)
def test_renamed_draft_still_resolves(box: MaildirMailbox, drafts: Path, new_name: str) -> None:
    draft = _created(box, make_message(message_id="<renamed@example.com>"))
    target = drafts / new_name.format(ref=draft.ref)
    (drafts / "cur" / f"{draft.ref}:2,D").rename(target)
    assert box.find_draft("<renamed@example.com>") == draft.ref
    assert box.draft_state(draft) is DraftState.PENDING
    assert box.draft_link(draft.ref) == str(target)


def test_draft_link_is_the_absolute_file_path(box: MaildirMailbox, drafts: Path) -> None:
    ref = box.create_draft(make_message())
    link = box.draft_link(ref)
    assert Path(link).is_absolute()
    assert link == str(drafts / "cur" / f"{ref}:2,D")


def test_draft_link_of_a_gone_draft_is_the_drafts_folder(box: MaildirMailbox, drafts: Path) -> None:
    ref = box.create_draft(make_message())
    (drafts / "cur" / f"{ref}:2,D").unlink()
    assert box.draft_link(ref) == str(drafts)


def test_draft_link_when_folder_vanished_is_the_drafts_folder(
    box: MaildirMailbox, drafts: Path
) -> None:
    assert box.draft_link("1700000000.M1P2Q3Rabc.host") == str(drafts)


# --- draft state ---------------------------------------------------------------------------


def test_trashed_draft_counts_as_deleted(box: MaildirMailbox, drafts: Path) -> None:
    draft = _created(box, make_message())
    (drafts / "cur" / f"{draft.ref}:2,D").rename(drafts / "cur" / f"{draft.ref}:2,DST")
    assert box.draft_state(draft) is DraftState.DELETED


def test_sent_with_replaced_message_id_counts_as_sent(
    box: MaildirMailbox, drafts: Path, sent: Path
) -> None:
    draft = _created(box, make_message(message_id="<original@example.com>"))
    draft_path = drafts / "cur" / f"{draft.ref}:2,D"
    resent = make_message(message_id="<fresh-from-mutt@example.com>")
    _write_sent(sent, "1700000000.M1P1.client", resent.as_bytes())
    draft_path.unlink()
    assert box.draft_state(draft) is DraftState.SENT


def test_sent_match_normalises_case_and_whitespace(
    box: MaildirMailbox, drafts: Path, sent: Path
) -> None:
    draft = _created(box, make_message())
    resent = make_message(message_id="<other@example.com>")
    del resent["To"], resent["Subject"]
    resent["To"] = "JOSE@EXAMPLE.COM"
    resent["Subject"] = SUBJECT.replace(" ", "   ")
    _write_sent(sent, "1700000000.M2P2.client", resent.as_bytes())
    (drafts / "cur" / f"{draft.ref}:2,D").unlink()
    assert box.draft_state(draft) is DraftState.SENT


def test_sent_match_accepts_display_form_of_draft_to(
    box: MaildirMailbox, drafts: Path, sent: Path
) -> None:
    message = make_message()
    ref = box.create_draft(message)
    draft = CreatedDraft(ref, "<not-in-sent@example.com>", str(message["To"]), SUBJECT)
    _write_sent(sent, "1700000000.M3P3.client", make_message().as_bytes())
    (drafts / "cur" / f"{ref}:2,D").unlink()
    assert box.draft_state(draft) is DraftState.SENT


def test_sent_with_other_subject_or_recipient_is_not_a_match(
    box: MaildirMailbox, drafts: Path, sent: Path
) -> None:
    draft = _created(box, make_message(to=JOSE))
    _write_sent(
        sent, "a.client", make_message(to=JOSE, subject="Thank you — Other Role").as_bytes()
    )
    _write_sent(sent, "b.client", make_message(to=ANNA).as_bytes())
    (drafts / "cur" / f"{draft.ref}:2,D").unlink()
    assert box.draft_state(draft) is DraftState.DELETED


def test_sent_copy_in_new_counts_as_sent(box: MaildirMailbox, drafts: Path, sent: Path) -> None:
    message = make_message(message_id="<kept-id@example.com>")
    draft = _created(box, message)
    for sub in ("tmp", "new", "cur"):
        (sent / sub).mkdir(parents=True)
    (sent / "new" / "1700000000.M4P4.client").write_bytes(message.as_bytes())
    (drafts / "cur" / f"{draft.ref}:2,D").unlink()
    assert box.draft_state(draft) is DraftState.SENT


def test_missing_sent_folder_is_treated_as_empty(
    box: MaildirMailbox, drafts: Path, sent: Path
) -> None:
    draft = _created(box, make_message())
    (drafts / "cur" / f"{draft.ref}:2,D").unlink()
    assert not sent.exists()
    assert box.draft_state(draft) is DraftState.DELETED


def test_without_sent_folder_a_gone_draft_is_deleted(drafts: Path) -> None:
    box = MaildirMailbox(drafts)
    draft = _created(box, make_message())
    (drafts / "cur" / f"{draft.ref}:2,D").unlink()
    assert box.draft_state(draft) is DraftState.DELETED


def test_draft_still_in_drafts_is_pending_even_if_a_copy_was_sent(
    box: MaildirMailbox, sent: Path
) -> None:
    message = make_message()
    draft = _created(box, message)
    _write_sent(sent, "copy.client", message.as_bytes())
    assert box.draft_state(draft) is DraftState.PENDING


def test_vanished_drafts_folder_raises(box: MaildirMailbox, drafts: Path) -> None:
    draft = _created(box, make_message())
    for path in (drafts / "cur").iterdir():
        path.unlink()
    for sub in ("cur", "new", "tmp"):
        (drafts / sub).rmdir()
    drafts.rmdir()
    with pytest.raises(ConnectorError, match="Drafts folder") as info:
        box.draft_state(draft)
    assert "\n" not in str(info.value)


# --- write failures ------------------------------------------------------------------------


def _fail_with(code: int) -> Callable[..., None]:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    return fail


def test_rename_failure_raises_connector_error_and_cleans_tmp(
    box: MaildirMailbox, drafts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    box.create_draft(make_message())  # create the folders first
    monkeypatch.setattr(os, "replace", _fail_with(errno.EROFS))
    with pytest.raises(ConnectorError, match="cannot write a draft") as info:
        box.create_draft(make_message())
    assert "\n" not in str(info.value)
    assert "EROFS" in str(info.value)
    assert list((drafts / "tmp").iterdir()) == []
    assert len(list((drafts / "cur").iterdir())) == 1


def test_disk_full_raises_connector_error_and_cleans_tmp(
    box: MaildirMailbox, drafts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    box.create_draft(make_message())
    monkeypatch.setattr(os, "fsync", _fail_with(errno.ENOSPC))
    with pytest.raises(ConnectorError, match="ENOSPC"):
        box.create_draft(make_message())
    assert list((drafts / "tmp").iterdir()) == []


def _permissions_enforced(folder: Path) -> bool:
    """False when running as root (or with CAP_DAC_OVERRIDE), which ignores modes."""
    probe = folder / "probe"
    try:
        probe.touch()
    except PermissionError:
        return True
    probe.unlink()
    return False


def test_read_only_drafts_folder_raises_connector_error(drafts: Path) -> None:
    for sub in ("cur", "new", "tmp"):
        (drafts / sub).mkdir(parents=True)
    for sub in ("cur", "tmp"):
        (drafts / sub).chmod(0o500)
    try:
        if not _permissions_enforced(drafts / "tmp"):
            pytest.skip("permissions are not enforced for this user (root?)")
        with pytest.raises(ConnectorError, match="cannot write a draft"):
            MaildirMailbox(drafts).create_draft(make_message())
        assert list((drafts / "cur").iterdir()) == []
    finally:
        for sub in ("cur", "tmp"):
            (drafts / sub).chmod(0o700)


def test_unwritable_parent_raises_connector_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Path, mode: int = 0o777, *args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(ConnectorError, match="EACCES"):
        MaildirMailbox(tmp_path / "Drafts").create_draft(make_message())


def test_a_draft_the_client_saved_again_under_a_new_name_is_still_pending(tmp_path: Path) -> None:
    box = MaildirMailbox(tmp_path / "Drafts", tmp_path / "Sent")
    message = make_message()
    ref = box.create_draft(message)
    [old] = (tmp_path / "Drafts" / "cur").iterdir()
    edited = BytesParser(policy=email.policy.default).parsebytes(old.read_bytes())
    del edited["Message-ID"]
    edited["Message-ID"] = "<fresh-id-from-the-client@example.com>"
    (tmp_path / "Drafts" / "cur" / "1800000000.edited.host:2,D").write_bytes(edited.as_bytes())
    old.unlink()
    draft = CreatedDraft(
        ref, str(message["Message-ID"]), "jose@example.com", str(message["Subject"])
    )
    assert box.draft_state(draft) is DraftState.PENDING


# --- the sent note -------------------------------------------------------------------------


def _sent_note_of(box: MaildirMailbox, drafts: Path, sent: Path, copies: list[bytes]) -> SentNote:
    draft = _created(box, make_message(message_id="<the-draft@example.com>"))
    for number, data in enumerate(copies):
        _write_sent(sent, f"170000000{number}.M1P1.client", data)
    (drafts / "cur" / f"{draft.ref}:2,D").unlink()
    assert box.draft_state(draft) is DraftState.SENT
    note = box.sent_note(draft)
    assert note is not None
    return note


def test_sent_note_has_no_thread_id(box: MaildirMailbox, drafts: Path, sent: Path) -> None:
    note = _sent_note_of(
        box, drafts, sent, [make_message(message_id="<the-draft@example.com>").as_bytes()]
    )
    assert note == SentNote("<the-draft@example.com>", "", SUBJECT)


def test_sent_note_follows_a_message_id_the_client_replaced(
    box: MaildirMailbox, drafts: Path, sent: Path
) -> None:
    note = _sent_note_of(
        box, drafts, sent, [make_message(message_id="<from-mutt@example.com>").as_bytes()]
    )
    assert note.message_id == "<from-mutt@example.com>"


def test_sent_note_prefers_the_copy_with_the_drafts_own_message_id(
    box: MaildirMailbox, drafts: Path, sent: Path
) -> None:
    copies = [
        make_message(message_id="<the-draft@example.com>").as_bytes(),
        make_message(message_id="<an-older-interview@example.com>").as_bytes(),
    ]
    assert _sent_note_of(box, drafts, sent, copies).message_id == "<the-draft@example.com>"


def test_sent_note_takes_the_newest_of_several_same_subject_copies(
    box: MaildirMailbox, drafts: Path, sent: Path
) -> None:
    # Last year's interview at the same company had the same To and Subject.
    newer, older = make_message(message_id="<newer@x>"), make_message(message_id="<older@x>")
    newer["Date"] = "Tue, 03 Mar 2026 10:00:00 +0100"
    older["Date"] = "Mon, 03 Mar 2025 10:00:00 +0100"
    note = _sent_note_of(box, drafts, sent, [newer.as_bytes(), older.as_bytes()])
    assert note.message_id == "<newer@x>"


def test_sent_note_without_a_sent_folder_is_none(drafts: Path) -> None:
    box = MaildirMailbox(drafts)
    draft = _created(box, make_message())
    assert box.sent_note(draft) is None


def test_a_check_in_draft_is_an_ordinary_draft_with_its_headers(
    box: MaildirMailbox, drafts: Path
) -> None:
    note = SentNote("<note@example.com>")
    ref = box.create_draft(make_check_in(note), reply_to=note)
    path = _only_file(drafts / "cur")
    assert path.name == f"{ref}:2,D"
    head = path.read_bytes().split(b"\n\n", 1)[0].split(b"\n")
    assert b"In-Reply-To: <note@example.com>" in head
    assert b"References: <note@example.com>" in head


# --- answers in the inbox ------------------------------------------------------------------

NOTE = SentNote("<note-42@example.com>")


def test_without_an_inbox_there_is_never_a_reply(drafts: Path, sent: Path, inbox: Path) -> None:
    _deliver(inbox, _reply(JOSE.addr_spec, in_reply_to=NOTE.message_id))
    assert MaildirMailbox(drafts, sent).has_reply(NOTE, JOSE.addr_spec) is False


def test_a_missing_inbox_folder_holds_no_reply(box: MaildirMailbox, inbox: Path) -> None:
    assert box.has_reply(NOTE, JOSE.addr_spec) is False
    assert not inbox.exists()


@pytest.mark.parametrize("sub", ["new", "cur"])
def test_a_reply_is_found_unread_or_read(box: MaildirMailbox, inbox: Path, sub: str) -> None:
    _deliver(inbox, _reply(JOSE.addr_spec, in_reply_to=NOTE.message_id), sub)
    assert box.has_reply(NOTE, JOSE.addr_spec) is True


def test_a_reply_named_only_in_references_counts(box: MaildirMailbox, inbox: Path) -> None:
    chain = f"<earlier@example.com> {NOTE.message_id} <later@example.com>"
    _deliver(inbox, _reply(JOSE.addr_spec, in_reply_to="<later@example.com>", references=chain))
    assert box.has_reply(NOTE, JOSE.addr_spec) is True


def test_a_message_from_the_interviewer_about_something_else_is_no_reply(
    box: MaildirMailbox, inbox: Path
) -> None:
    _deliver(inbox, _reply(JOSE.addr_spec))
    _deliver(inbox, _reply(JOSE.addr_spec, in_reply_to="<note-4@example.com>"))
    assert box.has_reply(NOTE, JOSE.addr_spec) is False


def test_only_headers_are_read_for_replies(box: MaildirMailbox, inbox: Path) -> None:
    quoted = f"Quoted:\nIn-Reply-To: {NOTE.message_id}\n"
    _deliver(inbox, _reply(JOSE.addr_spec, body=quoted))
    assert box.has_reply(NOTE, JOSE.addr_spec) is False


def test_a_bcc_copy_of_your_own_follow_up_is_no_reply(
    box: MaildirMailbox, drafts: Path, sent: Path, inbox: Path
) -> None:
    message = make_message(message_id=NOTE.message_id)
    message.replace_header("From", "Kim Candidate <kim@jobs.example.com>")
    _write_sent(sent, "mine.client", message.as_bytes())
    _deliver(inbox, _reply("KIM@jobs.example.com", in_reply_to=NOTE.message_id))
    assert box.has_reply(NOTE, "hr@jobs.example.com") is False
    _deliver(inbox, _reply("hr@jobs.example.com", in_reply_to=NOTE.message_id))
    assert box.has_reply(NOTE, "hr@jobs.example.com") is True


# --- reminders into the inbox --------------------------------------------------------------


def test_a_reminder_needs_an_inbox_folder(drafts: Path, sent: Path, tmp_path: Path) -> None:
    with pytest.raises(ConnectorError, match=r"set \[drafts\] inbox_path") as info:
        MaildirMailbox(drafts, sent).send_to_self(make_reminder("kim@example.com"))
    assert "\n" not in str(info.value)
    assert not drafts.exists() and not sent.exists()


def test_a_reminder_lands_in_new_unread_and_private(box: MaildirMailbox, inbox: Path) -> None:
    assert box.send_to_self(make_reminder("kim@example.com"), "ignored-thread") == ""
    path = _only_file(inbox / "new")
    assert ":" not in path.name  # no info suffix: unread, not yet seen by any client
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list((inbox / "cur").iterdir()) == []
    assert list((inbox / "tmp").iterdir()) == []
    for folder in (inbox, inbox / "new", inbox / "cur", inbox / "tmp"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    folder = stdlib_mailbox.Maildir(inbox, create=False)
    [message] = folder.values()
    assert message.get_subdir() == "new"
    assert message.get_flags() == ""


def test_a_reminder_touches_neither_drafts_nor_sent(
    box: MaildirMailbox, drafts: Path, sent: Path
) -> None:
    box.send_to_self(make_reminder("kim@example.com"))
    assert not drafts.exists()
    assert not sent.exists()


def test_a_reminder_that_cannot_be_written_is_a_connector_error(
    box: MaildirMailbox, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "fsync", _fail_with(errno.ENOSPC))
    with pytest.raises(ConnectorError, match=r"cannot deliver a reminder.*ENOSPC"):
        box.send_to_self(make_reminder("kim@example.com"))
    assert list((inbox / "tmp").iterdir()) == []
    assert list((inbox / "new").iterdir()) == []


def test_a_copy_sent_before_the_draft_existed_is_not_its_sent_copy(
    box: MaildirMailbox, drafts: Path, sent: Path
) -> None:
    # Last week's note to the same person, same subject: sent before this draft was tried.
    earlier = make_message(message_id="<last-week@client.example>")
    earlier["Date"] = "Mon, 23 Nov 2026 10:00:00 +0100"
    _write_sent(sent, "1790000000.M1P1.client", earlier.as_bytes())
    to, subject = JOSE.addr_spec, SUBJECT
    tried = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    lost = "<never-stored@example.com>"
    assert box.find_draft(lost, to=to, subject=subject) == SENT_REF
    assert box.find_draft(lost, to=to, subject=subject, since=tried) is None
    # This week's draft, deleted by the user, is not taken for last week's sent note.
    mine = _created(box, make_message(message_id="<this-week@example.com>"))
    (drafts / "cur" / f"{mine.ref}:2,D").unlink()
    assert box.draft_state(mine) is DraftState.SENT  # without knowing when it was made
    dated = CreatedDraft(mine.ref, mine.message_id, to, subject, since=tried)
    assert box.draft_state(dated) is DraftState.DELETED


# --- reading a draft as the user left it ---------------------------------------------------

HAND_SAVED = "1800000000.M1P1.client"


def _saved_by_hand(drafts: Path, data: bytes, flags: str = "D") -> str:
    """A draft a mail client wrote (any encoding it likes); its key."""
    for sub in ("tmp", "new", "cur"):
        (drafts / sub).mkdir(parents=True, exist_ok=True)
    (drafts / "cur" / f"{HAND_SAVED}:2,{flags}").write_bytes(data)
    return HAND_SAVED


def _headers(content_type: str, encoding: str, subject: str = "Thank you") -> bytes:
    return (
        f"From: kim@example.com\nTo: jose@example.com\nSubject: {subject}\n"
        f"Message-ID: <hand@example.com>\nMIME-Version: 1.0\n"
        f"Content-Type: {content_type}\nContent-Transfer-Encoding: {encoding}\n\n"
    ).encode("ascii")


GREETING = "Grüße, José — bis bald!\n"


@pytest.mark.parametrize(
    ("content_type", "encoding", "body"),
    [
        (
            "text/plain; charset=utf-8",
            "quoted-printable",
            b"Gr=C3=BC=C3=9Fe, Jos=C3=A9 =E2=80=94 bis=\n bald!\n",  # with a soft line break
        ),
        ("text/plain; charset=utf-8", "base64", b"R3LDvMOfZSwgSm9zw6kg4oCUIGJpcyBiYWxkIQo=\n"),
        ("text/plain; charset=windows-1252", "8bit", GREETING.encode("windows-1252")),
        (
            "text/plain; charset=iso-8859-1",
            "quoted-printable",
            b"Gr=FC=DFe, Jos=E9 =96 bis bald!\n",
        ),
    ],
    ids=["quoted-printable", "base64", "windows-1252", "latin-1"],
)
def test_a_drafts_body_is_decoded_whatever_its_encoding(
    box: MaildirMailbox, drafts: Path, content_type: str, encoding: str, body: bytes
) -> None:
    ref = _saved_by_hand(drafts, _headers(content_type, encoding) + body)
    stored = box.read_draft(ref)
    assert stored is not None and stored.text is not None
    # Latin-1 has no dash: its 0x96 is a C1 control character, shown as it is.
    assert stored.text.body == GREETING.replace("—", "\x96" if "8859" in content_type else "—")
    assert stored.text.subject == "Thank you"
    assert stored.version == box.draft_version(ref)


def test_an_encoded_subject_is_decoded(box: MaildirMailbox, drafts: Path) -> None:
    subject = "=?utf-8?q?Danke_f=C3=BCr_das_Gespr=C3=A4ch?="
    ref = _saved_by_hand(drafts, _headers("text/plain", "7bit", subject) + b"Hallo\n")
    stored = box.read_draft(ref)
    assert stored is not None and stored.text is not None
    assert stored.text.subject == "Danke für das Gespräch"


def test_a_multipart_draft_gives_its_plain_text_and_attachment_names(
    box: MaildirMailbox, drafts: Path
) -> None:
    # As Thunderbird saves it: text and HTML alternatives, then the attached files.
    message = make_message(body="Hi José,\n\nmy write-up is attached.\n")
    message.add_alternative("<p>Hi José,</p><p>my write-up is attached.</p>", subtype="html")
    message.add_attachment(
        b"%PDF-1.4", maintype="application", subtype="pdf", filename="write-up.pdf"
    )
    message.add_attachment(b"\x89PNG", maintype="image", subtype="png", filename="diagram.png")
    ref = box.create_draft(message)
    stored = box.read_draft(ref)
    assert stored is not None and stored.text is not None
    assert stored.text.body == "Hi José,\n\nmy write-up is attached.\n"
    assert stored.text.attachments == ("write-up.pdf", "diagram.png")


def test_a_draft_without_plain_text_has_a_version_but_no_words(
    box: MaildirMailbox, drafts: Path
) -> None:
    ref = _saved_by_hand(drafts, _headers("text/html; charset=utf-8", "7bit") + b"<p>Hi</p>\n")
    stored = box.read_draft(ref)
    assert stored is not None
    assert stored.text is None
    assert stored.version == box.draft_version(ref)


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("text/plain; charset=x-no-such-charset", b"Hallo Jos\xc3\xa9\n", "Hallo José\n"),
        ("text/plain; charset=utf-8", b"Hallo Jos\xe9\n", "Hallo Jos\ufffd\n"),
    ],
    ids=["unknown-charset", "bytes-not-in-the-charset"],
)
def test_a_body_that_cannot_be_decoded_is_read_with_replacements(
    box: MaildirMailbox, drafts: Path, content_type: str, body: bytes, expected: str
) -> None:
    ref = _saved_by_hand(drafts, _headers(content_type, "8bit") + body)
    stored = box.read_draft(ref)
    assert stored is not None and stored.text is not None
    assert stored.text.body == expected


def test_a_trashed_draft_reads_as_none_and_cannot_be_replaced(
    box: MaildirMailbox, drafts: Path
) -> None:
    ref = _saved_by_hand(drafts, make_message().as_bytes(), flags="DT")
    assert box.read_draft(ref) is None
    with pytest.raises(ConnectorError, match="no longer in"):
        box.replace_draft(ref, make_message())


def test_a_huge_draft_is_read_in_part_and_keeps_its_version(
    box: MaildirMailbox, drafts: Path
) -> None:
    message = make_message(body="Hi José,\n\nthe recording is attached.\n")
    big = MAX_DRAFT_BYTES + 1024 * 1024
    message.add_attachment(b"\0" * big, maintype="video", subtype="mp4", filename="demo.mp4")
    ref = box.create_draft(message)
    data = Path(box.draft_link(ref)).read_bytes()
    assert len(data) > MAX_DRAFT_BYTES
    stored = box.read_draft(ref)
    assert stored is not None and stored.text is not None
    assert stored.version == hashlib.sha256(data).hexdigest() == box.draft_version(ref)
    assert stored.text.body == "Hi José,\n\nthe recording is attached.\n"
    assert stored.text.attachments == ("demo.mp4",)


# --- replacing an untouched draft ----------------------------------------------------------


def test_replace_keeps_the_file_name_and_the_flags_a_client_set(
    box: MaildirMailbox, drafts: Path
) -> None:
    message = make_message()
    ref = box.create_draft(message)
    seen = drafts / "cur" / f"{ref}:2,DS"
    Path(box.draft_link(ref)).rename(seen)  # the client showed it: Seen
    new = make_message(body="Neu.\n", message_id=str(message["Message-ID"]))
    assert box.replace_draft(ref, new) == ref
    assert _only_file(drafts / "cur") == seen
    assert seen.read_bytes() == new.as_bytes(policy=email.policy.default.clone(linesep="\n"))
    assert stat.S_IMODE(seen.stat().st_mode) == 0o600
    assert list((drafts / "tmp").iterdir()) == []


def test_a_replace_that_cannot_be_written_leaves_the_draft_as_it_was(
    box: MaildirMailbox, drafts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = box.create_draft(make_message())
    before = Path(box.draft_link(ref)).read_bytes()
    monkeypatch.setattr(os, "fsync", _fail_with(errno.ENOSPC))
    with pytest.raises(ConnectorError, match=r"cannot replace the draft.*ENOSPC"):
        box.replace_draft(ref, make_message(body="Neu.\n"))
    assert Path(box.draft_link(ref)).read_bytes() == before
    assert list((drafts / "tmp").iterdir()) == []


def test_a_client_renaming_the_draft_during_a_replace_leaves_one_draft(
    box: MaildirMailbox, drafts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = box.create_draft(make_message())
    path = Path(box.draft_link(ref))
    before = path.read_bytes()
    renamed = path.with_name(f"{ref}:2,DS")

    def client_renames_first(temporary: Path, final: Path, data: bytes) -> None:
        path.rename(renamed)  # just after the draft was located
        write_atomically(temporary, final, data)

    monkeypatch.setattr(maildir_module, "write_atomically", client_renames_first)
    with pytest.raises(ConnectorError, match="renamed by a mail client"):
        box.replace_draft(ref, make_message(body="Neu.\n"))
    assert _only_file(drafts / "cur") == renamed
    assert renamed.read_bytes() == before
    assert list((drafts / "tmp").iterdir()) == []


# --- a large folder: listed once while it is unchanged, each file read once ---------------


def _settle(maildir: Path, *files: Path) -> None:
    """Date new/ and cur/ (and `files`) an hour back, as a folder nobody touched lately."""
    past = time.time() - 3600
    for path in (maildir / "new", maildir / "cur", *files):
        os.utime(path, (past, past))


def test_a_settled_folder_follows_a_client_renaming_moving_and_deleting_the_draft(
    box: MaildirMailbox, drafts: Path
) -> None:
    draft = _created(box, make_message())
    _settle(drafts)
    assert box.draft_state(draft) is DraftState.PENDING  # the folder is listed and kept
    seen = drafts / "cur" / f"{draft.ref}:2,DS"
    Path(box.draft_link(draft.ref)).rename(seen)
    assert box.draft_link(draft.ref) == str(seen)
    _settle(drafts)
    moved = drafts / "new" / draft.ref
    seen.rename(moved)
    assert box.draft_state(draft) is DraftState.PENDING
    assert box.draft_link(draft.ref) == str(moved)
    moved.unlink()
    assert box.draft_state(draft) is DraftState.DELETED


def test_a_rename_the_folder_times_do_not_show_is_followed_all_the_same(
    box: MaildirMailbox, drafts: Path
) -> None:
    draft = _created(box, make_message())
    _settle(drafts)
    before = (drafts / "cur").stat()
    later = MaildirMailbox(drafts)  # the next run: it lists the folder, and keeps the listing
    assert later.read_draft(draft.ref) is not None
    renamed = drafts / "cur" / f"{draft.ref}:2,DFS"
    Path(later.draft_link(draft.ref)).rename(renamed)
    # A file system keeping times in whole seconds can leave the folder's time as it was.
    os.utime(drafts / "cur", ns=(before.st_atime_ns, before.st_mtime_ns))
    assert later.draft_link(draft.ref) == str(renamed)
    assert later.draft_state(draft) is DraftState.PENDING


def test_a_draft_is_read_again_once_its_file_changed(box: MaildirMailbox, drafts: Path) -> None:
    message = make_message(body="Erste Fassung.\n")
    ref = box.create_draft(message)
    path = Path(box.draft_link(ref))
    _settle(drafts, path)
    first = box.read_draft(ref)
    assert first is not None and first.text is not None
    assert first.text.body == "Erste Fassung.\n"
    # A tool that writes the file in place, against the Maildir rules.
    path.write_bytes(make_message(body="An Ort und Stelle geändert.\n").as_bytes())
    edited = box.read_draft(ref)
    assert edited is not None and edited.text is not None and edited.version != first.version
    assert edited.text.body == "An Ort und Stelle geändert.\n"
    box.replace_draft(ref, make_message(body="Neu geschrieben.\n"))
    rewritten = box.read_draft(ref)
    assert rewritten is not None and rewritten.text is not None
    assert rewritten.text.body == "Neu geschrieben.\n"
    assert box.draft_version(ref) == rewritten.version


def test_mail_arriving_in_settled_folders_is_seen(
    box: MaildirMailbox, drafts: Path, sent: Path, inbox: Path
) -> None:
    draft = _created(box, make_message())
    _deliver(inbox, _reply(JOSE.addr_spec, in_reply_to="<another-note@example.com>"))
    _write_sent(sent, "earlier.client", make_message(subject="Something else").as_bytes())
    _settle(inbox)
    _settle(sent)
    assert box.has_reply(NOTE, JOSE.addr_spec) is False
    assert box.sent_note(draft) is None
    _deliver(inbox, _reply(JOSE.addr_spec, in_reply_to=NOTE.message_id))
    assert box.has_reply(NOTE, JOSE.addr_spec) is True
    path = Path(box.draft_link(draft.ref))
    _write_sent(sent, f"sent-{draft.ref}", path.read_bytes())
    path.unlink()
    assert box.draft_state(draft) is DraftState.SENT
    note = box.sent_note(draft)
    assert note is not None and note.message_id == draft.message_id


def test_mail_arriving_within_the_time_step_of_the_last_change_is_seen(
    box: MaildirMailbox, inbox: Path
) -> None:
    _deliver(inbox, _reply(JOSE.addr_spec, in_reply_to="<another-note@example.com>"))
    assert box.has_reply(NOTE, JOSE.addr_spec) is False  # listed just after a change
    before = (inbox / "new").stat()
    _deliver(inbox, _reply(JOSE.addr_spec, in_reply_to=NOTE.message_id))
    # On a file system keeping times in whole seconds, new/ keeps the time it had.
    os.utime(inbox / "new", ns=(before.st_atime_ns, before.st_mtime_ns))
    assert box.has_reply(NOTE, JOSE.addr_spec) is True


# --- what killed runs leave in tmp/ -------------------------------------------------------

# A name as `_new_key` gives them: the daemon's own.
OWN = "1796000000.M123456P4242Q{n}R0123456789abcdef.host"


def _left_in(folder: Path, name: str, hours_ago: float) -> Path:
    """A half-written file a run killed `hours_ago` left behind."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"Subject: half of a dra")
    past = time.time() - hours_ago * 3600
    os.utime(path, (past, past))
    return path


def test_the_first_write_of_a_cycle_removes_what_killed_runs_left_in_tmp(
    box: MaildirMailbox, drafts: Path, caplog: pytest.LogCaptureFixture
) -> None:
    stale = _left_in(drafts / "tmp", OWN.format(n=1), hours_ago=37)
    young = _left_in(drafts / "tmp", OWN.format(n=2), hours_ago=35)
    foreign = _left_in(drafts / "tmp", "1796000000.12345_1.otherclient", hours_ago=37)
    in_new = _left_in(drafts / "new", OWN.format(n=3), hours_ago=37)
    in_cur = _left_in(drafts / "cur", OWN.format(n=4) + ":2,D", hours_ago=37)
    caplog.set_level(logging.INFO, logger="connectors.maildir")
    box.check_ready()
    box.create_draft(make_message())
    assert not stale.exists()
    assert young.exists() and foreign.exists() and in_new.exists() and in_cur.exists()
    assert f"removed 1 file(s) interrupted runs left in {drafts / 'tmp'}" in caplog.messages


def test_tmp_is_cleaned_once_a_cycle_and_never_by_reading(
    box: MaildirMailbox, drafts: Path
) -> None:
    first = _left_in(drafts / "tmp", OWN.format(n=1), hours_ago=40)
    draft = _created(box, make_message())
    assert not first.exists()
    second = _left_in(drafts / "tmp", OWN.format(n=2), hours_ago=40)
    box.create_draft(make_message())  # the same cycle: its tmp/ was cleaned already
    assert second.exists()
    box.check_ready()  # the next cycle, which only reads (a dry run, say)
    assert box.draft_state(draft) is DraftState.PENDING
    assert box.read_draft(draft.ref) is not None and box.find_draft("<x@example.com>") is None
    box.draft_link(draft.ref)
    assert second.exists()
    box.replace_draft(draft.ref, make_message(body="Neu.\n"))  # its first write
    assert not second.exists()


def test_a_reminder_cleans_the_inbox_tmp(box: MaildirMailbox, inbox: Path) -> None:
    stale = _left_in(inbox / "tmp", OWN.format(n=1), hours_ago=40)
    box.send_to_self(make_reminder("kim@example.com"))
    assert not stale.exists()
