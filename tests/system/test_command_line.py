"""The command line as a user meets it: status that tells the truth, init, check, dry run,
version, help, completion and the manual page, each run as the `followup` command."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from command_line import followup

pytestmark = pytest.mark.system

INTERVIEW = """\
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:screen-1@acme.example
DTSTAMP:20261126T090000Z
DTSTART:20261126T130000Z
DTEND:20261126T140000Z
SUMMARY:Interview: Backend Engineer – Acme
ORGANIZER;CN=Priya Raman:mailto:priya@acme.example
ATTENDEE;CN=Alex Rivera;PARTSTAT=ACCEPTED:mailto:alex@example.com
ATTENDEE;CN=Priya Raman;PARTSTAT=ACCEPTED:mailto:priya@acme.example
END:VEVENT
END:VCALENDAR
"""
NOW = "2026-11-26T15:00:00+00:00"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A calendar with one finished interview, drafts into a Maildir."""
    (tmp_path / "week.ics").write_text(INTERVIEW, encoding="utf-8")
    path = tmp_path / "config.toml"
    path.write_text(
        '[you]\nname = "Alex Rivera"\nemail = "alex@example.com"\n\n'
        '[[calendar]]\nkind = "ics"\nname = "week"\npath = "week.ics"\n\n'
        '[drafts]\nkind = "maildir"\npath = "Mail/Drafts"\n\n'
        '[state]\ndir = "state"\n',
        encoding="utf-8",
    )
    return path


def run(config: Path, home: dict[str, str], *args: str, **options: object):
    return followup(*args, "--config", str(config), env=home, check=False, **options)


def test_status_says_a_calendar_is_missing_and_exits_1(config, home):
    (config.parent / "week.ics").unlink()
    cycle = run(config, home, "run", "--once", "--now", NOW)
    assert cycle.returncode == 1
    shown = run(config, home, "status", "--now", NOW)
    assert shown.returncode == 1
    assert shown.stdout.startswith("Needs your attention:\n! calendar week: ")
    assert "week.ics does not exist" in shown.stdout
    assert "→ fix [[calendar]] path in the configuration" in shown.stdout
    rows = json.loads(run(config, home, "status", "--json", "--now", NOW).stdout)
    problems = [r for r in rows if r["state"] == "problem"]
    assert [p["key"] for p in problems] == ["problem:calendar week"]
    assert "Traceback" not in cycle.stderr + shown.stderr


def test_drafts_that_cannot_be_written_are_not_shown_as_fine(config, home):
    (config.parent / "Mail").mkdir()
    (config.parent / "Mail" / "Drafts").write_text("not a folder")
    cycle = run(config, home, "run", "--once", "--now", NOW)
    assert cycle.returncode == 1
    for internal in ("DraftKey(", "CreateDraft", "Traceback", "Error:"):
        assert internal not in cycle.stderr, cycle.stderr
    assert "could not draft the thank-you to Priya Raman for 'Interview: Backend" in cycle.stderr
    shown = run(config, home, "status", "--now", NOW)
    assert shown.returncode == 1
    assert "! the drafts: [drafts] path" in shown.stdout and "is a file" in shown.stdout
    assert "could not be written:" in shown.stdout
    assert "[not written yet] Priya Raman <priya@acme.example>" in shown.stdout
    assert "[ok]" not in shown.stdout


def test_a_read_only_state_directory_is_said_and_the_drafts_still_shown(config, home):
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare to mount the state read-only")
    assert run(config, home, "run", "--once", "--now", NOW).returncode == 0
    state = config.parent / "state"
    script = (
        f'mount --bind "{state}" "{state}" && mount -o remount,bind,ro "{state}" && '
        f'"{sys.executable}" -m daemon status --config "{config}" --now {NOW}'
    )
    shown = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script],
        capture_output=True,
        text=True,
        env=home,
        timeout=60,
        check=False,
    )
    if "mount" in shown.stderr and "permission" in shown.stderr.lower():
        pytest.skip(f"this machine does not allow a private mount: {shown.stderr.strip()}")
    assert shown.returncode == 1, shown.stderr
    assert "! the state directory:" in shown.stdout
    assert "Read-only file system" in shown.stdout or "cannot be written" in shown.stdout
    assert "Priya Raman <priya@acme.example>" in shown.stdout  # read from the ledger as it is
    assert "Errno" not in shown.stdout + shown.stderr


def test_a_needed_google_sign_in_is_said(tmp_path, home):
    path = tmp_path / "config.toml"
    path.write_text(
        '[you]\nname = "Alex Rivera"\nemail = "alex@example.com"\n\n'
        '[[calendar]]\nkind = "google"\n\n[drafts]\nkind = "gmail"\n\n[state]\ndir = "state"\n',
        encoding="utf-8",
    )
    shown = run(path, home, "status")
    assert shown.returncode == 1
    assert "! Google sign-in needed: run `followup auth`" in shown.stdout


def test_an_installed_service_that_stopped_is_said(config, home, tmp_path):
    units = Path(home["XDG_CONFIG_HOME"]) / "systemd" / "user"
    units.mkdir(parents=True)
    (units / "interview-followup.service").write_text("[Service]\n")
    tools = tmp_path / "bin"
    tools.mkdir()
    systemctl = tools / "systemctl"
    systemctl.write_text('#!/bin/sh\n[ "$2" = is-active ] && echo failed && exit 3\nexit 1\n')
    systemctl.chmod(systemctl.stat().st_mode | stat.S_IXUSR)
    env = home | {"PATH": f"{tools}{os.pathsep}{home['PATH']}"}
    run(config, env, "run", "--once", "--now", NOW)
    shown = run(config, env, "status", "--now", NOW)
    assert shown.returncode == 1
    assert "! the service: installed but failed: nothing watches your calendars" in shown.stdout
    assert "systemctl --user start interview-followup.service" in shown.stdout


def test_status_exits_0_when_nothing_needs_the_user(config, home):
    assert run(config, home, "run", "--once", "--now", NOW).returncode == 0
    shown = run(config, home, "status", "--now", NOW)
    assert shown.returncode == 0, shown.stdout
    assert "Needs your attention" not in shown.stdout


def test_init_writes_a_configuration_the_daemon_accepts_and_never_overwrites(home, tmp_path):
    options = ["--name", "Alex Rivera", "--email", "alex@example.com"]
    written = followup("init", *options, "--ics", str(tmp_path / "cal.ics"), env=home, check=False)
    assert written.returncode == 0, written.stderr
    path = Path(home["XDG_CONFIG_HOME"]) / "interview-followup" / "config.toml"
    text = path.read_text(encoding="utf-8")
    assert 'name = "Alex Rivera"' in text and f'path = "{tmp_path / "cal.ics"}"' in text
    assert "# strengths = [" in text  # the other options stay documented where they are set
    assert "followup check" in written.stdout
    again = followup("init", *options, "--google", env=home, check=False)
    assert again.returncode == 1 and "already exists" in again.stderr
    assert path.read_text(encoding="utf-8") == text


def test_init_in_a_script_asks_for_what_is_missing(home):
    refused = followup("init", "--name", "Alex", env=home, check=False, stdin="")
    assert refused.returncode == 2
    assert "give --name and --email" in refused.stderr


def test_check_on_a_healthy_and_on_a_broken_configuration(config, home):
    healthy = run(config, home, "check", "--now", NOW)
    assert healthy.returncode == 0, healthy.stdout
    assert "ok   calendar week: read: 1 events" in healthy.stdout
    assert "ok   drafts path:" in healthy.stdout and "will be created" in healthy.stdout
    assert healthy.stdout.rstrip().endswith("Ready.")
    (config.parent / "week.ics").unlink()
    broken = run(config, home, "check", "--now", NOW)
    assert broken.returncode == 1
    assert "FAIL calendar week:" in broken.stdout
    assert broken.stdout.rstrip().splitlines()[-1].startswith("Not ready: fix calendar week first")
    config.write_text("[you]\nname = 3\n", encoding="utf-8")
    unusable = run(config, home, "check")
    assert unusable.returncode == 78
    assert "FAIL configuration" in unusable.stdout


def test_a_dry_run_says_what_would_happen_and_changes_nothing(config, home):
    dry = run(config, home, "run", "--once", "--dry-run", "--now", NOW)
    assert dry.returncode == 0, dry.stderr
    assert "nothing was changed" in dry.stdout
    assert "Would draft the thank-you to Priya Raman for 'Interview: Backend" in dry.stdout
    assert not (config.parent / "Mail").exists()
    assert not (config.parent / "state").exists()
    run(config, home, "run", "--once", "--now", NOW)
    ledger = (config.parent / "state" / "ledger.sqlite3").read_bytes()
    later = "2026-11-27T10:00:00+00:00"  # past the 6-hour reminder
    dry = run(config, home, "run", "--dry-run", "--now", later)
    assert "Would remind you (6h) of 1 waiting drafts" in dry.stdout
    assert (config.parent / "state" / "ledger.sqlite3").read_bytes() == ledger
    real = run(config, home, "run", "--once", "--now", later)
    assert real.returncode == 0  # the stage was not used up by the dry run


def test_version_help_and_options_on_either_side(config, home):
    version = followup("--version", env=home)
    assert re.fullmatch(r"followup \d+\.\d+\.\d+\S*\n", version.stdout)
    for command in ("--help", "status --help", "run --help", "check --help"):
        shown = followup(*command.split(), env=home).stdout
        assert "configuration: " in shown and "config.toml" in shown
        assert "exit status:" in shown and "78" in shown
    assert run(config, home, "status", "-v", "--now", NOW).returncode in (0, 1)
    assert followup("-q", "status", "--config", str(config), env=home, check=False).returncode in (
        0,
        1,
    )


def test_completion_scripts_are_generated_from_the_parser(home):
    for shell in ("bash", "zsh", "fish"):
        script = followup("completion", shell, env=home).stdout
        for command in ("debrief", "preview", "status", "check"):
            assert command in script, shell
    bash = followup("completion", "bash", env=home).stdout
    checked = subprocess.run(["bash", "-n"], input=bash, capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr


def test_the_manual_page_is_generated_from_the_parser(home):
    page = followup("man", env=home).stdout
    assert page.startswith(".TH FOLLOWUP")
    for command in ("debrief", "preview", "init", "check"):
        assert command in page
    if shutil.which("man"):
        shown = subprocess.run(
            ["man", "-l", "-"], input=page, capture_output=True, text=True, timeout=60
        )
        assert shown.returncode == 0


def test_the_demos_hint_runs_as_printed(home, tmp_path):
    shown = followup("demo", "--dir", str(tmp_path / "demo"), env=home).stdout
    [hint] = re.findall(r"^Try: (.+)$", shown, re.MULTILINE)
    tried = subprocess.run(hint, shell=True, capture_output=True, text=True, env=home, timeout=120)
    assert tried.returncode in (0, 1), tried.stderr  # 1: the demo's overdue draft needs you
    assert "Dana White" in tried.stdout
