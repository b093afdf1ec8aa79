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
from daemon.shipped import readme_path
from daemon.unit import UNIT, UnitFiles, dropin_text, install, installed_command, uninstall

ANALYZE = shutil.which("systemd-analyze")
# CI installs systemd-analyze and sets this, so these checks can never be skipped there.
needs_analyze = pytest.mark.skipif(
    ANALYZE is None and not os.environ.get("FOLLOWUP_REQUIRE_SYSTEMD_ANALYZE"),
    reason="systemd-analyze is not installed",
)
CONFIG = Path("/home/alex/.config/interview-followup/config.toml")


def settings_in(root: Path):
    return parse_settings(
        tomllib.loads(
            '[you]\nname = "A"\nemail = "a@example.com"\n[[calendar]]\nkind = "ics"\n'
            'path = "c.ics"\n[drafts]\nkind = "maildir"\npath = "Mail/Drafts"\n'
            'sent_path = "Mail/Sent"\ninbox_path = "Mail/INBOX"\n[state]\ndir = "state"\n'
        ),
        source="test",
        base=root,
    )


def no_manager(_command: list[str]) -> tuple[int, str]:
    return 1, "Failed to connect to bus"


@pytest.fixture
def installed(tmp_path: Path) -> UnitFiles:
    files = UnitFiles(tmp_path / "systemd" / "user")
    install(settings_in(tmp_path / "home"), CONFIG, files, no_manager, lambda _text: None)
    return files


def analyze(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = os.environ | {"XDG_RUNTIME_DIR": str(runtime)}
    return subprocess.run(
        ["systemd-analyze", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
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
    readme = readme_path().absolute().as_uri()
    assert text == shipped.replace("@FOLLOWUP@", command).replace("@README@", readme)
    assert Path(readme.removeprefix("file://")).is_file()
    assert f"ExecStart={command} run" in text
    for setting in ("Type=notify", "WatchdogSec=", "RestartPreventExitStatus=78", "UMask=0077"):
        assert setting in text


def test_the_drop_in_names_the_config_and_the_folders_it_created(installed, tmp_path):
    home = tmp_path / "home"
    assert installed.dropin.read_text(encoding="utf-8") == (
        "[Service]\n"
        f"Environment=FOLLOWUP_CONFIG={CONFIG}\n"
        f"ReadWritePaths={home / 'state'}\n"
        f"ReadWritePaths={home / 'Mail' / 'Drafts'}\n"
        f"ReadWritePaths={home / 'Mail' / 'INBOX'}\n"
    )
    for folder in ("state", "Mail/Drafts", "Mail/INBOX"):  # missing at start = read-only
        assert (home / folder).is_dir() and (home / folder).stat().st_mode & 0o777 == 0o700


def test_paths_are_escaped_for_systemd(tmp_path):
    odd = tmp_path / "100% sure" / 'a"b'
    text = dropin_text(settings_in(odd), odd / "config.toml")
    escaped = str(odd / "state").replace("%", "%%").replace('"', '\\"')
    assert f'ReadWritePaths="{escaped}"' in text


def test_without_the_sandbox_the_namespaced_settings_are_reset(tmp_path):
    text = dropin_text(settings_in(tmp_path), CONFIG, sandbox=False)
    assert "PrivateUsers=no" in text and "ProtectSystem=no" in text and "ProtectHome=no" in text
    assert "MemoryDenyWriteExecute" not in text  # seccomp-based limits stay


def test_without_a_user_manager_the_commands_are_printed(tmp_path):
    said: list[str] = []
    ran: list[list[str]] = []

    def run(command: list[str]) -> tuple[int, str]:
        ran.append(command)
        return no_manager(command)

    install(settings_in(tmp_path), CONFIG, UnitFiles(tmp_path / "u"), run, said.append)
    text = "\n".join(said)
    assert ran == [["systemctl", "--user", "show-environment"]]
    assert "  systemctl --user restart --no-block interview-followup.service" in text
    assert "loginctl enable-linger" in text and "journalctl --user -u" in text
    assert "--no-sandbox" in text


def test_with_a_user_manager_it_is_enabled_and_restarted_without_waiting(tmp_path):
    ran: list[list[str]] = []
    said: list[str] = []

    def run(command: list[str]) -> tuple[int, str]:
        ran.append(command)
        return (5, "Unit is masked.") if "enable" in command else (0, "")

    install(settings_in(tmp_path), CONFIG, UnitFiles(tmp_path / "u"), run, said.append)
    assert ran[1:] == [
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "enable", UNIT],
        ["systemctl", "--user", "restart", "--no-block", UNIT],
    ]
    assert f"failed (5: Unit is masked.): systemctl --user enable {UNIT}" in said


def test_uninstall_disables_and_removes_the_files(installed):
    ran: list[list[str]] = []
    uninstall(installed, lambda c: (ran.append(c), (0, ""))[1], lambda _t: None)
    assert ["systemctl", "--user", "disable", "--now", UNIT] in ran
    assert not installed.unit.exists() and not installed.dropin.parent.exists()


def test_uninstall_without_a_user_manager_keeps_the_unit_the_stop_command_needs(installed):
    said: list[str] = []
    kept = uninstall(installed, lambda _c: (1, "Failed to connect to bus"), said.append)
    assert kept is False
    assert installed.unit.exists() and installed.dropin.exists()
    assert f"systemctl --user disable --now {UNIT}" in said[0]
    assert "then `followup service uninstall` again" in said[0]


def test_uninstall_keeps_the_unit_when_it_could_not_be_stopped(installed):
    def systemctl(command: list[str]) -> tuple[int, str]:
        return (1, "Access denied") if "disable" in command else (0, "")

    said: list[str] = []
    assert uninstall(installed, systemctl, said.append) is False
    assert installed.unit.exists()
    assert "the unit files are kept" in said[-1]
