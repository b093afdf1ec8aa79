"""`followup debrief` and `followup preview`: the interview they are about, the editor the
debrief is written in, and the notes as they would be drafted.

An interview is named by the reference `status` and `why` show; without one,
the interview that ended last (within the lookback) is meant. The debrief is
written in the user's editor (`$VISUAL`, `$EDITOR`, else the system's
`editor`, `nano` or `vi`), on a private temporary file, or read from a file
or standard input; it is kept in the ledger, and the next cycle rewrites the
drafts the user has not edited.
"""

from __future__ import annotations

import logging
import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from daemon import decisions
from daemon.core.compose import compose_note
from daemon.core.detect import Verdict
from daemon.core.model import Interview, Recipient
from daemon.core.proofread import expected_for, proofread
from daemon.cycle import Reading, interviews_of
from daemon.runtime import Runtime

log = logging.getLogger(__name__)

_FALLBACK_EDITORS = ("editor", "nano", "vi")
MAX_DEBRIEF_CHARS = 20_000  # a debrief is a few lines; more is a pasted document


class EditorError(Exception):
    """No editor could be run, or it failed; the message says what to do."""


def chosen(reading: Reading, now: datetime, runtime: Runtime, ref: str | None) -> Interview:
    """The interview `ref` names, or the one that ended last; `NoSuchEventError` if none."""
    if ref:
        judgement = decisions.find(reading, ref)
        if judgement.verdict is not Verdict.INTERVIEW:
            raise decisions.NoSuchEventError(
                f"{judgement.event.title!r} is not taken for an interview ({judgement.reason}); "
                f"`followup track {judgement.ref.short}` makes it one"
            )
        return interviews_of([judgement], runtime)[0]
    done = [
        j
        for j in reading.finished(now, runtime.settings)
        if j.verdict is Verdict.INTERVIEW and j.event.end <= now
    ]
    if not done:
        hours = runtime.settings.interviews.lookback_hours
        raise decisions.NoSuchEventError(
            f"no interview ended in the last {hours:g} hours; name one by its reference "
            "(`followup why` lists the events)"
        )
    latest = max(done, key=lambda j: j.event.end)
    return interviews_of([latest], runtime)[0]


def edit(text: str, environ: dict[str, str] | None = None) -> str:
    """`text` as the user left it in their editor; `EditorError` when none runs."""
    command = editor_command(os.environ if environ is None else environ)
    with tempfile.TemporaryDirectory(prefix="followup-") as folder:
        path = Path(folder) / "DEBRIEF.txt"
        path.write_text(text, encoding="utf-8")
        try:
            finished = subprocess.run([*command, str(path)], check=False)
        except OSError as error:
            raise EditorError(f"cannot run the editor {command[0]!r}: {error.strerror}") from None
        if finished.returncode != 0:
            raise EditorError(
                f"the editor exited with status {finished.returncode}; nothing was changed"
            )
        return read_limited(path)


def editor_command(environ: dict[str, str] | os._Environ[str]) -> list[str]:
    """The user's editor as a command line, as `git commit` finds it."""
    for variable in ("VISUAL", "EDITOR"):
        value = environ.get(variable, "").strip()
        if value:
            return shlex.split(value)
    for name in _FALLBACK_EDITORS:
        if shutil.which(name):
            return [name]
    raise EditorError("no editor found: set $EDITOR, or give the debrief with --from FILE")


def read_limited(path: Path) -> str:
    """A debrief file's text; `EditorError` when it is not text or far too long."""
    try:
        data = path.read_bytes()[: MAX_DEBRIEF_CHARS * 4 + 1]
        text = data.decode("utf-8")
    except OSError as error:
        raise EditorError(f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise EditorError(f"{path} is not UTF-8 text") from None
    if len(text) > MAX_DEBRIEF_CHARS:
        raise EditorError(f"the debrief is longer than {MAX_DEBRIEF_CHARS} characters")
    return text


@dataclass(frozen=True)
class Preview:
    """The note one interviewer would get, with what proofreading finds in it."""

    recipient: Recipient
    subject: str
    body: str
    attachments: tuple[str, ...]
    problems: tuple[str, ...]


def previews(interview: Interview, runtime: Runtime) -> Iterable[Preview]:
    """Every interviewer's note as it would be drafted now; the mailbox is not touched."""
    writer = runtime.drafting.writer
    for recipient in interview.recipients:
        note = compose_note(interview, recipient, writer)
        expected = expected_for(interview, recipient, writer)
        problems = proofread(note.as_text(), expected, writer.lexicon)
        names = tuple(a.filename for a in note.attachments)
        yield Preview(recipient, note.subject, note.body, names, tuple(problems))


def render_preview(interview: Interview, shown: Iterable[Preview]) -> str:
    """The previews as `followup preview` prints them."""
    head = [
        f"{interview.event.title} — ended {interview.ended_at.strftime('%a %d %b %H:%M')}",
        f"company: {interview.company or '(unknown: the notes say “the team”)'}"
        f"   role: {interview.role or '(unknown)'}",
    ]
    blocks = ["\n".join(head)]
    for preview in shown:
        who = preview.recipient
        lines = [
            f"To: {who.name} <{who.email}>" if who.name else f"To: {who.email}",
            f"Subject: {preview.subject}",
            *(f"Attached: {name}" for name in preview.attachments),
            "",
            preview.body.rstrip(),
            "",
            *(f"check: {problem}" for problem in preview.problems),
        ]
        if not preview.problems:
            lines.append("check: nothing found")
        blocks.append("\n".join(lines))
    return ("\n\n" + "-" * 72 + "\n").join(blocks)
