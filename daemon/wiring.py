"""The wiring: the one place that chooses connectors and builds what a cycle runs on.

`build_runtime(settings)` turns validated settings into a `Runtime`: the
calendar sources, the mailbox, the ledger, the templates and rules, the
reminder channels. Google's connectors (and Google's client libraries) are
imported only when the configuration names a Google calendar or Gmail, and the
IMAP connector (with its client library) only for an IMAP account, so a
daemon on ICS files and a Maildir loads neither. The Google sign-in of
`followup auth` is started from here too, so the command line never picks a
connector itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from connectors.desktop import notify_desktop
from connectors.zones import local_zone
from daemon.config import CalendarKind, CalendarSettings, ConfigError, MailboxKind, Settings
from daemon.core.checkins import CheckInRules
from daemon.core.compose import Writer
from daemon.core.deadline import QuietHours
from daemon.core.plan import Drafting
from daemon.core.protocols import CalendarSource, Mailbox
from daemon.core.reminders import ReminderRules
from daemon.executor import Channels
from daemon.files import ensure_private_dir
from daemon.ledger import Ledger
from daemon.runtime import Runtime
from daemon.spelling import EnglishLexicon
from daemon.templates import load_fulfilments, load_template, thank_you_template

if TYPE_CHECKING:
    from connectors.caldav import CaldavCalendar, CalendarInfo
    from connectors.google_api import Endpoints, GoogleSession
    from connectors.imap import ImapMailbox


def build_runtime(
    settings: Settings,
    sleep: Callable[[float], object] = time.sleep,
    *,
    calendars: bool = True,
    read_only: bool = False,
) -> Runtime:
    """Connect everything the settings name; raises ConfigError for what cannot be built.

    `sleep` is how connectors wait between retries; the daemon passes one a
    shutdown interrupts. Without `calendars` no calendar is connected (for
    commands that only read the ledger); `read_only` opens the ledger as it
    is on disk (an empty one in memory where there is none yet), for a state
    directory that cannot be written and for a dry run.
    """
    zone = user_zone(settings)
    google = _GoogleOnDemand(settings, sleep)
    wanted = settings.calendars if calendars else ()
    sources = [build_source(calendar, zone, google) for calendar in wanted]
    mailbox = build_mailbox(settings, google)
    path = ledger_path(settings)
    if not read_only:
        ledger = Ledger(path)
    else:
        ledger = Ledger.read_only(path) if path.exists() else Ledger.empty()
    # A Maildir can only mail a reminder into the inbox the configuration names.
    channels = Channels(settings.you, settings.drafts.sees_replies, notify_desktop, zone)
    return Runtime(settings, build_drafting(settings, zone), sources, mailbox, ledger, channels)


def user_zone(settings: Settings) -> tzinfo:
    """Your time zone: `[you] timezone`, else the system's (by name, so DST is followed)."""
    return ZoneInfo(settings.you.timezone) if settings.you.timezone else local_zone()


def build_drafting(settings: Settings, zone: tzinfo) -> Drafting:
    """The writer, and the rules for drafts, reminders and check-ins."""
    deadline, notes = settings.deadline, settings.notes
    quiet = QuietHours(*deadline.quiet_hours, zone) if deadline.quiet_hours else None
    check_ins = None
    # A Maildir without an inbox cannot show a reply: a check-in would be drafted blindly.
    if settings.check_in.after_business_days and settings.drafts.sees_replies:
        check_ins = CheckInRules(settings.check_in.after_business_days, zone, deadline.hours)
    writer = Writer(
        you=settings.you,
        template=thank_you_template(notes.template, notes.tone),
        tone=notes.tone.value,
        fulfilments=load_fulfilments(settings.promises),
        lexicon=EnglishLexicon(),
        check_in=load_template(notes.check_in_template, "check-in"),
        band=(notes.min_words, notes.max_words),
    )
    reminders = ReminderRules(deadline.remind_before_hours, quiet)
    return Drafting(writer, deadline.hours, reminders, check_ins)


def ledger_path(settings: Settings) -> Path:
    """Where the ledger of these settings lives."""
    return settings.state_dir / "ledger.sqlite3"


def token_path(settings: Settings) -> Path:
    """Where the Google token of these settings lives."""
    return settings.google.token_file or settings.state_dir / "google-token.json"


def client_secrets_path(settings: Settings, config_file: Path) -> Path:
    """The OAuth client file: `[google] client_secrets`, else beside the configuration file."""
    return settings.google.client_secrets or config_file.parent / "client_secret.json"


def google_endpoints(settings: Settings) -> Endpoints:
    """The Google endpoints, overridden from `[google]` for tests and proxies."""
    from connectors.google_api import Endpoints

    google = settings.google
    return Endpoints(google.gmail_endpoint, google.calendar_endpoint, google.token_uri)


@dataclass(frozen=True)
class SignedIn:
    """What `followup auth` tells the user: who signed in, what they allowed, where it is kept."""

    email: str
    permissions: str
    token_file: Path


def sign_in_to_google(
    settings: Settings,
    client_secrets: Path,
    *,
    port: int,
    open_browser: bool,
    pasted_lines: Iterable[str],
) -> SignedIn:
    """Run Google's sign-in and save the token where the daemon will read it."""
    from connectors.google_auth import TokenStore, describe_scopes
    from connectors.google_signin import sign_in

    ensure_private_dir(settings.state_dir)
    store = TokenStore(token_path(settings))
    result = sign_in(
        client_secrets,
        store,
        port=port,
        open_browser=open_browser,
        token_uri=settings.google.token_uri,
        gmail_endpoint=settings.google.gmail_endpoint,
        pasted_lines=pasted_lines,
        read_drafts=settings.google.read_drafts,
    )
    return SignedIn(result.email, describe_scopes(result.scopes), store.path)


class _GoogleOnDemand:
    """One Google session shared by every Google connector, made only if one is configured."""

    def __init__(self, settings: Settings, sleep: Callable[[float], object]) -> None:
        self._settings = settings
        self._sleep = sleep
        self._session: GoogleSession | None = None

    def session(self) -> GoogleSession:
        if self._session is None:
            from connectors.google_api import GoogleSession
            from connectors.google_auth import TokenStore

            store = TokenStore(token_path(self._settings))
            endpoints = google_endpoints(self._settings)
            read_drafts = self._settings.google.read_drafts
            self._session = GoogleSession(
                store, endpoints, sleep=self._sleep, read_drafts=read_drafts
            )
        return self._session


def google_on_demand(settings: Settings) -> _GoogleOnDemand:
    """The Google session the settings' connectors share, made when first asked for."""
    return _GoogleOnDemand(settings, time.sleep)


def build_source(
    calendar: CalendarSettings, zone: tzinfo, google: _GoogleOnDemand
) -> CalendarSource:
    """The calendar connector for one `[[calendar]]` table."""
    if calendar.kind is CalendarKind.GOOGLE:
        from connectors.google_calendar import GoogleCalendar

        return GoogleCalendar(calendar.name, google.session(), calendar.calendar_id)
    if calendar.kind is CalendarKind.VDIR:
        from connectors.vdir import VdirCalendar

        if calendar.path is None:
            raise ConfigError("calendar", [f"{calendar.name}: a vdir calendar needs a path"])
        return VdirCalendar(calendar.name, calendar.path, default_tz=zone)
    if calendar.kind is CalendarKind.CALDAV:
        return _caldav_source(calendar, zone)
    from connectors.ics import IcsCalendar

    try:
        return IcsCalendar(calendar.name, path=calendar.path, url=calendar.url, default_tz=zone)
    except ValueError as error:  # an address that does not parse
        raise ConfigError("calendar", [f"{calendar.name}: {error}"]) from None


def caldav_calendars(calendar: CalendarSettings) -> list[CalendarInfo]:
    """The calendars of events at the address of a caldav `[[calendar]]`."""
    source = _caldav_source(calendar, local_zone())
    return source.calendars()


def _caldav_source(calendar: CalendarSettings, zone: tzinfo) -> CaldavCalendar:
    from connectors.caldav import CaldavCalendar
    from daemon.passwords import password_getter

    if calendar.url is None:
        raise ConfigError("calendar", [f"{calendar.name}: a caldav calendar needs a url"])
    credentials = calendar.credentials
    password = password_getter(credentials, f"the calendar {calendar.name}")
    return CaldavCalendar(
        calendar.name,
        calendar.url,
        username=credentials.username,
        password=password,
        ca_file=calendar.ca_file,
        default_tz=zone,
    )


def build_mailbox(settings: Settings, google: _GoogleOnDemand) -> Mailbox:
    """The mailbox connector the `[drafts]` table names."""
    drafts = settings.drafts
    if drafts.kind is MailboxKind.GMAIL:
        from connectors.gmail import GmailMailbox

        return GmailMailbox(google.session())
    if drafts.kind is MailboxKind.IMAP:
        return imap_mailbox(settings)
    if drafts.path is None:
        raise ConfigError("drafts", ["a maildir needs the path of its Drafts folder"])
    from connectors.maildir import MaildirMailbox

    return MaildirMailbox(drafts.path, drafts.sent_path, drafts.inbox_path)


def imap_mailbox(settings: Settings) -> ImapMailbox:
    """The IMAP account `[drafts]` names; its password is asked for at each sign-in."""
    from connectors.imap import ImapAccount, ImapMailbox, Security
    from daemon.passwords import password_getter

    imap = settings.drafts.imap
    if imap is None:
        raise ConfigError("drafts", ["an imap mailbox needs its host"])
    account = ImapAccount(
        host=imap.host,
        port=imap.port,
        security=Security(imap.tls.value),
        username=imap.credentials.username,
        password=password_getter(imap.credentials, "the IMAP account"),
        ca_file=imap.ca_file,
        drafts_folder=imap.drafts_folder,
        sent_folder=imap.sent_folder,
        inbox_folder=imap.inbox_folder,
    )
    return ImapMailbox(account)


def mailbox_identity(settings: Settings) -> str:
    """Who is signed in to the mail account (Gmail or IMAP) and what is used there,
    asked of the server; raises `ConnectorError` when it cannot be used."""
    if settings.drafts.kind is MailboxKind.GMAIL:
        return gmail_identity(settings)
    mailbox = imap_mailbox(settings)
    try:
        return mailbox.describe()
    finally:
        mailbox.close()


def gmail_identity(settings: Settings) -> str:
    """Who is signed in to Gmail and what the sign-in allows, asked of Gmail; raises
    `ConnectorError` (or `SignInRequiredError`) when it cannot be used."""
    from connectors.gmail import GmailMailbox
    from connectors.google_auth import describe_scopes

    session = google_on_demand(settings).session()
    mailbox = GmailMailbox(session)
    mailbox.check_ready()
    allowed = describe_scopes(sorted(session.granted_scopes()))
    return f"signed in as {mailbox.account()}; allowed to {allowed}"
