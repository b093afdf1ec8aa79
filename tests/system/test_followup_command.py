"""The `followup` command end to end: an ICS file in, decoded drafts in a Maildir out."""

from __future__ import annotations

import json
import mailbox
import shutil
import subprocess
import sys
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from command_line import followup

DATA = Path(__file__).parents[1] / "data" / "ics"
NOW = "2026-11-26T16:00:00+00:00"

pytestmark = pytest.mark.system


@pytest.fixture
def config(tmp_path: Path) -> Path:
    shutil.copy(DATA / "system_week_ats_panel.ics", tmp_path / "week.ics")
    path = tmp_path / "config.toml"
    path.write_text(
        '[you]\nname = "Alex Rivera"\nemail = "alex@example.com"\n\n'
        '[[calendar]]\nkind = "ics"\nname = "week"\npath = "week.ics"\n\n'
        '[drafts]\nkind = "maildir"\npath = "Mail/Drafts"\nsent_path = "Mail/Sent"\n\n'
        '[state]\ndir = "state"\n',
        encoding="utf-8",
    )
    return path


def drafts(folder: Path) -> dict[str, object]:
    found = {}
    for path in sorted((folder / "cur").iterdir()):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        found[message["To"].addresses[0].addr_spec] = message
    return found


def test_run_once_leaves_one_decoded_draft_per_interviewer(config, home, tmp_path):
    result = followup("run", "--once", "--config", str(config), "--now", NOW, env=home)
    assert "4 new drafts" in result.stdout
    assert "broken-1@example.com" in result.stderr  # the broken event is named, then skipped
    notes = drafts(tmp_path / "Mail" / "Drafts")
    assert sorted(notes) == [
        "jose.muller@acme.example",
        "mallory@initech.example",
        "priya.raman@acme.example",
        "sam.taylor@globex.example",
    ]
    jose = notes["jose.muller@acme.example"]
    assert str(jose["To"]) == "José Müller <jose.muller@acme.example>"
    assert str(jose["From"]) == "Alex Rivera <alex@example.com>"
    assert str(jose["Subject"]) == "Thank you – Senior Backend Engineer at Acme"
    body = jose.get_content()
    assert body.startswith("Hi José,\n")
    assert "the move to event sourcing" in body
    assert "As promised, I'm sending you my design write-up: [add the link or attach it]." in body
    sam = notes["sam.taylor@globex.example"]
    assert "<" not in sam.get_content()  # the HTML invite never reaches the note as markup
    assert "the Platform Engineer role at Globex" in sam.get_content()


def test_hostile_calendar_text_never_adds_a_header(config, home, tmp_path):
    followup("run", "--once", "--config", str(config), "--now", NOW, env=home)
    for path in (tmp_path / "Mail" / "Drafts" / "cur").iterdir():
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert message["Bcc"] is None and message["Cc"] is None
        assert "bad address" not in path.read_text(encoding="utf-8")


def test_status_json_has_every_draft_with_deadline_and_problems(config, home):
    followup("run", "--once", "--config", str(config), "--now", NOW, env=home)
    result = followup("status", "--json", "--config", str(config), "--now", NOW, env=home)
    rows = {row["recipient_email"]: row for row in json.loads(result.stdout)}
    priya = rows["priya.raman@acme.example"]
    assert priya["deadline"] == "2026-11-27T10:30:00-05:00"
    assert priya["state"] == "drafted" and priya["stage"] == "ok"
    assert priya["company"] == "Acme" and priya["role"] == "Senior Backend Engineer"
    assert Path(priya["draft"]).is_file()
    assert "promised 'my design write-up': add the link or attach it" in priya["problems"]
    sam = rows["sam.taylor@globex.example"]
    assert (sam["stage"], sam["deadline"]) == ("due-soon", "2026-11-26T21:00:00+00:00")


def test_a_second_run_and_a_deleted_draft_create_nothing_new(config, home, tmp_path):
    followup("run", "--once", "--config", str(config), "--now", NOW, env=home)
    folder = tmp_path / "Mail" / "Drafts"
    victim = next(p for p in (folder / "cur").iterdir() if "priya" in p.read_text("utf-8").lower())
    victim.unlink()
    again = followup("run", "--once", "--config", str(config), "--now", NOW, env=home)
    assert "0 new drafts, 1 updated" in again.stdout
    assert len(list((folder / "cur").iterdir())) == 3
    result = followup("status", "--json", "--config", str(config), "--now", NOW, env=home)
    states = {row["recipient_email"]: row["state"] for row in json.loads(result.stdout)}
    assert states["priya.raman@acme.example"] == "deleted"
    followup("run", "--once", "--config", str(config), "--now", NOW, env=home)
    assert len(list((folder / "cur").iterdir())) == 3


def test_drafts_are_real_maildir_drafts(config, home, tmp_path):
    followup("run", "--once", "--config", str(config), "--now", NOW, env=home)
    box = mailbox.Maildir(tmp_path / "Mail" / "Drafts", create=False)
    assert sorted(message.get_flags() for message in box) == ["D", "D", "D", "D"]


def test_a_broken_config_is_reported_with_its_keys_and_exit_78(tmp_path, home):
    bad = tmp_path / "bad.toml"
    bad.write_text('[you]\nname = "A"\nemail = "nope"\n', encoding="utf-8")
    result = followup("run", "--once", "--config", str(bad), env=home, check=False)
    assert result.returncode == 78
    assert "you.email: expected an email address" in result.stderr
    assert "calendar: at least one [[calendar]] table is required" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreadable_calendar_is_reported_and_the_exit_says_so(config, home, tmp_path):
    (tmp_path / "week.ics").unlink()
    result = followup("run", "--once", "--config", str(config), "--now", NOW, env=home, check=False)
    assert result.returncode == 1
    assert "week" in result.stderr and "Traceback" not in result.stderr


def test_now_needs_an_offset(config, home):
    naive = "2026-11-26T16:00"
    result = followup(
        "run", "--once", "--config", str(config), "--now", naive, env=home, check=False
    )
    assert result.returncode == 2 and "give an offset" in result.stderr


def test_demo_writes_drafts_in_every_stage_with_reminders(home, tmp_path):
    result = followup("demo", "--dir", str(tmp_path / "demo"), env=home)
    out = result.stdout
    assert "5 new drafts" in out
    assert "[overdue] Dana White" in out and "late: drafted after its deadline" in out
    assert "[due-soon] Sam Taylor" in out and "last reminder: 6h" in out
    assert "[ok] Priya Raman" in out and "[ok] José Müller" in out
    assert "[done] Art Vandelay" in out and "next: draft a check-in unless they reply" in out
    mail = tmp_path / "demo" / "Mail"
    assert len(list((mail / "Drafts" / "cur").iterdir())) == 4  # one was "sent"
    reminders = [
        message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in (mail / "INBOX" / "new").iterdir()
    ]
    assert sorted(str(m["Subject"]) for m in reminders) == [
        "Thank-you notes to send: Hooli – Phone Screen",
        "Thank-you notes to send: Interview with Globex – Hiring Manager",
    ]
    again = followup("demo", "--dir", str(tmp_path / "demo"), env=home)
    assert "5 new drafts" in again.stdout
    assert len(list((mail / "Drafts" / "cur").iterdir())) == 4


def test_demo_refuses_to_empty_a_folder_it_did_not_make(home, tmp_path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work", encoding="utf-8")
    result = followup("demo", "--dir", str(precious), env=home, check=False)
    assert result.returncode == 78 and (precious / "thesis.txt").exists()


def test_the_default_demo_writes_only_under_the_state_dir(home, tmp_path):
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "daemon", "demo"],
        capture_output=True,
        text=True,
        env=home,
        cwd=workdir,
        timeout=60,
        check=True,
    )
    assert list(workdir.iterdir()) == []
    assert str(Path(home["XDG_STATE_HOME"]) / "interview-followup" / "demo") in result.stdout
