"""What needs the user: the problems that keep the daemon from doing its job. Pure.

A problem says what it is about, what is wrong and what to do, in plain
words. They come from the ledger's alerts (a calendar the last cycle could
not read, a mailbox it could not use, a sign-in that is needed), from drafts
that could not be written, and from what the runtime checks on its own (a
calendar file that is gone, a Drafts path that is a file, a state directory
that cannot be written, a service that is not running). `followup status`
shows them first and exits non-zero when there is one; `--json` carries them
as rows of state `problem`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from daemon.core.actions import about
from daemon.core.model import DraftRecord, DraftStatus
from daemon.core.secrets import redact

SIGN_IN_ALERT = "sign-in"
MAILBOX_ALERT = "mailbox"
CALENDAR_ALERT = "calendar:"  # followed by the calendar's name


@dataclass(frozen=True)
class Problem:
    """Something that keeps the daemon from doing its job, and what to do about it."""

    subject: str  # what it is about: "calendar interviews", "the thank-you to Priya …"
    message: str  # what is wrong
    remedy: str  # what to do

    @property
    def headline(self) -> str:
        """The problem in one line: its subject, unless the message already names it.
        Secrets are masked: a message kept from an error answer may echo a request."""
        if self.message.lower().startswith(self.subject.lower()):
            return redact(self.message)
        return redact(f"{self.subject}: {self.message}")

    def as_json(self) -> dict[str, Any]:
        """A row of `status --json`, with every key a draft row has."""
        return {
            "key": f"problem:{self.subject}",
            "event_title": "",
            "company": "",
            "role": "",
            "recipient_name": "",
            "recipient_email": "",
            "ended_at": None,
            "deadline": None,
            "state": "problem",
            "stage": "attention",
            "seconds_left": None,
            "draft": "",
            "problems": [self.headline],
            "last_error": redact(self.message),
            "purpose": None,
            "late": False,
            "last_reminder": None,
            "next_action": self.remedy,
            "next_at": None,
        }


def alert_problems(alerts: Mapping[str, str]) -> list[Problem]:
    """The ledger's alerts, each with what to do."""
    found = []
    for name, message in alerts.items():
        if name == SIGN_IN_ALERT:
            found.append(Problem("Google sign-in", message, "run `followup auth`"))
        elif name.startswith(CALENDAR_ALERT):
            subject = f"calendar {name.removeprefix(CALENDAR_ALERT)}"
            remedy = "check its path or address in the configuration; `followup check` tries it"
            found.append(Problem(subject, message, remedy))
        elif name == MAILBOX_ALERT:
            remedy = "check [drafts] in the configuration; `followup check` tries it"
            found.append(Problem("the drafts", message, remedy))
        else:
            found.append(Problem(name, message, "see `journalctl --user -u interview-followup`"))
    return found


def draft_problems(records: Iterable[DraftRecord]) -> list[Problem]:
    """Drafts the mailbox did not take: still being tried, or given up."""
    found = []
    for record in records:
        if record.status is DraftStatus.CREATING and record.last_error:
            found.append(
                Problem(
                    about(record),
                    f"could not be written: {record.last_error}",
                    "it is tried again at every check; `followup check` tests the mailbox",
                )
            )
        elif record.status is DraftStatus.FAILED:
            found.append(
                Problem(
                    about(record),
                    f"was never made: {record.last_error or 'the mailbox did not take it'}",
                    "write this note yourself; the daemon will not try again",
                )
            )
    return found


def render_problems(problems: Iterable[Problem]) -> str:
    """The problems as `status` shows them first; "" when there are none."""
    lines = []
    for problem in problems:
        lines.append(f"! {problem.headline}")
        if problem.remedy not in problem.message:
            lines.append(f"  → {problem.remedy}")
    return "Needs your attention:\n" + "\n".join(lines) if lines else ""
