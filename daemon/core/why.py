"""What `followup why` shows: how each event of the window was judged. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo

from daemon.core.detect import INTERVIEW_AT, POSSIBLE_AT, Judgement
from daemon.core.status import when
from daemon.core.text import one_line


def render_why(judgement: Judgement, zone: tzinfo | None = None) -> str:
    """Why an event was or was not taken as an interview: the fact that decided, or every
    signal with its weight, and who would be thanked."""
    event = judgement.event
    lines = [
        f"{judgement.ref.short}  {one_line(event.title, 120) or '(no title)'}",
        f"    {when(event.start, zone)} – {when(event.end, zone)}   calendar: {event.source}",
        f"    {judgement.verdict.value}"
        + (
            f": {judgement.decided_by}" if judgement.decided_by else f" (score {judgement.score:g})"
        ),
    ]
    lines += [f"    {s.weight:+5.1f}  {s.reason}" for s in judgement.signals]
    if not judgement.decided_by:
        lines.append(f"    an interview from {INTERVIEW_AT:g}, possibly one from {POSSIBLE_AT:g}")
    who = ", ".join(f"{r.name} <{r.email}>" if r.name else r.email for r in judgement.recipients)
    if who:
        lines.append(f"    notes to: {who}")
    return "\n".join(lines)


def render_overview(judgements: Iterable[Judgement], zone: tzinfo | None = None) -> str:
    """One line per event of the window: its reference, what it is, when, its title."""
    rows = sorted(judgements, key=lambda j: j.event.start)
    return (
        "\n".join(
            f"{j.ref.short}  {j.verdict.value:<21}  {when(j.event.start, zone)}  "
            f"{one_line(j.event.title, 70) or '(no title)'}"
            for j in rows
        )
        or "No events in the calendars' window."
    )
