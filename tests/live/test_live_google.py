"""Opt-in check against a real Google account: what the loopback fake cannot prove.

Skipped unless FOLLOWUP_LIVE_CONFIG names a configuration whose `followup auth`
has been run. It reads the next day of the configured Google calendar, creates
a draft addressed to yourself, finds it again by its Message-ID (does Gmail
keep the header of an API-made draft?), reads its state and link, then
deletes it. Nothing is sent. Run it with:

    FOLLOWUP_LIVE_CONFIG=~/.config/interview-followup/config.toml \\
        .venv/bin/python -m pytest tests/live -v
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from connectors.gmail import GmailMailbox
from connectors.google_api import GoogleSession
from connectors.google_auth import TokenStore
from connectors.google_calendar import GoogleCalendar
from daemon.config import load_settings
from daemon.core.message import DraftMessage
from daemon.core.protocols import CreatedDraft, DraftState
from daemon.wiring import google_endpoints, token_path

LIVE_CONFIG = os.environ.get("FOLLOWUP_LIVE_CONFIG", "")
pytestmark = pytest.mark.skipif(
    not LIVE_CONFIG, reason="set FOLLOWUP_LIVE_CONFIG to check a real Google account"
)


@pytest.fixture(scope="module")
def session() -> GoogleSession:
    settings = load_settings(Path(LIVE_CONFIG).expanduser())
    return GoogleSession(TokenStore(token_path(settings)), google_endpoints(settings))


def test_the_calendar_can_be_read(session):
    now = datetime.now(UTC)
    events = GoogleCalendar("live", session).events(now, now + timedelta(days=1))
    assert all(e.end > e.start for e in events)


def test_a_draft_to_yourself_round_trips_and_is_deleted(session):
    gmail = GmailMailbox(session)
    me = gmail.account()
    message_id = f"<followup.live-{uuid.uuid4().hex}@{me.split('@')[1]}>"
    note = DraftMessage(
        "interview-followup live check",
        me,
        "",
        me,
        "interview-followup live check",
        "This draft was made by the live check and is deleted straight away.\n",
        message_id,
        datetime.now(UTC),
    )
    ref = gmail.create_draft(note.as_email())
    try:
        assert gmail.find_draft(message_id) == ref, "Gmail did not keep the draft's Message-ID"
        draft = CreatedDraft(ref, message_id, me, note.subject)
        assert gmail.draft_state(draft) is DraftState.PENDING
        assert gmail.draft_link(ref).startswith("https://mail.google.com/mail/u/")
    finally:
        users = session.gmail().users()
        session.write(users.drafts().delete(userId="me", id=ref.split("/")[0]))
    assert gmail.draft_state(draft) is DraftState.DELETED
