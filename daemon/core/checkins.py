"""After the thank-you is sent: wait for a reply, and draft one polite check-in if none comes.

Pure. A sent note is watched until the company answers (then nothing more is
done) or until the check-in is due: the morning after a decision date the
interview notes mention ("they'll decide by Friday"), else a number of
business days after sending. The check-in is a draft in the same thread, and
is flagged and reminded of like a thank-you.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo

from daemon.core.actions import Answered, CreateDraft
from daemon.core.compose import Writer, compose_check_in
from daemon.core.deadline import check_in_due, decision_date
from daemon.core.message import note_to
from daemon.core.model import Checked, DraftKey, DraftRecord, DraftStatus, Purpose, Recipient
from daemon.core.proofread import placeholders
from daemon.core.protocols import SentNote


@dataclass(frozen=True)
class CheckInRules:
    """When and how to check in: after `business_days`, in the user's `zone`."""

    business_days: int
    zone: tzinfo
    deadline_hours: float


@dataclass(frozen=True)
class Watched:
    """What the mailbox says of a sent thank-you: its sent copy, and whether they replied."""

    note: SentNote
    replied: bool


# After this long without an answer a sent note is no longer watched.
WATCH_FOR = timedelta(days=30)


def awaiting_reply(records: Iterable[DraftRecord], now: datetime) -> list[DraftRecord]:
    """Sent thank-yous whose thread is still watched for an answer."""
    return [r for r in records if is_watched(r, now)]


def is_watched(record: DraftRecord, now: datetime) -> bool:
    """Whether `record` is a sent thank-you whose thread is still watched for an answer."""
    return (
        record.key.purpose is Purpose.THANKS
        and record.status is DraftStatus.SENT
        and record.sent_at is not None
        and now - record.sent_at < WATCH_FOR
    )


def answered(records: Iterable[DraftRecord]) -> frozenset[DraftKey]:
    """The thank-yous the company replied to: nothing more is owed on them or their check-ins."""
    return frozenset(r.key for r in records if r.status is DraftStatus.ANSWERED)


def still_owed(record: DraftRecord, replied: frozenset[DraftKey]) -> bool:
    """Whether a draft still needs the user: not one whose thank-you was answered."""
    return record.key.thanks not in replied


def check_in_time(record: DraftRecord, rules: CheckInRules) -> datetime | None:
    """When the check-in for a sent thank-you is due, if it was sent."""
    if record.sent_at is None:
        return None
    decision = decision_date(record.notes, record.ended_at.astimezone(rules.zone).date())
    if decision is not None and decision > record.sent_at.date() + WATCH_FOR - timedelta(days=2):
        decision = None  # beyond the watch: the business-day rule still gives a check-in
    return check_in_due(record.sent_at, rules.business_days, decision, rules.zone)


def plan_check_ins(
    now: datetime,
    records: Iterable[DraftRecord],
    watched: Mapping[DraftKey, Watched],
    writer: Writer,
    rules: CheckInRules,
) -> list[Answered | CreateDraft]:
    """Stop watching what was answered; draft (or retry) the check-ins that came due."""
    records = list(records)
    by_key = {r.key: r for r in records}
    actions: list[Answered | CreateDraft] = []
    for thanks in awaiting_reply(records, now):
        seen = watched.get(thanks.key)
        if seen is None:
            continue  # the sent copy was not found: nothing to reply to
        if seen.replied:
            actions.append(Answered(thanks.key))
            continue
        earlier = by_key.get(thanks.key.check_in)
        if earlier is not None and earlier.status is not DraftStatus.CREATING:
            continue  # drafted once, ever
        due = check_in_time(thanks, rules)
        if earlier is not None or (due is not None and now >= due):
            actions.append(check_in_draft(now, thanks, seen.note, writer, rules, earlier))
    return actions


def check_in_draft(
    now: datetime,
    thanks: DraftRecord,
    note: SentNote,
    writer: Writer,
    rules: CheckInRules,
    earlier: DraftRecord | None = None,
) -> CreateDraft:
    """The check-in draft replying to `thanks`, with its own record and deadline.

    `earlier` is the record of an attempt that did not finish: the new one
    keeps its attempts and deadline, and the draft it may have left is looked for.
    """
    key = thanks.key.check_in
    composed = compose_check_in(thanks, writer, note.subject)
    to = Recipient(thanks.recipient_email, thanks.recipient_name)
    message = note_to(
        writer.you, key, to, composed.subject, composed.body, now, references=(note.message_id,)
    )
    record = replace(
        thanks,
        key=key,
        status=DraftStatus.CREATING,
        deadline=earlier.deadline if earlier else now + timedelta(hours=rules.deadline_hours),
        message_id=message.message_id,
        subject=composed.subject,
        problems=tuple(placeholders(f"{composed.subject}\n{composed.body}")),
        draft_ref="",
        attempts=earlier.attempts if earlier else 0,
        last_error="",
        created_at=earlier.created_at if earlier else now,
        sent_at=None,
        notes="",
        version="",
        composed="",
        checked=Checked.COMPOSED,
        checked_version="",
        updating=False,
    )
    return CreateDraft(record, message, recovering=earlier is not None, reply_to=note)
