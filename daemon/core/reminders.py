"""Reminders about unsent drafts: which interview needs one now, and the mail that says so.

Pure. Reminders are per interview, so a panel of three gets one mail listing
its three notes, and all of an interview's reminders share one thread. A
reminder covers the drafts still waiting; it stops once every one of them is
sent or deleted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from daemon.core.actions import Remind
from daemon.core.deadline import QuietHours, Scheduled, describe_time_left, next_reminder
from daemon.core.message import DraftMessage
from daemon.core.model import (
    Delivered,
    DraftKey,
    DraftRecord,
    DraftStatus,
    InterviewId,
    Purpose,
    ReminderStage,
    You,
)


@dataclass(frozen=True)
class ReminderRules:
    """When reminders come: hours before the deadline, and the quiet hours they wait out."""

    remind_before_hours: tuple[float, ...]
    quiet: QuietHours | None = None


def reminder_schedule(
    now: datetime,
    records: Iterable[DraftRecord],
    delivered: Mapping[InterviewId, Sequence[Delivered]],
    rules: ReminderRules,
) -> dict[InterviewId, tuple[Scheduled, list[DraftRecord]]]:
    """The next reminder of each interview with drafts still waiting, and those drafts.

    A reminder whose time is at or before `now` is due now.
    """
    schedule = {}
    for interview, drafts in sorted(_waiting(records).items()):
        deadline = min(draft.deadline for draft in drafts)
        stages = [d.stage for d in delivered.get(interview, ())]
        coming = next_reminder(deadline, now, rules.remind_before_hours, stages, rules.quiet)
        if coming is not None:
            schedule[interview] = (coming, drafts)
    return schedule


def plan_reminders(
    now: datetime,
    records: Iterable[DraftRecord],
    delivered: Mapping[InterviewId, Sequence[Delivered]],
    rules: ReminderRules,
) -> list[Remind]:
    """The reminders due now, one per interview with drafts still waiting; and the mails
    of stages that reached the user while their mail failed, tried again."""
    records = list(records)
    schedule = reminder_schedule(now, records, delivered, rules)
    reminders = [
        _remind(interview, coming.stage, drafts, delivered.get(interview, ()))
        for interview, (coming, drafts) in schedule.items()
        if coming.at <= now
    ]
    # A stage that came due (even one quiet hours hold back) supersedes a failed mail.
    came_due = {i for i, (coming, _) in schedule.items() if coming.due <= now}
    for interview, drafts in _waiting(records).items():
        earlier = delivered.get(interview, ())
        if interview not in came_due and earlier and not earlier[-1].mailed:
            retry = earlier[-1].stage
            reminders.append(_remind(interview, retry, drafts, earlier[:-1], mail_only=True))
    return sorted(reminders, key=lambda remind: remind.interview)


def _waiting(records: Iterable[DraftRecord]) -> dict[InterviewId, list[DraftRecord]]:
    waiting: dict[InterviewId, list[DraftRecord]] = {}
    for record in records:
        if record.status is DraftStatus.DRAFTED:
            waiting.setdefault(record.key.interview, []).append(record)
    return waiting


def _remind(
    interview: InterviewId,
    stage: ReminderStage,
    drafts: list[DraftRecord],
    earlier: Sequence[Delivered],
    *,
    mail_only: bool = False,
) -> Remind:
    threads = [d.thread for d in earlier if d.thread]
    return Remind(
        interview,
        stage,
        tuple(sorted(drafts, key=lambda d: d.recipient_email)),
        thread=threads[-1] if threads else "",  # the latest: an older one may be gone
        thread_root=earlier[0].message_id if earlier else "",
        mail_only=mail_only,
    )


_WHAT = {Purpose.THANKS: "thank-you notes", Purpose.CHECK_IN: "check-in"}


def reminder_message_id(interview: InterviewId, stage: ReminderStage, your_email: str) -> str:
    """The Message-ID of one reminder mail, stable for its interview and stage."""
    domain = your_email.rpartition("@")[2] or "interview-followup.invalid"
    return f"<followup.remind.{interview.marker}.{stage.name}@{domain}>"


def reminder_mail(
    remind: Remind,
    you: You,
    now: datetime,
    links: Mapping[DraftKey, str],
    to: str = "",
    zone: tzinfo = UTC,
) -> DraftMessage:
    """The short mail to yourself for one reminder: who, time left, what to fix, where.

    `to` is the mailbox's own address where it has one (the Gmail account may
    differ from `[you] email`); else `[you] email`.
    """
    first = remind.drafts[0]
    deadline = min(d.deadline for d in remind.drafts)
    return DraftMessage(
        from_name="interview-followup",
        from_email=to or you.email,
        to_name=you.name,
        to_email=to or you.email,
        subject=f"{_WHAT[remind.interview.purpose].capitalize()} to send: {first.event_title}",
        body=reminder_text(remind, now, deadline, links, zone),
        message_id=reminder_message_id(remind.interview, remind.stage, you.email),
        date=now,
        references=(remind.thread_root,) if remind.thread_root else (),
    )


def reminder_text(
    remind: Remind,
    now: datetime,
    deadline: datetime,
    links: Mapping[DraftKey, str],
    zone: tzinfo = UTC,
) -> str:
    """The body of a reminder; its first line is also the desktop notification's text."""
    first = remind.drafts[0]
    when = deadline.astimezone(zone).strftime("%a %d %b %H:%M %Z")
    what = _WHAT[remind.interview.purpose]
    if remind.stage.overdue:
        opening = f"The time to send your {what} for {first.event_title!r} ran out at {when}."
        opening += " Late, it is still worth sending."
    else:
        left = describe_time_left(deadline - now)
        opening = f"{left} to send your {what} for {first.event_title!r} (until {when})."
    lines = [opening, ""]
    for draft in remind.drafts:
        who = (
            f"{draft.recipient_name} <{draft.recipient_email}>"
            if draft.recipient_name
            else (draft.recipient_email)
        )
        lines.append(f"- {who}")
        lines.append(f"  open: {links.get(draft.key, draft.draft_ref)}")
        lines += [f"  to fix: {problem}" for problem in draft.problems]
    lines += ["", "You get one reminder per stage; they stop once every note is sent or deleted."]
    return "\n".join(lines) + "\n"
