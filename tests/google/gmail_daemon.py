"""The whole daemon on the loopback Google with many drafts and sent notes, counting requests.

Shared by the request-count tests and `bench/google_requests.py`: interviews
are put in the fake calendar, the daemon drafts a note for each, the user
sends some, and each cycle's Google requests are counted per method.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import builders
from google_fake import GoogleFake
from google_support import session_for, signed_in

from connectors.gmail import GmailMailbox
from connectors.google_calendar import GoogleCalendar
from daemon.config import DraftsSettings, MailboxKind, Settings
from daemon.core.checkins import CheckInRules
from daemon.core.model import You
from daemon.core.protocols import Synced
from daemon.core.reminders import ReminderRules
from daemon.cycle import run_cycle
from daemon.executor import Channels
from daemon.ledger import Ledger
from daemon.runtime import Runtime

YOU = You(name="Alex Rivera", email="me@example.com")
ENDED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PANEL = 4
# Well inside the deadline and before any reminder or check-in is due.
FIRST_CYCLE = ENDED + timedelta(minutes=30)


class LiveGmail(GmailMailbox):
    """Gmail asked draft by draft and thread by thread, as before history was followed."""

    def sync(self, mark: str) -> Synced:
        """No history: the view is the mailbox itself, which asks Gmail every time."""
        return Synced(self)


class GmailDaemon:
    """A daemon on the fake's calendar and Gmail, with a ledger under `folder`."""

    def __init__(self, fake: GoogleFake, folder: Path, *, history: bool = True) -> None:
        self.fake = fake
        self.folder = folder
        self.history = history
        self.cycles = 0
        self.runtime = self._runtime()

    def _runtime(self) -> Runtime:
        session = session_for(self.fake, signed_in(self.fake, self.folder))
        mailbox = GmailMailbox(session) if self.history else LiveGmail(session)
        check_ins = CheckInRules(5, UTC, 24)
        settings = Settings(YOU, (), DraftsSettings(MailboxKind.GMAIL), self.folder)
        return Runtime(
            settings,
            builders.drafting(ReminderRules((6, 2)), check_ins, you=YOU),
            [GoogleCalendar("google", session)],
            mailbox,
            Ledger(self.folder / "ledger.sqlite3"),
            Channels(YOU, by_mail=True),
        )

    def restart(self) -> None:
        """Stop and start again on the same ledger: nothing kept in memory."""
        self.runtime.close()
        self.runtime = self._runtime()

    def cycle(self) -> Counter[str]:
        """Run one cycle (a minute after the last) and count its requests per method."""
        self.fake.clear_requests()
        run_cycle(FIRST_CYCLE + timedelta(minutes=self.cycles), self.runtime)
        self.cycles += 1
        return self.fake.request_counts()

    def close(self) -> None:
        self.runtime.close()


def add_interviews(fake: GoogleFake, count: int) -> None:
    """Panel interviews that ended at `ENDED`, `count` interviewers in all.

    Panels of `PANEL` keep the calendar to one page of events (Google sends 250 a
    page), so that what is counted is what the drafts and notes cost.
    """
    for first in range(0, count, PANEL):
        panel = [
            {"email": f"interviewer{number}@co{first}.example", "responseStatus": "accepted"}
            for number in range(min(PANEL, count - first))
        ]
        fake.add_event(
            "primary",
            {
                "summary": f"Interview – Co{first}",
                "start": {"dateTime": (ENDED - timedelta(hours=1)).isoformat()},
                "end": {"dateTime": ENDED.isoformat()},
                "attendees": [
                    {"email": YOU.email, "self": True, "responseStatus": "accepted"},
                    *panel,
                ],
            },
        )


def user_sends(fake: GoogleFake, count: int) -> list[str]:
    """The user sends the `count` oldest drafts; the sent messages' threads."""
    return [
        fake.message(fake.user_sends_draft(draft.draft_id or "")).thread_id
        for draft in fake.drafts()[:count]
    ]


def google_requests(counts: Counter[str]) -> int:
    """Every request to Google's APIs (the sign-in's token refreshes aside)."""
    return sum(n for route, n in counts.items() if not route.startswith("oauth2."))


def tracked(
    fake: GoogleFake, folder: Path, pending: int, sent: int, *, history: bool
) -> GmailDaemon:
    """A daemon with `pending` drafts waiting and `sent` notes watched for a reply,
    after the cycles that drafted them and recorded the sends."""
    add_interviews(fake, pending + sent)
    daemon = GmailDaemon(fake, folder, history=history)
    daemon.cycle()  # drafts every note
    user_sends(fake, sent)
    daemon.cycle()  # records the sent ones
    daemon.cycle()  # watches them for replies
    return daemon
