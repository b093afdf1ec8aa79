"""What `followup status` shows: one row per tracked draft, as a table or as JSON.

Pure: built from ledger records, `now` and the drafts' links.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from typing import Any

from daemon.core.checkins import WATCH_FOR, CheckInRules, check_in_time
from daemon.core.deadline import OVERDUE, describe_time_left, next_stage
from daemon.core.model import (
    CHECK_IN,
    THANKS,
    Delivered,
    DraftKey,
    DraftRecord,
    DraftStatus,
    InterviewId,
)


class Stage(enum.StrEnum):
    """How urgent an unsent draft is."""

    OK = "ok"
    DUE_SOON = "due-soon"
    OVERDUE = "overdue"
    DONE = "done"


_DONE = frozenset({DraftStatus.SENT, DraftStatus.DELETED, DraftStatus.ANSWERED})


def stage_of(record: DraftRecord, now: datetime, remind_before_hours: Iterable[float]) -> Stage:
    """`done` once sent or deleted; else by the time left against the first reminder."""
    if record.status in _DONE:
        return Stage.DONE
    if now >= record.deadline:
        return Stage.OVERDUE
    soon = max(remind_before_hours, default=0)
    return Stage.DUE_SOON if record.deadline - now <= timedelta(hours=soon) else Stage.OK


@dataclass(frozen=True)
class StatusRow:
    """One tracked draft as the user sees it."""

    record: DraftRecord
    stage: Stage
    time_left: timedelta
    draft: str
    last_reminder: str = ""
    next_action: str = ""
    next_at: datetime | None = None

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
            "stage": self.stage.value,
            "seconds_left": int(self.time_left.total_seconds()),
            "draft": self.draft,
            "problems": list(r.problems),
            "last_error": r.last_error,
            "purpose": r.key.purpose,
            "late": r.late,
            "last_reminder": self.last_reminder or None,
            "next_action": self.next_action or None,
            "next_at": self.next_at.isoformat() if self.next_at else None,
        }


def status_rows(
    records: Iterable[DraftRecord],
    now: datetime,
    links: Mapping[DraftKey, str],
    remind_before_hours: Iterable[float],
    delivered: Mapping[InterviewId, Sequence[Delivered]] | None = None,
    check_ins: CheckInRules | None = None,
) -> list[StatusRow]:
    """Every tracked draft: failed ones first, then by deadline, finished ones last."""
    hours = tuple(remind_before_hours)
    records = list(records)
    context = _Context.of(records)
    rows = []
    for r in records:
        stages = [d.stage for d in (delivered or {}).get(r.key.interview, ())]
        action, at = next_step(r, now, hours, stages, check_ins, context)
        last = stages[-1] if stages and r.status is DraftStatus.DRAFTED else ""
        rows.append(
            StatusRow(
                r,
                stage_of(r, now, hours),
                r.deadline - now,
                links.get(r.key, r.draft_ref),
                last_reminder=last,
                next_action=action,
                next_at=at,
            )
        )
    return sorted(
        rows,
        key=lambda row: (
            row.record.status is not DraftStatus.FAILED,
            row.stage is Stage.DONE,
            row.record.deadline,
        ),
    )


@dataclass(frozen=True)
class _Context:
    """What a row's next step depends on beyond itself: the other drafts of its interview."""

    check_ins: frozenset[DraftKey] = frozenset()  # thank-yous that have a check-in
    answered: frozenset[DraftKey] = frozenset()  # thank-yous the company replied to

    @classmethod
    def of(cls, records: Iterable[DraftRecord]) -> _Context:
        records = list(records)
        return cls(
            frozenset(replace(r.key, purpose=THANKS) for r in records if r.key.purpose == CHECK_IN),
            frozenset(r.key for r in records if r.status is DraftStatus.ANSWERED),
        )


def next_step(
    record: DraftRecord,
    now: datetime,
    remind_before_hours: Sequence[float],
    delivered_stages: Sequence[str],
    check_ins: CheckInRules | None,
    context: _Context | None = None,
) -> tuple[str, datetime | None]:
    """What the daemon will do next about this draft, and when (None: at the next cycle)."""
    context = context or _Context()
    thanks = replace(record.key, purpose=THANKS)
    if record.status is DraftStatus.CREATING:
        return "try again to create the draft at the next check", None
    if record.status is DraftStatus.DRAFTED and thanks in context.answered:
        return "nothing: they replied, so you can delete this check-in", None
    if record.status is DraftStatus.DRAFTED:
        coming = next_stage(record.deadline, now, remind_before_hours)
        if coming is not None:
            return f"remind you ({coming.name})", coming.at
        if OVERDUE not in delivered_stages:
            return f"remind you ({OVERDUE})", None
        return "wait for you to send or delete it", None
    watching = record.sent_at is not None and now - record.sent_at < WATCH_FOR
    if record.status is DraftStatus.SENT and record.key.purpose == THANKS and watching:
        if check_ins is None or record.key in context.check_ins:
            return "watch for their reply", None
        return "draft a check-in unless they reply first", check_in_time(record, check_ins)
    return "", None


def render_table(rows: Iterable[StatusRow], zone: tzinfo | None = None) -> str:
    """The human status table, one block per draft, deadlines shown in `zone`.

    `zone=None` means the system's local zone, with its own DST rules at each deadline.
    """
    blocks = []
    for row in rows:
        r = row.record
        who = f"{r.recipient_name} <{r.recipient_email}>" if r.recipient_name else r.recipient_email
        left = "—" if row.stage is Stage.DONE else describe_time_left(row.time_left)
        lines = [
            f"[{_tag(row)}] {who} — {r.event_title}",
            f"    state: {r.status.value}   deadline: {_when(r.deadline, zone)}   {left}",
            f"    draft: {row.draft or '—'}",
        ]
        if r.late:
            lines.append("    late: drafted after its deadline had passed; still worth sending")
        if row.last_reminder:
            lines.append(f"    last reminder: {row.last_reminder}")
        if row.next_action:
            when = f" on {_when(row.next_at, zone)}" if row.next_at else ""
            lines.append(f"    next: {row.next_action}{when}")
        lines += [f"    check: {problem}" for problem in r.problems]
        if r.last_error and r.status is not DraftStatus.DRAFTED:
            lines.append(f"    error: {r.last_error}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) if blocks else "No drafts tracked yet."


def _when(moment: datetime, zone: tzinfo | None) -> str:
    return moment.astimezone(zone).strftime("%a %d %b %H:%M %Z")


def _tag(row: StatusRow) -> str:
    if row.record.status is DraftStatus.FAILED:
        return "FAILED"
    kind = "check-in " if row.record.key.purpose != THANKS else ""
    return f"{kind}{row.stage.value}"


def summary_line(records: Iterable[DraftRecord], alerts: Mapping[str, str], now: datetime) -> str:
    """One line for `systemctl status`: what needs the user, and the next deadline."""
    if alerts:
        return "; ".join(alerts.values())
    records = list(records)
    answered = {r.key for r in records if r.status is DraftStatus.ANSWERED}
    waiting = [
        r
        for r in records
        if r.status not in _DONE and replace(r.key, purpose=THANKS) not in answered
    ]
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
