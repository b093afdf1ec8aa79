"""`followup init`: a first configuration, from the shipped example and a few answers.

The written file is the commented example (`config/config.example.toml`)
with the user's name, address, calendar and drafts folder filled in, so every
other option stays documented where it is set. It is validated as the daemon
will read it before it is written, and it is never written over an existing
file.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from daemon.config import parse_settings
from daemon.files import ensure_private_dir
from daemon.shipped import shipped_text

GOOGLE = "google"
GMAIL = "gmail"
DEFAULT_DRAFTS = "~/Mail/Drafts"

Ask = Callable[[str], str]


@dataclass(frozen=True)
class Answers:
    """What the configuration needs from the user."""

    name: str = ""
    email: str = ""
    calendar: str = ""  # an .ics path, an https:// address, or "google"
    drafts: str = ""  # a Maildir folder, or "gmail"

    @classmethod
    def from_options(cls, args: argparse.Namespace) -> Answers:
        """The answers the command line gave."""
        calendar = GOOGLE if args.google else (args.ics or "")
        drafts = GMAIL if args.gmail else (str(args.maildir) if args.maildir else "")
        return cls(args.name or "", args.email or "", calendar, drafts)

    @property
    def complete(self) -> bool:
        """Whether nothing needs asking (the drafts default to a Maildir)."""
        return bool(self.name and self.email and self.calendar)


def ask(known: Answers, prompt: Ask) -> Answers:
    """The missing answers, asked one by one, with a default shown in brackets."""
    name = known.name or _asked(prompt, "Your name, as your notes are signed", _account_name())
    email = known.email or _asked(prompt, "Your email address", "")
    calendar = known.calendar or _asked(
        prompt, "Your calendar: an .ics file, its https:// address, or 'google'", GOOGLE
    )
    default_drafts = GMAIL if calendar == GOOGLE else DEFAULT_DRAFTS
    drafts = known.drafts or _asked(
        prompt, "Where drafts go: a Maildir Drafts folder, or 'gmail'", default_drafts
    )
    return replace(known, name=name, email=email, calendar=calendar, drafts=drafts)


def _asked(prompt: Ask, question: str, default: str) -> str:
    while True:
        answer = prompt(f"{question}{f' [{default}]' if default else ''}: ").strip()
        if answer or default:
            return answer or default


def _account_name() -> str:
    """The user's full name from the system account, if it has one."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_gecos.split(",")[0].strip()
    except (ImportError, KeyError):
        return ""


def config_text(answers: Answers) -> str:
    """The shipped example with these answers filled in; ValueError if they do not make a
    configuration the daemon accepts (the reason names the answer)."""
    text = shipped_text("config", "config.example.toml")
    text = _set(text, "name", answers.name, section="you")
    text = _set(text, "email", answers.email, section="you")
    text = _calendar(text, answers.calendar)
    text = _drafts(text, answers.drafts or DEFAULT_DRAFTS)
    header = "# Written by `followup init`; every option is explained where it is set.\n"
    text = header + text
    parse_settings(tomllib.loads(text), source="the answers", base=Path.home())
    return text


def write_config(path: Path, text: str) -> None:
    """Write the configuration, private to the user; never over an existing file."""
    ensure_private_dir(path.parent, tighten=False)
    with path.open("x", encoding="utf-8") as file:
        file.write(text)


def _set(text: str, key: str, value: str, *, section: str) -> str:
    """`key = value` in `[section]`, keeping the line's comment."""
    start = text.index(f"[{section}]")
    pattern = re.compile(rf'^{key}\s*=\s*"[^"\n]*"', re.MULTILINE)
    found = pattern.search(text, start)
    if found is None:
        raise ValueError(f"the example has no {section}.{key}")
    spaced = f"{key} = {_toml(value)}"
    return text[: found.start()] + spaced + text[found.end() :]


def _calendar(text: str, calendar: str) -> str:
    start = text.index("[[calendar]]")
    end = text.index("\n\n", start)
    if calendar == GOOGLE:
        block = (
            '[[calendar]]\nkind = "google"                 # after `followup auth`\n'
            'name = "google"\ncalendar_id = "primary"'
        )
    elif calendar.startswith(("https://", "http://")):
        block = f'[[calendar]]\nkind = "ics"\nname = "calendar"\nurl = {_toml(calendar)}'
    else:
        block = f'[[calendar]]\nkind = "ics"\nname = "calendar"\npath = {_toml(calendar)}'
    return text[:start] + block + text[end:]


def _drafts(text: str, drafts: str) -> str:
    start = text.index("[drafts]")
    end = text.index("\n\n", start)
    if drafts == GMAIL:
        block = '[drafts]\nkind = "gmail"                  # after `followup auth`'
    else:
        folder = Path(drafts)
        block = (
            f'[drafts]\nkind = "maildir"\npath = {_toml(drafts)}\n'
            f"# sent_path = {_toml(str(folder.parent / 'Sent'))}    # tells sent from deleted\n"
            f"# inbox_path = {_toml(str(folder.parent / 'INBOX'))}  # replies and reminder mails"
        )
    return text[:start] + block + text[end:]


def _toml(value: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's."""
    return json.dumps(value, ensure_ascii=False)
