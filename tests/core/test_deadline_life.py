"""The 24-hour deadline, walked through with a fake clock: reminders, quiet hours, check-ins."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import builders
import pytest
from builders import ME, YOU, event, person
from memory_mailbox import MemoryMailbox

from daemon.core.checkins import CheckInRules
from daemon.core.deadline import QuietHours, check_in_due, decision_date, due_stage
from daemon.core.detect import finished_interviews
from daemon.core.model import OVERDUE, DraftStatus, Purpose, ReminderStage
from daemon.core.plan import Drafting, Snapshot, plan
from daemon.core.protocols import ConnectorError, DraftState
from daemon.core.reminders import ReminderRules
from daemon.cycle import watch_sent
from daemon.executor import Channels, execute
from daemon.ledger import Ledger

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def drafting(zone=BERLIN, quiet: bool = False, check_in_days: int = 7) -> Drafting:
    rules = CheckInRules(check_in_days, zone, 24)
    hours = QuietHours(time(22), time(7), zone) if quiet else None
    return builders.drafting(ReminderRules((6, 2), hours), rules)


class Life:
    """One interview's life: a ledger, a mailbox, a clock, and cycles run at chosen moments."""

    def __init__(self, tmp_path, interview_end: datetime, rules: Drafting) -> None:
        self.ledger = Ledger(tmp_path / "ledger.sqlite3")
        self.mailbox = MemoryMailbox()
        self.rules = rules
        self.desktop: list[tuple[str, str]] = []
        self.channels = Channels(YOU, True, lambda title, body: self.desktop.append((title, body)))
        self.event = event(
            ended_ago=timedelta(0),
            now=interview_end,
            attendees=(ME, person("priya.raman@acme.example", "Priya Raman")),
            description="Topics: the billing rewrite\nThey'll decide by Friday.",
        )

    def cycle(self, now: datetime) -> list[str]:
        """Run one cycle at `now`; the reminder stages it delivered."""
        records = self.ledger.records()
        observed = {
            k: self.mailbox.states[r.draft_ref]
            for k, r in records.items()
            if r.status is DraftStatus.DRAFTED
        }
        interviews = finished_interviews(
            [self.event], YOU, now, grace=timedelta(minutes=10), lookback=timedelta(hours=48)
        )
        watched = watch_sent(self.mailbox, records.values(), now)
        seen = Snapshot(interviews, records, observed, self.ledger.reminders(), watched)
        actions = plan(now, seen, self.rules)
        before = len(self.mailbox.self_mail)
        execute(actions, self.ledger, self.mailbox, now, self.channels)
        sent_now = self.mailbox.self_mail[before:]
        return [re.search(r"\.remind\.\w+\.([\w-]+)@", m["Message-ID"])[1] for m, _ in sent_now]

    def thanks_ref(self) -> str:
        return next(
            r.draft_ref for r in self.ledger.records().values() if r.key.purpose is Purpose.THANKS
        )


def test_each_stage_reaches_you_once_and_nothing_after_sending(tmp_path):
    end = datetime(2026, 11, 24, 15, 0, tzinfo=BERLIN)  # a Tuesday
    life = Life(tmp_path, end, drafting())
    delivered = []
    moments = [end + timedelta(minutes=m) for m in range(0, 24 * 60 + 240, 30)]
    for now in moments[:-4]:
        delivered += life.cycle(now)
    assert delivered == ["6h", "2h", "overdue"]
    assert len(life.desktop) == 3
    life.mailbox.states[life.thanks_ref()] = DraftState.SENT
    for now in moments[-4:]:
        assert life.cycle(now) == []


def test_the_reminder_mail_says_who_how_long_what_to_fix_and_where(tmp_path):
    end = datetime(2026, 11, 24, 15, 0, tzinfo=BERLIN)
    life = Life(tmp_path, end, drafting())
    life.cycle(end + timedelta(minutes=15))
    life.cycle(end + timedelta(hours=18, minutes=30))
    life.cycle(end + timedelta(hours=22, minutes=30))
    [(first, thread), (second, thread_again)] = life.mailbox.self_mail
    assert thread == thread_again  # one thread per interview
    assert str(first["To"]) == "Alex Rivera <alex@example.com>"
    assert (
        first["Subject"]
        == second["Subject"]
        == ("Thank-you notes to send: Acme <> Alex – Technical Screen")
    )
    assert second["In-Reply-To"] == first["Message-ID"]
    body = second.get_content()
    assert body.startswith("1h 30m left to send your thank-you notes for")
    assert "- Priya Raman <priya.raman@acme.example>" in body
    assert "  open: memory:d1" in body
    [record] = life.ledger.records().values()
    assert [line[len("  to fix: ") :] for line in body.splitlines() if "to fix" in line] == list(
        record.problems
    )


@pytest.mark.parametrize(
    ("zone", "end"),
    [
        (BERLIN, datetime(2026, 3, 28, 14, 0)),  # Berlin springs forward in the night after
        (BERLIN, datetime(2026, 10, 24, 14, 0)),  # … and falls back
        (NEW_YORK, datetime(2026, 3, 7, 14, 0)),
        (NEW_YORK, datetime(2026, 10, 31, 14, 0)),
    ],
)
def test_across_daylight_saving_changes_the_deadline_is_24_real_hours(tmp_path, zone, end):
    ended = end.replace(tzinfo=zone)
    life = Life(tmp_path, ended, drafting(zone))
    life.cycle(ended + timedelta(minutes=15))
    [record] = life.ledger.records().values()
    assert record.deadline - record.ended_at == timedelta(hours=24)
    assert record.deadline.astimezone(UTC) == ended.astimezone(UTC) + timedelta(hours=24)
    assert record.deadline.hour != ended.hour  # the wall clock moved by an hour
    delivered = []
    for minutes in range(20, 25 * 60, 20):  # real minutes: aware + timedelta is wall time
        delivered += life.cycle(ended.astimezone(UTC) + timedelta(minutes=minutes))
    assert delivered == ["6h", "2h", "overdue"]


def test_a_downtime_that_skips_stages_delivers_only_the_latest(tmp_path):
    end = datetime(2026, 11, 24, 15, 0, tzinfo=BERLIN)
    life = Life(tmp_path, end, drafting())
    life.cycle(end + timedelta(minutes=15))
    assert life.cycle(end + timedelta(hours=23)) == ["2h"]  # off from 0:15 to 23:00
    assert life.cycle(end + timedelta(hours=30)) == ["overdue"]
    assert life.cycle(end + timedelta(hours=31)) == []


def test_quiet_hours_hold_a_reminder_until_morning_unless_the_deadline_passes(tmp_path):
    end = datetime(2026, 11, 24, 8, 0, tzinfo=BERLIN)  # deadline 08:00 next day
    life = Life(tmp_path, end, drafting(quiet=True))
    life.cycle(end + timedelta(minutes=15))
    # 6 h before is 02:00, in quiet hours; the deadline (08:00) is after 07:00: wait.
    assert life.cycle(datetime(2026, 11, 25, 2, 30, tzinfo=BERLIN)) == []
    assert life.cycle(datetime(2026, 11, 25, 7, 0, tzinfo=BERLIN)) == ["2h"]


def test_quiet_hours_give_way_when_the_deadline_would_pass_first(tmp_path):
    end = datetime(2026, 11, 24, 5, 0, tzinfo=BERLIN)  # deadline 05:00, before 07:00
    life = Life(tmp_path, end, drafting(quiet=True))
    life.cycle(end + timedelta(minutes=15))
    assert life.cycle(datetime(2026, 11, 25, 3, 30, tzinfo=BERLIN)) == ["2h"]


def test_a_failed_reminder_mail_does_not_silence_the_desktop_and_is_retried_once(tmp_path):
    end = datetime(2026, 11, 24, 15, 0, tzinfo=BERLIN)
    life = Life(tmp_path, end, drafting())
    life.cycle(end + timedelta(minutes=15))
    life.mailbox.fail_self_mail = ConnectorError("offline")
    assert life.cycle(end + timedelta(hours=18, minutes=30)) == []
    assert len(life.desktop) == 1  # the stage reached you on the desktop all the same
    assert life.cycle(end + timedelta(hours=18, minutes=40)) == []
    life.mailbox.fail_self_mail = None
    assert life.cycle(end + timedelta(hours=18, minutes=45)) == ["6h"]
    assert life.cycle(end + timedelta(hours=18, minutes=50)) == []
    assert len(life.desktop) == 1


def test_a_reply_stops_the_check_ins_reminders_in_the_same_cycle(tmp_path):
    end = datetime(2026, 11, 24, 15, 0, tzinfo=BERLIN)
    life = Life(tmp_path, end, drafting())
    life.cycle(end + timedelta(minutes=15))
    sent(life, end + timedelta(hours=2))
    life.cycle(datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN))  # the check-in is drafted
    life.mailbox.replies.add(life.mailbox.drafts["d1"]["Message-ID"])
    assert life.cycle(datetime(2026, 12, 1, 3, 30, tzinfo=BERLIN)) == []  # 6h stage was due


def test_a_half_made_check_in_is_reconciled_once_the_note_is_answered(tmp_path):
    end = datetime(2026, 11, 24, 15, 0, tzinfo=BERLIN)
    life = Life(tmp_path, end, drafting())
    life.cycle(end + timedelta(minutes=15))
    sent(life, end + timedelta(hours=2))
    life.mailbox.lose_response = True
    life.cycle(datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN))
    life.mailbox.lose_response = False
    life.mailbox.replies.add(life.mailbox.drafts["d1"]["Message-ID"])
    life.cycle(datetime(2026, 11, 30, 9, 5, tzinfo=BERLIN))
    life.cycle(datetime(2026, 11, 30, 9, 10, tzinfo=BERLIN))
    statuses = {r.key.purpose: r.status for r in life.ledger.records().values()}
    assert statuses == {"thanks": DraftStatus.ANSWERED, "check-in": DraftStatus.DRAFTED}
    assert len(life.mailbox.drafts) == 2


def test_the_check_in_repeats_the_subject_the_note_went_out_with(tmp_path):
    end = datetime(2026, 11, 24, 15, 0, tzinfo=BERLIN)
    life = Life(tmp_path, end, drafting())
    life.cycle(end + timedelta(minutes=15))
    life.mailbox.sent_subject = "Thanks for Tuesday!"
    sent(life, end + timedelta(hours=2))
    life.cycle(datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN))
    assert life.mailbox.drafts["d2"]["Subject"] == "Re: Thanks for Tuesday!"


def sent(life: Life, at: datetime) -> None:
    life.mailbox.states[life.thanks_ref()] = DraftState.SENT
    life.cycle(at)


def test_no_reply_by_the_decision_date_drafts_one_check_in_in_the_thread(tmp_path):
    end = datetime(2026, 11, 24, 15, 0, tzinfo=BERLIN)  # Tuesday; "they'll decide by Friday"
    life = Life(tmp_path, end, drafting())
    life.cycle(end + timedelta(minutes=15))
    sent(life, end + timedelta(hours=2))
    life.cycle(datetime(2026, 11, 30, 8, 59, tzinfo=BERLIN))  # Monday, before 09:00
    assert len(life.mailbox.drafts) == 1
    life.cycle(datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN))
    assert len(life.mailbox.drafts) == 2
    check_in: EmailMessage = life.mailbox.drafts["d2"]
    thanks: EmailMessage = life.mailbox.drafts["d1"]
    assert check_in["Subject"] == f"Re: {thanks['Subject']}"
    assert check_in["In-Reply-To"] == thanks["Message-ID"]
    assert check_in["References"] == thanks["Message-ID"]
    assert life.mailbox.reply_to["d2"].thread == "t-d1"
    assert check_in.get_content().startswith("Hi Priya,")
    life.cycle(datetime(2026, 12, 1, 9, 0, tzinfo=BERLIN))
    assert len(life.mailbox.drafts) == 2  # one check-in, ever


def test_a_reply_from_the_company_ends_it(tmp_path):
    end = datetime(2026, 11, 24, 15, 0, tzinfo=BERLIN)
    life = Life(tmp_path, end, drafting())
    life.cycle(end + timedelta(minutes=15))
    sent(life, end + timedelta(hours=2))
    life.mailbox.replies.add(life.mailbox.drafts["d1"]["Message-ID"])
    life.cycle(datetime(2026, 11, 26, 10, 0, tzinfo=BERLIN))
    life.cycle(datetime(2026, 12, 10, 10, 0, tzinfo=BERLIN))
    assert len(life.mailbox.drafts) == 1
    [record] = life.ledger.records().values()
    assert record.status is DraftStatus.ANSWERED


def test_a_check_in_is_flagged_like_a_thank_you_even_after_its_reminders(tmp_path):
    end = datetime(2026, 11, 24, 15, 0, tzinfo=BERLIN)
    life = Life(tmp_path, end, drafting())
    life.cycle(end + timedelta(minutes=15))
    # The thank-you went out late, after all three of its reminders.
    assert life.cycle(end + timedelta(hours=18, minutes=30)) == ["6h"]
    assert life.cycle(end + timedelta(hours=22, minutes=30)) == ["2h"]
    assert life.cycle(end + timedelta(hours=25)) == ["overdue"]
    sent(life, end + timedelta(hours=26))
    life.cycle(datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN))
    assert life.cycle(datetime(2026, 12, 1, 3, 0, tzinfo=BERLIN)) == ["6h"]
    [(reminder, _)] = life.mailbox.self_mail[-1:]
    assert reminder["Subject"] == "Check-in to send: Acme <> Alex – Technical Screen"
    assert reminder.get_content().startswith("6h 00m left to send your check-in for")


@pytest.mark.parametrize(
    ("notes", "expected"),
    [
        ("They'll decide by Friday.", date(2026, 11, 27)),
        ("Decision by: 2026-12-04", date(2026, 12, 4)),
        ("We will get back to you by Dec 4th", date(2026, 12, 4)),
        ("hear back on Monday", date(2026, 11, 30)),
        ("They will let you know by 3 December", date(2026, 12, 3)),
        ("they'll let me know by Friday, Dec 11", date(2026, 12, 11)),  # the date wins
        ("Great chat about the billing rewrite.", None),
        ("decide by whenever", None),
        ("I'll update the README by Monday", None),
        ("We decided on Friday's agenda", None),
        ("make decisions on Monday planning meetings", None),
        ("respond to incidents by Friday", None),
        ("let me know on 2 junior roles", None),
        ("Next steps on 3 decisions", None),
        ("They'll decide by Nov 20", None),  # already past: ignored
    ],
)
def test_decision_dates_are_read_from_the_notes(notes, expected):
    assert decision_date(notes, date(2026, 11, 26)) == expected  # a Thursday


def test_business_days_skip_weekends():
    sent_at = datetime(2026, 11, 27, 16, 0, tzinfo=BERLIN)  # Friday
    assert check_in_due(sent_at, 7, None, BERLIN) == datetime(2026, 12, 8, 9, 0, tzinfo=BERLIN)
    decided = check_in_due(sent_at, 7, date(2026, 11, 27), BERLIN)  # "by Friday"
    assert decided == datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN)  # next business day


def test_a_decision_date_before_sending_still_leaves_them_a_day():
    sent_at = datetime(2026, 11, 30, 16, 0, tzinfo=BERLIN)  # Monday, sent late
    decided = check_in_due(sent_at, 7, date(2026, 11, 25), BERLIN)  # "decide by Wednesday"
    assert decided == datetime(2026, 12, 1, 9, 0, tzinfo=BERLIN)


def test_a_stage_already_passed_is_never_delivered_after_a_later_one():
    deadline = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
    now = deadline + timedelta(hours=1)
    assert due_stage(deadline, now, (6, 2), [OVERDUE]) is None
    assert due_stage(deadline, deadline - timedelta(hours=3), (6, 2), [ReminderStage(2)]) is None
    assert (
        due_stage(deadline, deadline - timedelta(hours=1), (6, 2), [ReminderStage(6)]).name == "2h"
    )
