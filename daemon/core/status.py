"""What `followup status` shows: one row per tracked draft, as a table or as JSON.

Pure: built from ledger records, `now`, the drafts' links and the planner's
own answer to what comes next (`plan.next_steps`), so status cannot drift
from what the daemon does.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from daemon.core.checkins import answered, still_owed
from daemon.core.deadline import describe_time_left
from daemon.core.model import (
    NOT_FOUND_AFTER_REBUILD,
    Candidate,
    Delivered,
    DraftKey,
    DraftRecord,
    DraftStatus,
    InterviewId,
    Purpose,
    ReminderStage,
    deadline_for,
)
from daemon.core.plan import Drafting, NextStep, next_steps


class Urgency(enum.StrEnum):
    """How urgent a draft is: what `status` shows as its stage."""

    OK = "ok"
    DUE_SOON = "due-soon"
    OVERDUE = "overdue"
    DONE = "done"


_DONE = frozenset({DraftStatus.SENT, DraftStatus.DELETED, DraftStatus.ANSWERED})


def urgency_of(record: DraftRecord, now: datetime, remind_before_hours: Iterable[float]) -> Urgency:
    """`done` once sent or deleted; else by the time left against the first reminder."""
    if record.status in _DONE:
        return Urgency.DONE
    if now >= record.deadline:
        return Urgency.OVERDUE
    return _soon(record.deadline, now, remind_before_hours)


@dataclass(frozen=True)
class StatusRow:
    """One tracked draft as the user sees it."""

    record: DraftRecord
    urgency: Urgency
    time_left: timedelta
    draft: str
    last_reminder: ReminderStage | None = None
    next_step: NextStep | None = None

    def as_json(self) -> dict[str, Any]:
        """The stable JSON shape other tools rely on."""
        r = self.record
        return {
            "key": str(r.key),
            "event_title": r.event_title,
            "company": r.company,
            "role": r.role,
            "recipient_name": r.recipient_name,
            "recipient_email": r.recipient_email,
            "ended_at": r.ended_at.isoformat(),
            "deadline": r.deadline.isoformat(),
            "state": r.status.value,
            "stage": self.urgency.value,
            "seconds_left": int(self.time_left.total_seconds()),
            "draft": self.draft,
            "problems": list(r.problems),
            "problems_checked": r.checked.value,
            "last_error": r.last_error,
            "purpose": r.key.purpose.value,
            "late": r.late,
            "last_reminder": self.last_reminder.name if self.last_reminder else None,
            "next_action": self.next_step.describe() if self.next_step else None,
            "next_at": self.next_step.at.isoformat()
            if self.next_step and self.next_step.at
            else None,
        }


def status_rows(
    records: Iterable[DraftRecord],
    now: datetime,
    links: Mapping[DraftKey, str],
    drafting: Drafting,
    delivered: Mapping[InterviewId, Sequence[Delivered]] | None = None,
) -> list[StatusRow]:
    """Every tracked draft with the planner's next step: failed ones first, then by
    deadline, finished ones last."""
    records = list(records)
    delivered = delivered or {}
    steps = next_steps(now, records, delivered, drafting)
    hours = drafting.reminders.remind_before_hours
    rows = []
    for r in records:
        stages = [d.stage for d in delivered.get(r.key.interview, ())]
        last = stages[-1] if stages and r.status is DraftStatus.DRAFTED else None
        draft = links.get(r.key, r.draft_ref)
        urgency = urgency_of(r, now, hours)
        rows.append(StatusRow(r, urgency, r.deadline - now, draft, last, steps.get(r.key)))
    return sorted(
        rows,
        key=lambda row: (
            row.record.status is not DraftStatus.FAILED,
            row.urgency is Urgency.DONE,
            row.record.deadline,
        ),
    )


def render_table(rows: Iterable[StatusRow], zone: tzinfo | None = None) -> str:
    """The human status table, one block per draft, deadlines shown in `zone`.

    `zone=None` means the system's local zone, with its own DST rules at each deadline.
    """
    blocks = []
    for row in rows:
        r = row.record
        who = f"{r.recipient_name} <{r.recipient_email}>" if r.recipient_name else r.recipient_email
        left = "—" if row.urgency is Urgency.DONE else describe_time_left(row.time_left)
        lines = [
            f"[{_tag(row)}] {who} — {r.event_title}",
            f"    state: {r.status.value}   deadline: {when(r.deadline, zone)}   {left}",
            f"    draft: {row.draft or '—'}",
        ]
        if r.late:
            lines.append("    late: drafted after its deadline had passed; still worth sending")
        if row.last_reminder:
            lines.append(f"    last reminder: {row.last_reminder.name}")
        if row.next_step:
            at = row.next_step.at
            on = f" on {when(at, zone)}" if at else ""
            lines.append(f"    next: {row.next_step.describe()}{on}")
        lines += [f"    check: {problem}" for problem in r.problems]
        if r.problems and r.checked.describe():
            lines.append(f"    ({r.checked.describe()})")
        if r.last_error and r.status is not DraftStatus.DRAFTED:
            lines.append(f"    error: {r.last_error}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) if blocks else "No drafts tracked yet."


def when(moment: datetime, zone: tzinfo | None) -> str:
    """A moment as status shows it, in `zone` (None: the system's)."""
    return moment.astimezone(zone).strftime("%a %d %b %H:%M %Z")


def _tag(row: StatusRow) -> str:
    if row.record.status is DraftStatus.FAILED:
        return "FAILED"
    if row.record.status is DraftStatus.CREATING:
        return "not written yet" if row.record.last_error else "being written"
    kind = "check-in " if row.record.key.purpose is Purpose.CHECK_IN else ""
    return f"{kind}{row.urgency.value}"


def summary_line(
    records: Iterable[DraftRecord],
    alerts: Mapping[str, str],
    now: datetime,
    candidates: int = 0,
) -> str:
    """One line for `systemctl status`: what needs the user, and the next deadline."""
    if alerts:
        return "; ".join(alerts.values())
    asking = f"; {candidates} possibly an interview (see followup status)" if candidates else ""
    return _drafts_line(records, now) + asking


def _drafts_line(records: Iterable[DraftRecord], now: datetime) -> str:
    records = list(records)
    replied = answered(records)
    waiting = [r for r in records if r.status not in _DONE and still_owed(r, replied)]
    if not waiting:
        return "watching the calendars; no drafts waiting"
    failed = sum(r.status is DraftStatus.FAILED for r in waiting)
    overdue = sum(now >= r.deadline for r in waiting)
    soonest = min(waiting, key=lambda r: r.deadline)
    left = describe_time_left(soonest.deadline - now)
    text = f"{len(waiting)} draft{'s' if len(waiting) != 1 else ''} waiting"
    text += f"; next deadline {soonest.recipient_name or soonest.recipient_email} ({left})"
    text += f"; {overdue} overdue" if overdue else ""
    return text + (f"; {failed} failed" if failed else "")


def render_candidates(candidates: Iterable[Candidate], zone: tzinfo | None = None) -> str:
    """The events the user is asked about, each with the two commands that settle it."""
    blocks = []
    for c in candidates:
        who = ", ".join(r.name or r.email for r in c.recipients)
        blocks.append(
            "\n".join(
                [
                    f"[{_question(c)}] {c.title}   ended {when(c.ended_at, zone)}",
                    f"    why: {c.reason}",
                    f"    followup track {c.ref.short}    drafts its notes (to {who})",
                    f"    followup ignore {c.ref.short}   if it was not an interview",
                ]
            )
        )
    return "\n\n".join(blocks)


def _question(candidate: Candidate) -> str:
    lost = candidate.reason == NOT_FOUND_AFTER_REBUILD
    return "no draft found" if lost else "possibly an interview"


def candidate_json(candidate: Candidate, now: datetime, drafting: Drafting) -> list[dict[str, Any]]:
    """A candidate as rows of `status --json`, one per would-be recipient, state `possible`."""
    deadline = deadline_for(candidate.ended_at, drafting.deadline_hours)
    hours = drafting.reminders.remind_before_hours
    ref = candidate.ref
    rows = []
    for recipient in candidate.recipients:
        key = DraftKey(ref.source, ref.uid, ref.occurrence, recipient.email)
        row = {
            "key": str(key),
            "ref": ref.short,
            "event_title": candidate.title,
            "company": "",
            "role": "",
            "recipient_name": recipient.name,
            "recipient_email": recipient.email,
            "ended_at": candidate.ended_at.isoformat(),
            "deadline": deadline.isoformat(),
            "state": "possible" if candidate.reason != NOT_FOUND_AFTER_REBUILD else "not-found",
            "stage": (Urgency.OVERDUE if now >= deadline else _soon(deadline, now, hours)).value,
            "seconds_left": int((deadline - now).total_seconds()),
            "draft": "",
            "problems": [f"{_question(candidate)}: {candidate.reason}"],
            "last_error": "",
            "purpose": Purpose.THANKS.value,
            "late": False,
            "last_reminder": None,
            "next_action": f"followup track {ref.short} or followup ignore {ref.short}",
            "next_at": None,
        }
        rows.append(row)
    return rows


def _soon(deadline: datetime, now: datetime, hours: Iterable[float]) -> Urgency:
    soon = max(hours, default=0)
    return Urgency.DUE_SOON if deadline - now <= timedelta(hours=soon) else Urgency.OK


def render_employer(domains: Iterable[str]) -> str:
    """Where the daemon thinks you work, when it learnt it rather than being told."""
    listed = ", ".join(domains)
    if not listed:
        return ""
    return (
        f"Your employer, as your recurring meetings show: {listed}. Invites with colleagues "
        "there count as interviews you conduct; set [you] own_domains to change this."
    )
