"""Deciding what one cycle should do: pure, from `now`, the interviews, the ledger and the mailbox.

`plan()` returns small frozen actions that carry everything the executor
needs, so the executor only performs I/O. A draft key is planned for creation
only when the ledger has never seen it, or when an earlier attempt failed or
was interrupted: then the executor first looks for the draft it may have left
behind, so trying again every cycle, while the interview is in the lookback
window, never makes a second draft.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from daemon.core.actions import Action, Answered, CreateDraft, Reconcile, RecordOutcome
from daemon.core.checkins import CheckInRules, Watched, plan_check_ins
from daemon.core.compose import Template, compose_note
from daemon.core.deadline import QuietHours
from daemon.core.message import note_to
from daemon.core.model import (
    THANKS,
    Delivered,
    DraftKey,
    DraftRecord,
    DraftStatus,
    Interview,
    InterviewId,
    Recipient,
    You,
    deadline_for,
    key_for,
)
from daemon.core.proofread import proofread
from daemon.core.protocols import DraftState
from daemon.core.reminders import plan_reminders
from daemon.core.text import one_line, plain_text


def plan(
    now: datetime,
    interviews: Sequence[Interview],
    ledger: Mapping[DraftKey, DraftRecord],
    observed: Mapping[DraftKey, DraftState],
    drafting: Drafting,
    delivered: Mapping[InterviewId, Sequence[Delivered]] | None = None,
    watched: Mapping[DraftKey, Watched] | None = None,
) -> list[Action]:
    """The actions that bring the mailbox and the ledger up to date with the calendar.

    `observed` holds what the mailbox says of drafts the ledger has as drafted,
    `delivered` the reminders that already reached the user, and `watched`
    what the mailbox says of sent thank-yous (their copy, and any reply).
    """
    actions: list[Action] = [
        RecordOutcome(key, DraftStatus(state.value))
        for key, state in sorted(observed.items())
        if state is not DraftState.PENDING and ledger[key].status is DraftStatus.DRAFTED
    ]
    wanted: set[DraftKey] = set()
    for interview in interviews:
        for recipient in interview.recipients:
            key = key_for(interview.event, recipient.email)
            if key in wanted:
                continue  # the same event twice (e.g. two copies of one calendar)
            wanted.add(key)
            action = _for_recipient(now, interview, recipient, ledger.get(key), drafting)
            if action is not None:
                actions.append(action)
    settled = [_as_observed(record, observed) for record in ledger.values()]
    if drafting.check_ins is not None:
        follow_ups = plan_check_ins(now, settled, watched or {}, drafting.you, drafting.check_ins)
        actions += follow_ups
        wanted |= {a.record.key for a in follow_ups if isinstance(a, CreateDraft)}
        answered = {a.key for a in follow_ups if isinstance(a, Answered)}
        settled = [_answered(r, answered) for r in settled]
    actions += [
        Reconcile(key, record.identity, record.last_error or "the interview left the calendar")
        for key, record in sorted(ledger.items())
        if record.status is DraftStatus.CREATING and key not in wanted
    ]
    actions += plan_reminders(
        now, _remindable(settled), delivered or {}, drafting.remind_before_hours, drafting.quiet
    )
    return actions


def _answered(record: DraftRecord, answered: set[DraftKey]) -> DraftRecord:
    return replace(record, status=DraftStatus.ANSWERED) if record.key in answered else record


def _as_observed(record: DraftRecord, observed: Mapping[DraftKey, DraftState]) -> DraftRecord:
    """The record as it stands once what the mailbox just said is taken in."""
    state = observed.get(record.key, DraftState.PENDING)
    if state is DraftState.PENDING or record.status is not DraftStatus.DRAFTED:
        return record
    return replace(record, status=DraftStatus(state.value))


def _remindable(records: Iterable[DraftRecord]) -> list[DraftRecord]:
    """Drafts to remind of: not a check-in whose thank-you was already answered."""
    records = list(records)
    answered = {r.key for r in records if r.status is DraftStatus.ANSWERED}
    return [r for r in records if replace(r.key, purpose=THANKS) not in answered]


@dataclass(frozen=True)
class Drafting:
    """What composing drafts and reminders needs besides the interviews: who you are,
    the templates and the rules."""

    you: You
    template: Template
    deadline_hours: float
    remind_before_hours: tuple[float, ...] = (6, 2)
    quiet: QuietHours | None = None
    check_ins: CheckInRules | None = None


def _for_recipient(
    now: datetime,
    interview: Interview,
    recipient: Recipient,
    record: DraftRecord | None,
    drafting: Drafting,
) -> Action | None:
    if record is None:
        return draft_for(now, interview, recipient, drafting, attempts=0)
    if record.status is not DraftStatus.CREATING:
        return None  # drafted once, ever: sent, deleted and failed keys stay as they are
    return draft_for(now, interview, recipient, drafting, attempts=record.attempts, recovering=True)


def draft_for(
    now: datetime,
    interview: Interview,
    recipient: Recipient,
    drafting: Drafting,
    *,
    attempts: int,
    recovering: bool = False,
) -> CreateDraft:
    """The composed, proofread draft for one interviewer, with its ledger record."""
    you = drafting.you
    key = key_for(interview.event, recipient.email)
    note = compose_note(interview, recipient, you, drafting.template)
    message = note_to(you, key, recipient, note.subject, note.body, now)
    record = DraftRecord(
        key=key,
        status=DraftStatus.CREATING,
        event_title=one_line(interview.event.title),
        company=interview.company,
        role=interview.role,
        recipient_name=recipient.name,
        recipient_email=recipient.email,
        ended_at=interview.ended_at,
        deadline=deadline_for(interview.ended_at, drafting.deadline_hours),
        message_id=message.message_id,
        subject=note.subject,
        problems=tuple(proofread(note, interview, recipient, you)),
        attempts=attempts,
        created_at=now,
        notes=plain_text(interview.event.description)[:4000],
    )
    return CreateDraft(record, message, recovering)
