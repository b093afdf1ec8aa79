"""What each `followup` command does, named as the command (`run`, `status`, `check`…).

Each takes the parsed arguments and returns the exit status; failures are
raised and turned into one line by `daemon.cli`. Modules only some commands
need (the detector, the demo, the service files, the Google connectors) are
imported inside those commands, so `followup status` starts without them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from daemon.cli import EXIT_CONFIG, EXIT_FAILURE, build_parser, fail
from daemon.config import (
    CalendarKind,
    ConfigError,
    Settings,
    default_config_path,
    load_settings,
)
from daemon.core.attention import Problem, alert_problems, draft_problems, render_problems
from daemon.core.model import DraftKey, DraftRecord, DraftStatus
from daemon.core.protocols import ConnectorError
from daemon.core.secrets import redact
from daemon.core.status import (
    StatusRow,
    candidate_json,
    render_candidates,
    render_employer,
    render_table,
    status_rows,
)
from daemon.ledger import EMPLOYER, REBUILT_AT, REBUILT_BECAUSE, LedgerError
from daemon.runtime import Runtime
from daemon.wiring import build_runtime, user_zone

if TYPE_CHECKING:
    from daemon.config import CalendarSettings


def run(args: argparse.Namespace) -> int:
    """`followup run`: the daemon, one cycle of it, or a dry run of one."""
    from daemon.cycle import run_cycle
    from daemon.lock import state_lock
    from daemon.loop import run_forever

    settings = _settings(args)
    if args.now is not None and not (args.once or args.dry_run):
        raise ConfigError("--now", ["a fixed clock only makes sense with --once or --dry-run"])
    if args.dry_run:
        return _dry_run(settings, _now(args))
    with state_lock(settings.state_dir):
        if not args.once:
            run_forever(lambda: _settings(args), lambda: datetime.now(UTC))
            return 0
        with _opened(settings) as runtime:
            report = run_cycle(_now(args), runtime)
    print(report.headline())
    if report.sign_in_needed:
        return fail(report.sign_in_needed, EXIT_CONFIG)
    return EXIT_FAILURE if report.unreadable_sources or report.outcome.failed else 0


def _dry_run(settings: Settings, now: datetime) -> int:
    from daemon.core.actions import describe
    from daemon.cycle import dry_run

    runtime = build_runtime(settings, read_only=True)
    try:
        found = dry_run(now, runtime)
    finally:
        runtime.close()
    lines = [f"Would {describe(action)}." for action in found.actions]
    lines += [f"Would ask you about {j.event.title!r}: {j.reason}." for j in found.possible]
    unreadable = found.unreadable.items()
    lines += [f"Could not read the calendar {name}: {redact(str(e))}." for name, e in unreadable]
    print(f"Dry run at {now.isoformat(timespec='minutes')}: nothing was changed.")
    print("\n".join(lines) if lines else "Nothing to do.")
    return EXIT_FAILURE if found.unreadable else 0


def status(args: argparse.Namespace) -> int:
    """`followup status`: what needs the user, the questions, then every draft."""
    from daemon import health, unit

    settings, now = _settings(args), _now(args)
    problems = health.quick_problems(
        settings, lambda: unit.service_state(unit.UnitFiles.for_user())
    )
    runtime: Runtime | None
    try:
        runtime = build_runtime(settings, calendars=False)
    except (LedgerError, OSError) as error:
        runtime = _read_only_runtime(settings, problems, error)
    if runtime is None:
        return _show_problems_only(problems, as_json=args.json)
    try:
        shown = show_status(runtime, now, problems, as_json=args.json)
    finally:
        runtime.close()
    return EXIT_FAILURE if shown else 0


def _read_only_runtime(
    settings: Settings, problems: list[Problem], error: Exception
) -> Runtime | None:
    """The runtime with the ledger opened to be read only, when the state cannot be written;
    None when even that fails. Either way the reason joins `problems`."""
    why = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    why = why.rpartition(": ")[2] if isinstance(error, LedgerError) else why
    problems.append(
        Problem(
            "the state directory",
            f"{settings.state_dir} cannot be written: {why}",
            "give yourself write permission there (or free the disk), or set [state] dir",
        )
    )
    try:
        return build_runtime(settings, calendars=False, read_only=True)
    except (LedgerError, OSError):
        return None


def _show_problems_only(problems: list[Problem], *, as_json: bool) -> int:
    if as_json:
        print(json.dumps([p.as_json() for p in _unique(problems)], indent=2, ensure_ascii=False))
    else:
        print(render_problems(_unique(problems)))
        print("\nNo drafts can be shown until the state directory can be read.")
    return EXIT_FAILURE


def show_status(
    runtime: Runtime, now: datetime, problems: Iterable[Problem] = (), *, as_json: bool = False
) -> list[Problem]:
    """Print what needs the user, the events to decide about and every tracked draft;
    returns the problems shown."""
    ledger, zone = runtime.ledger, user_zone(runtime.settings)
    records = {key: _masked(record) for key, record in ledger.records().items()}
    problems = list(problems)
    # A cycle's alert about what the quick checks already found would say it twice.
    found = {p.subject for p in problems}
    alerts = [a for a in alert_problems(ledger.alerts()) if a.subject not in found]
    shown = _unique([*problems, *alerts, *draft_problems(records.values())])
    candidates = ledger.candidates()
    rows = _rows(runtime, now, records.values())
    if as_json:
        asked = [row for c in candidates for row in candidate_json(c, now, runtime.drafting)]
        listed = [p.as_json() for p in shown] + asked + [r.as_json() for r in rows]
        print(json.dumps(listed, indent=2, ensure_ascii=False))
        return shown
    employer = [] if runtime.settings.you.own_domains else ledger.learnt(EMPLOYER)
    blocks = [render_problems(shown), _rebuild_notice(runtime, now), render_employer(employer)]
    blocks += [render_candidates(candidates, zone), render_table(rows, zone)]
    print("\n\n".join(block for block in blocks if block))
    return shown


def _rebuild_notice(runtime: Runtime, now: datetime) -> str:
    """A week after the ledger was rebuilt from the mailbox, when and why."""
    from daemon.rebuild import SHOWN_FOR

    rebuilt_at = runtime.ledger.meta(REBUILT_AT)
    if rebuilt_at is None or now - datetime.fromisoformat(rebuilt_at) > SHOWN_FOR:
        return ""
    when = datetime.fromisoformat(rebuilt_at).astimezone(user_zone(runtime.settings))
    because = runtime.ledger.meta(REBUILT_BECAUSE) or "the ledger was lost"
    return (
        f"The state was rebuilt from your mailbox on {when:%a %d %b %H:%M} ({because}). "
        "Notes found there are tracked again; an interview with no note found is listed "
        "as [no draft found]: `followup track` drafts it, `followup ignore` lets it be."
    )


def _masked(record: DraftRecord) -> DraftRecord:
    """`record` with the secrets in its last error masked: a ledger written before errors
    were masked on their way in may hold some."""
    return replace(record, last_error=redact(record.last_error)) if record.last_error else record


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    """The problems, the first of each subject and message kept."""
    return list({(p.subject, p.message): p for p in reversed(list(problems))}.values())[::-1]


def _rows(runtime: Runtime, now: datetime, records: Iterable[DraftRecord]) -> list[StatusRow]:
    """Every tracked draft, with fresh links to the ones still waiting."""
    records = list(records)
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
        except ConnectorError:
            break  # the mailbox cannot be asked now: the stored references will do
    return links


def check(args: argparse.Namespace) -> int:
    """`followup check`: every part of the set-up tried, then ready or what to fix first."""
    from daemon import health, unit

    path = args.config or default_config_path()
    try:
        settings = load_settings(path)
    except ConfigError as error:
        print(f"FAIL configuration {error}")
        print("Not ready: fix the configuration first.")
        return EXIT_CONFIG
    print(f"ok   configuration: {path}")
    now = _now(args)
    findings = health.thorough_checks(
        settings,
        lambda: unit.service_state(unit.UnitFiles.for_user()),
        lambda calendar: _count_events(settings, calendar, now),
        lambda: _mailbox_identity(settings),
    )
    for finding in findings:
        print(f"{'ok  ' if finding.ok else 'FAIL'} {finding.subject}: {finding.detail}")
        if finding.remedy and not finding.ok:
            print(f"     → {finding.remedy}")
    print(health.verdict(findings))
    return 0 if all(f.ok for f in findings) else EXIT_FAILURE


def calendars(args: argparse.Namespace) -> int:
    """`followup calendars`: the calendars of events on each caldav server, with their URLs."""
    from daemon.wiring import caldav_calendars

    settings = _settings(args)
    servers = [c for c in settings.calendars if c.kind is CalendarKind.CALDAV]
    if not servers:
        print("No [[calendar]] of kind caldav in the configuration.")
        return 0
    failed = False
    for calendar in servers:
        print(f"calendar {calendar.name} ({calendar.url}):")
        try:
            found = caldav_calendars(calendar)
        except ConnectorError as error:
            print(f"  FAIL {error}")
            failed = True
            continue
        for info in found:
            print(f'  {info.name}: url = "{info.url}"')
        if not found:
            print("  no calendar of events")
    return EXIT_FAILURE if failed else 0


def _count_events(settings: Settings, calendar: CalendarSettings, now: datetime) -> int:
    from daemon import health
    from daemon.wiring import build_source, google_on_demand

    source = build_source(calendar, user_zone(settings), google_on_demand(settings))
    return sum(1 for _ in source.events(*health.calendar_window(now)))


def _mailbox_identity(settings: Settings) -> str:
    from daemon.wiring import mailbox_identity

    return mailbox_identity(settings)


def init(args: argparse.Namespace) -> int:
    """`followup init`: a commented configuration to start from, never over an existing one."""
    from daemon import starter

    path = (args.config or default_config_path()).expanduser()
    if path.exists():
        return fail(f"{path} already exists; edit it, or remove it first", EXIT_FAILURE)
    answers = starter.Answers.from_options(args)
    if not answers.complete:
        if not sys.stdin.isatty():
            return fail("give --name and --email (and --ics or --google) on a script", 2)
        answers = starter.ask(answers, input)
    starter.write_config(path, starter.config_text(answers))
    print(f"Wrote {path}.")
    print(
        "Next: `followup check` tries it; `followup run --once --dry-run` shows what it would do."
    )
    return 0


def auth(args: argparse.Namespace) -> int:
    """`followup auth`: the one-time Google sign-in."""
    from daemon.wiring import client_secrets_path, sign_in_to_google

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


def service(args: argparse.Namespace) -> int:
    """`followup service install | uninstall`: the systemd user unit."""
    from daemon import unit

    files = unit.UnitFiles.for_user()
    if args.action == "uninstall":
        return 0 if unit.uninstall(files, unit.run_quietly, print) else EXIT_FAILURE
    config = (args.config or default_config_path()).expanduser().resolve()
    settings = load_settings(config)
    sandbox = not args.no_sandbox
    unit.install(settings, config, files, unit.run_quietly, print, sandbox=sandbox)
    return 0


def track(args: argparse.Namespace) -> int:
    """`followup track REF`: the event is an interview; its notes are drafted now."""
    from daemon import decisions
    from daemon.core.text import one_line
    from daemon.cycle import read_calendars

    settings, now = _settings(args), _now(args)
    with _opened(settings) as runtime:
        judgement = decisions.find(read_calendars(now, runtime), args.ref)
        decisions.track(judgement, runtime, now)
        print(f"Tracking {one_line(judgement.event.title, 80)!r} as an interview.")
    cycle_now(settings, now)
    return 0


def ignore(args: argparse.Namespace) -> int:
    """`followup ignore REF`: not an interview; its untouched drafts go."""
    from daemon import decisions
    from daemon.core.text import one_line
    from daemon.cycle import read_calendars

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


def why(args: argparse.Namespace) -> int:
    """`followup why [REF]`: why events were or were not taken as interviews."""
    from daemon import decisions
    from daemon.core.why import render_overview, render_why
    from daemon.cycle import read_calendars

    settings, now = _settings(args), _now(args)
    zone = user_zone(settings)
    with _opened(settings) as runtime:
        reading = read_calendars(now, runtime)
    if args.ref:
        print(render_why(decisions.find(reading, args.ref), zone))
    else:
        print(render_overview(reading.judgements, zone))
    return 0


def debrief(args: argparse.Namespace) -> int:
    """`followup debrief [REF]`: what was talked about, kept; untouched drafts rewritten."""
    from daemon import debriefs
    from daemon.core.debrief import debrief_form, debrief_text
    from daemon.core.model import ref_of
    from daemon.core.text import one_line
    from daemon.cycle import read_calendars

    settings, now = _settings(args), _now(args)
    with _opened(settings) as runtime:
        interview = debriefs.chosen(read_calendars(now, runtime), now, runtime, args.ref)
        ref = ref_of(interview.event)
        form = debrief_form(interview, runtime.ledger.debriefs().get(ref, ""))
        written = _read_debrief(args.source) if args.source else debriefs.edit(form)
        text = debrief_text(written)
        if text == debrief_text(form):
            print("Nothing changed.")
            return 0
        runtime.ledger.set_debrief(ref, text, now)
    title = one_line(interview.event.title, 80)
    print(f"Kept your debrief of {title!r}; rewriting the drafts you have not edited.")
    cycle_now(settings, now)
    return 0


def _read_debrief(source: Path) -> str:
    from daemon import debriefs

    if str(source) == "-":
        return sys.stdin.read(debriefs.MAX_DEBRIEF_CHARS + 1)[: debriefs.MAX_DEBRIEF_CHARS]
    return debriefs.read_limited(source)


def preview(args: argparse.Namespace) -> int:
    """`followup preview [REF]`: the notes as they would be drafted, with problems."""
    from daemon import debriefs
    from daemon.cycle import read_calendars

    settings, now = _settings(args), _now(args)
    with _opened(settings) as runtime:
        interview = debriefs.chosen(read_calendars(now, runtime), now, runtime, args.ref)
        print(debriefs.render_preview(interview, debriefs.previews(interview, runtime)))
    return 0


def demo(args: argparse.Namespace) -> int:
    """`followup demo`: the embedded sample, run into a Maildir of its own."""
    from daemon import demo_run

    return demo_run.run_demo(args.dir, show_status)


def completion(args: argparse.Namespace) -> int:
    """`followup completion SHELL`: the completion script, generated from the parser."""
    import shtab

    print(shtab.complete(build_parser(), shell=args.shell))
    return 0


def man(args: argparse.Namespace) -> int:
    """`followup man`: the manual page, generated from the parser, in roff."""
    from argparse_manpage.manpage import Manpage

    page = Manpage(build_parser())
    page.date = ""  # the page depends on the version, not the day it is printed
    print(page)
    return 0


def cycle_now(settings: Settings, now: datetime) -> None:
    """Run a cycle now; when the daemon holds the state, ask it to run one instead."""
    from daemon.cycle import run_cycle
    from daemon.lock import AlreadyRunningError, nudge, state_lock

    try:
        with state_lock(settings.state_dir), _opened(settings) as runtime:
            report = run_cycle(now, runtime)
    except AlreadyRunningError as error:
        nudged = error.holder and nudge(error.holder)
        print("The running daemon drafts them now." if nudged else f"{error}")
        return
    print(report.headline())


@contextmanager
def _opened(settings: Settings) -> Iterator[Runtime]:
    runtime = build_runtime(settings)
    try:
        yield runtime
    finally:
        runtime.close()


def _now(args: argparse.Namespace) -> datetime:
    fixed: datetime | None = getattr(args, "now", None)
    return fixed if fixed is not None else datetime.now(UTC)


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(args.config or default_config_path())
