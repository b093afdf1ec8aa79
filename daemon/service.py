"""The composition root: builds connectors, template and ledger from the settings.

This is the only module that chooses connectors; everything else receives
them already built.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from connectors.desktop import notify_desktop
from connectors.gmail import GmailMailbox
from connectors.google_api import Endpoints, GoogleSession
from connectors.google_auth import TokenStore
from connectors.google_calendar import GoogleCalendar
from connectors.ics import IcsCalendar, local_zone
from connectors.maildir import MaildirMailbox
from daemon.config import CalendarSettings, ConfigError, Settings
from daemon.core.checkins import CheckInRules
from daemon.core.compose import Template, default_template
from daemon.core.deadline import QuietHours
from daemon.core.plan import Drafting
from daemon.core.protocols import CalendarSource, Mailbox
from daemon.executor import Channels
from daemon.ledger import Ledger


@dataclass
class Service:
    """Everything one cycle needs, built from the settings."""

    settings: Settings
    drafting: Drafting
    sources: list[CalendarSource]
    mailbox: Mailbox
    ledger: Ledger
    channels: Channels

    def close(self) -> None:
        """Release the ledger."""
        self.ledger.close()


def build_service(settings: Settings, sleep: Callable[[float], object] = time.sleep) -> Service:
    """Connect everything the settings name; raises ConfigError for what cannot be built.

    `sleep` is how connectors wait between retries; the daemon passes one a
    shutdown interrupts.
    """
    zone = user_zone(settings)
    drafting = build_drafting(settings, zone)
    google = _GoogleOnDemand(settings, sleep)
    sources = [build_source(calendar, zone, google) for calendar in settings.calendars]
    mailbox = build_mailbox(settings, google)
    ledger = Ledger(ledger_path(settings))
    # A Maildir can only mail a reminder into the inbox the configuration names.
    by_mail = settings.drafts.kind == "gmail" or settings.drafts.inbox_path is not None
    channels = Channels(settings.you, by_mail, notify_desktop, zone)
    return Service(settings, drafting, sources, mailbox, ledger, channels)


def user_zone(settings: Settings) -> tzinfo:
    """Your time zone: `[you] timezone`, else the system's (by name, so DST is followed)."""
    return ZoneInfo(settings.you.timezone) if settings.you.timezone else local_zone()


def build_drafting(settings: Settings, zone: tzinfo) -> Drafting:
    """Templates and rules for drafts, reminders and check-ins."""
    quiet = QuietHours(*settings.quiet_hours, zone) if settings.quiet_hours else None
    check_ins = None
    # A Maildir without an inbox cannot show a reply: a check-in would be drafted blindly.
    sees_replies = settings.drafts.kind == "gmail" or settings.drafts.inbox_path is not None
    if settings.check_in_business_days and sees_replies:
        template = load_template(settings.check_in_template, "check-in")
        check_ins = CheckInRules(
            settings.check_in_business_days, zone, template, settings.deadline_hours
        )
    return Drafting(
        settings.you,
        load_template(settings.template, "thank-you"),
        settings.deadline_hours,
        settings.remind_before_hours,
        quiet,
        check_ins,
    )


def ledger_path(settings: Settings) -> Path:
    """Where the ledger of these settings lives."""
    return settings.state_dir / "ledger.sqlite3"


def token_path(settings: Settings) -> Path:
    """Where the Google token of these settings lives."""
    configured = settings.google.get("token_file")
    return Path(configured).expanduser() if configured else settings.state_dir / "google-token.json"


def client_secrets_path(settings: Settings, config_file: Path) -> Path:
    """The OAuth client file: `[google] client_secrets`, else beside the configuration file."""
    configured = settings.google.get("client_secrets")
    if configured:
        return Path(configured).expanduser()
    return config_file.parent / "client_secret.json"


def google_endpoints(settings: Settings) -> Endpoints:
    """The Google endpoints, overridden from `[google]` for tests and proxies."""
    google = settings.google
    return Endpoints(
        gmail=google.get("gmail_endpoint"),
        calendar=google.get("calendar_endpoint"),
        token_uri=google.get("token_uri"),
    )


def load_template(path: Path | None, shipped: str) -> Template:
    """The user's template at `path` if configured, else the shipped one."""
    if path is None:
        return default_template(shipped)
    try:
        return Template.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ConfigError("notes", [f"template {path}: {error}"]) from None


class _GoogleOnDemand:
    """One Google session shared by every Google connector, made only if one is configured."""

    def __init__(self, settings: Settings, sleep: Callable[[float], object]) -> None:
        self._settings = settings
        self._sleep = sleep
        self._session: GoogleSession | None = None

    def session(self) -> GoogleSession:
        if self._session is None:
            store = TokenStore(token_path(self._settings))
            endpoints = google_endpoints(self._settings)
            self._session = GoogleSession(store, endpoints, sleep=self._sleep)
        return self._session


def build_source(
    calendar: CalendarSettings, zone: tzinfo, google: _GoogleOnDemand
) -> CalendarSource:
    """The calendar connector for one `[[calendar]]` table."""
    if calendar.kind == "google":
        return GoogleCalendar(calendar.name, google.session(), calendar.calendar_id)
    try:
        return IcsCalendar(calendar.name, path=calendar.path, url=calendar.url, default_tz=zone)
    except ValueError as error:  # an address that does not parse
        raise ConfigError("calendar", [f"{calendar.name}: {error}"]) from None


def build_mailbox(settings: Settings, google: _GoogleOnDemand) -> Mailbox:
    """The mailbox connector the `[drafts]` table names."""
    drafts = settings.drafts
    if drafts.kind == "gmail":
        return GmailMailbox(google.session())
    if drafts.path is None:
        raise ConfigError("drafts", ["a maildir needs the path of its Drafts folder"])
    return MaildirMailbox(drafts.path, drafts.sent_path, drafts.inbox_path)
