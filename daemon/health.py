"""Is the set-up sound? The quick checks `followup status` makes on every call, and the
thorough ones of `followup check`.

`quick_problems(settings, service)` looks only at the local disk and the
service manager: calendar files that are gone, a Drafts path that is not a
folder, a state directory that cannot be written, a service installed but not
running. `thorough_checks(...)` also reads every calendar, writes and removes
a file in the Drafts Maildir (or asks Gmail who is signed in and checks the
permissions, or signs in to the IMAP account and finds its folders), and
returns one `Finding` per check, for `followup check` to print. Nothing here
changes the user's data.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from daemon.config import CalendarKind, CalendarSettings, MailboxKind, Settings
from daemon.core.attention import Problem
from daemon.core.protocols import ConnectorError, SignInRequiredError
from daemon.wiring import token_path

log = logging.getLogger(__name__)

# What `systemctl --user is-active` answers for the unit (None: no unit installed, or
# no user manager to ask).
ServiceState = Callable[[], str | None]


@dataclass(frozen=True)
class Finding:
    """One check of `followup check`: what was checked, whether it is fine, and how."""

    subject: str
    ok: bool
    detail: str
    remedy: str = ""


def quick_problems(settings: Settings, service: ServiceState) -> list[Problem]:
    """What is wrong with the set-up, from the disk and the service manager only."""
    problems = [p for c in settings.calendars for p in _calendar_file(c)]
    problems += _drafts_folders(settings)
    problems += _state_dir(settings.state_dir)
    problems += _google_sign_in(settings)
    problems += _service(service())
    return problems


def _google_sign_in(settings: Settings) -> list[Problem]:
    google = settings.drafts.kind is MailboxKind.GMAIL or any(
        c.kind is CalendarKind.GOOGLE for c in settings.calendars
    )
    if not google or token_path(settings).exists():
        return []
    # Worded as the connectors word it, so the alert of a cycle is not listed twice.
    message = "Google sign-in needed: run `followup auth`"
    return [Problem("Google sign-in", message, "run `followup auth`")]


def _calendar_file(calendar: CalendarSettings) -> list[Problem]:
    if calendar.kind is not CalendarKind.ICS or calendar.path is None:
        return []
    path, subject = calendar.path, f"calendar {calendar.name}"
    remedy = _calendar_remedy(calendar)
    if not path.exists():
        return [Problem(subject, f"{path} does not exist", remedy)]
    if not path.is_file() or not os.access(path, os.R_OK):
        return [Problem(subject, f"{path} is not a file you can read", remedy)]
    return []


def _drafts_folders(settings: Settings) -> list[Problem]:
    drafts = settings.drafts
    if drafts.kind is not MailboxKind.MAILDIR:
        return []
    named = [
        ("path", drafts.path),
        ("sent_path", drafts.sent_path),
        ("inbox_path", drafts.inbox_path),
    ]
    problems = []
    for key, folder in named:
        if folder is None:
            continue
        if folder.exists() and not folder.is_dir():
            problems.append(
                Problem(
                    "the drafts",
                    f"[drafts] {key} {folder} is a file, not a Maildir folder",
                    f"point [drafts] {key} at a folder, or move the file away",
                )
            )
        elif not _writable(folder):
            problems.append(
                Problem(
                    "the drafts",
                    f"[drafts] {key} {folder} cannot be written",
                    "give yourself write permission there, or choose another folder",
                )
            )
    return problems


def _state_dir(state_dir: Path) -> list[Problem]:
    if _writable(state_dir):
        return []
    return [
        Problem(
            "the state directory",
            f"{state_dir} cannot be written: drafts and reminders cannot be recorded",
            "give yourself write permission there, or set [state] dir",
        )
    ]


def _writable(folder: Path) -> bool:
    """Whether `folder`, or the nearest folder above it that exists, can be written."""
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return candidate.is_dir() and os.access(candidate, os.W_OK | os.X_OK)
    return False


def _service(state: str | None) -> list[Problem]:
    if state is None or state in {"active", "activating", "reloading"}:
        return []
    return [
        Problem(
            "the service",
            f"installed but {state}: nothing watches your calendars",
            "systemctl --user start interview-followup.service; "
            "see journalctl --user -u interview-followup for why it stopped",
        )
    ]


def thorough_checks(
    settings: Settings,
    service: ServiceState,
    read_calendar: Callable[[CalendarSettings], int],
    check_account: Callable[[], str],
) -> list[Finding]:
    """Every check of `followup check`, in the order a user would fix them.

    `read_calendar` reads one calendar over the coming days and returns how many
    events it holds (raising `ConnectorError`); `check_account` signs in to the
    mail account (Gmail, IMAP) and says who is signed in and what is used there
    (raising `ConnectorError`).
    """
    findings = [_calendar_finding(c, read_calendar) for c in settings.calendars]
    if not settings.calendars:
        findings.append(Finding("calendars", False, "none configured", "add a [[calendar]]"))
    if settings.drafts.kind is MailboxKind.GMAIL:
        findings.append(_gmail_finding(check_account))
    elif settings.drafts.kind is MailboxKind.IMAP:
        findings.append(_imap_finding(check_account))
    else:
        findings += _maildir_findings(settings)
    findings.append(_state_finding(settings.state_dir))
    findings.append(_service_finding(service()))
    return findings


def _calendar_finding(
    calendar: CalendarSettings, read_calendar: Callable[[CalendarSettings], int]
) -> Finding:
    subject = f"calendar {calendar.name}"
    try:
        count = read_calendar(calendar)
    except SignInRequiredError as error:
        return Finding(subject, False, str(error), "run `followup auth`")
    except ConnectorError as error:
        return Finding(subject, False, str(error), _calendar_remedy(calendar))
    return Finding(subject, True, f"read: {count} events in the window the daemon looks at")


def _calendar_remedy(calendar: CalendarSettings) -> str:
    if calendar.kind is CalendarKind.GOOGLE:
        return "check [[calendar]] calendar_id, and that Google Calendar answers"
    if calendar.kind is CalendarKind.CALDAV:
        return (
            "check [[calendar]] url, username and password source; "
            "`followup calendars` lists what the server holds"
        )
    if calendar.kind is CalendarKind.VDIR:
        return "fix [[calendar]] path: the folder vdirsyncer keeps the .ics files in"
    if calendar.url:
        return "check the address in [[calendar]] url (a secret address may have been reset)"
    return "fix [[calendar]] path in the configuration, or export the calendar there again"


def _gmail_finding(check_gmail: Callable[[], str]) -> Finding:
    try:
        who = check_gmail()
    except ConnectorError as error:
        return Finding("Gmail", False, str(error), "run `followup auth`")
    return Finding("Gmail", True, who)


def _imap_finding(check_imap: Callable[[], str]) -> Finding:
    try:
        who = check_imap()
    except ConnectorError as error:
        remedy = "check [drafts] host, port, tls, ca_file, username and the password source"
        return Finding("IMAP account", False, str(error), remedy)
    return Finding("IMAP account", True, who)


def _maildir_findings(settings: Settings) -> list[Finding]:
    drafts = settings.drafts
    found = []
    for key, folder in (("path", drafts.path), ("sent_path", drafts.sent_path)):
        if folder is not None:
            found.append(_maildir_finding(f"drafts {key}", folder, create=key == "path"))
    if drafts.inbox_path is not None:
        found.append(_maildir_finding("drafts inbox_path", drafts.inbox_path, create=True))
    else:
        found.append(
            Finding(
                "reminder mails",
                True,
                "off: no [drafts] inbox_path; reminders reach the desktop and the journal",
            )
        )
    return found


def _maildir_finding(subject: str, folder: Path, *, create: bool) -> Finding:
    if folder.exists() and not folder.is_dir():
        return Finding(subject, False, f"{folder} is a file", "point it at a Maildir folder")
    if not folder.exists():
        if create and _writable(folder):
            return Finding(subject, True, f"{folder} will be created with the first draft")
        if not create:
            return Finding(subject, True, f"{folder} does not exist yet (nothing sent there)")
        return Finding(subject, False, f"{folder} cannot be created", "check its permissions")
    if not create:
        return Finding(subject, True, f"{folder} can be read")
    return _try_writing(subject, folder)


def _try_writing(subject: str, folder: Path) -> Finding:
    """Write and remove a file in the Maildir's tmp/, where clients never look."""
    probe = folder / "tmp" / f".followup-check-{secrets.token_hex(6)}"
    try:
        probe.parent.mkdir(mode=0o700, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        detail = f"{folder} cannot be written: {error.strerror or error}"
        return Finding(subject, False, detail, "give yourself write permission there")
    return Finding(subject, True, f"{folder} can be written")


def _state_finding(state_dir: Path) -> Finding:
    if _writable(state_dir):
        return Finding("state", True, f"{state_dir} can be written")
    return Finding(
        "state",
        False,
        f"{state_dir} cannot be written",
        "give yourself write permission there, or set [state] dir",
    )


def _service_finding(state: str | None) -> Finding:
    if state is None:
        return Finding(
            "service",
            True,
            "not installed: run `followup service install` to keep it running",
        )
    problem = _service(state)
    if problem:
        return Finding("service", False, problem[0].message, problem[0].remedy)
    return Finding("service", True, state)


def verdict(findings: Iterable[Finding]) -> str:
    """The last line of `followup check`: ready, or the first thing to fix."""
    for finding in findings:
        if not finding.ok:
            return f"Not ready: fix {finding.subject} first: {finding.remedy or finding.detail}."
    return "Ready."


def calendar_window(now: datetime) -> tuple[datetime, datetime]:
    """The window `followup check` reads: the two days before and the day after `now`."""
    return now - timedelta(days=2), now + timedelta(days=1)
