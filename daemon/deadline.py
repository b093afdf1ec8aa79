"""The 24-hour deadline: reminder stages, quiet hours, and when to check in after sending.

Pure: every function takes the moments it reasons about. A reminder stage is
a moment before the deadline (6 h and 2 h by default) or the deadline itself
("overdue"); each reaches the user once, and after a downtime only the latest
stage that came due is delivered. Quiet hours delay a reminder to the
morning, unless the deadline would pass first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

OVERDUE = "overdue"


@dataclass(frozen=True)
class Stage:
    """One reminder: its name (`6h`, `2h`, `overdue`) and when it comes due."""

    name: str
    at: datetime


def stages_for(deadline: datetime, remind_before_hours: Iterable[float]) -> list[Stage]:
    """Every reminder stage of a deadline, earliest first."""
    before = [Stage(f"{h:g}h", deadline - timedelta(hours=h)) for h in remind_before_hours]
    return sorted([*before, Stage(OVERDUE, deadline)], key=lambda stage: stage.at)


def due_stage(
    deadline: datetime,
    now: datetime,
    remind_before_hours: Iterable[float],
    delivered: Iterable[str],
) -> Stage | None:
    """The stage to deliver now: the latest one that came due, unless it (or a later
    one) already reached the user. Stages a downtime skipped are not delivered late."""
    stages = stages_for(deadline, remind_before_hours)
    came_due = [stage for stage in stages if stage.at <= now]
    if not came_due:
        return None
    latest = came_due[-1]
    done = set(delivered)
    later_or_same = {stage.name for stage in stages[stages.index(latest) :]}
    return None if done & later_or_same else latest


def next_stage(
    deadline: datetime, now: datetime, remind_before_hours: Iterable[float]
) -> Stage | None:
    """The next stage still to come after `now`, if any."""
    return next((s for s in stages_for(deadline, remind_before_hours) if s.at > now), None)


@dataclass(frozen=True)
class QuietHours:
    """Hours of the day (in `zone`) when reminders wait, e.g. 22:00–07:00."""

    start: time
    end: time
    zone: tzinfo

    def contains(self, moment: datetime) -> bool:
        """Whether `moment` falls in the quiet hours."""
        clock = moment.astimezone(self.zone).time()
        if self.start <= self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end

    def end_after(self, moment: datetime) -> datetime:
        """The first end of quiet hours after `moment`."""
        local = moment.astimezone(self.zone)
        end = datetime.combine(local.date(), self.end, tzinfo=self.zone)
        return (
            end
            if end > local
            else datetime.combine(local.date() + timedelta(days=1), self.end, tzinfo=self.zone)
        )


def delivery_time(stage: Stage, deadline: datetime, now: datetime, quiet: QuietHours) -> datetime:
    """When a due reminder should reach the user: now, or when quiet hours end.

    A reminder before the deadline is not held back if the deadline would pass
    before the morning; an overdue one can always wait for the morning.
    """
    if not quiet.contains(now):
        return now
    morning = quiet.end_after(now)
    if stage.name != OVERDUE and deadline <= morning:
        return now
    return morning


def check_in_due(
    sent_at: datetime, business_days: int, decision: date | None, zone: tzinfo
) -> datetime:
    """When to draft a check-in if no reply came: the morning of the business day after
    a decision date the notes mention, else `business_days` business days after sending."""
    start = decision if decision is not None else sent_at.astimezone(zone).date()
    days = 1 if decision is not None else business_days
    day = start
    while days:
        day += timedelta(days=1)
        days -= day.weekday() < 5
    return datetime.combine(day, time(9, 0), tzinfo=zone)


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
)  # fmt: skip
_DECISION = re.compile(
    r"\b(?:decide|decision|decisions|hear back|get back|back to (?:me|you)|update|next steps?"
    r"|respond|response|let (?:me|you) know)\w*\b[^.\n]{0,40}?\b(?:by|on|before|until)\s+"
    r"(?P<when>[\w ,-]{3,30})",
    re.IGNORECASE,
)


def decision_date(notes: str, interview_day: date) -> date | None:
    """A date the notes say a decision or answer will come by, if they name one.

    Understands "they'll decide by Friday", "Decision by: 2026-12-04", "hear
    back by Dec 4"; a weekday means the first one after the interview day.
    """
    match = _DECISION.search(notes) or re.search(
        r"\bdecision\s*(?:by|on)?\s*:\s*(?P<when>[\w ,-]{3,30})", notes, re.IGNORECASE
    )
    return _date_in(match.group("when"), interview_day) if match else None


def _date_in(text: str, after: date) -> date | None:
    words = text.lower().replace(",", " ").split()
    iso = re.match(r"(\d{4})-(\d{2})-(\d{2})", text.strip())
    if iso:
        return _safe_date(int(iso[1]), int(iso[2]), int(iso[3]))
    if words and words[0] in _WEEKDAYS:
        days_ahead = (_WEEKDAYS.index(words[0]) - after.weekday() - 1) % 7 + 1
        return after + timedelta(days=days_ahead)
    if words and words[0] == "tomorrow":
        return after + timedelta(days=1)
    return _month_day(words, after)


def _month_day(words: list[str], after: date) -> date | None:
    month = next((i + 1 for w in words[:2] for i, m in enumerate(_MONTHS) if w.startswith(m)), 0)
    day = next((int(d) for w in words[:2] if (d := re.sub(r"(st|nd|rd|th)$", "", w)).isdigit()), 0)
    if not month or not day:
        return None
    found = _safe_date(after.year, month, day)
    if found is not None and found < after:
        found = _safe_date(after.year + 1, month, day)
    return found


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
