"""The ledger rebuilt from the mailbox: the daemon's own marks are its memory.

Every draft and reminder the daemon makes carries a Message-ID derived from
its key (`<followup.…>`). When the ledger is blank (deleted, emptied, or
damaged and moved aside) the mailbox is asked for every such mark before
anything is created. With none, and no mark beside the ledger that one was
begun before, this is a first run. Otherwise the ledger
is rebuilt: each interview in the window whose mark is found gets its record
back (waiting in Drafts, sent, or deleted by the user), and so does each
reminder already delivered. An interviewer of an interview that ended before
the rebuild and whose note has no mark anywhere is not drafted: the user may
have deleted it, and that cannot be told from a note never made. Such
interviews are asked about in `status` ("no draft found after the state was
rebuilt") and drafted once the user says `followup track`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from daemon.core.message import message_id_for
from daemon.core.model import (
    NOT_FOUND_AFTER_REBUILD,
    OVERDUE,
    Candidate,
    Decision,
    DraftRecord,
    DraftStatus,
    Interview,
    Purpose,
    ReminderStage,
    key_for,
    ref_of,
)
from daemon.core.plan import draft_for
from daemon.core.reminders import reminder_message_id
from daemon.core.text import one_line
from daemon.ledger import INITIALIZED, REBUILT_AT, REBUILT_BECAUSE
from daemon.runtime import Runtime

log = logging.getLogger(__name__)

MARK = "<followup."
# How long `status` mentions a rebuild.
SHOWN_FOR = timedelta(days=7)


@dataclass(frozen=True)
class Rebuilt:
    """What a rebuild found."""

    because: str
    drafts: int
    reminders: int


def settle(now: datetime, runtime: Runtime, interviews: Iterable[Interview]) -> Rebuilt | None:
    """Before anything is created on a blank ledger: a first run is noted; a lost ledger
    is rebuilt from the mailbox's marks (see the module docstring)."""
    ledger, mailbox = runtime.ledger, runtime.mailbox
    blank, behind = ledger.blank, ledger.behind
    if not (blank or behind):
        return None
    mailbox.check_ready()
    marks = mailbox.daemon_messages(MARK)
    if blank and not marks and ledger.damaged is None and not ledger.had_one:
        ledger.set_meta(INITIALIZED, now.isoformat())  # a first run
        ledger.catch_up()
        return None
    if ledger.damaged:
        because = f"the ledger was damaged; it is kept as {ledger.damaged}"
    elif blank:
        because = "the ledger was missing or empty"
    else:
        because = "the ledger is older than the daemon's last run, restored from a copy"
    interviews = list(interviews)
    drafts = sum(_adopt_drafts(now, runtime, interview, marks) for interview in interviews)
    reminders = sum(_adopt_reminders(now, runtime, interview, marks) for interview in interviews)
    for name, value in ((REBUILT_AT, now.isoformat()), (REBUILT_BECAUSE, because)):
        ledger.set_meta(name, value)
    ledger.set_meta(INITIALIZED, now.isoformat())
    ledger.catch_up()
    rebuilt = Rebuilt(because, drafts, reminders)
    said = describe(rebuilt)
    log.error("%s", said)
    runtime.channels.desktop("interview-followup rebuilt its state", said)
    return rebuilt


def describe(rebuilt: Rebuilt) -> str:
    """The rebuild in one sentence for the user."""
    return (
        f"The state was rebuilt from your mailbox ({rebuilt.because}): {rebuilt.drafts} notes "
        f"and {rebuilt.reminders} reminders found. Interviews with no note found are listed "
        "in `followup status`; `followup track` drafts them."
    )


def _adopt_drafts(now: datetime, runtime: Runtime, interview: Interview, marks: set[str]) -> int:
    """Records for the interview's notes (and check-ins) whose marks are in the mailbox and
    that the ledger does not know."""
    known = runtime.ledger.records()
    adopted = 0
    for recipient in interview.recipients:
        thanks = draft_for(now, interview, recipient, runtime.drafting, attempts=0).record
        check_in = _check_in_of(thanks, runtime.settings.you.email)
        status = known[thanks.key].status if thanks.key in known else None
        if status is None and thanks.message_id in marks:
            adopted += 1
            status = _adopt(runtime, thanks, now)
        if (
            status is DraftStatus.SENT
            and check_in.key not in known
            and check_in.message_id in marks
        ):
            adopted += 1
            _adopt(runtime, check_in, now)
    return adopted


def _check_in_of(thanks: DraftRecord, your_email: str) -> DraftRecord:
    """The record a check-in after `thanks` has, as far as its mark is concerned."""
    key = thanks.key.check_in
    subject = f"Re: {thanks.subject}"
    return replace(thanks, key=key, message_id=message_id_for(key, your_email), subject=subject)


def _adopt(runtime: Runtime, record: DraftRecord, now: datetime) -> DraftStatus:
    """The record of a draft found by its mark: waiting (never rewritten, since it may have
    been edited), sent, or a tombstone when the user deleted it."""
    ledger, mailbox = runtime.ledger, runtime.mailbox
    ref = mailbox.find_draft(record.message_id, to=record.recipient_email, subject=record.subject)
    ledger.begin(record, now)
    if ref is not None and mailbox.draft_version(ref) is not None:
        ledger.mark_drafted(record.key, ref, now, "")
        return DraftStatus.DRAFTED
    # A copy in Sent; with none to be found, the user deleted it after it was made.
    status = DraftStatus.SENT if ref is not None else DraftStatus.DELETED
    ledger.mark_drafted(record.key, ref or "", now, "")
    ledger.set_status(record.key, status, now)
    return status


def _adopt_reminders(now: datetime, runtime: Runtime, interview: Interview, marks: set[str]) -> int:
    """The reminders of this interview already delivered, recorded so none goes twice."""
    email = runtime.settings.you.email
    hours = runtime.drafting.reminders.remind_before_hours
    stages = [*(ReminderStage(h) for h in hours), OVERDUE]
    thanks = key_for(interview.event, "").interview
    adopted = 0
    for which in (thanks, replace(thanks, purpose=Purpose.CHECK_IN)):
        for stage in stages:
            message_id = reminder_message_id(which, stage, email)
            if message_id in marks:
                runtime.ledger.record_reminder(which, stage, now, message_id, mailed=True)
                adopted += 1
    return adopted


def held_back(
    interviews: Iterable[Interview], runtime: Runtime
) -> tuple[list[Interview], list[Candidate]]:
    """After a rebuild, the interviewers whose notes cannot be known made or deleted are
    held back until the user says `followup track`; the rest go on as usual."""
    rebuilt_at = runtime.ledger.meta(REBUILT_AT)
    if rebuilt_at is None:
        return list(interviews), []
    since = datetime.fromisoformat(rebuilt_at)
    records = runtime.ledger.records()
    decided, _domains = runtime.ledger.decisions()
    kept, asked = [], []
    for interview in interviews:
        ref = ref_of(interview.event)
        decision = decided.get(ref)
        if interview.ended_at >= since or decision is Decision.TRACK:
            kept.append(interview)
            continue
        known = [r for r in interview.recipients if key_for(interview.event, r.email) in records]
        unknown = [r for r in interview.recipients if r not in known]
        if known:
            kept.append(replace(interview, recipients=tuple(known)))
        if unknown and decision is not Decision.IGNORE:
            title = one_line(interview.event.title, 120) or "(no title)"
            asked.append(
                Candidate(
                    ref, title, interview.ended_at, NOT_FOUND_AFTER_REBUILD, tuple(unknown), since
                )
            )
    return kept, asked
