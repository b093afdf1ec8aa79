"""The invariants the product rests on, under generated histories: no draft twice, none
missing, and nothing the user typed into a draft ever overwritten.

A hypothesis state machine runs whole cycles (`run_cycle`, the real ledger,
a mailbox in memory) over a generated set of interviews while the clock moves
on, the mailbox refuses a create or a replacement, loses its answer, or the
process dies just before or just after the mailbox stored one (then the daemon
restarts on the same ledger), the user writes debriefs that rewrite untouched
drafts, and sends, deletes or edits drafts. After every step no Message-ID is
in the mailbox twice and every word the user typed is still in their draft;
whenever the faults stop, every interview in the lookback window has its drafts.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import builders
from builders import ME, YOU, event, person
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from memory_mailbox import MemoryMailbox

from daemon.config import DraftsSettings, MailboxKind, Settings
from daemon.core.checkins import CheckInRules
from daemon.core.model import Event, key_for, ref_of
from daemon.core.protocols import ConnectorError, DraftState, SentNote
from daemon.core.reminders import ReminderRules
from daemon.cycle import run_cycle
from daemon.executor import Channels
from daemon.ledger import Ledger
from daemon.runtime import Runtime

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday
GRACE = timedelta(minutes=10)
LOOKBACK = timedelta(hours=48)
COMPANIES = ("Acme", "Globex", "Initech")
# A small pool, so one interviewer often meets the candidate twice (same subject).
INTERVIEWERS = (
    ("priya@acme.example", "Priya Raman"),
    ("jose@acme.example", "José Müller"),
    ("sam@globex.example", "Sam Taylor"),
)


class Crash(BaseException):
    """The process dies here: nothing after this point of the cycle happens."""


class FaultyMailbox(MemoryMailbox):
    """A mailbox in memory whose next create can be refused, answered late, or cut short."""

    def __init__(self) -> None:
        super().__init__()
        self.next_fault = ""

    def create_draft(self, message: EmailMessage, reply_to: SentNote | None = None) -> str:
        return self._faulty(lambda: super(FaultyMailbox, self).create_draft(message, reply_to))

    def replace_draft(self, ref: str, message: EmailMessage) -> str:
        return self._faulty(lambda: super(FaultyMailbox, self).replace_draft(ref, message))

    def _faulty(self, write: Callable[[], str]) -> str:
        fault, self.next_fault = self.next_fault, ""
        if fault == "refuse":
            raise ConnectorError("the Drafts folder refused the draft")
        if fault == "crash before":
            raise Crash
        ref = write()
        if fault == "lose answer":
            raise ConnectorError("the connection dropped before the answer")
        if fault == "crash after":
            raise Crash
        return ref


interview_specs = st.lists(
    st.tuples(
        st.sampled_from(COMPANIES),
        st.lists(st.sampled_from(INTERVIEWERS), min_size=1, max_size=3, unique=True),
        st.integers(min_value=-6 * 60, max_value=12 * 60),  # end, minutes after START
    ),
    min_size=1,
    max_size=5,
)


class ExactlyOnce(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp())
        self.mailbox = FaultyMailbox()
        self.now = START
        self.events: list[Event] = []
        self.typed: dict[str, str] = {}  # draft ref -> words the user typed into it
        self.runtime = self._runtime()

    def _runtime(self) -> Runtime:
        settings = Settings(YOU, (), DraftsSettings(MailboxKind.MAILDIR), self.folder)
        check_ins = CheckInRules(1, UTC, 24)
        rules = ReminderRules((6, 2))
        drafting = builders.drafting(rules, check_ins)
        ledger = Ledger(self.folder / "ledger.sqlite3")
        return Runtime(settings, drafting, [_Listed(self)], self.mailbox, ledger, Channels(YOU))

    @initialize(specs=interview_specs)
    def calendar(self, specs) -> None:
        for number, (company, interviewers, end_minutes) in enumerate(specs):
            end = START + timedelta(minutes=end_minutes)
            guests = (ME, *(person(email, name) for email, name in interviewers))
            self.events.append(
                event(
                    f"Interview with {company}",
                    uid=f"interview-{number}@{company.lower()}.example",
                    ended_ago=timedelta(0),
                    now=end,
                    attendees=guests,
                    description="Role: Platform Engineer\nTopics: the build farm",
                )
            )

    @rule(minutes=st.integers(min_value=0, max_value=36 * 60))
    def time_passes(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    @rule()
    def cycle(self) -> None:
        try:
            run_cycle(self.now, self.runtime)
        except Crash:
            self.runtime.close()  # the daemon restarts on the same ledger
            self.runtime = self._runtime()

    @rule(fault=st.sampled_from(["refuse", "lose answer", "crash before", "crash after"]))
    def next_create_fails(self, fault: str) -> None:
        self.mailbox.next_fault = fault

    @rule(data=st.data(), state=st.sampled_from([DraftState.SENT, DraftState.DELETED]))
    def user_sends_or_deletes(self, data: st.DataObject, state: DraftState) -> None:
        pending = sorted(r for r, s in self.mailbox.states.items() if s is DraftState.PENDING)
        if pending:
            self.mailbox.states[data.draw(st.sampled_from(pending))] = state

    @rule(data=st.data())
    def user_edits_a_draft(self, data: st.DataObject) -> None:
        """Mail clients save an edited draft with a new Message-ID."""
        pending = sorted(r for r, s in self.mailbox.states.items() if s is DraftState.PENDING)
        if pending:
            message = self.mailbox.drafts[data.draw(st.sampled_from(pending))]
            if "X-Original-Message-ID" not in message:
                message["X-Original-Message-ID"] = message["Message-ID"]
            del message["Message-ID"]
            message["Message-ID"] = f"<edited.{len(self.mailbox.drafts)}@client.example>"

    @rule(data=st.data(), topic=st.sampled_from(["the rate limiter", "sharding", "on-call"]))
    def user_writes_a_debrief(self, data: st.DataObject, topic: str) -> None:
        """`followup debrief`: the next cycle rewrites the interview's untouched drafts."""
        if self.events:
            chosen = data.draw(st.sampled_from(self.events))
            self.runtime.ledger.set_debrief(ref_of(chosen), f"Topics: {topic}", self.now)

    @rule(data=st.data())
    def user_types_into_a_draft(self, data: st.DataObject) -> None:
        pending = sorted(r for r, s in self.mailbox.states.items() if s is DraftState.PENDING)
        if pending:
            ref = data.draw(st.sampled_from(pending))
            words = f"typed-by-the-user-{len(self.typed)}"
            message = self.mailbox.drafts[ref]
            message.set_content(f"{message.get_content()}\n{words}\n")
            self.typed[ref] = words

    @rule()
    def faults_stop(self) -> None:
        """With a healthy mailbox, two cycles bring every due draft into existence."""
        self.mailbox.next_fault = ""
        self.cycle()
        self.cycle()
        created = {_original_id(m) for m in self.mailbox.drafts.values()}
        ledger = self.runtime.ledger.records()
        for due in self._due():
            for guest in due.attendees[1:]:
                key = key_for(due, guest.email)
                assert key in ledger, f"{key} was never planned"
                assert ledger[key].message_id in created, f"{key} has no draft"

    @invariant()
    def what_the_user_typed_stays(self) -> None:
        for ref, words in self.typed.items():
            if self.mailbox.states[ref] is DraftState.PENDING:
                assert words in self.mailbox.drafts[ref].get_content(), f"{ref} lost {words}"

    @invariant()
    def no_key_is_drafted_twice(self) -> None:
        counts = Counter(_original_id(m) for m in self.mailbox.drafts.values())
        assert not [i for i, n in counts.items() if n > 1], f"duplicates: {counts}"

    def _due(self) -> list[Event]:
        return [e for e in self.events if self.now - LOOKBACK <= e.end <= self.now - GRACE]

    def teardown(self) -> None:
        try:
            self.faults_stop()
        finally:
            self.runtime.close()
            shutil.rmtree(self.folder, ignore_errors=True)


def _original_id(message: EmailMessage) -> str:
    """The Message-ID the daemon gave the draft (kept in a header when the user edits it)."""
    return str(message["X-Original-Message-ID"] or message["Message-ID"])


class _Listed:
    """A calendar source that lists the machine's events."""

    name = "test"

    def __init__(self, machine: ExactlyOnce) -> None:
        self._machine = machine

    def events(self, start: datetime, end: datetime) -> list[Event]:
        return [e for e in self._machine.events if e.end > start and e.start < end]


ExactlyOnce.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
test_no_draft_twice_and_none_missing = ExactlyOnce.TestCase
