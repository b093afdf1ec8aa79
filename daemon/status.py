"""What `followup status` shows: one row per tracked draft, as a table or as JSON.

Pure: built from ledger records, `now` and the drafts' links.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from daemon.model import DraftKey, DraftRecord, DraftStatus


class Stage(enum.StrEnum):
    """How urgent an unsent draft is."""

    OK = "ok"
    DUE_SOON = "due-soon"
    OVERDUE = "overdue"
    DONE = "done"


_DONE = frozenset({DraftStatus.SENT, DraftStatus.DELETED})


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
        }


def status_rows(
    records: Iterable[DraftRecord],
    now: datetime,
    links: Mapping[DraftKey, str],
    remind_before_hours: Iterable[float],
) -> list[StatusRow]:
    """Every tracked draft: failed ones first, then by deadline, finished ones last."""
    hours = tuple(remind_before_hours)
    rows = [
        StatusRow(r, stage_of(r, now, hours), r.deadline - now, links.get(r.key, r.draft_ref))
        for r in records
    ]
    return sorted(
        rows,
        key=lambda row: (
            row.record.status is not DraftStatus.FAILED,
            row.stage is Stage.DONE,
            row.record.deadline,
        ),
    )


def describe_time_left(left: timedelta) -> str:
    """`5h 20m left`, or `3h 10m late` once the deadline has passed."""
    minutes = int(abs(left.total_seconds()) // 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    amount = f"{days}d {hours}h" if days else f"{hours}h {minutes:02d}m"
    return f"{amount} left" if left.total_seconds() >= 0 else f"{amount} late"


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
        lines += [f"    check: {problem}" for problem in r.problems]
        if r.last_error and r.status is not DraftStatus.DRAFTED:
            lines.append(f"    error: {r.last_error}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) if blocks else "No drafts tracked yet."


def _when(moment: datetime, zone: tzinfo | None) -> str:
    return moment.astimezone(zone).strftime("%a %d %b %H:%M %Z")


def _tag(row: StatusRow) -> str:
    return "FAILED" if row.record.status is DraftStatus.FAILED else row.stage.value


def summary_line(records: Iterable[DraftRecord], alerts: Mapping[str, str], now: datetime) -> str:
    """One line for `systemctl status`: what needs the user, and the next deadline."""
    if alerts:
        return "; ".join(alerts.values())
    waiting = [r for r in records if r.status not in _DONE]
    if not waiting:
        return "watching the calendars; no drafts waiting"
    failed = sum(r.status is DraftStatus.FAILED for r in waiting)
    soonest = min(waiting, key=lambda r: r.deadline)
    left = describe_time_left(soonest.deadline - now)
    text = f"{len(waiting)} draft{'s' if len(waiting) != 1 else ''} waiting"
    text += f"; next deadline {soonest.recipient_name or soonest.recipient_email} ({left})"
    return text + (f"; {failed} failed" if failed else "")
