"""Keeping waiting drafts right: proofread as they stand, rewritten when the notes change.

Pure. `plan_revisions(now, seen, drafting)` looks at every draft still
waiting to be sent, as the mailbox shows it this cycle, and returns:

- `UpdateDraft` when the note composed from the interview's notes now differs
  from the one in the mailbox (a debrief or a new line in the invite) and the
  user has not touched the draft; a draft the user edited is never rewritten,
  its problems say instead that the new notes were not applied;
- `Recheck` when proofreading the draft as it stands finds other problems
  than the ledger holds: a placeholder the user filled goes away, a
  misspelling they typed appears. Where the mailbox cannot show a draft's
  text, the problems stay those of the note as composed, marked as such once
  the user has edited it.

A check-in is proofread for placeholders only, as when it was composed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from daemon.core.actions import Recheck, UpdateDraft
from daemon.core.compose import Note, Writer, compose_note
from daemon.core.message import note_to
from daemon.core.model import (
    Checked,
    DraftKey,
    DraftRecord,
    DraftStatus,
    Interview,
    InterviewId,
    Purpose,
    Recipient,
    key_for,
)
from daemon.core.proofread import expected_for, expected_of, placeholders, proofread
from daemon.core.protocols import DraftText, StoredDraft

NOT_APPLIED = (
    "notes added since the draft was written were not applied, because you edited it: "
    "`followup preview` shows the note with them"
)


def note_digest(note: Note) -> str:
    """A digest of a composed note: equal digests, equal notes."""
    parts = [note.subject, note.body, *(a.filename for a in note.attachments)]
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Waiting:
    """A draft waiting to be sent, as the mailbox shows it, with the note its interview's
    notes make now (None for a check-in, or when the calendar no longer has the interview)."""

    record: DraftRecord
    stored: StoredDraft
    interview: Interview | None
    note: Note | None

    @property
    def untouched(self) -> bool:
        """The draft is as the daemon wrote it; an interrupted replacement counts as the
        daemon's own writing, never as the user's edit."""
        return self.stored.version == self.record.version or self.record.updating

    @property
    def known(self) -> bool:
        """The draft's problems are already known for it as it stands: it is as composed,
        or it was proofread at this very version (no need to read it again)."""
        record = self.record
        if self.untouched and record.checked is Checked.COMPOSED:
            return True
        return bool(record.checked_version) and record.checked_version == self.stored.version

    @property
    def digest(self) -> str:
        """The digest of the note as it would be composed now; "" without one."""
        return note_digest(self.note) if self.note is not None else ""

    @property
    def notes_changed(self) -> bool:
        """The note comes out differently from the one written (whose digest is known)."""
        return bool(self.record.composed and self.digest) and self.digest != self.record.composed


def plan_revisions(
    now: datetime,
    records: Mapping[DraftKey, DraftRecord],
    stored: Mapping[DraftKey, StoredDraft],
    interviews: Sequence[Interview],
    writer: Writer,
) -> list[UpdateDraft | Recheck]:
    """Rewrite untouched drafts whose notes changed; re-proofread every waiting draft."""
    actions: list[UpdateDraft | Recheck] = []
    by_interview = _by_interview(records.values())
    for waiting in _waiting(records, stored, interviews, writer):
        if waiting.notes_changed and waiting.untouched:
            actions.append(_update(now, waiting, writer))
            continue
        recheck = _recheck(waiting, _others(waiting.record, by_interview), writer)
        if recheck is not None:
            actions.append(recheck)
    return actions


def _waiting(
    records: Mapping[DraftKey, DraftRecord],
    stored: Mapping[DraftKey, StoredDraft],
    interviews: Sequence[Interview],
    writer: Writer,
) -> Iterable[Waiting]:
    by_key = {
        key_for(interview.event, recipient.email): (interview, recipient)
        for interview in interviews
        for recipient in interview.recipients
    }
    for key, record in sorted(records.items()):
        if record.status is not DraftStatus.DRAFTED or key not in stored:
            continue
        interview, recipient = by_key.get(key, (None, None))
        note = None
        if interview is not None and recipient is not None and key.purpose is Purpose.THANKS:
            note = compose_note(interview, recipient, writer)
        yield Waiting(record, stored[key], interview, note)


def _update(now: datetime, waiting: Waiting, writer: Writer) -> UpdateDraft:
    """The replacement of an untouched thank-you whose note came out differently now."""
    record, interview, note = waiting.record, waiting.interview, waiting.note
    assert interview is not None and note is not None  # notes_changed needs both
    recipient = _recipient_of(record, interview)
    message = note_to(
        writer.you,
        record.key,
        recipient,
        note.subject,
        note.body,
        now,
        attachments=note.attachments,
    )
    problems = proofread(note.as_text(), expected_for(interview, recipient, writer), writer.lexicon)
    revised = replace(
        record,
        subject=note.subject,
        composed=waiting.digest,
        problems=tuple(problems),
        checked=Checked.COMPOSED,
        notes=interview.notes.text[:4000],
    )
    return UpdateDraft(revised, message, recovering=record.updating)


def _recheck(waiting: Waiting, others: list[Recipient], writer: Writer) -> Recheck | None:
    """The draft's problems as it stands, when they differ from what the ledger holds;
    a draft written before digests were kept takes the note as composed now as its
    baseline, so that only notes added later rewrite it."""
    record, text = waiting.record, waiting.stored.text
    if waiting.known:
        problems, checked = [p for p in record.problems if p != NOT_APPLIED], record.checked
    elif text is not None:
        problems = _findings(record, text, others, writer)
        checked = Checked.COMPOSED if waiting.untouched else Checked.CURRENT
    else:
        problems = [p for p in record.problems if p != NOT_APPLIED]
        checked = Checked.COMPOSED if waiting.untouched else Checked.OUTDATED
    if waiting.notes_changed:  # and the user edited the draft: theirs stays as it is
        problems.append(NOT_APPLIED)
    baseline = waiting.digest if not record.composed else ""
    adopted = waiting.stored.version if record.updating else ""
    version = waiting.stored.version if text is not None else ""
    same = (tuple(problems), checked, version) == (
        record.problems,
        record.checked,
        record.checked_version or version,
    )
    if same and not (baseline or adopted):
        return None
    return Recheck(record.key, tuple(problems), checked, baseline, adopted, version)


def _findings(
    record: DraftRecord, text: DraftText, others: list[Recipient], writer: Writer
) -> list[str]:
    if record.key.purpose is Purpose.CHECK_IN:
        return placeholders(f"{text.subject}\n{text.body}")
    return proofread(text, expected_of(record, others, writer), writer.lexicon)


def _recipient_of(record: DraftRecord, interview: Interview) -> Recipient:
    wanted = record.recipient_email.lower()
    found = (r for r in interview.recipients if r.email.lower() == wanted)
    return next(found, Recipient(record.recipient_email, record.recipient_name))


def _by_interview(records: Iterable[DraftRecord]) -> dict[InterviewId, list[DraftRecord]]:
    """The records of each interview, gathered once rather than searched for each draft."""
    found: dict[InterviewId, list[DraftRecord]] = {}
    for record in records:
        found.setdefault(record.key.interview, []).append(record)
    return found


def _others(
    record: DraftRecord, by_interview: Mapping[InterviewId, list[DraftRecord]]
) -> list[Recipient]:
    """The other interviewers of the same interview: a greeting must not name them."""
    return [
        Recipient(r.recipient_email, r.recipient_name)
        for r in by_interview.get(record.key.interview, [])
        if r.key != record.key
    ]
