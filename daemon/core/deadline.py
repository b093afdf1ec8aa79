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

from daemon.core.model import OVERDUE, ReminderStage


@dataclass(frozen=True)
class Scheduled:
    """A reminder stage, when it comes due, and when it is to reach the user (quiet hours
    may hold it until the morning)."""

    stage: ReminderStage
    due: datetime
    at: datetime


def stages_for(remind_before_hours: Iterable[float]) -> list[ReminderStage]:
    """Every reminder stage of a deadline, in the order they come due: overdue last."""
    before = {ReminderStage(hours) for hours in remind_before_hours}
    return [*sorted(before, reverse=True), OVERDUE]


def due_stage(
    deadline: datetime,
    now: datetime,
    remind_before_hours: Iterable[float],
    delivered: Iterable[ReminderStage],
) -> ReminderStage | None:
    """The stage to deliver now: the latest one that came due, unless it (or a later
    one) already reached the user. Stages a downtime skipped are not delivered late."""
    stages = stages_for(remind_before_hours)
    came_due = [stage for stage in stages if stage.due(deadline) <= now]
    if not came_due:
        return None
    latest = came_due[-1]
    return None if set(delivered) & set(stages[stages.index(latest) :]) else latest


def next_stage(
    deadline: datetime, now: datetime, remind_before_hours: Iterable[float]
) -> ReminderStage | None:
    """The next stage still to come after `now`, if any."""
    return next((s for s in stages_for(remind_before_hours) if s.due(deadline) > now), None)


def next_reminder(
    deadline: datetime,
    now: datetime,
    remind_before_hours: Iterable[float],
    delivered: Iterable[ReminderStage],
    quiet: QuietHours | None,
) -> Scheduled | None:
    """The next reminder of `deadline` and when it reaches the user: at or before `now`
    when it is due now; None once every stage has reached the user."""
    hours = tuple(remind_before_hours)
    stage = due_stage(deadline, now, hours, delivered) or next_stage(deadline, now, hours)
    if stage is None:
        return None
    due = stage.due(deadline)
    moment = max(now, due)
    at = delivery_time(stage, deadline, moment, quiet) if quiet else moment
    # Held until the morning, a later stage may have come due by then: that one goes out.
    return Scheduled(due_stage(deadline, at, hours, delivered) or stage, due, at)


def describe_time_left(left: timedelta) -> str:
    """`5h 20m left`, or `3h 10m late` once the deadline has passed."""
    minutes = int(abs(left.total_seconds()) // 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    amount = f"{days}d {hours}h" if days else f"{hours}h {minutes:02d}m"
    return f"{amount} left" if left.total_seconds() >= 0 else f"{amount} late"


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


def delivery_time(
    stage: ReminderStage, deadline: datetime, moment: datetime, quiet: QuietHours
) -> datetime:
    """When a reminder due at `moment` should reach the user: then, or when quiet hours end.

    A reminder before the deadline is not held back if the deadline would pass
    before the morning; an overdue one can always wait for the morning.
    """
    if not quiet.contains(moment):
        return moment
    morning = quiet.end_after(moment)
    if not stage.overdue and deadline <= morning:
        return moment
    return morning


def check_in_due(
    sent_at: datetime, business_days: int, decision: date | None, zone: tzinfo
) -> datetime:
    """When to draft a check-in if no reply came: the morning of the business day after
    a decision date the notes mention, else `business_days` business days after sending.

    Never sooner than the morning of the business day after sending: a decision date
    that passed before the note went out gives them a day to answer it.
    """
    sent_day = sent_at.astimezone(zone).date()
    if decision is not None:
        return _morning(_business_days_after(max(decision, sent_day), 1), zone)
    return _morning(_business_days_after(sent_day, business_days), zone)


def _business_days_after(day: date, count: int) -> date:
    while count:
        day += timedelta(days=1)
        count -= day.weekday() < 5  # Monday to Friday count; weekends do not
    return day


def _morning(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=zone)


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# Someone will answer or decide (not "I'll update the README by Monday"), then by when.
_DECISION = re.compile(
    r"\b(?:they|we|he|she|you|i)(?:'ll|’ll| will| should| would| expect to| plan to)?\s+"
    r"(?:decide|make (?:a|their|the) decision|get back to (?:me|you|us)|hear back"
    r"|let (?:me|you|us) know|come back to (?:me|you|us))\b[^.\n]{0,30}?"
    r"\b(?:by|on|before)\s+(?P<when>[\w ,.-]{3,30})"
    r"|\b(?:decision|answer|feedback)\s*(?:by|on|expected)?\s*:\s*(?P<labelled>[\w ,.-]{3,30})"
    r"|\bhear back (?:by|on|before)\s+(?P<heard>[\w ,.-]{3,30})",
    re.IGNORECASE,
)


def decision_date(notes: str, interview_day: date) -> date | None:
    """A date the notes say a decision or answer will come by, if they name one.

    Understands "they'll decide by Friday", "Decision by: 2026-12-04", "we'll
    hear back by Dec 4"; an explicit date wins over a weekday, and a weekday
    means the first one after the interview day. A date already past is ignored.
    """
    match = _DECISION.search(notes)
    if match is None:
        return None
    when = match.group("when") or match.group("labelled") or match.group("heard")
    found = _date_in(when, interview_day)
    return found if found is not None and found >= interview_day else None


def _date_in(text: str, after: date) -> date | None:
    lowered = text.lower()
    iso = re.search(r"(\d{4})-(\d{2})-(\d{2})", lowered)
    if iso:
        return _safe_date(int(iso[1]), int(iso[2]), int(iso[3]))
    explicit = _month_day(lowered, after)
    if explicit is not None:
        return explicit
    first = re.findall(r"[a-z]+", lowered)[:1]
    if first and first[0] in _WEEKDAYS:
        days_ahead = (_WEEKDAYS.index(first[0]) - after.weekday() - 1) % 7 + 1
        return after + timedelta(days=days_ahead)
    if first == ["tomorrow"]:
        return after + timedelta(days=1)
    return None


def _month_day(text: str, after: date) -> date | None:
    """ "Dec 4", "4 December", "December 4th": in the interview's year, or the next
    when the date lies well before it (a December interview speaking of January)."""
    match = re.search(rf"\b({_MONTH})\s+({_DAY})\b|\b({_DAY})\s+({_MONTH})(?!\w)", text)
    if match is None:
        return None
    month_word = (match[1] or match[4]).rstrip(".")
    day_word = re.sub(r"\D", "", match[2] or match[3])
    month = next((i + 1 for i, m in enumerate(_MONTHS) if m.startswith(month_word[:3])), 0)
    found = _safe_date(after.year, month, int(day_word)) if month else None
    if found is not None and found < after - timedelta(days=60):
        found = _safe_date(after.year + 1, month, int(day_word))
    return found


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
