"""Abort after every single persistence step, resume, and end where a clean run ends.

A scenario of cycles (drafts for a panel and a screen, a debrief that rewrites
untouched drafts, the user sending one note, reminders, a check-in) is run
once cleanly, counting every step that persists something: each ledger
transaction and each mailbox write. Then, for every step k, the scenario is
run again with the process "dying" right after step k (a BaseException no
handler catches), restarted on the same ledger file and mailbox, and carried
on; the mailbox and the ledger must end exactly as after the clean run, in a
Maildir and in a mailbox in memory.
"""

from __future__ import annotations

import email
import email.policy
import shutil
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import builders
import pytest
from builders import ME, YOU, event, person
from memory_mailbox import MemoryMailbox

from connectors.maildir import MaildirMailbox
from daemon.config import DraftsSettings, MailboxKind, Settings
from daemon.core.checkins import CheckInRules
from daemon.core.model import ref_of
from daemon.core.protocols import DraftState, SentNote
from daemon.core.reminders import ReminderRules
from daemon.cycle import run_cycle
from daemon.executor import Channels
from daemon.ledger import Ledger
from daemon.runtime import Runtime

START = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # a Monday
PANEL = event(
    "Interview: Backend Engineer – Acme",
    uid="panel@acme.example",
    attendees=(
        ME,
        person("priya@acme.example", "Priya Raman"),
        person("jose@acme.example", "José"),
    ),
    description="Role: Backend Engineer",
    now=START,
)
SCREEN = event(
    "Recruiter screen – Globex",
    uid="screen@globex.example",
    attendees=(ME, person("sam@globex.example", "Sam Taylor")),
    ended_ago=timedelta(hours=-2),
    now=START,
)


class Abort(BaseException):
    """The process dies here."""


@dataclass
class Steps:
    """Counts persistence steps and dies right after step `abort_after` (0: never)."""

    abort_after: int = 0
    done: int = 0

    def tick(self) -> None:
        self.done += 1
        if self.done == self.abort_after:
            raise Abort


class CountingLedger(Ledger):
    steps = Steps()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with super()._transaction():
            yield
        self.steps.tick()


class _Counting:
    """Mailbox writes counted as persistence steps (mixed into a mailbox)."""

    steps: Steps

    def create_draft(self, message: EmailMessage, reply_to: SentNote | None = None) -> str:
        ref = super().create_draft(message, reply_to)  # type: ignore[misc]
        self.steps.tick()
        return ref

    def replace_draft(self, ref: str, message: EmailMessage) -> str:
        done = super().replace_draft(ref, message)  # type: ignore[misc]
        self.steps.tick()
        return done

    def send_to_self(self, message: EmailMessage, thread: str = "") -> str:
        done = super().send_to_self(message, thread)  # type: ignore[misc]
        self.steps.tick()
        return done


class CountingMemory(_Counting, MemoryMailbox):
    def user_sends(self, to: str) -> None:
        ref = next(r for r, m in self.drafts.items() if to in str(m["To"]))
        self.states[ref] = DraftState.SENT

    def contents(self) -> list[tuple[str, ...]]:
        drafts = [
            (str(m["Message-ID"]), str(m["To"]), str(m["Subject"]), self.states[r].value,
             m.get_content())
            for r, m in self.drafts.items()
        ]  # fmt: skip
        mails = [(str(m["Message-ID"]), str(m["Subject"])) for m, _thread in self.self_mail]
        return sorted(drafts) + sorted(mails)


class CountingMaildir(_Counting, MaildirMailbox):
    def __init__(self, root: Path) -> None:
        super().__init__(root / "Drafts", root / "Sent", root / "INBOX")
        self.root = root

    def user_sends(self, to: str) -> None:
        for path in (self.root / "Drafts" / "cur").iterdir():
            if to in path.read_text():
                sent = self.root / "Sent" / "cur"
                sent.mkdir(parents=True, exist_ok=True)
                path.rename(sent / path.name.replace(":2,D", ":2,S"))
                return
        raise AssertionError(f"no draft to {to}")

    def contents(self) -> list[tuple[str, ...]]:
        """Each message's folder, headers and words; not when it was written, nor the
        file names reminders link to (they differ from run to run)."""
        found = []
        for path in sorted(self.root.glob("*/*/*")):
            if path.parent.name == "tmp":
                continue
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            headers = [f"{k}: {v}" for k, v in message.items() if k != "Date"]
            body = message.get_body(("plain",))
            words = body.get_content() if body is not None else ""
            words = "\n".join(line for line in words.splitlines() if "open:" not in line)
            found.append((path.parent.parent.name, *headers, words))
        return sorted(found)


SCENARIO = (
    ("cycle", START + timedelta(minutes=30)),  # the panel's two drafts
    ("debrief", START + timedelta(minutes=40)),  # rewrites both, untouched
    ("cycle", START + timedelta(hours=3)),  # the screen's draft
    ("send", "priya@acme.example"),
    ("cycle", START + timedelta(hours=19)),  # the 6-hour reminders
    ("cycle", START + timedelta(hours=26)),  # overdue for the panel
    ("cycle", START + timedelta(days=3)),  # a check-in for Priya
)


class Run:
    """The scenario in one folder, dying after step k and restarting."""

    def __init__(self, folder: Path, kind: str, abort_after: int) -> None:
        self.folder = folder
        self.steps = Steps(abort_after)
        CountingLedger.steps = self.steps
        mailbox = CountingMemory() if kind == "memory" else CountingMaildir(folder / "Mail")
        mailbox.steps = self.steps
        self.mailbox = mailbox
        self.aborted = 0
        self.runtime: Runtime | None = None

    def _start(self) -> Runtime:
        settings = Settings(YOU, (), DraftsSettings(MailboxKind.MAILDIR), self.folder)
        drafting = builders.drafting(ReminderRules((6, 2)), CheckInRules(1, UTC, 24))
        ledger = CountingLedger(self.folder / "ledger.sqlite3")
        return Runtime(settings, drafting, [_Calendar()], self.mailbox, ledger, Channels(YOU))

    def play(self) -> Runtime:
        """The whole scenario, restarting after each death; the runtime it ends with."""
        for what, value in SCENARIO:
            while True:
                try:
                    self.runtime = self.runtime or self._start()
                    self._step(what, value, self.runtime)
                    break
                except Abort:
                    self.aborted += 1
                    if self.runtime is not None:
                        self.runtime.close()
                    self.runtime = None
        assert self.runtime is not None
        return self.runtime

    def _step(self, what: str, value: object, runtime: Runtime) -> None:
        if what == "send":
            self.mailbox.user_sends(str(value))
            return
        assert isinstance(value, datetime)
        if what == "debrief":
            panel = ref_of(replace(PANEL, source="work"))
            text = "[Priya Raman]\nTopics: the ledger\n\n[José]\nTopics: rate limits"
            runtime.ledger.set_debrief(panel, text, value)
        run_cycle(value, runtime)

    def state(self, runtime: Runtime) -> tuple[object, ...]:
        ledger = runtime.ledger
        records = sorted(
            (str(r.key), r.status.value, r.message_id, r.subject, r.composed)
            for r in ledger.records().values()
        )
        reminders = sorted(
            (str(interview), d.stage.name, d.message_id, d.mailed)
            for interview, delivered in ledger.reminders().items()
            for d in delivered
        )
        return tuple(self.mailbox.contents()), tuple(records), tuple(reminders)


class _Calendar:
    name = "work"

    def events(self, start: datetime, end: datetime) -> list:
        listed = [replace(e, source=self.name) for e in (PANEL, SCREEN)]
        return [e for e in listed if e.end > start and e.start < end]


@pytest.mark.parametrize("kind", ["memory", "maildir"])
def test_dying_after_any_step_ends_as_a_clean_run_does(tmp_path, kind):
    clean = Run(tmp_path / "clean", kind, abort_after=0)
    runtime = clean.play()
    expected, total = clean.state(runtime), clean.steps.done
    runtime.close()
    mail, _records, reminders = expected
    assert total > 40 and reminders and any("Re: " in str(item) for item in mail)
    differences = Counter()
    for k in range(1, total + 1):
        folder = tmp_path / f"abort-{k}"
        run = Run(folder, kind, abort_after=k)
        runtime = run.play()
        assert run.aborted == 1, k
        if run.state(runtime) != expected:
            differences[k] += 1
            assert run.state(runtime) == expected, f"dying after step {k} of {total} changed it"
        runtime.close()
        shutil.rmtree(folder)
    assert not differences
