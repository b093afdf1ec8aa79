"""Count the requests the daemon makes of Google, following Gmail's history and not.

Usage: python bench/google_requests.py [--pending 200] [--watched 200] [--drafts 500]

Everything runs against the loopback Google fake, which counts requests per
method. Each figure is measured twice in the same run: with the daemon as it
is (Gmail's changes followed through `users.history.list`) and, as the
baseline, with history turned off, so that every draft and every watched note
is asked about one by one as before.

- an idle cycle with `--pending` drafts waiting and `--watched` sent notes
  watched for a reply (after the cycles that drafted and recorded them);
- the cycle after the user sent one draft and an interviewer replied to one note;
- settling an interrupted create, with `--drafts` drafts in the account: once
  where the create reached Gmail (its draft is found), once where it never did
  (nothing is found, which the baseline learns only by reading every draft).

`rows()` gives the figures to other scripts: (figure, ours, baseline, unit).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import TypeVar

TESTS = Path(__file__).resolve().parent.parent / "tests"
for folder in (TESTS, TESTS / "fakes", TESTS / "google"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from gmail_daemon import GmailDaemon, LiveGmail, google_requests, tracked, user_sends  # noqa: E402
from google_fake import GoogleFake, isolated_network  # noqa: E402
from google_support import session_for, signed_in  # noqa: E402

from connectors.gmail import GmailMailbox  # noqa: E402
from daemon.core.model import DraftStatus  # noqa: E402
from daemon.core.protocols import ConnectorError  # noqa: E402

T = TypeVar("T")
UNIT = "requests"


def _with_fake(run: Callable[[GoogleFake, Path], T]) -> T:
    """`run` on a fresh fake and a fresh state folder, the network beyond loopback shut."""
    with isolated_network(), GoogleFake() as fake, tempfile.TemporaryDirectory() as folder:
        return run(fake, Path(folder))


def _idle_and_busy(pending: int, watched: int, history: bool) -> tuple[int, int]:
    """Requests of an idle cycle, then of the cycle after one send and one reply."""

    def run(fake: GoogleFake, folder: Path) -> tuple[int, int]:
        daemon = tracked(fake, folder, pending, watched, history=history)
        try:
            idle = google_requests(daemon.cycle())
            user_sends(fake, 1)
            _reply_to_one(fake, daemon)
            return idle, google_requests(daemon.cycle())
        finally:
            daemon.close()

    return _with_fake(run)


def _reply_to_one(fake: GoogleFake, daemon: GmailDaemon) -> None:
    records = daemon.runtime.ledger.records().values()
    note = next(r for r in records if r.status is DraftStatus.SENT)
    fake.receive_reply(note.draft_ref.split("/")[1], note.recipient_email)


def _recovery(drafts: int, history: bool, *, made: bool) -> int:
    """Requests to settle an interrupted create among `drafts` drafts, asked as the
    executor asks; `made`: whether the create reached Gmail before its answer was lost."""

    def run(fake: GoogleFake, folder: Path) -> int:
        for number in range(drafts):
            fake.user_writes_draft(_note(f"Draft {number}"))
        session = session_for(fake, signed_in(fake, folder))
        gmail = GmailMailbox(session) if history else LiveGmail(session)
        mark = gmail.sync("").mark  # the cycle before the create
        message = _note("Thank you")
        if made:
            fake.lose_response("gmail.users.drafts.create")
        else:
            fake.drop("gmail.users.drafts.create", times=2)
        started = datetime.now(UTC)
        with contextlib.suppress(ConnectorError):
            gmail.create_draft(message)
        gmail.sync(mark)  # the next cycle
        fake.clear_requests()
        found = gmail.find_draft(
            message["Message-ID"], to=str(message["To"]), subject=message["Subject"], since=started
        )
        if (found is not None) != made:
            raise RuntimeError(f"the interrupted create was {'not ' if made else ''}found")
        return google_requests(fake.request_counts())

    return _with_fake(run)


def _note(subject: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "me@example.com"
    message["To"] = "lead@acme.example"
    message["Subject"] = subject
    message["Message-ID"] = f"<{abs(hash(subject))}.bench@followup.local>"
    message.set_content("Thank you for the conversation.")
    return message


def rows(
    pending: int = 200, watched: int = 200, drafts: int = 500
) -> list[tuple[str, float, float, str]]:
    """(figure, ours, baseline, unit) for each figure, both measured now."""
    idle, busy = _idle_and_busy(pending, watched, history=True)
    idle_before, busy_before = _idle_and_busy(pending, watched, history=False)
    tracked_now = f"{pending} pending drafts + {watched} watched notes"
    return [
        (f"Google requests per idle cycle, {tracked_now}", idle, idle_before, UNIT),
        (
            f"Google requests, cycle after one send + one reply, {tracked_now}",
            busy,
            busy_before,
            UNIT,
        ),
        (
            f"Google requests to find the draft an interrupted create left, {drafts} drafts",
            _recovery(drafts, history=True, made=True),
            _recovery(drafts, history=False, made=True),
            UNIT,
        ),
        (
            f"Google requests to settle a create that never reached Gmail, {drafts} drafts",
            _recovery(drafts, history=True, made=False),
            _recovery(drafts, history=False, made=False),
            UNIT,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pending", type=int, default=200)
    parser.add_argument("--watched", type=int, default=200)
    parser.add_argument("--drafts", type=int, default=500)
    options = parser.parse_args()
    print(f"{'figure':<88} {'ours':>6} {'baseline':>9}  unit")
    for name, ours, baseline, unit in rows(options.pending, options.watched, options.drafts):
        print(f"{name:<88} {ours:>6g} {baseline:>9g}  {unit}")


if __name__ == "__main__":
    main()
