"""The shipped unit: valid for systemd, hardened, and installed pointing at this installation."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from daemon.config import parse_settings
from daemon.unit import UNIT, UnitFiles, dropin_text, install, installed_command, uninstall

ANALYZE = shutil.which("systemd-analyze")
# CI installs systemd-analyze and sets this, so these checks can never be skipped there.
needs_analyze = pytest.mark.skipif(
    ANALYZE is None and not os.environ.get("FOLLOWUP_REQUIRE_SYSTEMD_ANALYZE"),
    reason="systemd-analyze is not installed",
)
SETTINGS = parse_settings(
    tomllib.loads(
        '[you]\nname = "A"\nemail = "a@example.com"\n[[calendar]]\nkind = "ics"\npath = "c.ics"\n'
        '[drafts]\nkind = "maildir"\npath = "Mail/Drafts"\nsent_path = "Mail/Sent"\n'
        '[state]\ndir = "state"\n'
    ),
    source="test",
    base=Path("/home/alex"),
)


@pytest.fixture
def installed(tmp_path: Path) -> UnitFiles:
    files = UnitFiles(tmp_path / "systemd" / "user")
    install(SETTINGS, None, files, run=lambda _command: 1, say=lambda _text: None)
    return files


def analyze(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = os.environ | {"XDG_RUNTIME_DIR": str(runtime)}
    return subprocess.run(
        ["systemd-analyze", *args], capture_output=True, text=True, env=env, check=False
    )


@needs_analyze
def test_the_installed_unit_verifies_without_a_warning(installed, tmp_path):
    result = analyze("verify", "--user", str(installed.unit), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""


@needs_analyze
def test_the_exposure_score_is_at_most_2_5(installed, tmp_path):
    result = analyze("security", "--offline=true", str(installed.unit), tmp_path=tmp_path)
    score = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
    assert score is not None, result.stdout + result.stderr
    assert float(score.group(1)) <= 2.5


def test_the_unit_is_the_shipped_one_with_this_installations_followup(installed):
    text = installed.unit.read_text(encoding="utf-8")
    shipped = (Path(__file__).parents[2] / "systemd" / UNIT).read_text(encoding="utf-8")
    command = " ".join(installed_command())
    assert text == shipped.replace("@FOLLOWUP@", command)
    assert f"ExecStart={command} run" in text
    for setting in ("Type=notify", "WatchdogSec=", "RestartPreventExitStatus=78", "UMask=0077"):
        assert setting in text


def test_the_drop_in_lets_the_service_write_only_state_and_maildir(installed):
    assert installed.dropin.read_text(encoding="utf-8") == (
        "[Service]\n"
        "ReadWritePaths=-/home/alex/state\n"
        "ReadWritePaths=-/home/alex/Mail/Drafts\n"
        "ReadWritePaths=-/home/alex/Mail/Sent\n"
    )


def test_a_named_config_is_passed_to_the_service(tmp_path):
    config = tmp_path / "my config.toml"
    text = dropin_text(SETTINGS, config)
    assert f'Environment="FOLLOWUP_CONFIG={config}"' in text


def test_without_a_user_manager_the_commands_are_printed(tmp_path):
    said: list[str] = []
    ran: list[list[str]] = []

    def run(command: list[str]) -> int:
        ran.append(command)
        return 1  # show-environment fails: no user manager

    install(SETTINGS, None, UnitFiles(tmp_path), run, said.append)
    text = "\n".join(said)
    assert ran == [["systemctl", "--user", "show-environment"]]
    assert "  systemctl --user enable --now interview-followup.service" in text
    assert "loginctl enable-linger" in text and "journalctl --user -u" in text


def test_with_a_user_manager_it_is_enabled_and_started(tmp_path):
    ran: list[list[str]] = []
    install(SETTINGS, None, UnitFiles(tmp_path), lambda c: ran.append(c) or 0, lambda _t: None)
    assert ran[1:] == [
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "enable", "--now", UNIT],
    ]


def test_uninstall_disables_and_removes_the_files(installed):
    ran: list[list[str]] = []
    uninstall(installed, lambda c: ran.append(c) or 0, lambda _t: None)
    assert ["systemctl", "--user", "disable", "--now", UNIT] in ran
    assert not installed.unit.exists() and not installed.dropin.parent.exists()
