"""`followup service install | uninstall`: the systemd user unit, set up for this installation.

The unit in `systemd/` is installed as it is, with `ExecStart` pointing at the
`followup` of the environment this code runs from (a pipx venv, say). A
drop-in beside it lets the sandboxed service write the Maildir folders the
configuration names and, with `--config`, read that file. Where no user
manager answers (a container, a shell without a login session), the commands
to run are printed instead.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import platformdirs

from daemon.config import Settings

UNIT = "interview-followup.service"

Say = Callable[[str], None]
Run = Callable[[list[str]], int]


@dataclass(frozen=True)
class UnitFiles:
    """Where the unit and its drop-in go: `<XDG config dir>/systemd/user/`."""

    directory: Path

    @classmethod
    def for_user(cls) -> UnitFiles:
        """The user's own systemd unit directory."""
        return cls(Path(platformdirs.user_config_dir()) / "systemd" / "user")

    @property
    def unit(self) -> Path:
        """The unit file."""
        return self.directory / UNIT

    @property
    def dropin(self) -> Path:
        """The drop-in with this configuration's paths."""
        return self.directory / f"{UNIT}.d" / "paths.conf"


def unit_text(command: list[str]) -> str:
    """The shipped unit with `ExecStart` running `command` (then `run`)."""
    template = resources.files("daemon.unitfiles").joinpath(UNIT).read_text(encoding="utf-8")
    return template.replace("@FOLLOWUP@", " ".join(_quoted(part) for part in command))


def dropin_text(settings: Settings, config_file: Path | None) -> str:
    """Write access to the Maildir and state the configuration uses; its path, if given."""
    writable = [settings.state_dir]
    if settings.drafts.kind == "maildir":
        writable += [p for p in (settings.drafts.path, settings.drafts.sent_path) if p]
    lines = ["[Service]"]
    # A leading "-" lets the service start while a folder does not exist yet.
    lines += [f"ReadWritePaths=-{_quoted(str(path))}" for path in _unique(writable)]
    if config_file is not None:
        lines.append(f"Environment={_quoted('FOLLOWUP_CONFIG=' + str(config_file.resolve()))}")
    return "\n".join(lines) + "\n"


def installed_command() -> list[str]:
    """The `followup` beside this interpreter, else the interpreter running this package."""
    script = Path(sys.executable).parent / "followup"
    return [str(script)] if script.exists() else [sys.executable, "-m", "daemon"]


def install(
    settings: Settings, config_file: Path | None, files: UnitFiles, run: Run, say: Say
) -> None:
    """Write the unit and drop-in, then enable and start it where systemd answers."""
    files.unit.parent.mkdir(parents=True, exist_ok=True)
    files.dropin.parent.mkdir(parents=True, exist_ok=True)
    files.unit.write_text(unit_text(installed_command()), encoding="utf-8")
    files.dropin.write_text(dropin_text(settings, config_file), encoding="utf-8")
    say(f"Wrote {files.unit}\n  and {files.dropin}")
    commands = [
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "enable", "--now", UNIT],
    ]
    _carry_out(commands, run, say)
    say(
        "To keep it running when you are logged out: loginctl enable-linger $USER\n"
        f"Its log: journalctl --user -u {UNIT} -f   (problems only: add -p warning)"
    )


def uninstall(files: UnitFiles, run: Run, say: Say) -> None:
    """Stop and disable the service, then remove its files."""
    _carry_out([["systemctl", "--user", "disable", "--now", UNIT]], run, say)
    for path in (files.dropin, files.unit):
        path.unlink(missing_ok=True)
    if files.dropin.parent.is_dir() and not any(files.dropin.parent.iterdir()):
        files.dropin.parent.rmdir()
    _carry_out([["systemctl", "--user", "daemon-reload"]], run, say)
    say(f"Removed {files.unit}. Drafts, the ledger and the Google sign-in are kept.")


def run_quietly(command: list[str]) -> int:
    """Run a command, returning its exit status (127 when it is not installed)."""
    if shutil.which(command[0]) is None:
        return 127
    return subprocess.run(command, capture_output=True, check=False, timeout=60).returncode


def _carry_out(commands: list[list[str]], run: Run, say: Say) -> None:
    if run(["systemctl", "--user", "show-environment"]) != 0:
        say("No systemd user manager answers here; run these yourself in your session:")
        for command in commands:
            say("  " + " ".join(command))
        return
    for command in commands:
        status = run(command)
        say(f"{'ran' if status == 0 else f'failed ({status})'}: {' '.join(command)}")


def _quoted(value: str) -> str:
    return f'"{value}"' if any(c.isspace() for c in value) else value


def _unique(paths: Iterable[Path]) -> list[Path]:
    return list(dict.fromkeys(path.expanduser().resolve() for path in paths))
