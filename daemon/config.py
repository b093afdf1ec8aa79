"""Reading and validating the TOML configuration into typed, frozen settings.

Every problem in a file is collected and reported at once, each with its key
and what is expected, through `ConfigError`; nothing here raises a traceback
at a user for a mistake in their file.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from daemon.core.model import You
from daemon.core.text import is_plain_address

APP_NAME = "interview-followup"


class ConfigError(Exception):
    """The configuration cannot be used; `problems` lists every reason, one line each."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
        super().__init__(f"{source}: {count}:\n{lines}")


@dataclass(frozen=True)
class CalendarSettings:
    """One calendar to read: an ICS file or URL, or a Google calendar."""

    kind: str
    name: str
    path: Path | None = None
    url: str | None = None
    calendar_id: str = "primary"


@dataclass(frozen=True)
class DraftsSettings:
    """Where drafts go: a Maildir (with an optional Sent folder) or Gmail."""

    kind: str
    path: Path | None = None
    sent_path: Path | None = None
    inbox_path: Path | None = None


@dataclass(frozen=True)
class Settings:
    """The whole validated configuration."""

    you: You
    calendars: tuple[CalendarSettings, ...]
    drafts: DraftsSettings
    state_dir: Path
    grace_minutes: float = 10
    lookback_hours: float = 48
    check_every_minutes: float = 5
    deadline_hours: float = 24
    remind_before_hours: tuple[float, ...] = (6, 2)
    quiet_hours: tuple[time, time] | None = (time(22, 0), time(7, 0))
    check_in_business_days: int = 7
    template: Path | None = None
    check_in_template: Path | None = None
    google: Mapping[str, str] = field(default_factory=dict)


def default_config_path() -> Path:
    """`$FOLLOWUP_CONFIG`, else `<XDG config dir>/interview-followup/config.toml`."""
    from_env = os.environ.get("FOLLOWUP_CONFIG")
    if from_env:
        return Path(from_env).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_state_dir() -> Path:
    """`<XDG state dir>/interview-followup`."""
    return Path(platformdirs.user_state_dir(APP_NAME))


def load_settings(path: Path) -> Settings:
    """Read and validate the configuration file at `path`."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            str(path), ["file not found; copy config/config.example.toml there and edit it"]
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(str(path), [f"cannot read the file: {error}"]) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(str(path), [f"not valid TOML: {error}"]) from None
    return parse_settings(raw, source=str(path), base=path.resolve().parent)


def parse_settings(raw: Mapping[str, Any], *, source: str, base: Path) -> Settings:
    """Validate an already-parsed TOML document; relative paths resolve against `base`."""
    check = _Checker(base)
    check.unknown_keys(
        raw,
        "",
        {"you", "calendar", "drafts", "interviews", "deadline", "state", "google", "notes"}
        | {"check_in"},
    )
    you = _you(check, check.table(raw, "you"))
    calendars = _calendars(check, raw.get("calendar"))
    drafts = _drafts(check, check.table(raw, "drafts"))
    interviews = check.table(raw, "interviews", required=False)
    check.unknown_keys(
        interviews, "interviews.", {"grace_minutes", "lookback_hours", "check_every_minutes"}
    )
    deadline = check.table(raw, "deadline", required=False)
    check.unknown_keys(deadline, "deadline.", {"hours", "remind_before_hours", "quiet_hours"})
    state = check.table(raw, "state", required=False)
    check.unknown_keys(state, "state.", {"dir"})
    notes = check.table(raw, "notes", required=False)
    check.unknown_keys(notes, "notes.", {"template", "check_in_template"})
    check_in = check.table(raw, "check_in", required=False)
    check.unknown_keys(check_in, "check_in.", {"after_business_days"})
    google = check.table(raw, "google", required=False)
    settings = Settings(
        you=you,
        calendars=calendars,
        drafts=drafts,
        state_dir=check.path(state, "state.dir") or default_state_dir(),
        grace_minutes=check.number(interviews, "interviews.grace_minutes", 10, 0, 24 * 60),
        lookback_hours=check.number(interviews, "interviews.lookback_hours", 48, 1, 24 * 30),
        check_every_minutes=check.number(
            interviews, "interviews.check_every_minutes", 5, 1, 24 * 60
        ),
        deadline_hours=check.number(deadline, "deadline.hours", 24, 1, 24 * 14),
        remind_before_hours=_remind_before(check, deadline),
        quiet_hours=_quiet_hours(check, deadline),
        check_in_business_days=_whole_days(check, check_in),
        template=check.path(notes, "notes.template"),
        check_in_template=check.path(notes, "notes.check_in_template"),
        google=_google(check, google),
    )
    _check_windows(check, settings)
    if check.problems:
        raise ConfigError(source, check.problems)
    return settings


def _check_windows(check: _Checker, settings: Settings) -> None:
    """Values that are each fine but together would make the daemon do nothing useful."""
    if settings.grace_minutes / 60 >= settings.lookback_hours:
        check.problem(
            "interviews.grace_minutes",
            "must be shorter than interviews.lookback_hours, or no interview is ever found",
        )
    if any(hours >= settings.deadline_hours for hours in settings.remind_before_hours):
        check.problem("deadline.remind_before_hours", "every value must be below deadline.hours")


def _you(check: _Checker, table: Mapping[str, Any]) -> You:
    check.unknown_keys(table, "you.", {"name", "email", "aliases", "own_domains", "timezone"})
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
        except (ZoneInfoNotFoundError, ValueError):
            check.problem("you.timezone", f"unknown time zone {timezone!r}; use e.g. Europe/Berlin")
    return You(name, email, aliases, domains, timezone)


def _calendars(check: _Checker, raw: Any) -> tuple[CalendarSettings, ...]:
    if raw is None:
        check.problem("calendar", "at least one [[calendar]] table is required")
        return ()
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        check.problem("calendar", "expected [[calendar]] tables")
        return ()
    return tuple(_calendar(check, table, f"calendar[{i}]") for i, table in enumerate(raw))


def _calendar(check: _Checker, table: Mapping[str, Any], where: str) -> CalendarSettings:
    check.unknown_keys(table, where + ".", {"kind", "name", "path", "url", "calendar_id"})
    kind = check.choice(table, f"{where}.kind", ("ics", "google"))
    path = check.path(table, f"{where}.path")
    url = check.string(table, f"{where}.url")
    calendar_id = check.string(table, f"{where}.calendar_id") or "primary"
    if kind == "ics" and (path is None) == (not url):
        check.problem(where, "an ics calendar needs exactly one of path or url")
    if url and not url.startswith(("https://", "webcal://")):
        check.problem(f"{where}.url", "expected an https:// (or webcal://) address")
    name = check.string(table, f"{where}.name") or _default_name(kind, path, url, calendar_id)
    return CalendarSettings(kind, name, path, url or None, calendar_id)


def _default_name(kind: str, path: Path | None, url: str, calendar_id: str) -> str:
    """A calendar's identity in draft keys when the file gives it no `name`.

    A URL is never written out whole: a secret iCal address carries its token
    in the path, and the name reaches logs, the ledger and `status --json`.
    """
    if kind == "google":
        return f"google:{calendar_id}"
    if url:
        digest = hashlib.sha256(url.encode()).hexdigest()[:12]
        return f"ics:{_host(url)}#{digest}"
    return f"ics:{path}"


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or "calendar"
    except ValueError:  # e.g. an unclosed "[" of an IPv6 address
        return "calendar"


def _drafts(check: _Checker, table: Mapping[str, Any]) -> DraftsSettings:
    check.unknown_keys(table, "drafts.", {"kind", "path", "sent_path", "inbox_path"})
    kind = check.choice(table, "drafts.kind", ("maildir", "gmail"))
    path = check.path(table, "drafts.path")
    if kind == "maildir" and path is None:
        check.problem("drafts.path", "a maildir needs the path of its Drafts folder")
    sent, inbox = check.path(table, "drafts.sent_path"), check.path(table, "drafts.inbox_path")
    return DraftsSettings(kind, path, sent, inbox)


def _remind_before(check: _Checker, table: Mapping[str, Any]) -> tuple[float, ...]:
    value = table.get("remind_before_hours", [6, 2])
    if not isinstance(value, list) or not all(_is_number(v) and v > 0 for v in value):
        check.problem("deadline.remind_before_hours", "expected a list of positive hours")
        return (6, 2)
    return tuple(sorted((float(v) for v in value), reverse=True))


def _quiet_hours(check: _Checker, table: Mapping[str, Any]) -> tuple[time, time] | None:
    value = table.get("quiet_hours", ["22:00", "07:00"])
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


def _whole_days(check: _Checker, table: Mapping[str, Any]) -> int:
    value = table.get("after_business_days", 7)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 60:
        check.problem(
            "check_in.after_business_days", f"expected a whole number 0-60, got {value!r}"
        )
        return 7
    return value


_GOOGLE_KEYS = frozenset(
    {"client_secrets", "token_file", "gmail_endpoint", "calendar_endpoint", "token_uri"}
)


def _google(check: _Checker, table: Mapping[str, Any]) -> dict[str, str]:
    check.unknown_keys(table, "google.", set(_GOOGLE_KEYS))
    google = {key: check.string(table, f"google.{key}") for key in _GOOGLE_KEYS if key in table}
    # The API client appends its own paths: gmail/v1/… to the Gmail root, events/… to
    # the calendar's; a wrong form only shows later as a puzzling 404.
    if not google.get("calendar_endpoint", "/calendar/v3/").rstrip("/").endswith("/calendar/v3"):
        check.problem("google.calendar_endpoint", "expected an address ending in /calendar/v3/")
    if "/gmail/v1" in google.get("gmail_endpoint", ""):
        check.problem("google.gmail_endpoint", "expected the root address, without /gmail/v1/")
    return google


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Checker:
    """Reads typed values out of TOML tables, collecting problems instead of raising."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.problems: list[str] = []

    def problem(self, key: str, expected: str) -> None:
        self.problems.append(f"{key}: {expected}")

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
        return value.strip()

    def string_list(self, table: Mapping[str, Any], key: str) -> list[str]:
        value = table.get(key.rsplit(".", 1)[-1], [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(key, "expected a list of strings")
            return []
        return value

    def address(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not is_plain_address(value.strip()):
            self.problem(key, f"expected an email address like alex@example.com, got {value!r}")
            return ""
        return value.strip().lower()

    def choice(self, table: Mapping[str, Any], key: str, options: tuple[str, ...]) -> str:
        value = table.get(key.rsplit(".", 1)[-1])
        if value not in options:
            self.problem(key, f"expected one of {', '.join(map(repr, options))}, got {value!r}")
            return ""
        return str(value)

    def number(
        self, table: Mapping[str, Any], key: str, default: float, low: float, high: float
    ) -> float:
        value = table.get(key.rsplit(".", 1)[-1], default)
        if not _is_number(value) or not low <= value <= high:
            self.problem(key, f"expected a number from {low:g} to {high:g}, got {value!r}")
            return default
        return float(value)

    def path(self, table: Mapping[str, Any], key: str) -> Path | None:
        value = self.string(table, key)
        return _resolve(value, self.base) if value else None


def _resolve(value: str, base: Path) -> Path:
    path = Path(os.path.expandvars(value)).expanduser()
    return path if path.is_absolute() else base / path
