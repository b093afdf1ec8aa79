"""`followup service install | uninstall`: the systemd user unit, set up for this installation.

The unit in `systemd/` is installed as it is, with `ExecStart` pointing at the
`followup` of the environment this code runs from (a pipx venv, say). A
drop-in beside it names the configuration file and the folders the sandboxed
service may write (its state directory, the Maildir's Drafts and inbox), which
are created first: a folder missing at start would be left read-only. Where
user namespaces are not allowed (Ubuntu 24.04 by default), `--no-sandbox`
keeps only the restrictions that need none. Where no user manager answers (a
container, a shell without a login session), the commands to run are printed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from daemon.config import MailboxKind, Settings
from daemon.files import ensure_private_dir
from daemon.shipped import readme_path, shipped_text

UNIT = "interview-followup.service"

Say = Callable[[str], None]
Run = Callable[[list[str]], tuple[int, str]]


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


def unit_text(command: list[str], readme: Path | None = None) -> str:
    """The shipped unit with `ExecStart` running `command` (then `run`), and
    `Documentation` at the README as installed (default: `shipped.readme_path()`)."""
    template = shipped_text("systemd", UNIT)
    line = " ".join(_quoted(part.replace("$", "$$")) for part in command)
    documentation = (readme or readme_path()).absolute().as_uri().replace("%", "%%")
    return template.replace("@FOLLOWUP@", line).replace("@README@", documentation)


# The settings that need user namespaces, which some distributions refuse to user units.
_NAMESPACED = (
    "PrivateUsers", "PrivateTmp", "PrivateDevices", "ProtectSystem", "ProtectHome",
    "ProtectKernelTunables", "ProtectKernelModules", "ProtectKernelLogs", "ProtectClock",
    "ProtectHostname",
)  # fmt: skip


def writable_paths(settings: Settings) -> list[Path]:
    """The folders the service writes: its state, and the Maildir's Drafts and inbox."""
    paths = [settings.state_dir]
    if settings.drafts.kind is MailboxKind.MAILDIR:
        paths += [p for p in (settings.drafts.path, settings.drafts.inbox_path) if p]
    return list(dict.fromkeys(path.expanduser().resolve() for path in paths))


def dropin_text(settings: Settings, config_file: Path, *, sandbox: bool = True) -> str:
    """The configuration's file and writable folders; without the sandbox, its reset."""
    lines = ["[Service]", f"Environment={_quoted('FOLLOWUP_CONFIG=' + str(config_file))}"]
    lines += [f"ReadWritePaths={_quoted(str(path))}" for path in writable_paths(settings)]
    if not sandbox:
        lines += [f"{name}=no" for name in _NAMESPACED]
    return "\n".join(lines) + "\n"


def installed_command() -> list[str]:
    """The `followup` beside this interpreter, else the interpreter running this package."""
    script = Path(sys.executable).parent / "followup"
    return [str(script)] if script.exists() else [sys.executable, "-m", "daemon"]


def install(
    settings: Settings,
    config_file: Path,
    files: UnitFiles,
    run: Run,
    say: Say,
    *,
    sandbox: bool = True,
) -> None:
    """Write the unit and drop-in, then enable and (re)start it where systemd answers."""
    for path in writable_paths(settings):
        ensure_private_dir(path)
    files.unit.parent.mkdir(parents=True, exist_ok=True)
    files.dropin.parent.mkdir(parents=True, exist_ok=True)
    files.unit.write_text(unit_text(installed_command()), encoding="utf-8")
    files.dropin.write_text(dropin_text(settings, config_file, sandbox=sandbox), encoding="utf-8")
    say(f"Wrote {files.unit}\n  and {files.dropin}")
    commands = [
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "enable", UNIT],
        # --no-block: the first cycle may take minutes; a re-install applies the new files.
        ["systemctl", "--user", "restart", "--no-block", UNIT],
    ]
    _carry_out(commands, run, say)
    say(
        f"Check it started: systemctl --user status {UNIT}\n"
        "If it fails with status 218/CAPABILITIES or 'Failed to set up user namespacing',\n"
        "  this system refuses the sandbox: run `followup service install --no-sandbox`.\n"
        "To keep it running when you are logged out: loginctl enable-linger $USER\n"
        f"Its log: journalctl --user -u {UNIT} -f   (problems only: add -p warning)"
    )


def uninstall(files: UnitFiles, run: Run, say: Say) -> bool:
    """Stop and disable the service, then remove its files; False (files kept) when it
    could not be stopped, since `systemctl --user disable` needs the unit file."""
    stop = ["systemctl", "--user", "disable", "--now", UNIT]
    if files.unit.exists():
        if run(["systemctl", "--user", "show-environment"])[0] != 0:
            say(
                "No systemd user manager answers here, so the service cannot be stopped from "
                f"this shell. In your session run:\n  {' '.join(stop)}\n"
                "then `followup service uninstall` again. The unit files are kept until then."
            )
            return False
        status, said = run(stop)
        if status != 0:
            say(f"failed ({status}: {said}): {' '.join(stop)}; the unit files are kept")
            return False
        say(f"ran: {' '.join(stop)}")
    for path in (files.dropin, files.unit):
        path.unlink(missing_ok=True)
    if files.dropin.parent.is_dir() and not any(files.dropin.parent.iterdir()):
        files.dropin.parent.rmdir()
    _carry_out([["systemctl", "--user", "daemon-reload"]], run, say)
    say(f"Removed {files.unit}. Drafts, the ledger and the Google sign-in are kept.")
    return True


def service_state(files: UnitFiles) -> str | None:
    """What `systemctl --user is-active` says of the installed unit: "active",
    "inactive", "failed"…; None when no unit is installed or no user manager answers."""
    if not files.unit.exists() or shutil.which("systemctl") is None:
        return None
    try:
        done = subprocess.run(
            ["systemctl", "--user", "is-active", UNIT],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    state = done.stdout.strip()
    # No user manager (a container, a shell outside a login session): nothing to tell.
    return None if not state or "Failed to connect" in done.stderr else state


def run_quietly(command: list[str]) -> tuple[int, str]:
    """Run a command: its exit status and what it said on stderr (127: not installed)."""
    if shutil.which(command[0]) is None:
        return 127, f"{command[0]} is not installed"
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    except subprocess.TimeoutExpired:
        return 124, "no answer within 60 s"
    return done.returncode, done.stderr.strip()


def _carry_out(commands: list[list[str]], run: Run, say: Say) -> None:
    if run(["systemctl", "--user", "show-environment"])[0] != 0:
        say("No systemd user manager answers here; run these yourself in your session:")
        for command in commands:
            say("  " + " ".join(command))
        return
    for command in commands:
        status, said = run(command)
        outcome = "ran" if status == 0 else f"failed ({status}: {said})"
        say(f"{outcome}: {' '.join(command)}")


def _quoted(value: str) -> str:
    """A value for a unit file: `%` escaped from specifiers, quoted when it has spaces."""
    value = value.replace("%", "%%")
    if any(c.isspace() or c in '"\\' for c in value):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return value
