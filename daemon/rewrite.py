"""`[notes] rewrite_command`: the user's own command (a local model, a script) rewrites each
thank-you before it is drafted, and the same proofreading gate reads the result.

The command gets the note and the interview's notes on standard input:

    Subject: <the subject>

    <the note as composed>

    --- notes ---
    <the notes from the invite and the debrief>

and the environment variables `FOLLOWUP_RECIPIENT`, `FOLLOWUP_COMPANY`,
`FOLLOWUP_ROLE`. What it prints (UTF-8) becomes the body. A command that
fails, times out or prints nothing leaves the note as composed, with a
problem saying so. It only ever produces text: the result is a draft like
any other, proofread before it is written and never sent.
"""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Sequence
from dataclasses import replace

from daemon.core.actions import Action, CreateDraft, UpdateDraft, about
from daemon.core.compose import Writer
from daemon.core.model import DraftRecord, Purpose, Recipient
from daemon.core.proofread import expected_of, proofread
from daemon.core.protocols import DraftText
from daemon.core.text import one_line

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 120
MAX_OUTPUT_CHARS = 20_000


def rewrite_all(
    actions: Sequence[Action],
    command: Sequence[str],
    writer: Writer,
    records: Sequence[DraftRecord],
) -> list[Action]:
    """`actions` with each thank-you to write rewritten by `command`, and proofread again;
    `records` are the ledger's, to know the other interviewers of the same interview."""
    known = {r.key: r for r in records} | {
        a.record.key: a.record for a in actions if isinstance(a, CreateDraft)
    }
    return [
        _rewritten(action, command, writer, list(known.values()))
        if isinstance(action, CreateDraft | UpdateDraft)
        and action.record.key.purpose is Purpose.THANKS
        else action
        for action in actions
    ]


def _rewritten(
    action: CreateDraft | UpdateDraft,
    command: Sequence[str],
    writer: Writer,
    records: Sequence[DraftRecord],
) -> CreateDraft | UpdateDraft:
    record, message = action.record, action.message
    try:
        body = run_rewrite(command, record, message.subject, message.body)
    except RewriteError as error:
        log.warning("rewrite_command %s; %s stays as composed", error, about(record))
        failed = (*record.problems, f"rewrite_command {error}: the note is as composed")
        return replace(action, record=replace(record, problems=failed))
    others = [
        Recipient(r.recipient_email, r.recipient_name)
        for r in records
        if r.key.interview == record.key.interview and r.key != record.key
    ]
    names = tuple(a.filename for a in message.attachments)
    text = DraftText(message.subject, body, names)
    problems = proofread(text, expected_of(record, others, writer), writer.lexicon)
    revised = replace(record, problems=tuple(problems))
    return replace(action, record=revised, message=replace(message, body=body))


class RewriteError(Exception):
    """The rewrite command did not give a new body; the message says why."""


def run_rewrite(command: Sequence[str], record: DraftRecord, subject: str, body: str) -> str:
    """The body `command` writes for this note; `RewriteError` when it gives none."""
    stdin = f"Subject: {subject}\n\n{body.rstrip()}\n\n--- notes ---\n{record.notes}\n"
    environment = os.environ | {
        "FOLLOWUP_RECIPIENT": record.recipient_name or record.recipient_email,
        "FOLLOWUP_COMPANY": record.company,
        "FOLLOWUP_ROLE": record.role,
    }
    try:
        done = subprocess.run(
            list(command),
            input=stdin.encode("utf-8"),
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            env=environment,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RewriteError(f"took longer than {TIMEOUT_SECONDS} s") from None
    except OSError as error:
        raise RewriteError(f"could not run {command[0]!r}: {error.strerror}") from None
    if done.returncode != 0:
        said = one_line(done.stderr.decode("utf-8", "replace"), 200)
        raise RewriteError(f"exited with status {done.returncode}" + (f": {said}" if said else ""))
    return _body(done.stdout)


def _body(output: bytes) -> str:
    try:
        text = output.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise RewriteError("printed something that is not UTF-8 text") from None
    if not text:
        raise RewriteError("printed nothing")
    if len(text) > MAX_OUTPUT_CHARS:
        raise RewriteError(f"printed more than {MAX_OUTPUT_CHARS} characters")
    return text + "\n"
