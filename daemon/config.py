"""Reading and validating the TOML configuration into typed, frozen settings.

Each TOML table becomes one frozen dataclass whose field defaults are the
documented defaults, so a default is written once. Every problem in a file is
collected and reported at once, each on one line with its key and what is
expected, through `ConfigError`; nothing here raises anything else at a user
for a mistake in their file, however strange (a file of megabytes, arrays
nested a thousand deep, a NUL in a path, a `~user` that does not exist).
"""

from __future__ import annotations

import enum
import hashlib
import ipaddress
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from daemon.core.model import NOTE_LENGTH, You
from daemon.core.text import is_plain_address, one_line

APP_NAME = "interview-followup"
MAX_CONFIG_BYTES = 1024 * 1024
"""A configuration file larger than this is refused rather than read into memory."""
# Where tomllib gives up (RecursionError): a key whose value opens a hundred arrays or tables.
_TABLE_HEADER = re.compile(r"\s*\[\[?([^\[\]=]+)\]\]?\s*(#.*)?$")
_TOO_DEEP = 100
# What file systems allow: a name of 255 bytes, a path of 4,095.
_NAME_MAX = 255
_PATH_MAX = 4095

_Kind = TypeVar("_Kind", bound=enum.StrEnum)


class ConfigError(Exception):
    """The configuration cannot be used; `problems` lists every reason, one line each."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        if len(problems) == 1:
            super().__init__(f"{source}: {problems[0]}")
            return
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{source}: {len(problems)} problems:\n{lines}")


class CalendarKind(enum.StrEnum):
    """Where a `[[calendar]]` is read from."""

    ICS = "ics"
    GOOGLE = "google"
    VDIR = "vdir"
    CALDAV = "caldav"


class MailboxKind(enum.StrEnum):
    """Where `[drafts]` go."""

    MAILDIR = "maildir"
    GMAIL = "gmail"
    IMAP = "imap"


class Tls(enum.StrEnum):
    """How a connection to a mail server is protected."""

    IMPLICIT = "implicit"
    STARTTLS = "starttls"
    NONE = "none"


@dataclass(frozen=True)
class Credentials:
    """Who to sign in as and where the password comes from: a command that prints it
    (`pass show …`), an environment variable, or the system keyring. Never the file."""

    username: str = ""
    password_command: tuple[str, ...] = ()
    password_env: str = ""
    keyring_service: str = ""

    @property
    def has_password(self) -> bool:
        """Whether a password source is configured."""
        return bool(self.password_command or self.password_env or self.keyring_service)


@dataclass(frozen=True)
class CalendarSettings:
    """One calendar to read: an ICS file or URL, a vdir folder, a CalDAV calendar, or a
    Google calendar."""

    kind: CalendarKind
    name: str
    path: Path | None = None
    url: str | None = None
    calendar_id: str = "primary"
    credentials: Credentials = field(default_factory=Credentials)
    ca_file: Path | None = None


@dataclass(frozen=True)
class ImapSettings:
    """`[drafts]` of kind imap: the server, how it is protected, who signs in, and the
    folders when the server does not mark them with special-use flags."""

    host: str
    port: int
    tls: Tls
    credentials: Credentials
    ca_file: Path | None = None
    drafts_folder: str = ""
    sent_folder: str = ""
    inbox_folder: str = "INBOX"


@dataclass(frozen=True)
class DraftsSettings:
    """Where drafts go: a Maildir (with optional Sent and inbox folders), Gmail, or an IMAP
    account."""

    kind: MailboxKind
    path: Path | None = None
    sent_path: Path | None = None
    inbox_path: Path | None = None
    imap: ImapSettings | None = None

    @property
    def sees_replies(self) -> bool:
        """Whether replies (and reminder mails) can reach a folder the daemon reads."""
        return self.kind is not MailboxKind.MAILDIR or self.inbox_path is not None


@dataclass(frozen=True)
class InterviewSettings:
    """`[interviews]`: when an interview counts as finished, and how often to look."""

    grace_minutes: float = 10
    lookback_hours: float = 48
    check_every_minutes: float = 5


@dataclass(frozen=True)
class DeadlineSettings:
    """`[deadline]`: the time a thank-you counts for, and the reminders before it."""

    hours: float = 24
    remind_before_hours: tuple[float, ...] = (6, 2)
    quiet_hours: tuple[time, time] | None = (time(22, 0), time(7, 0))


@dataclass(frozen=True)
class CheckInSettings:
    """`[check_in]`: when to draft a check-in after a sent note got no answer (0: never)."""

    after_business_days: int = 7


class Tone(enum.StrEnum):
    """How the shipped thank-you template sounds."""

    WARM = "warm"
    FORMAL = "formal"
    BRIEF = "brief"


@dataclass(frozen=True)
class NotesSettings:
    """`[notes]`: the tone, the user's own templates, the length a note should have, and an
    optional command that rewrites each draft."""

    tone: Tone = Tone.WARM
    template: Path | None = None
    check_in_template: Path | None = None
    min_words: int = NOTE_LENGTH[0]
    max_words: int = NOTE_LENGTH[1]
    rewrite_command: tuple[str, ...] = ()


@dataclass(frozen=True)
class GoogleSettings:
    """`[google]`: the sign-in files, whether Gmail drafts may be read to proofread them as
    you edit them (`read_drafts`, which changes the permissions asked for), and endpoints
    overridden for tests and proxies."""

    client_secrets: Path | None = None
    token_file: Path | None = None
    gmail_endpoint: str | None = None
    calendar_endpoint: str | None = None
    token_uri: str | None = None
    read_drafts: bool = False


@dataclass(frozen=True)
class Settings:
    """The whole validated configuration."""

    you: You
    calendars: tuple[CalendarSettings, ...]
    drafts: DraftsSettings
    state_dir: Path
    interviews: InterviewSettings = field(default_factory=InterviewSettings)
    deadline: DeadlineSettings = field(default_factory=DeadlineSettings)
    check_in: CheckInSettings = field(default_factory=CheckInSettings)
    notes: NotesSettings = field(default_factory=NotesSettings)
    google: GoogleSettings = field(default_factory=GoogleSettings)
    promises: Mapping[str, str] = field(default_factory=dict)  # name → link or file path


def default_config_path() -> Path:
    """`$FOLLOWUP_CONFIG`, else `<XDG config dir>/interview-followup/config.toml`."""
    from_env = os.environ.get("FOLLOWUP_CONFIG")
    if from_env:
        try:
            return Path(from_env).expanduser()
        except RuntimeError:  # "~nosuchuser/…": reading it says the file is not found
            return Path(from_env)
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_state_dir() -> Path:
    """`<XDG state dir>/interview-followup`."""
    return Path(platformdirs.user_state_dir(APP_NAME))


def load_settings(path: Path) -> Settings:
    """Read and validate the configuration file at `path`."""
    source = one_line(str(path), 300)
    text = _read_config(path, source)
    try:
        raw = tomllib.loads(text)
    except RecursionError:
        where = _too_deep(text) or "not valid TOML"
        raise ConfigError(source, [f"{where}: arrays or inline tables nested too deep"]) from None
    except ValueError as error:  # TOMLDecodeError, or an integer of thousands of digits
        raise ConfigError(source, [f"not valid TOML: {one_line(str(error), 200)}"]) from None
    return parse_settings(raw, source=source, base=path.resolve().parent)


def _too_deep(text: str) -> str:
    """The key whose value nests arrays or inline tables too deep to read, if one line shows it."""
    table = ""
    for line in text.splitlines():
        key, equals, value = line.partition("=")
        if header := _TABLE_HEADER.match(line):
            table = header.group(1).strip() + "."
        elif equals and value.count("[") + value.count("{") >= _TOO_DEEP:
            return one_line(table + key.strip(), 100)
    return ""


def _read_config(path: Path, source: str) -> str:
    try:
        # Non-blocking: a named pipe without a writer must not hang the command.
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as file:
            data = file.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(
            source, ["file not found; `followup init` writes one (or give --config)"]
        ) from None
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        reason = getattr(error, "strerror", None) or str(error)
        raise ConfigError(source, [f"cannot read the file: {reason}"]) from None
    if len(data) > MAX_CONFIG_BYTES:
        limit = MAX_CONFIG_BYTES // 2**20
        raise ConfigError(source, [f"larger than {limit} MiB: is it the configuration file?"])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(source, [f"cannot read the file: not UTF-8 text ({error})"]) from None


_PASSWORD_SOURCES = ("password_command", "password_env", "keyring_service")
_CREDENTIAL_KEYS = {"username", *_PASSWORD_SOURCES}
_TABLES = {"you", "calendar", "drafts", "interviews", "deadline", "state", "google", "notes"}
_TABLES |= {"promises"}


def parse_settings(raw: Mapping[str, Any], *, source: str, base: Path) -> Settings:
    """Validate an already-parsed TOML document; relative paths resolve against `base`."""
    check = _Checker(base)
    check.unknown_keys(raw, "", _TABLES | {"check_in"})
    state = check.table(raw, "state", required=False)
    check.unknown_keys(state, "state.", {"dir"})
    settings = Settings(
        you=_you(check, check.table(raw, "you")),
        calendars=_calendars(check, raw.get("calendar")),
        drafts=_drafts(check, check.table(raw, "drafts")),
        state_dir=check.path(state, "state.dir") or default_state_dir(),
        interviews=_interviews(check, check.table(raw, "interviews", required=False)),
        deadline=_deadline(check, check.table(raw, "deadline", required=False)),
        check_in=_check_in(check, check.table(raw, "check_in", required=False)),
        notes=_notes(check, check.table(raw, "notes", required=False)),
        google=_google(check, check.table(raw, "google", required=False)),
        promises=_promises(check, check.table(raw, "promises", required=False)),
    )
    _check_windows(check, settings)
    if check.problems:
        raise ConfigError(source, check.problems)
    return settings


def _check_windows(check: _Checker, settings: Settings) -> None:
    """Values that are each fine but together would make the daemon do nothing useful."""
    if settings.interviews.grace_minutes / 60 >= settings.interviews.lookback_hours:
        check.problem(
            "interviews.grace_minutes",
            "must be shorter than interviews.lookback_hours, or no interview is ever found",
        )
    if any(hours >= settings.deadline.hours for hours in settings.deadline.remind_before_hours):
        check.problem("deadline.remind_before_hours", "every value must be below deadline.hours")


def _you(check: _Checker, table: Mapping[str, Any]) -> You:
    known = {"name", "email", "aliases", "own_domains", "timezone", "strengths"}
    check.unknown_keys(table, "you.", known)
    name = check.string(table, "you.name", required=True)
    email = check.address(table.get("email"), "you.email")
    aliases = tuple(
        check.address(alias, f"you.aliases[{i}]")
        for i, alias in enumerate(check.string_list(table, "you.aliases"))
    )
    domains = tuple(d.lower().lstrip("@") for d in check.string_list(table, "you.own_domains"))
    timezone = check.string(table, "you.timezone")
    if timezone:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long
            shown = _shown(timezone)
            check.problem("you.timezone", f"unknown time zone {shown}; use e.g. Europe/Berlin")
    strengths = tuple(s.strip() for s in check.string_list(table, "you.strengths") if s.strip())
    return You(name, email, aliases, domains, timezone, strengths)


def _calendars(check: _Checker, raw: Any) -> tuple[CalendarSettings, ...]:
    if raw is None:
        check.problem("calendar", "at least one [[calendar]] table is required")
        return ()
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        check.problem("calendar", "expected [[calendar]] tables")
        return ()
    return tuple(_calendar(check, table, f"calendar[{i}]") for i, table in enumerate(raw))


_CALENDAR_KEYS = {"kind", "name", "path", "url", "calendar_id", "ca_file", *_CREDENTIAL_KEYS}


def _calendar(check: _Checker, table: Mapping[str, Any], where: str) -> CalendarSettings:
    check.unknown_keys(table, where + ".", _CALENDAR_KEYS)
    kind = check.choice(table, f"{where}.kind", CalendarKind)
    path = check.path(table, f"{where}.path")
    url = check.string(table, f"{where}.url")
    calendar_id = check.string(table, f"{where}.calendar_id") or CalendarSettings.calendar_id
    if kind is CalendarKind.ICS and (path is None) == (not url):
        check.problem(where, "an ics calendar needs exactly one of path or url")
    if kind is CalendarKind.VDIR and path is None:
        check.problem(f"{where}.path", "a vdir calendar needs the path of its folder")
    if kind is CalendarKind.CALDAV:
        _check_caldav_url(check, url, f"{where}.url")
    elif url and not url.startswith(("https://", "webcal://")):
        check.problem(f"{where}.url", "expected an https:// (or webcal://) address")
    credentials = _credentials(check, table, where, needs_username=False)
    name = check.string(table, f"{where}.name") or _default_name(kind, path, url, calendar_id)
    # A kind that was refused is a problem already: these settings are never used.
    return CalendarSettings(
        kind or CalendarKind.ICS,
        name,
        path,
        url or None,
        calendar_id,
        credentials,
        check.path(table, f"{where}.ca_file"),
    )


def _check_caldav_url(check: _Checker, url: str, key: str) -> None:
    if not url:
        check.problem(key, "a caldav calendar needs the address of the calendar or its server")
    elif url.startswith("http://"):
        if not is_loopback(_host(url)):
            check.problem(key, "plain http:// is refused except on this computer; use https://")
    elif not url.startswith("https://"):
        check.problem(key, "expected an https:// address")


def is_loopback(host: str) -> bool:
    """Whether `host` names this computer, where an unencrypted connection leaks nothing."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _credentials(
    check: _Checker, table: Mapping[str, Any], where: str, *, needs_username: bool
) -> Credentials:
    """`username` and at most one password source; the password itself is never accepted."""
    credentials = Credentials(
        check.string(table, f"{where}.username"),
        tuple(check.string_list(table, f"{where}.password_command")),
        check.string(table, f"{where}.password_env"),
        check.string(table, f"{where}.keyring_service"),
    )
    sources = [k for k in _PASSWORD_SOURCES if table.get(k)]
    if len(sources) > 1:
        check.problem(where, f"give one password source, not {' and '.join(sources)}")
    if needs_username and not credentials.username:
        check.problem(f"{where}.username", "required: the account to sign in as")
    if credentials.username and not sources:
        check.problem(
            where, "needs password_command, password_env or keyring_service for the password"
        )
    if sources and not credentials.username and not needs_username:
        check.problem(f"{where}.username", "required with a password source")
    return credentials


def _default_name(kind: CalendarKind | None, path: Path | None, url: str, calendar_id: str) -> str:
    """A calendar's identity in draft keys when the file gives it no `name`.

    A URL is never written out whole: a secret iCal address carries its token
    in the path, and the name reaches logs, the ledger and `status --json`.
    """
    if kind is CalendarKind.GOOGLE:
        return f"google:{calendar_id}"
    prefix = kind.value if kind in (CalendarKind.VDIR, CalendarKind.CALDAV) else "ics"
    if url:
        digest = hashlib.sha256(url.encode()).hexdigest()[:12]
        return f"{prefix}:{_host(url)}#{digest}"
    return f"{prefix}:{path}"


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or "calendar"
    except ValueError:  # e.g. an unclosed "[" of an IPv6 address
        return "calendar"


_IMAP_KEYS = {"host", "port", "tls", "ca_file", "drafts_folder", "sent_folder", "inbox_folder"}
_IMAP_KEYS |= _CREDENTIAL_KEYS


def _drafts(check: _Checker, table: Mapping[str, Any]) -> DraftsSettings:
    check.unknown_keys(table, "drafts.", {"kind", "path", "sent_path", "inbox_path", *_IMAP_KEYS})
    kind = check.choice(table, "drafts.kind", MailboxKind)
    if kind is MailboxKind.IMAP:
        return DraftsSettings(kind, imap=_imap(check, table))
    path = check.path(table, "drafts.path")
    if kind is MailboxKind.MAILDIR and path is None:
        check.problem("drafts.path", "a maildir needs the path of its Drafts folder")
    sent, inbox = check.path(table, "drafts.sent_path"), check.path(table, "drafts.inbox_path")
    return DraftsSettings(kind or MailboxKind.MAILDIR, path, sent, inbox)


def _imap(check: _Checker, table: Mapping[str, Any]) -> ImapSettings:
    host = check.string(table, "drafts.host", required=True)
    tls = check.choice(table, "drafts.tls", Tls) if "tls" in table else Tls.IMPLICIT
    if tls is Tls.NONE and host and not is_loopback(host):
        check.problem("drafts.tls", '"none" is refused except on this computer; use "implicit"')
    default_port = 993 if tls is Tls.IMPLICIT else 143
    return ImapSettings(
        host=host,
        port=int(check.number(table, "drafts.port", default_port, 1, 65535)),
        tls=tls or Tls.IMPLICIT,
        credentials=_credentials(check, table, "drafts", needs_username=True),
        ca_file=check.path(table, "drafts.ca_file"),
        drafts_folder=check.string(table, "drafts.drafts_folder"),
        sent_folder=check.string(table, "drafts.sent_folder"),
        inbox_folder=check.string(table, "drafts.inbox_folder") or ImapSettings.inbox_folder,
    )


def _interviews(check: _Checker, table: Mapping[str, Any]) -> InterviewSettings:
    check.unknown_keys(
        table, "interviews.", {"grace_minutes", "lookback_hours", "check_every_minutes"}
    )
    default = InterviewSettings
    return InterviewSettings(
        grace_minutes=check.number(
            table, "interviews.grace_minutes", default.grace_minutes, 0, 24 * 60
        ),
        lookback_hours=check.number(
            table, "interviews.lookback_hours", default.lookback_hours, 1, 24 * 30
        ),
        check_every_minutes=check.number(
            table, "interviews.check_every_minutes", default.check_every_minutes, 1, 24 * 60
        ),
    )


def _deadline(check: _Checker, table: Mapping[str, Any]) -> DeadlineSettings:
    check.unknown_keys(table, "deadline.", {"hours", "remind_before_hours", "quiet_hours"})
    return DeadlineSettings(
        hours=check.number(table, "deadline.hours", DeadlineSettings.hours, 1, 24 * 14),
        remind_before_hours=_remind_before(check, table),
        quiet_hours=_quiet_hours(check, table),
    )


def _remind_before(check: _Checker, table: Mapping[str, Any]) -> tuple[float, ...]:
    default = DeadlineSettings.remind_before_hours
    value = table.get("remind_before_hours", list(default))
    if not isinstance(value, list) or not all(_is_number(v) and 0 < v <= 24 * 14 for v in value):
        check.problem(
            "deadline.remind_before_hours", "expected a list of hours, each above 0 and up to 336"
        )
        return default
    return tuple(sorted((float(v) for v in value), reverse=True))


def _quiet_hours(check: _Checker, table: Mapping[str, Any]) -> tuple[time, time] | None:
    if "quiet_hours" not in table:
        return DeadlineSettings.quiet_hours
    value = table["quiet_hours"]
    if value == []:
        return None
    try:
        start, end = (time.fromisoformat(v) for v in value)
        if start.tzinfo or end.tzinfo:
            raise ValueError("hours of your day, in your time zone: no offset")
    except (TypeError, ValueError):
        check.problem(
            "deadline.quiet_hours", 'expected ["HH:MM", "HH:MM"] (e.g. ["22:00", "07:00"]) or []'
        )
        return None
    return start, end


def _check_in(check: _Checker, table: Mapping[str, Any]) -> CheckInSettings:
    check.unknown_keys(table, "check_in.", {"after_business_days"})
    value = table.get("after_business_days", CheckInSettings.after_business_days)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 60:
        check.problem(
            "check_in.after_business_days", f"expected a whole number 0-60, got {_shown(value)}"
        )
        return CheckInSettings()
    return CheckInSettings(value)


def _notes(check: _Checker, table: Mapping[str, Any]) -> NotesSettings:
    known = {"tone", "template", "check_in_template", "min_words", "max_words", "rewrite_command"}
    check.unknown_keys(table, "notes.", known)
    tone = check.choice(table, "notes.tone", Tone) if "tone" in table else Tone.WARM
    low = int(check.number(table, "notes.min_words", NotesSettings.min_words, 0, 1000))
    high = int(check.number(table, "notes.max_words", NotesSettings.max_words, 1, 2000))
    if low >= high:
        check.problem("notes.max_words", f"must be above notes.min_words ({low})")
    return NotesSettings(
        tone=tone or Tone.WARM,
        template=check.path(table, "notes.template"),
        check_in_template=check.path(table, "notes.check_in_template"),
        min_words=low,
        max_words=high,
        rewrite_command=tuple(check.string_list(table, "notes.rewrite_command")),
    )


def _promises(check: _Checker, table: Mapping[str, Any]) -> dict[str, str]:
    """`[promises]`: what you often promise, by name, and its link (https://…) or file."""
    found = {}
    for name, value in table.items():
        key = f"promises.{name}"
        if not isinstance(value, str) or not value.strip():
            check.problem(key, "expected a link (https://…) or a file's path")
        elif value.strip().startswith(("https://", "http://")):
            found[name.replace("_", " ")] = value.strip()
        elif (path := check.resolved(value, key)) is not None:
            found[name.replace("_", " ")] = str(path)
    return found


def _google(check: _Checker, table: Mapping[str, Any]) -> GoogleSettings:
    endpoints = ("gmail_endpoint", "calendar_endpoint", "token_uri")
    known = {"client_secrets", "token_file", "read_drafts", *endpoints}
    check.unknown_keys(table, "google.", known)
    gmail, calendar, token_uri = (check.string(table, f"google.{key}") or None for key in endpoints)
    google = GoogleSettings(
        check.path(table, "google.client_secrets"),
        check.path(table, "google.token_file"),
        gmail,
        calendar,
        token_uri,
        read_drafts=check.boolean(table, "google.read_drafts", GoogleSettings.read_drafts),
    )
    # The API client appends its own paths: gmail/v1/… to the Gmail root, events/… to
    # the calendar's; a wrong form only shows later as a puzzling 404.
    if not (google.calendar_endpoint or "/calendar/v3/").rstrip("/").endswith("/calendar/v3"):
        check.problem("google.calendar_endpoint", "expected an address ending in /calendar/v3/")
    if "/gmail/v1" in (google.gmail_endpoint or ""):
        check.problem("google.gmail_endpoint", "expected the root address, without /gmail/v1/")
    return google


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _shown(value: Any) -> str:
    """`value` as the file wrote it, in short, for a problem's line."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # an integer of thousands of digits, absurd nesting
        text = "a value too large to show"
    return one_line(text, 60)


class _Checker:
    """Reads typed values out of TOML tables, collecting problems instead of raising."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.problems: list[str] = []

    def problem(self, key: str, expected: str) -> None:
        # One line, whatever a quoted key or a value holds.
        self.problems.append(one_line(f"{key}: {expected}", 300))

    def table(self, raw: Mapping[str, Any], key: str, *, required: bool = True) -> dict[str, Any]:
        value = raw.get(key)
        if isinstance(value, dict):
            return value
        if value is not None or required:
            self.problem(key, f"expected a [{key}] table")
        return {}

    def unknown_keys(self, table: Mapping[str, Any], prefix: str, known: set[str]) -> None:
        for key in sorted(set(table) - known):
            self.problem(
                f"{prefix}{key}", f"unknown key; expected one of {', '.join(sorted(known))}"
            )

    def string(self, table: Mapping[str, Any], key: str, *, required: bool = False) -> str:
        value = table.get(key.rsplit(".", 1)[-1])
        if value is None:
            if required:
                self.problem(key, "required, expected a string")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(key, "expected a non-empty string")
            return ""
        if "\0" in value:
            self.problem(key, "contains a NUL character")
            return ""
        return value.strip()

    def string_list(self, table: Mapping[str, Any], key: str) -> list[str]:
        value = table.get(key.rsplit(".", 1)[-1], [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(key, "expected a list of strings")
            return []
        if any("\0" in v for v in value):
            self.problem(key, "contains a NUL character")
            return []
        return value

    def address(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not is_plain_address(value.strip()):
            shown = _shown(value)
            self.problem(key, f"expected an email address like alex@example.com, got {shown}")
            return ""
        return value.strip().lower()

    def choice(self, table: Mapping[str, Any], key: str, kinds: type[_Kind]) -> _Kind | None:
        """The member named by the value; None (and a problem) for anything else."""
        value = table.get(key.rsplit(".", 1)[-1])
        options = [kind.value for kind in kinds]
        if value not in options:
            self.problem(
                key, f"expected one of {', '.join(map(repr, options))}, got {_shown(value)}"
            )
            return None
        return kinds(value)

    def boolean(self, table: Mapping[str, Any], key: str, default: bool) -> bool:
        value = table.get(key.rsplit(".", 1)[-1], default)
        if not isinstance(value, bool):
            self.problem(key, f"expected true or false, got {_shown(value)}")
            return default
        return value

    def number(
        self, table: Mapping[str, Any], key: str, default: float, low: float, high: float
    ) -> float:
        value = table.get(key.rsplit(".", 1)[-1], default)
        if not _is_number(value) or not low <= value <= high:
            self.problem(key, f"expected a number from {low:g} to {high:g}, got {_shown(value)}")
            return default
        return float(value)

    def path(self, table: Mapping[str, Any], key: str) -> Path | None:
        value = self.string(table, key)
        return self.resolved(value, key) if value else None

    def resolved(self, value: str, key: str) -> Path | None:
        """`value` as an absolute path (`~`, `$VAR` expanded, relative to the file's folder);
        None, and a problem, when it cannot be one."""
        if "\0" in value:
            self.problem(key, "contains a NUL character")
            return None
        path = Path(os.path.expandvars(value))
        try:
            path = path.expanduser()
        except RuntimeError:  # "~nosuchuser", or "~" without a home folder
            self.problem(key, f"{_shown(path.parts[0])} names no home folder on this computer")
            return None
        path = path if path.is_absolute() else self.base / path
        if len(bytes(path)) > _PATH_MAX or any(
            len(part.encode()) > _NAME_MAX for part in path.parts
        ):
            self.problem(key, "the path is longer than a file system allows")
            return None
        return path
