"""SIGKILL at random moments of real cycles, then restart: every draft and reminder exactly once.

`followup run --once` runs as a subprocess on a week of interviews while the
clock moves on through their reminder stages; each run is killed with SIGKILL
after a random delay (seeded, so a failure can be replayed), and the next one
starts on what it left. At the end, two clean runs finish the work, and every
Message-ID is in the mailbox at most once, every interviewer has a draft, and
every reminder stage recorded as delivered is in the mailbox exactly once. It
runs against a Maildir and against the loopback Gmail (which commits a write
before it answers, so a kill between the two is the hard case).

`FOLLOWUP_TORTURE_KILLS` sets the kills per mailbox (default 100 each, 200 in
all); `FOLLOWUP_TORTURE_SEED` replays a seed.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from google_support import google_config, signed_in

pytestmark = pytest.mark.system

KILLS = int(os.environ.get("FOLLOWUP_TORTURE_KILLS", "100"))
SEED = int(os.environ.get("FOLLOWUP_TORTURE_SEED", "20261202"))
BASE = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday
INTERVIEWS = 10  # each with two interviewers


def interviews() -> list[tuple[str, str, datetime, list[tuple[str, str]]]]:
    """(uid, title, end, interviewers): ten interviews over the first day."""
    found = []
    for number in range(INTERVIEWS):
        end = BASE + timedelta(hours=number)
        people = [(f"lead{number}@co{number}.example", f"Lee Lead{number}"),
                  (f"peer{number}@co{number}.example", f"Pat Peer{number}")]  # fmt: skip
        found.append((f"iv{number}@co{number}.example", f"Interview – Co{number}", end, people))
    return found


def ics() -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    for uid, title, end, people in interviews():
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            "DTSTAMP:20261120T090000Z",
            f"DTSTART:{(end - timedelta(hours=1)):%Y%m%dT%H%M%SZ}",
            f"DTEND:{end:%Y%m%dT%H%M%SZ}",
            f"SUMMARY:{title}",
            "ATTENDEE;CN=Alex Rivera;PARTSTAT=ACCEPTED:mailto:alex@example.com",
            *(f"ATTENDEE;CN={name};PARTSTAT=ACCEPTED:mailto:{mail}" for mail, name in people),
            "END:VEVENT",
        ]
    return "\r\n".join([*lines, "END:VCALENDAR", ""])


def clock(step: int, steps: int) -> datetime:
    """The clock of run `step`: from just after the first interview to past every deadline."""
    return BASE + timedelta(minutes=20) + (timedelta(hours=36) * step) / steps


def run_once(config: Path, env: dict[str, str], now: datetime, kill_after: float | None):
    command = [sys.executable, "-m", "daemon", "-q", "run", "--once", "--config", str(config)]
    process = subprocess.Popen(
        [*command, "--now", now.isoformat()],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if kill_after is None:
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        return
    time.sleep(kill_after)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)


def torture(config: Path, env: dict[str, str]) -> Counter[str]:
    """Kill `KILLS` runs at random moments, then finish cleanly; how each delay ended."""
    chance = random.Random(SEED)
    ended: Counter[str] = Counter()
    for step in range(KILLS):
        delay = chance.uniform(0.05, 1.5)
        started = time.monotonic()
        run_once(config, env, clock(step, KILLS), delay)
        ended["killed" if time.monotonic() - started < delay + 0.5 else "slow"] += 1
    for _ in range(2):
        run_once(config, env, clock(KILLS, KILLS), None)
    return ended


def ledger_of(config: Path, env: dict[str, str]) -> list[dict]:
    shown = subprocess.run(
        [sys.executable, "-m", "daemon", "status", "--json", "--config", str(config),
         "--now", clock(KILLS, KILLS).isoformat()],
        env=env, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    return [row for row in json.loads(shown.stdout) if row["state"] not in {"problem", "possible"}]


def assert_exactly_once(ids: Counter[str], rows: list[dict]) -> None:
    twice = {i: n for i, n in ids.items() if n > 1}
    assert twice == {}, f"seed {SEED}: drafted or mailed twice: {twice}"
    thanks = [i for i in ids if i.startswith("<followup.") and ".remind." not in i]
    assert len(thanks) == 2 * INTERVIEWS, f"seed {SEED}: {len(thanks)} notes, not {2 * INTERVIEWS}"
    assert {r["recipient_email"] for r in rows} == {
        mail for *_rest, people in interviews() for mail, _name in people
    }
    assert all(r["state"] == "drafted" for r in rows)
    reminders = [i for i in ids if ".remind." in i]
    assert reminders, "no reminder was due: the clock did not move far enough"


@pytest.fixture
def maildir_config(tmp_path: Path) -> Path:
    (tmp_path / "week.ics").write_text(ics(), encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(
        '[you]\nname = "Alex Rivera"\nemail = "alex@example.com"\n\n'
        '[[calendar]]\nkind = "ics"\nname = "week"\npath = "week.ics"\n\n'
        '[drafts]\nkind = "maildir"\npath = "Mail/Drafts"\nsent_path = "Mail/Sent"\n'
        'inbox_path = "Mail/INBOX"\n\n[deadline]\nquiet_hours = []\n\n[state]\ndir = "state"\n',
        encoding="utf-8",
    )
    return config


def test_killing_maildir_runs_anywhere_leaves_everything_exactly_once(maildir_config, home):
    ended = torture(maildir_config, home)
    ids: Counter[str] = Counter()
    for path in (maildir_config.parent / "Mail").glob("*/[nc][eu][wr]/*"):
        parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        ids[str(parsed["Message-ID"])] += 1
    assert_exactly_once(ids, ledger_of(maildir_config, home))
    assert ended["killed"] > KILLS // 2  # most runs were cut short, not finished


def test_killing_gmail_runs_anywhere_leaves_everything_exactly_once(google_fake, tmp_path, home):
    for uid, title, end, people in interviews():
        google_fake.add_event(
            "primary",
            {
                "iCalUID": uid,
                "summary": title,
                "start": {"dateTime": (end - timedelta(hours=1)).isoformat()},
                "end": {"dateTime": end.isoformat()},
                "attendees": [
                    {"email": "me@example.com", "self": True, "responseStatus": "accepted"},
                    *(
                        {"email": m, "displayName": n, "responseStatus": "accepted"}
                        for m, n in people
                    ),
                ],
            },
        )
    store = signed_in(google_fake, tmp_path)
    config = google_config(google_fake, tmp_path, store, "[deadline]\nquiet_hours = []\n\n")
    ended = torture(config, home)
    ids = Counter(m.message_id for m in google_fake.messages())
    assert_exactly_once(ids, ledger_of(config, home))
    assert ended["killed"] > KILLS // 2
