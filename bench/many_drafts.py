"""Measure `followup status` and an idle cycle with many tracked drafts in a Maildir.

Usage: python bench/many_drafts.py [--drafts 2000]

It writes `--drafts` thank-you notes into a Maildir through the daemon's own
executor (as a cycle drafts them), lets the user send one in ten (moved to Sent,
half of them answered in the inbox), runs one cycle that records all that and
delivers the reminders, then times `followup status` in a fresh process (as a
user runs it), an idle cycle in a fresh runtime (`followup run --once`) and one
more in the same runtime (the service between two interviews).
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import TypeVar

from daemon.config import load_settings
from daemon.core.actions import CreateDraft
from daemon.core.message import note_to
from daemon.core.model import DraftKey, DraftRecord, DraftStatus, Recipient, You
from daemon.cycle import run_cycle
from daemon.executor import execute
from daemon.runtime import Runtime
from daemon.wiring import build_runtime

T = TypeVar("T")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
YOU = You("Alex Rivera", "alex@example.com")
CONFIG = (
    '[you]\nname = "Alex Rivera"\nemail = "alex@example.com"\n\n'
    '[[calendar]]\nkind = "ics"\npath = "calendar.ics"\n\n'
    '[drafts]\nkind = "maildir"\npath = "Mail/Drafts"\n'
    'sent_path = "Mail/Sent"\ninbox_path = "Mail/INBOX"\n\n'
    '[state]\ndir = "state"\n'
)
BODY = (
    "Hi {name},\n\nThank you for the conversation about the platform team's plans for "
    "the coming year. Working through the migration of the billing service together was "
    "the part I enjoyed most, and it was good to hear how the team shares on-call.\n\n"
    "I believe my years of building payment systems would help me contribute from the "
    "start. Please let me know if there is anything else I can share.\n\n"
    "Best regards,\nAlex Rivera\n"
)


def timed(label: str, action: Callable[[], T]) -> T:
    """Run `action` once and print how long it took."""
    started = time.perf_counter()
    result = action()
    print(f"{label:<44} {time.perf_counter() - started:8.2f} s")
    return result


def creations(count: int) -> list[CreateDraft]:
    """One thank-you per interview, the interviews an hour apart up to `NOW`."""
    actions = []
    for i in range(count):
        ended = NOW - timedelta(hours=i + 1)
        company = f"Company{i}"
        recipient = Recipient(f"interviewer{i}@company{i}.example", f"Sam Taylor{i}")
        key = DraftKey("bench", f"i{i}@bench.example", "single", recipient.email)
        subject = f"Thank you – Backend Engineer at {company}"
        message = note_to(YOU, key, recipient, subject, BODY.format(name="Sam"), ended)
        record = DraftRecord(
            key=key,
            status=DraftStatus.CREATING,
            event_title=f"{company} – Technical Interview",
            company=company,
            role="Backend Engineer",
            recipient_name=recipient.name,
            recipient_email=recipient.email,
            ended_at=ended,
            deadline=ended + timedelta(hours=24),
            message_id=message.message_id,
            subject=subject,
            created_at=ended,
        )
        actions.append(CreateDraft(record, message))
    return actions


def user_sends_some(runtime: Runtime, mail: Path) -> None:
    """The user sends every tenth draft (moved to Sent); every other sent note is answered."""
    drafted = sorted(runtime.ledger.records().values(), key=lambda r: r.ended_at)
    for number, record in enumerate(drafted[::10]):
        draft = Path(runtime.mailbox.draft_link(record.draft_ref))
        draft.rename(mail / "Sent" / "cur" / f"{record.draft_ref}:2,S")
        if number % 2 == 0:
            answer = EmailMessage()
            answer["From"] = record.recipient_email
            answer["To"] = YOU.email
            answer["Subject"] = f"Re: {record.subject}"
            answer["Message-ID"] = f"<reply{number}@bench.example>"
            answer["In-Reply-To"] = record.message_id
            answer.set_content("Thank you, we will be in touch.\n")
            (mail / "INBOX" / "new" / f"reply{number}.bench").write_bytes(answer.as_bytes())


def build(root: Path, count: int) -> Path:
    """The configuration, calendar, Maildir and ledger of a user with `count` drafts."""
    config = root / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    (root / "calendar.ics").write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    for folder in ("Sent", "INBOX"):
        for sub in ("tmp", "new", "cur"):
            (root / "Mail" / folder / sub).mkdir(parents=True)
    runtime = build_runtime(load_settings(config))
    try:
        actions = creations(count)
        ledger, mailbox, channels = runtime.ledger, runtime.mailbox, runtime.channels
        timed(f"draft {count} notes", lambda: execute(actions, ledger, mailbox, NOW, channels))
        user_sends_some(runtime, root / "Mail")
        # The first cycle records the sends and reminds; the second, the answers.
        for label in ("first cycle (records sends, reminds)", "second cycle (records answers)"):
            report = timed(label, lambda: run_cycle(NOW, runtime))
            print(f"  {report.summary()}")
    finally:
        runtime.close()
    return config


def status(config: Path) -> None:
    """`followup status` as a user runs it, in a process of its own."""
    command = [sys.executable, "-m", "daemon", "status", "--config", str(config)]
    command += ["--now", NOW.isoformat()]
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode not in (0, 1):  # 1: it showed a problem, which is still a status
        raise SystemExit(f"followup status failed: {done.stderr}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", type=int, default=2000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # not a reminder line per interview
    with tempfile.TemporaryDirectory() as tmp:
        config = build(Path(tmp), args.drafts)
        timed("followup status (a fresh process)", lambda: status(config))
        runtime = build_runtime(load_settings(config))
        try:
            report = timed(
                "idle cycle (fresh runtime: run --once)", lambda: run_cycle(NOW, runtime)
            )
            print(f"  {report.summary()}")
            timed("idle cycle (same runtime: the service)", lambda: run_cycle(NOW, runtime))
        finally:
            runtime.close()


if __name__ == "__main__":
    main()
