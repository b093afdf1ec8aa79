"""The composition root: builds connectors, template and ledger from the settings.

This is the only module that chooses connectors; everything else receives
them already built.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from connectors.ics import IcsCalendar
from connectors.maildir import MaildirMailbox
from daemon.compose import Template, default_template
from daemon.config import CalendarSettings, ConfigError, Settings
from daemon.ledger import Ledger
from daemon.plan import Drafting
from daemon.protocols import CalendarSource, Mailbox


@dataclass
class Service:
    """Everything one cycle needs, built from the settings."""

    settings: Settings
    drafting: Drafting
    sources: list[CalendarSource]
    mailbox: Mailbox
    ledger: Ledger

    def close(self) -> None:
        """Release the ledger."""
        self.ledger.close()


def build_service(settings: Settings) -> Service:
    """Connect everything the settings name; raises ConfigError for what cannot be built."""
    drafting = Drafting(settings.you, load_template(settings), settings.deadline_hours)
    sources = [build_source(calendar, settings) for calendar in settings.calendars]
    mailbox = build_mailbox(settings)
    ledger = Ledger(ledger_path(settings))
    return Service(settings, drafting, sources, mailbox, ledger)


def ledger_path(settings: Settings) -> Path:
    """Where the ledger of these settings lives."""
    return settings.state_dir / "ledger.sqlite3"


def load_template(settings: Settings) -> Template:
    """The user's note template if configured, else the shipped one."""
    if settings.template is None:
        return default_template()
    try:
        return Template.parse(settings.template.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ConfigError("notes.template", [f"{settings.template}: {error}"]) from None


def build_source(calendar: CalendarSettings, settings: Settings) -> CalendarSource:
    """The calendar connector for one `[[calendar]]` table."""
    if calendar.kind != "ics":
        raise ConfigError(
            "calendar", [f"{calendar.name}: kind {calendar.kind!r} is not available yet"]
        )
    default_tz = ZoneInfo(settings.you.timezone) if settings.you.timezone else None
    return IcsCalendar(calendar.name, path=calendar.path, url=calendar.url, default_tz=default_tz)


def build_mailbox(settings: Settings) -> Mailbox:
    """The mailbox connector the `[drafts]` table names."""
    drafts = settings.drafts
    if drafts.kind != "maildir" or drafts.path is None:
        raise ConfigError("drafts", [f"kind {drafts.kind!r} is not available yet"])
    return MaildirMailbox(drafts.path, drafts.sent_path)
