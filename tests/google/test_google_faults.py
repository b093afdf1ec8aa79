"""Google misbehaving, a seeded mix at every cycle: the daemon converges with nothing twice.

Each cycle, a few faults are planted on the routes the daemon uses: 429, 403
rate limits, 500/503, dropped connections, answers lost after the write was
done, and answers that never come in time. The cycles may fail; once Google
behaves, two cycles bring every draft and reminder into existence exactly
once. Every cycle ends within a bound set by the timeouts, and the waits
between retries are jittered and bounded.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import builders
from google_support import session_for, signed_in

from connectors.gmail import GmailMailbox
from connectors.google_calendar import GoogleCalendar
from daemon.config import DraftsSettings, MailboxKind, Settings
from daemon.core.model import You
from daemon.core.protocols import ConnectorError
from daemon.core.reminders import ReminderRules
from daemon.cycle import run_cycle
from daemon.executor import Channels
from daemon.ledger import Ledger, LedgerError
from daemon.runtime import Runtime

SEED = 20261202
YOU = You(name="Alex Rivera", email="me@example.com")
BASE = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ROUTES = (
    "calendar.events.list",
    "gmail.users.drafts.create",
    "gmail.users.drafts.get",
    "gmail.users.drafts.list",
    "gmail.users.messages.send",
    "gmail.users.messages.list",
    "gmail.users.messages.get",
    "gmail.users.threads.get",
    "gmail.users.getProfile",
)
TIMEOUT = 1.0


def plant(fake, chance: random.Random) -> None:
    """One seeded fault on one route."""
    route = chance.choice(ROUTES)
    match chance.choice(["429", "403", "500", "503", "drop", "lost", "slow"]):
        case "429":
            fake.fail(route, 429, times=chance.randint(1, 3))
        case "403":
            fake.fail(route, 403, reason="rateLimitExceeded", times=chance.randint(1, 3))
        case "500" | "503" as status:
            fake.fail(route, int(status), times=chance.randint(1, 3))
        case "drop":
            fake.drop(route, times=2)
        case "lost":
            fake.lose_response(route)
        case _:
            fake.delay(route, TIMEOUT + 0.5)


def test_a_seeded_storm_of_google_faults_leaves_everything_exactly_once(google_fake, tmp_path):
    for number in range(5):
        end = BASE + timedelta(hours=number)
        google_fake.add_event(
            "primary",
            {
                "summary": f"Interview – Co{number}",
                "start": {"dateTime": (end - timedelta(hours=1)).isoformat()},
                "end": {"dateTime": end.isoformat()},
                "attendees": [
                    {"email": "me@example.com", "self": True, "responseStatus": "accepted"},
                    {"email": f"lead@co{number}.example", "responseStatus": "accepted"},
                    {"email": f"peer@co{number}.example", "responseStatus": "accepted"},
                ],
            },
        )
    waits: list[float] = []
    session = session_for(
        google_fake, signed_in(google_fake, tmp_path), timeout=TIMEOUT, sleep=waits.append
    )
    settings = Settings(YOU, (), DraftsSettings(MailboxKind.GMAIL), tmp_path)
    runtime = Runtime(
        settings,
        builders.drafting(ReminderRules((6, 2)), you=YOU),
        [GoogleCalendar("google", session)],
        GmailMailbox(session),
        Ledger(tmp_path / "ledger.sqlite3"),
        Channels(YOU, by_mail=True),
    )
    chance = random.Random(SEED)
    longest = 0.0
    for cycle in range(30):
        for _ in range(chance.randint(1, 4)):
            plant(google_fake, chance)
        now = BASE + timedelta(minutes=20) + timedelta(hours=36) * cycle / 30
        started = time.monotonic()
        with contextlib.suppress(ConnectorError, LedgerError):  # the next cycle picks up
            run_cycle(now, runtime)
        longest = max(longest, time.monotonic() - started)
    google_fake.clear_faults()
    for _ in range(2):
        run_cycle(BASE + timedelta(hours=37), runtime)
    runtime.close()

    ids = Counter(m.message_id for m in google_fake.messages())
    assert {i: n for i, n in ids.items() if n > 1} == {}, f"seed {SEED}: twice"
    notes = [i for i in ids if i.startswith("<followup.") and ".remind." not in i]
    assert len(notes) == 10, f"seed {SEED}: {len(notes)} notes, not 10"
    assert [i for i in ids if ".remind." in i]
    # A cycle makes a few dozen calls; each ends within its timeout, retries are bounded.
    assert longest < 120, f"a cycle took {longest:.0f} s"
    assert waits and all(0 <= wait <= 32 for wait in waits)
    assert len(set(waits)) > 1  # jittered, not a fixed schedule
