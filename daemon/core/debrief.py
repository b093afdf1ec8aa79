"""The debrief form `followup debrief` opens in an editor, and what is kept of it. Pure.

The form has one section per interviewer, headed by their name in brackets
(the form notes are read in: see `daemon.core.notes`), with a line each for
what you talked about, what you promised and what you want to stress about
your fit; a panel gets an `[Everyone]` section too. Lines starting with `#`
explain the form and are dropped, as `git commit` drops them, and so are
labels left empty, so an untouched form keeps nothing.
"""

from __future__ import annotations

import re

from daemon.core.model import Interview
from daemon.core.text import one_line

_LABELS = ("Topics", "Promised", "Fit")
_EMPTY_LABEL = re.compile(rf"^\s*(?:{'|'.join(_LABELS)})\s*:\s*$", re.IGNORECASE)
_SECTION = re.compile(r"^\s*\[[^\]]+\]\s*$")

_HELP = """\
# Debrief: {title}, ended {ended}.
#
# Under each interviewer, write what you talked about, what you promised to
# send, and what you want to stress about your fit; separate several with ";".
# For example:
#   Topics: sharding the ledger service; idempotent retries
#   Promised: send my portfolio
#   Fit: I led a similar migration at my last job
#
# Save and close to rewrite the drafts you have not edited yet. Lines starting
# with # are ignored; a form left as it is changes nothing.
"""


def debrief_form(interview: Interview, earlier: str = "") -> str:
    """The form for `interview`: what was written before, else an empty section for each
    interviewer (and one for everyone, on a panel)."""
    title = one_line(interview.event.title, 100) or "(no title)"
    ended = interview.ended_at.strftime("%a %d %b %H:%M")
    head = _HELP.format(title=title, ended=ended)
    if earlier.strip():
        return f"{head}\n{earlier.strip()}\n"
    names = [r.name or r.email for r in interview.recipients]
    if len(names) > 1:
        names.insert(0, "Everyone")
    sections = ["\n".join([f"[{name}]", *(f"{label}: " for label in _LABELS)]) for name in names]
    return f"{head}\n" + "\n\n".join(sections) + "\n"


def debrief_text(edited: str) -> str:
    """What is kept of a filled-in form: no comments, no empty labels, no empty sections;
    "" when nothing was written."""
    lines = [
        line.rstrip()
        for line in edited.replace("\r\n", "\n").split("\n")
        if not line.lstrip().startswith("#") and not _EMPTY_LABEL.match(line)
    ]
    kept: list[str] = []
    for index, line in enumerate(lines):
        if _SECTION.match(line) and not _has_content(lines[index + 1 :]):
            continue
        kept.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def _has_content(following: list[str]) -> bool:
    """Whether the lines up to the next section hold anything."""
    for line in following:
        if _SECTION.match(line):
            return False
        if line.strip():
            return True
    return False
