"""`[notes] rewrite_command`: the user's command rewrites a note; proofreading reads the result."""

from __future__ import annotations

import sys

import builders
import pytest
from builders import NOW, interview_from, onsite

from daemon import rewrite
from daemon.core.actions import CreateDraft
from daemon.core.plan import Snapshot, plan
from daemon.rewrite import rewrite_all
from daemon.spelling import EnglishLexicon

DRAFTING = builders.drafting(lexicon=EnglishLexicon())
PANEL = onsite("Onsite for the Senior Backend Engineer role at Acme.\nTopics: rate limits")


def planned() -> list[CreateDraft]:
    found = [interview_from(PANEL)]
    return [a for a in plan(NOW, Snapshot(found), DRAFTING) if isinstance(a, CreateDraft)]


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_the_commands_output_becomes_the_body_and_is_proofread():
    script = (
        "import os, sys\n"
        "note = sys.stdin.read()\n"
        "assert '--- notes ---' in note and 'rate limits' in note\n"
        "name = os.environ['FOLLOWUP_RECIPIENT'].split()[0]\n"
        "print(f'Hi {name},\\n\\nThanks for the talk about rate limits at "
        '{os.environ["FOLLOWUP_COMPANY"]}. I recieved a lot from it.\\n\\nAlex Rivera\')\n'
    )
    actions = rewrite_all(planned(), python(script), DRAFTING.writer, [])
    bodies = {a.record.recipient_email: a.message.body for a in actions}
    assert bodies["priya.raman@acme.example"].startswith("Hi Priya,\n\nThanks for the talk")
    problems = {a.record.recipient_email: a.record.problems for a in actions}
    priya = problems["priya.raman@acme.example"]
    assert any(p.startswith("spelling: 'recieved'") for p in priya)
    assert any("a little short" in p for p in priya)


def test_the_greeting_check_knows_the_other_panelists():
    script = "import sys; sys.stdin.read(); print('Hi José,\\n\\nThanks.\\n\\nAlex Rivera')"
    actions = rewrite_all(planned(), python(script), DRAFTING.writer, [])
    priya = next(a for a in actions if a.record.recipient_email == "priya.raman@acme.example")
    assert any("the greeting names José" in p for p in priya.record.problems)


@pytest.mark.parametrize(
    ("code", "said"),
    [
        ("import sys; sys.exit(3)", "exited with status 3"),
        ("import sys; sys.stderr.write('model not found'); sys.exit(1)", "model not found"),
        ("pass", "printed nothing"),
        ("import sys; sys.stdout.buffer.write(b'\\xff\\xfe')", "not UTF-8 text"),
    ],
)
def test_a_failing_command_leaves_the_note_as_composed_and_says_so(code, said):
    before = planned()
    after = rewrite_all(before, python(code), DRAFTING.writer, [])
    for composed, kept in zip(before, after, strict=True):
        assert kept.message == composed.message
        assert kept.record.problems[-1].startswith("rewrite_command ")
        assert said in kept.record.problems[-1]


def test_a_command_that_hangs_is_stopped(monkeypatch):
    monkeypatch.setattr(rewrite, "TIMEOUT_SECONDS", 0.5)
    after = rewrite_all(planned(), python("import time; time.sleep(30)"), DRAFTING.writer, [])
    assert all("took longer than 0.5 s" in a.record.problems[-1] for a in after)


def test_a_missing_command_is_named():
    after = rewrite_all(planned(), ["no-such-rewriter-here"], DRAFTING.writer, [])
    assert all("could not run 'no-such-rewriter-here'" in a.record.problems[-1] for a in after)
