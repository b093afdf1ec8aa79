"""What `followup status` shows for each tracked draft."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import builders
import pytest
from builders import BERLIN, NOW

from daemon.core.actions import Remind
from daemon.core.deadline import QuietHours, describe_time_left
from daemon.core.model import DraftKey, DraftRecord, DraftStatus
from daemon.core.plan import Snapshot, plan
from daemon.core.reminders import ReminderRules
from daemon.core.status import Urgency, render_table, status_rows, urgency_of

KEY = DraftKey("ics:cal", "uid-1", "20261126T120000Z", "priya@acme.example")
RECORD = DraftRecord(
    key=KEY,
    status=DraftStatus.DRAFTED,
    event_title="Acme <> Alex – Technical Screen",
    company="Acme",
    role="Senior Backend Engineer",
    recipient_name="Priya Raman",
    recipient_email="priya@acme.example",
    ended_at=NOW - timedelta(hours=1),
    deadline=NOW + timedelta(hours=23),
    message_id="<m@example.com>",
    subject="Thank you – Senior Backend Engineer at Acme",
    problems=("placeholder left in: [a topic you discussed]",),
    draft_ref="1700000000.M1P2Q0R1.host",
)
DRAFTING = builders.drafting()


@pytest.mark.parametrize(
    ("left", "status", "urgency"),
    [
        (timedelta(hours=23), DraftStatus.DRAFTED, Urgency.OK),
        (timedelta(hours=6), DraftStatus.DRAFTED, Urgency.DUE_SOON),
        (timedelta(minutes=1), DraftStatus.FAILED, Urgency.DUE_SOON),
        (timedelta(0), DraftStatus.DRAFTED, Urgency.OVERDUE),
        (timedelta(hours=-3), DraftStatus.DRAFTED, Urgency.OVERDUE),
        (timedelta(hours=-3), DraftStatus.SENT, Urgency.DONE),
        (timedelta(hours=5), DraftStatus.DELETED, Urgency.DONE),
    ],
)
def test_urgency_follows_the_time_left(left, status, urgency):
    record = replace(RECORD, status=status, deadline=NOW + left)
    assert urgency_of(record, NOW, (6, 2)) is urgency


def test_the_json_row_has_the_stable_shape():
    [row] = status_rows([RECORD], NOW, {KEY: "/mail/Drafts/cur/x:2,D"}, DRAFTING)
    data = row.as_json()
    assert data["key"] == "ics:cal|uid-1|20261126T120000Z|priya@acme.example"
    assert data["deadline"] == "2026-11-27T14:00:00+01:00"
    assert data["ended_at"] == "2026-11-26T14:00:00+01:00"
    assert (data["state"], data["stage"], data["draft"]) == (
        "drafted",
        "ok",
        "/mail/Drafts/cur/x:2,D",
    )
    assert data["problems"] == ["placeholder left in: [a topic you discussed]"]
    required = {"key", "event_title", "company", "role", "recipient_name", "recipient_email"}
    assert required | {"ended_at", "deadline", "state", "stage", "draft", "problems"} <= set(data)
    datetime.fromisoformat(data["deadline"])


def test_rows_put_the_most_urgent_first_and_finished_last():
    urgent = replace(RECORD, key=replace(KEY, uid="u2"), deadline=NOW + timedelta(hours=1))
    sent = replace(RECORD, key=replace(KEY, uid="u3"), status=DraftStatus.SENT, deadline=NOW)
    rows = status_rows([sent, RECORD, urgent], NOW, {}, DRAFTING)
    assert [r.record.key.uid for r in rows] == ["u2", "uid-1", "u3"]


def test_the_table_says_who_when_how_long_and_where():
    text = render_table(
        status_rows([RECORD], NOW, {KEY: "/mail/x"}, DRAFTING), ZoneInfo("Asia/Tokyo")
    )
    assert "[ok] Priya Raman <priya@acme.example> — Acme <> Alex – Technical Screen" in text
    assert "deadline: Fri 27 Nov 22:00 JST   23h 00m left" in text
    assert "draft: /mail/x" in text
    assert "check: placeholder left in: [a topic you discussed]" in text


@pytest.mark.parametrize(
    ("left", "text"),
    [
        (timedelta(hours=5, minutes=20), "5h 20m left"),
        (timedelta(minutes=-190), "3h 10m late"),
        (timedelta(days=2, hours=1), "2d 1h left"),
    ],
)
def test_time_left_reads_naturally(left, text):
    assert describe_time_left(left) == text


def test_an_empty_ledger_says_so():
    assert render_table([]) == "No drafts tracked yet."


def test_status_shows_the_planners_next_reminder_quiet_hours_included():
    quiet = QuietHours(time(22), time(7), BERLIN)
    drafting = builders.drafting(ReminderRules((6, 2), quiet))
    # The 6 h stage comes due at 03:00; quiet hours hold it until 07:00.
    night = datetime(2026, 11, 27, 1, 0, tzinfo=BERLIN)
    record = replace(RECORD, deadline=datetime(2026, 11, 27, 9, 0, tzinfo=BERLIN))
    [row] = status_rows([record], night, {}, drafting)
    assert row.next_step is not None
    # By 07:00 the 2 h stage has come due too: the one reminder then is the 2 h one.
    assert (row.next_step.describe(), row.next_step.at) == (
        "remind you (2h)",
        night + timedelta(hours=6),
    )

    def reminders_at(now: datetime) -> list[Remind]:
        actions = plan(now, Snapshot(records={KEY: record}), drafting)
        return [a for a in actions if isinstance(a, Remind)]

    assert reminders_at(night + timedelta(hours=5)) == []
    [remind] = reminders_at(night + timedelta(hours=6))
    assert remind.stage.name == "2h"
