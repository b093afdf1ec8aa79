"""Asking the user when unsure: the demo's possible interview, `track`, `ignore` and `why`,
run as the `followup` command a user types."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from command_line import followup

pytestmark = pytest.mark.system


def ref_of(text: str, title: str) -> str:
    [ref] = re.findall(rf"^(\w{{8}})  .*{re.escape(title)}", text, re.MULTILINE)
    return ref


def drafts_to(config: Path, address: str) -> list[Path]:
    folder = config.parent / "Mail" / "Drafts" / "cur"
    return [p for p in folder.iterdir() if f"To: Jamie Chen <{address}>" in p.read_text()]


def test_the_demo_asks_about_one_possible_interview_in_status(demo, home):
    shown = followup("status", "--config", str(demo), env=home).stdout
    asked = [line for line in shown.splitlines() if line.startswith("[possibly an interview]")]
    assert asked == [asked[0]] and "Alex / Jamie – Stark Industries" in asked[0]
    assert re.search(r"followup track \w{8}\s+drafts its notes \(to Jamie Chen\)", shown)
    rows = json.loads(followup("status", "--json", "--config", str(demo), env=home).stdout)
    [possible] = [row for row in rows if row["state"] == "possible"]
    assert possible["recipient_email"] == "jamie.chen@stark.example"
    assert possible["next_action"].startswith("followup track ")


def test_track_drafts_the_notes_at_once_and_the_decision_stays(demo, home):
    listed = followup("why", "--config", str(demo), env=home).stdout
    ref = ref_of(listed, "Alex / Jamie – Stark Industries")
    assert f"{ref}  possibly an interview" in listed
    tracked = followup("track", ref[:5], "--config", str(demo), env=home).stdout
    assert "1 new drafts" in tracked
    assert len(drafts_to(demo, "jamie.chen@stark.example")) == 1
    again = followup("run", "--once", "--config", str(demo), env=home).stdout
    assert "0 new drafts" in again
    explained = followup("why", ref, "--config", str(demo), env=home).stdout
    assert "an interview: you said to track it" in explained
    status = followup("status", "--config", str(demo), env=home).stdout
    assert "[possibly an interview]" not in status


def test_ignore_removes_an_untouched_draft_and_keeps_an_edited_one(demo, home):
    ref = ref_of(followup("why", "--config", str(demo), env=home).stdout, "Jamie")
    followup("track", ref, "--config", str(demo), env=home)
    ignored = followup("ignore", ref, "--config", str(demo), env=home).stdout
    assert "Removed the untouched draft to jamie.chen@stark.example." in ignored
    assert drafts_to(demo, "jamie.chen@stark.example") == []
    assert "0 new drafts" in followup("run", "--once", "--config", str(demo), env=home).stdout

    panel = ref_of(followup("why", "--config", str(demo), env=home).stdout, "Acme <> Alex")
    [path] = [p for p in (demo.parent / "Mail/Drafts/cur").iterdir() if "priya" in p.read_text()]
    path.write_text(path.read_text().replace("Hi Priya", "Hello Priya"))
    kept = followup("ignore", panel, "--config", str(demo), env=home).stdout
    assert "Kept the draft to priya.raman@acme.example: you edited it" in kept
    assert "Removed the untouched draft to jose.muller@acme.example." in kept
    assert path.exists()


def test_why_explains_an_event_with_its_signals(demo, home):
    listed = followup("why", "--config", str(demo), env=home).stdout
    mock = ref_of(listed, "Mock interview with Jordan")
    shown = followup("why", mock, "--config", str(demo), env=home).stdout
    assert "not an interview" in shown
    assert "the title says 'mock': not a job interview" in shown


def test_an_unknown_reference_is_one_clear_error(demo, home):
    result = followup("track", "zzzz", "--config", str(demo), env=home, check=False)
    assert result.returncode == 1
    assert "no event in the calendars' window has the reference 'zzzz'" in result.stderr
    assert "Traceback" not in result.stderr
