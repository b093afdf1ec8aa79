"""The `followup` command line: its parser, its exit codes, and one clear line per failure.

Only the parser lives here, so `followup --help`, `--version` and shell
completion start in a blink: each command's work is in `daemon.commands`,
imported once a command runs. The parser is also what the shell completions
(`followup completion bash|zsh|fish`, via shtab) and the manual page
(`followup man`) are generated from.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import textwrap
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from daemon.config import default_config_path
from daemon.core.secrets import redact
from daemon.logs import configure_logging, under_journal

# sysexits.h EX_CONFIG: the configuration is unusable, so restarting will not help.
EXIT_CONFIG = 78
EXIT_FAILURE = 1
EXIT_INTERRUPTED = 130

EXIT_CODES = """\
exit status:
  0    done; for status and check: nothing needs you
  1    something failed or needs you (status and check say what)
  2    a mistake on the command line
  78   the configuration is unusable, or Google sign-in is needed
  130  interrupted"""

log = logging.getLogger("followup")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `followup` console script."""
    # Whatever the shell's umask, the state, the token and the drafts are private.
    os.umask(0o077)
    args = build_parser().parse_args(argv)
    configure_logging(_log_level(args))
    try:
        commands = importlib.import_module("daemon.commands")
        return int(getattr(commands, args.handler)(args))
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`followup status | head`): nothing more to say to it.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILURE
    except Exception as error:
        message, status = user_message(error)
        return fail(message, status)


def user_message(error: Exception) -> tuple[str, int]:
    """What to tell the user about `error`, and the exit status it means."""
    # Imported here: the classes live in modules a bare `--help` should not load.
    from daemon import debriefs, decisions
    from daemon.config import ConfigError
    from daemon.core.protocols import ConnectorError, SignInRequiredError
    from daemon.ledger import LedgerError
    from daemon.lock import AlreadyRunningError

    if isinstance(error, ConfigError):
        return f"configuration problem in {error}", EXIT_CONFIG
    if isinstance(error, SignInRequiredError):
        return str(error), EXIT_CONFIG
    known = (
        ConnectorError,
        LedgerError,
        AlreadyRunningError,
        decisions.NoSuchEventError,
        debriefs.EditorError,
    )
    if isinstance(error, known):
        return str(error), EXIT_FAILURE
    if isinstance(error, OSError):  # a state directory that cannot be made, a full disk
        where = f": {error.filename}" if error.filename else ""
        return f"{error.strerror or error}{where}", EXIT_FAILURE
    log.debug("the internal error in detail", exc_info=error)
    return f"internal error: {error}; run again with -v to see where", EXIT_FAILURE


def fail(message: str, status: int) -> int:
    """Say why the command failed, as an error the journal files at priority 3, with its
    secrets masked as in the log (an error answer may echo the request)."""
    prefix = "<3>" if under_journal() else ""
    lines = redact(f"followup: {message}").splitlines()
    print("\n".join(prefix + line for line in lines), file=sys.stderr)
    return status


def _log_level(args: argparse.Namespace) -> int:
    # Absent unless given: -v and -q may come before or after the command.
    if getattr(args, "verbose", False):
        return logging.DEBUG
    if getattr(args, "quiet", False):
        return logging.ERROR
    # `run` logs its work; the demo shows its results, not its journal lines.
    return {"run": logging.INFO, "demo": logging.ERROR}.get(args.command, logging.WARNING)


def package_version() -> str:
    """The installed version; "unknown" when run from a source tree without an install."""
    # Imported here: importlib.metadata costs megabytes the running daemon never needs.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("interview-followup")
    except PackageNotFoundError:
        return "unknown"


class _Version(argparse.Action):
    """`--version`: the version, looked up only when asked for."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_args: object) -> None:
        print(f"{parser.prog} {package_version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: every command, option, description and epilog."""
    common = argparse.ArgumentParser(add_help=False)
    noise = common.add_mutually_exclusive_group()
    noise.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="log in detail"
    )
    noise.add_argument(
        "-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="log errors only"
    )
    parser = argparse.ArgumentParser(
        prog="followup",
        description=textwrap.fill(
            "Drafts a personal thank-you note to each interviewer after an interview, "
            "proofreads it, and tracks its 24-hour deadline. It never sends a thank-you: "
            "you read, edit and press send."
        ),
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    parser.add_argument("--version", action=_Version)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _Commands(commands, common).add_all()
    return parser


def _epilog(extra: str = "") -> str:
    where = (
        f"configuration: {default_config_path()}\n"
        "  (else --config FILE, or $FOLLOWUP_CONFIG; `followup init` writes one)"
    )
    return "\n\n".join(part for part in (extra, where, EXIT_CODES) if part)


class _Commands:
    """Adds each command with its description, options and the shared epilog."""

    def __init__(
        self,
        commands: argparse._SubParsersAction[argparse.ArgumentParser],
        common: argparse.ArgumentParser,
    ) -> None:
        self._commands = commands
        self._common = common

    def add(
        self, name: str, summary: str, description: str, extra: str = ""
    ) -> argparse.ArgumentParser:
        """One command, its handler named after it in `daemon.commands`."""
        command: argparse.ArgumentParser = self._commands.add_parser(
            name,
            help=summary,
            description=textwrap.fill(description),
            epilog=_epilog(extra),
            formatter_class=argparse.RawDescriptionHelpFormatter,
            parents=[self._common],
        )
        command.set_defaults(handler=name.replace("-", "_"))
        return command

    def add_all(self) -> None:
        """Every command, in the order `--help` lists them."""
        self._demo()
        self._init()
        self._check()
        self._calendars()
        self._run()
        self._status()
        self._auth()
        self._service()
        self._events()
        self._notes()
        self._completion()

    def _demo(self) -> None:
        demo = self.add(
            "demo",
            "run once on a sample calendar, into a local Maildir",
            "Writes a sample calendar whose times are relative to now, runs the daemon on it "
            "into a Maildir of its own, and shows the drafts and their status. It never "
            "touches your real calendar or mail.",
        )
        demo.add_argument("--dir", type=Path, help="where to put it (default: the state dir)")

    def _init(self) -> None:
        init = self.add(
            "init",
            "write a configuration file to start from",
            "Writes a commented configuration to the configuration path, asking for your "
            "name, address and calendar on a terminal (or taking them from the options). "
            "It never overwrites a configuration that exists.",
        )
        init.add_argument("--config", type=Path, help="where to write it")
        init.add_argument("--name", help="your name, as the notes are signed")
        init.add_argument("--email", help="your address")
        calendar = init.add_mutually_exclusive_group()
        calendar.add_argument("--ics", help="an .ics file or https:// address of your calendar")
        calendar.add_argument("--google", action="store_true", help="your Google Calendar")
        mail = init.add_mutually_exclusive_group()
        mail.add_argument("--maildir", type=Path, help="your Drafts Maildir folder")
        mail.add_argument("--gmail", action="store_true", help="drafts in your Gmail")

    def _check(self) -> None:
        check = self.add(
            "check",
            "check the configuration, calendars, mailbox, state and service",
            "Reads the configuration, tries each calendar, checks the drafts can be written "
            "(or the Gmail sign-in and its permissions), checks the state directory and "
            "whether the service runs, and ends with one line: ready, or what to fix first.",
        )
        _config_and_clock(check)

    def _calendars(self) -> None:
        calendars = self.add(
            "calendars",
            "list the calendars each caldav server holds, with their addresses",
            "Signs in to the server of each [[calendar]] of kind caldav and lists the "
            "calendars of events it finds there, each with the address to put in its url.",
        )
        calendars.add_argument("--config", type=Path, help="configuration file")

    def _run(self) -> None:
        run = self.add(
            "run",
            "watch the calendars and draft thank-you notes",
            "Runs until stopped (SIGTERM or Ctrl-C finish the cycle in progress); SIGHUP "
            "reloads the configuration, SIGUSR1 runs a cycle now.",
        )
        run.add_argument("--once", action="store_true", help="run one cycle and exit")
        run.add_argument(
            "--dry-run",
            action="store_true",
            help="with --once: say what the cycle would do, and change nothing",
        )
        _config_and_clock(run)

    def _status(self) -> None:
        status = self.add(
            "status",
            "show what needs you, then every tracked draft",
            "Shows first what keeps the daemon from doing its job (a calendar it cannot read, "
            "drafts it cannot write, a sign-in it needs, a service that is not running), "
            "then every tracked draft with its deadline, its next step and what to check.",
        )
        status.add_argument(
            "--json", action="store_true", help="a JSON array: drafts, questions, problems"
        )
        _config_and_clock(status)

    def _auth(self) -> None:
        auth = self.add(
            "auth",
            "sign in to Google once (Calendar and Gmail)",
            "Opens Google's consent page and keeps the sign-in, readable only by you.",
        )
        auth.add_argument("--config", type=Path, help="configuration file")
        auth.add_argument("--client-secrets", type=Path, help="the OAuth client file from Google")
        auth.add_argument(
            "--no-browser",
            action="store_true",
            help="print the sign-in address instead (SSH, servers)",
        )
        auth.add_argument("--port", type=int, default=0, help="loopback port for the redirect")

    def _service(self) -> None:
        service = self.add(
            "service",
            "install or remove the systemd user service",
            "install writes the unit and starts it; uninstall stops and disables it, then "
            "removes its files. Drafts, the ledger and the sign-in are kept.",
        )
        service.add_argument("action", choices=("install", "uninstall"))
        service.add_argument("--config", type=Path, help="configuration file for the service")
        service.add_argument(
            "--no-sandbox",
            action="store_true",
            help="leave out the restrictions that need user namespaces (refused on some systems)",
        )

    def _events(self) -> None:
        for name, summary in (
            ("track", "the event is an interview: draft its notes now"),
            ("ignore", "the event is not an interview: forget it, remove its untouched drafts"),
        ):
            command = self.add(name, summary, f"Says {summary}.")
            command.add_argument("ref", help="the event's reference, as status or why show it")
            _config_and_clock(command)
        why = self.add(
            "why",
            "why events were or were not taken as interviews",
            "Lists the events of the calendars' window with their references, or explains "
            "one: the signals that decided it and who would be thanked.",
        )
        why.add_argument("ref", nargs="?", help="one event's reference (default: list them)")
        _config_and_clock(why)

    def _notes(self) -> None:
        debrief = self.add(
            "debrief",
            "write down what you talked about: the drafts you have not edited use it",
            "Opens $VISUAL or $EDITOR on a form with a section per interviewer: topics, "
            "promises, what to stress about your fit. Saving it rewrites the drafts you "
            "have not edited.",
        )
        debrief.add_argument("ref", nargs="?", help="the interview's reference (default: last)")
        debrief.add_argument(
            "--from",
            dest="source",
            type=Path,
            help="read the debrief from this file ('-': standard input) instead of an editor",
        )
        _config_and_clock(debrief)
        preview = self.add(
            "preview",
            "print the notes an interview's interviewers would get, with problems",
            "Prints every interviewer's note as it would be drafted now, with what "
            "proofreading finds; the mailbox is not touched.",
        )
        preview.add_argument("ref", nargs="?", help="the interview's reference (default: last)")
        _config_and_clock(preview)

    def _completion(self) -> None:
        completion = self.add(
            "completion",
            "print the shell completion script for bash, zsh or fish",
            "Prints a completion script generated from this command line.",
            "install it, e.g.:\n"
            "  followup completion bash > ~/.local/share/bash-completion/completions/followup\n"
            "  followup completion zsh > ~/.zfunc/_followup\n"
            "  followup completion fish > ~/.config/fish/completions/followup.fish",
        )
        completion.add_argument("shell", choices=("bash", "zsh", "fish"))
        self.add(
            "man",
            "print the manual page",
            "Prints the manual page, generated from this command line, in roff.",
            "read it with: followup man | man -l -",
        )


def _config_and_clock(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="configuration file")
    parser.add_argument("--now", type=_instant, help="fix the clock (ISO 8601 with offset)")


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"give an offset, e.g. {text}+02:00 or {text}Z")
    return value
