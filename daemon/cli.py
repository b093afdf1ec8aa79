"""The `followup` command: demo, run and status, with clear one-line errors and exit codes."""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from daemon import debriefs, decisions, demo, unit
from daemon.config import (
    ConfigError,
    Settings,
    default_config_path,
    default_state_dir,
    load_settings,
    parse_settings,
)
from daemon.core.debrief import debrief_form, debrief_text
from daemon.core.model import DraftKey, DraftRecord, DraftStatus, EventRef, ref_of
from daemon.core.protocols import ConnectorError, SignInRequiredError
from daemon.core.status import (
    StatusRow,
    candidate_json,
    render_candidates,
    render_employer,
    render_overview,
    render_table,
    render_why,
    status_rows,
)
from daemon.core.text import one_line
from daemon.cycle import EMPLOYER, CycleReport, Runtime, read_calendars, run_cycle
from daemon.files import ensure_private_dir
from daemon.ledger import LedgerError
from daemon.lock import AlreadyRunningError, nudge, state_lock
from daemon.logs import configure_logging, under_journal
from daemon.loop import run_forever
from daemon.unit import UnitFiles
from daemon.wiring import build_runtime, client_secrets_path, sign_in_to_google, user_zone

# sysexits.h EX_CONFIG: the configuration is unusable, so restarting will not help.
EXIT_CONFIG = 78
EXIT_FAILURE = 1
_DEMO_MARK = ".interview-followup-demo"

log = logging.getLogger("followup")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `followup` console script."""
    # Whatever the shell's umask, the state, the token and the drafts are private.
    os.umask(0o077)
    args = _parser().parse_args(argv)
    # `run` logs its work; the demo shows its results, not its journal lines.
    quiet = {"run": logging.INFO, "demo": logging.ERROR}.get(args.command, logging.WARNING)
    configure_logging(logging.DEBUG if args.verbose else quiet)
    try:
        return int(args.handler(args))
    except ConfigError as error:
        return _fail(f"configuration problem in {error}", EXIT_CONFIG)
    except SignInRequiredError as error:
        return _fail(str(error), EXIT_CONFIG)
    except (
        ConnectorError,
        LedgerError,
        AlreadyRunningError,
        decisions.NoSuchEventError,
        debriefs.EditorError,
    ) as error:
        return _fail(str(error), EXIT_FAILURE)
    except OSError as error:  # a state directory that cannot be made, a disk that is full
        return _fail(f"{error.strerror or error}: {error.filename or ''}".rstrip(": "), 1)
    except KeyboardInterrupt:
        return 130


def _fail(message: str, status: int) -> int:
    """Say why the command failed, as an error the journal files at priority 3."""
    prefix = "<3>" if under_journal() else ""
    lines = f"followup: {message}".splitlines()
    print("\n".join(prefix + line for line in lines), file=sys.stderr)
    return status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="followup",
        description="Drafts a thank-you note to each interviewer and tracks its 24-hour deadline.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log in detail")
    commands = parser.add_subparsers(dest="command", required=True)

    demo_cmd = commands.add_parser("demo", help="run once on a sample calendar into a Maildir")
    demo_cmd.add_argument("--dir", type=Path, help="where to put the demo (default: state dir)")
    demo_cmd.set_defaults(handler=_demo)

    run = commands.add_parser("run", help="watch the calendars and draft thank-you notes")
    run.add_argument("--once", action="store_true", help="run one cycle and exit")
    _config_and_clock(run)
    run.set_defaults(handler=_run)

    auth = commands.add_parser("auth", help="sign in to Google once (Calendar and Gmail)")
    auth.add_argument("--config", type=Path, help="configuration file")
    auth.add_argument("--client-secrets", type=Path, help="the OAuth client file from Google")
    auth.add_argument(
        "--no-browser", action="store_true", help="print the sign-in address instead (SSH, servers)"
    )
    auth.add_argument("--port", type=int, default=0, help="loopback port for the redirect")
    auth.set_defaults(handler=_auth)

    service = commands.add_parser("service", help="install or remove the systemd user service")
    service.add_argument("action", choices=("install", "uninstall"))
    service.add_argument("--config", type=Path, help="configuration file for the service")
    service.add_argument(
        "--no-sandbox",
        action="store_true",
        help="leave out the restrictions that need user namespaces (refused on some systems)",
    )
    service.set_defaults(handler=_service)

    status = commands.add_parser("status", help="show every tracked draft")
    status.add_argument("--json", action="store_true", help="print a JSON array")
    _config_and_clock(status)
    status.set_defaults(handler=_status)

    for name, handler, what in (
        ("track", _track, "it is an interview: draft its notes now"),
        ("ignore", _ignore, "it is not an interview: forget it, remove its untouched drafts"),
    ):
        command = commands.add_parser(name, help=f"an event {what}")
        command.add_argument("ref", help="the event's reference, as status or why show it")
        _config_and_clock(command)
        command.set_defaults(handler=handler)

    debrief = commands.add_parser(
        "debrief", help="write down what you talked about: the drafts you have not edited use it"
    )
    debrief.add_argument("ref", nargs="?", help="the interview's reference (default: the last)")
    debrief.add_argument(
        "--from",
        dest="source",
        type=Path,
        help="read the debrief from this file ('-': standard input) instead of an editor",
    )
    _config_and_clock(debrief)
    debrief.set_defaults(handler=_debrief)

    preview = commands.add_parser(
        "preview", help="print the notes an interview's interviewers would get, with problems"
    )
    preview.add_argument("ref", nargs="?", help="the interview's reference (default: the last)")
    _config_and_clock(preview)
    preview.set_defaults(handler=_preview)

    why = commands.add_parser("why", help="why events were or were not taken as interviews")
    why.add_argument("ref", nargs="?", help="one event's reference (default: list them all)")
    _config_and_clock(why)
    why.set_defaults(handler=_why)
    return parser


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


def _now(args: argparse.Namespace) -> datetime:
    fixed: datetime | None = args.now
    return fixed if fixed is not None else datetime.now(UTC)


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(args.config or default_config_path())


def _run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.now is not None and not args.once:
        raise ConfigError("--now", ["a fixed clock only makes sense with --once"])
    with state_lock(settings.state_dir):
        if not args.once:
            run_forever(lambda: _settings(args), lambda: datetime.now(UTC))
            return 0
        runtime = build_runtime(settings)
        try:
            report = run_cycle(_now(args), runtime)
        finally:
            runtime.close()
    print(_summary(report))
    if report.sign_in_needed:
        return _fail(report.sign_in_needed, EXIT_CONFIG)
    return EXIT_FAILURE if report.unreadable_sources or report.outcome.failed else 0


def _auth(args: argparse.Namespace) -> int:
    settings = _settings(args)
    secrets = args.client_secrets or client_secrets_path(
        settings, args.config or default_config_path()
    )
    result = sign_in_to_google(
        settings, secrets, port=args.port, open_browser=not args.no_browser, pasted_lines=sys.stdin
    )
    print(f"Signed in as {result.email}.")
    if result.email.lower() not in settings.you.addresses:
        print(
            f"Note: {result.email} is not [you] email or one of its aliases; the notes are "
            "signed and sent from this account. If that is not what you want, run "
            "`followup auth` again and choose the other account."
        )
    print(f"Granted: {result.permissions}.")
    print(f"The sign-in is saved in {result.token_file} (readable only by you).")
    return 0


def _service(args: argparse.Namespace) -> int:
    files = UnitFiles.for_user()
    if args.action == "uninstall":
        unit.uninstall(files, unit.run_quietly, print)
        return 0
    config = (args.config or default_config_path()).expanduser().resolve()
    settings = load_settings(config)
    sandbox = not args.no_sandbox
    unit.install(settings, config, files, unit.run_quietly, print, sandbox=sandbox)
    return 0


def _status(args: argparse.Namespace) -> int:
    settings = _settings(args)
    with _opened(settings) as runtime:
        _show_status(runtime, _now(args), as_json=args.json)
    return 0


def _show_status(runtime: Runtime, now: datetime, *, as_json: bool = False) -> None:
    """The alerts, the events to decide about, and every tracked draft."""
    ledger, zone = runtime.ledger, user_zone(runtime.settings)
    for message in ledger.alerts().values():
        print(f"! {message}", file=sys.stderr if as_json else sys.stdout)
    candidates = ledger.candidates()
    rows = _rows(runtime, now)
    if as_json:
        asked = [row for c in candidates for row in candidate_json(c, now, runtime.drafting)]
        print(json.dumps(asked + [r.as_json() for r in rows], indent=2, ensure_ascii=False))
        return
    employer = [] if runtime.settings.you.own_domains else ledger.learnt(EMPLOYER)
    blocks = [render_employer(employer), render_candidates(candidates, zone)]
    blocks.append(render_table(rows, zone))
    print("\n\n".join(block for block in blocks if block))


@contextmanager
def _opened(settings: Settings) -> Iterator[Runtime]:
    runtime = build_runtime(settings)
    try:
        yield runtime
    finally:
        runtime.close()


def _track(args: argparse.Namespace) -> int:
    settings, now = _settings(args), _now(args)
    with _opened(settings) as runtime:
        judgement = decisions.find(read_calendars(now, runtime), args.ref)
        decisions.track(judgement, runtime, now)
        print(f"Tracking {one_line(judgement.event.title, 80)!r} as an interview.")
    _cycle_now(settings, now)
    return 0


def _ignore(args: argparse.Namespace) -> int:
    settings, now = _settings(args), _now(args)
    with _opened(settings) as runtime:
        judgement = decisions.find(read_calendars(now, runtime), args.ref)
        done = decisions.ignore(judgement, runtime, now)
    print(f"Ignoring {one_line(judgement.event.title, 80)!r}: not an interview.")
    for record in done.removed:
        print(f"Removed the untouched draft to {record.recipient_email}.")
    for record in done.edited:
        print(f"Kept the draft to {record.recipient_email}: you edited it; delete it yourself.")
    return 0


def _why(args: argparse.Namespace) -> int:
    settings, now = _settings(args), _now(args)
    zone = user_zone(settings)
    with _opened(settings) as runtime:
        reading = read_calendars(now, runtime)
    if args.ref:
        print(render_why(decisions.find(reading, args.ref), zone))
    else:
        print(render_overview(reading.judgements, zone))
    return 0


def _debrief(args: argparse.Namespace) -> int:
    settings, now = _settings(args), _now(args)
    with _opened(settings) as runtime:
        interview = debriefs.chosen(read_calendars(now, runtime), now, runtime, args.ref)
        ref = ref_of(interview.event)
        earlier = runtime.ledger.debriefs().get(ref, "")
        form = debrief_form(interview, earlier)
        written = _read_debrief(args.source) if args.source else debriefs.edit(form)
        text = debrief_text(written)
        if text == debrief_text(form):
            print("Nothing changed.")
            return 0
        runtime.ledger.set_debrief(ref, text, now)
    title = one_line(interview.event.title, 80)
    print(f"Kept your debrief of {title!r}; rewriting the drafts you have not edited.")
    _cycle_now(settings, now)
    return 0


def _read_debrief(source: Path) -> str:
    if str(source) == "-":
        return sys.stdin.read(debriefs.MAX_DEBRIEF_CHARS + 1)[: debriefs.MAX_DEBRIEF_CHARS]
    return debriefs.read_limited(source)


def _preview(args: argparse.Namespace) -> int:
    settings, now = _settings(args), _now(args)
    with _opened(settings) as runtime:
        interview = debriefs.chosen(read_calendars(now, runtime), now, runtime, args.ref)
        print(debriefs.render_preview(interview, debriefs.previews(interview, runtime)))
    return 0


def _cycle_now(settings: Settings, now: datetime) -> None:
    """Run a cycle now; when the daemon holds the state, ask it to run one instead."""
    try:
        with state_lock(settings.state_dir), _opened(settings) as runtime:
            report = run_cycle(now, runtime)
    except AlreadyRunningError as error:
        nudged = error.holder and nudge(error.holder)
        print("The running daemon drafts them now." if nudged else f"{error}")
        return
    print(_summary(report))


def _rows(runtime: Runtime, now: datetime) -> list[StatusRow]:
    """Every tracked draft, with fresh links to the ones still waiting."""
    records = runtime.ledger.records().values()
    links = _links(runtime, records)
    return status_rows(records, now, links, runtime.drafting, runtime.ledger.reminders())


def _links(runtime: Runtime, records: Iterable[DraftRecord]) -> dict[DraftKey, str]:
    """Fresh links to the drafts still waiting; the others keep their stored reference."""
    links: dict[DraftKey, str] = {}
    for record in records:
        if record.status is not DraftStatus.DRAFTED:
            continue
        try:
            links[record.key] = runtime.mailbox.draft_link(record.draft_ref)
        except ConnectorError as error:
            log.warning("no links to drafts: %s", error)
            break
    return links


def _demo(args: argparse.Namespace) -> int:
    root = args.dir or default_state_dir() / "demo"
    _reset_demo_dir(root)
    now = datetime.now(UTC)
    (root / "calendar.ics").write_bytes(demo.sample_calendar(now))
    config = _demo_config()
    (root / "config.toml").write_text(config, encoding="utf-8")
    settings = parse_settings(tomllib.loads(config), source=str(root / "config.toml"), base=root)
    with _opened(settings) as runtime:
        report = run_cycle(now, runtime)
        _send_for_demo(runtime, demo.SENT_UID, root / "Mail")
        panel = EventRef("demo", demo.PANEL_UID, "single")
        runtime.ledger.set_debrief(panel, demo.PANEL_DEBRIEF, now)
        debriefed = run_cycle(now, runtime)
        mail = root / "Mail"
        print(f"Demo calendar: {root / 'calendar.ics'}")
        print(_summary(report))
        print(
            "Then the demo wrote a debrief of the Acme panel, as `followup debrief` keeps it:"
            f" {len(debriefed.outcome.rewritten)} drafts rewritten with it."
        )
        print(
            f"Drafts (a Maildir; open it with e.g. `mutt -f {mail / 'Drafts'}`): {mail / 'Drafts'}"
        )
        print(f"Reminder mails to yourself: {mail / 'INBOX'}")
        print(
            "To show a finished one, the demo moved the Vandelay note to Sent"
            " as if you had sent it."
        )
        print(f"Try: followup status --config {root / 'config.toml'}\n")
        _show_one_draft(runtime, demo.PANEL_UID)
        _show_status(runtime, now)
    return 0


def _demo_config() -> str:
    strengths = ", ".join(f'"{s}"' for s in demo.STRENGTHS)
    promises = "".join(f'{name} = "{where}"\n' for name, where in demo.PROMISES.items())
    return (
        f'[you]\nname = "{demo.YOU_NAME}"\nemail = "{demo.YOU_EMAIL}"\n'
        f"strengths = [{strengths}]\n\n"
        f"[promises]\n{promises}\n"
        '[[calendar]]\nkind = "ics"\nname = "demo"\npath = "calendar.ics"\n\n'
        '[drafts]\nkind = "maildir"\npath = "Mail/Drafts"\nsent_path = "Mail/Sent"\n'
        'inbox_path = "Mail/INBOX"\n\n'
        "# The demo shows its reminders whatever the hour; by default they wait out the night.\n"
        "[deadline]\nquiet_hours = []\n\n"
        '[state]\ndir = "state"\n'
    )


def _show_one_draft(runtime: Runtime, uid: str) -> None:
    """The last draft of the event `uid`, as it stands in the mailbox."""
    records = [r for r in runtime.ledger.records().values() if r.key.uid == uid]
    stored = runtime.mailbox.read_draft(records[-1].draft_ref) if records else None
    if stored is None or stored.text is None:
        return
    record, text = records[-1], stored.text
    print(f"One of the drafts, to {record.recipient_name} <{record.recipient_email}>:")
    print(f"Subject: {text.subject}\n\n{text.body.rstrip()}\n")


def _send_for_demo(runtime: Runtime, uid: str, mail: Path) -> None:
    """Do what the user's mail client does on send: the draft moves to Sent."""
    for record in runtime.ledger.records().values():
        if record.key.uid == uid and record.draft_ref:
            draft = Path(runtime.mailbox.draft_link(record.draft_ref))
            sent = mail / "Sent" / "cur"
            sent.mkdir(parents=True, exist_ok=True)
            draft.rename(sent / draft.name.replace(":2,D", ":2,S"))


def _reset_demo_dir(root: Path) -> None:
    """Start the demo afresh, but never empty a folder the demo did not make."""
    if root.exists() and not root.is_dir():
        raise ConfigError("--dir", [f"{root} is a file; give a folder for the demo"])
    if root.exists() and any(root.iterdir()):
        if not (root / _DEMO_MARK).exists():
            raise ConfigError("--dir", [f"{root} is not empty and was not made by followup demo"])
        shutil.rmtree(root)
    ensure_private_dir(root)
    (root / _DEMO_MARK).touch()


def _summary(report: CycleReport) -> str:
    outcome = report.outcome
    text = (
        f"Read {report.events} events: {report.interviews} finished interviews, "
        f"{len(outcome.drafted)} new drafts, {len(outcome.recorded)} updated, "
        f"{len(outcome.rewritten)} rewritten with new notes, {len(outcome.failed)} failed."
    )
    if report.unreadable_sources:
        text += f" Unreadable calendars: {', '.join(report.unreadable_sources)}."
    return text
