"""`followup debrief` and `followup preview` as a user runs them, on the demo's Maildir."""

from __future__ import annotations

import email
import email.policy
import json
import re
import stat
from pathlib import Path

import pytest
from command_line import followup

pytestmark = pytest.mark.system


def draft_to(config: Path, address: str) -> Path:
    folder = config.parent / "Mail" / "Drafts" / "cur"
    [path] = [p for p in folder.iterdir() if f"<{address}>" in p.read_text()]
    return path


def body_of(path: Path) -> str:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    return message.get_body(("plain",)).get_content()


def edit(path: Path, old: str, new: str) -> None:
    """What a mail client does when the user edits the draft and saves it."""
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    text = message.get_body(("plain",))
    text.set_content(text.get_content().replace(old, new))
    path.write_bytes(message.as_bytes())


def ref_of(config: Path, home: dict[str, str], title: str) -> str:
    listed = followup("why", "--config", str(config), env=home).stdout
    [ref] = re.findall(rf"^(\w{{8}})  .*{re.escape(title)}", listed, re.MULTILINE)
    return ref


def status_of(config: Path, home: dict[str, str], address: str) -> dict:
    rows = json.loads(followup("status", "--json", "--config", str(config), env=home).stdout)
    return next(r for r in rows if r["recipient_email"] == address)


def test_a_debrief_rewrites_the_untouched_draft_and_leaves_the_edited_one(demo, home, tmp_path):
    dana = draft_to(demo, "dana.white@hooli.example")
    assert "[a topic you discussed]" in body_of(dana)
    ref = ref_of(demo, home, "Hooli – Phone Screen")
    written = tmp_path / "debrief.txt"
    written.write_text("Topics: the Kafka backfill\nPromised: send my portfolio\n")
    done = followup("debrief", ref, "--from", str(written), "--config", str(demo), env=home)
    assert "1 rewritten with new notes" in done.stdout
    rewritten = body_of(draft_to(demo, "dana.white@hooli.example"))
    assert "the Kafka backfill" in rewritten
    assert "my portfolio here: https://alex-rivera.example/portfolio" in rewritten
    assert status_of(demo, home, "dana.white@hooli.example")["problems"] == []

    dana = draft_to(demo, "dana.white@hooli.example")
    edit(dana, "Hi Dana,", "Dear Dana,")
    mine = dana.read_bytes()
    written.write_text("Topics: the Kafka backfill; exactly-once sinks\n")
    followup("debrief", ref, "--from", str(written), "--config", str(demo), env=home)
    assert dana.read_bytes() == mine
    row = status_of(demo, home, "dana.white@hooli.example")
    assert any("were not applied, because you edited it" in p for p in row["problems"])
    shown = followup("status", "--config", str(demo), env=home).stdout
    assert "check: notes added since the draft was written were not applied" in shown


def test_proofreading_follows_the_draft_as_the_user_fixes_it(demo, home):
    sam = draft_to(demo, "sam.taylor@globex.example")
    before = status_of(demo, home, "sam.taylor@globex.example")["problems"]
    assert "placeholder left in: [add the link or attach it]" in before
    edit(sam, "[add the link or attach it]", "https://alex-rivera.example/retries")
    edit(sam, "enthusiastic", "enthusiastc")
    followup("run", "--once", "--config", str(demo), env=home)
    after = status_of(demo, home, "sam.taylor@globex.example")
    assert not any("placeholder" in p or "promised" in p for p in after["problems"])
    assert any(p.startswith("spelling: 'enthusiastc'") for p in after["problems"])
    assert after["problems_checked"] == "current"


def test_debrief_opens_the_form_in_the_users_editor(demo, home, tmp_path):
    editor = tmp_path / "fill-in"
    editor.write_text(
        "#!/bin/sh\n"
        "sed -i 's/^Topics: $/Topics: the consensus bug/' \"$1\"\n"
        f'cp "$1" {tmp_path / "seen.txt"}\n'
    )
    editor.chmod(editor.stat().st_mode | stat.S_IXUSR)
    env = home | {"EDITOR": str(editor)}
    ref = ref_of(demo, home, "Hooli – Phone Screen")
    done = followup("debrief", ref, "--config", str(demo), env=env)
    assert "Kept your debrief" in done.stdout
    seen = (tmp_path / "seen.txt").read_text()
    assert "# Debrief: Hooli – Phone Screen" in seen and "[Dana White]" in seen
    assert "the consensus bug" in body_of(draft_to(demo, "dana.white@hooli.example"))


def test_debrief_without_a_reference_means_the_interview_that_ended_last(demo, home):
    done = followup(
        "debrief", "--from", "-", "--config", str(demo), env=home, stdin="Topics: the on-call rota"
    )
    assert "Acme <> Alex – Technical Screen" in done.stdout
    assert "the on-call rota" in body_of(draft_to(demo, "priya.raman@acme.example"))


def test_a_failing_editor_changes_nothing(demo, home):
    before = body_of(draft_to(demo, "dana.white@hooli.example"))
    ref = ref_of(demo, home, "Hooli – Phone Screen")
    failed = followup(
        "debrief", ref, "--config", str(demo), env=home | {"EDITOR": "false"}, check=False
    )
    assert failed.returncode == 1
    assert "the editor exited with status 1; nothing was changed" in failed.stderr
    assert body_of(draft_to(demo, "dana.white@hooli.example")) == before


def test_preview_prints_each_note_with_its_problems_and_touches_nothing(demo, home):
    drafts = sorted((demo.parent / "Mail" / "Drafts" / "cur").iterdir())
    before = [p.read_bytes() for p in drafts]
    ref = ref_of(demo, home, "Interview with Globex")
    shown = followup("preview", ref, "--config", str(demo), env=home).stdout
    assert "To: Sam Taylor <sam.taylor@globex.example>" in shown
    assert "Subject: Thank you – Platform Engineer at Globex" in shown
    assert "I especially enjoyed our conversation about scaling the build farm." in shown
    assert "check: placeholder left in: [add the link or attach it]" in shown
    assert [p.read_bytes() for p in sorted(drafts)] == before


def test_preview_of_something_that_is_not_an_interview_says_how_to_track_it(demo, home):
    ref = ref_of(demo, home, "Alex / Jamie")
    refused = followup("preview", ref, "--config", str(demo), env=home, check=False)
    assert refused.returncode == 1
    assert f"followup track {ref}" in refused.stderr
