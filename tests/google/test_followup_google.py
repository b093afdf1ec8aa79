"""The whole daemon against the loopback Google: Calendar in, Gmail out, sign-in lost and back."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from google_support import google_config, session_for, signed_in

from connectors.google_auth import TokenStore, scopes_for
from connectors.google_calendar import GoogleCalendar
from daemon.core.protocols import SignInRequiredError

NOW = "2026-11-26T16:00:00+00:00"
SCOPES = scopes_for(read_drafts=False)
pytestmark = pytest.mark.system


def interview(fake) -> None:
    fake.add_event(
        "primary",
        {
            "summary": "Acme <> Alex – Technical Screen",
            "description": "<p>Role: <b>Staff Engineer</b></p><p>Topics: the billing rewrite</p>",
            "start": {"dateTime": "2026-11-26T15:00:00+01:00", "timeZone": "Europe/Berlin"},
            "end": {"dateTime": "2026-11-26T16:30:00+01:00", "timeZone": "Europe/Berlin"},
            "organizer": {"email": "no-reply@acme.example", "displayName": "Acme Recruiting"},
            "attendees": [
                {"email": "me@example.com", "self": True, "responseStatus": "accepted"},
                {
                    "email": "priya@acme.example",
                    "displayName": "Priya Raman",
                    "responseStatus": "accepted",
                },
                {
                    "email": "jose@acme.example",
                    "displayName": "José Müller",
                    "responseStatus": "accepted",
                },
                {
                    "email": "r1@resource.calendar.google.com",
                    "resource": True,
                    "responseStatus": "accepted",
                },
            ],
        },
    )
    fake.add_event(
        "primary",
        {
            "summary": "Focus time",
            "eventType": "focusTime",
            "start": {"dateTime": "2026-11-26T10:00:00Z"},
            "end": {"dateTime": "2026-11-26T11:00:00Z"},
        },
    )


@pytest.fixture
def setup(google_fake, tmp_path):
    store = signed_in(google_fake, tmp_path)
    config = google_config(google_fake, tmp_path, store)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "FOLLOWUP_"))}
    env["HOME"] = str(tmp_path)
    interview(google_fake)
    return config, env, store


def followup(config: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "daemon", *args, "--config", str(config), "--now", NOW],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_run_once_leaves_one_gmail_draft_per_interviewer(google_fake, setup):
    config, env, _store = setup
    result = followup(config, env, "run", "--once")
    assert result.returncode == 0, result.stderr
    drafts = {d.email["To"].addresses[0].addr_spec: d.email for d in google_fake.drafts()}
    assert sorted(drafts) == ["jose@acme.example", "priya@acme.example"]
    jose = drafts["jose@acme.example"]
    assert str(jose["To"]) == "José Müller <jose@acme.example>"
    assert str(jose["Subject"]) == "Thank you – Staff Engineer at Acme"
    assert jose.get_content().startswith("Hi José,\n")
    assert "the billing rewrite" in jose.get_content()
    status = json.loads(followup(config, env, "status", "--json").stdout)
    links = {row["recipient_email"]: row["draft"] for row in status}
    draft_of = {d.email["To"].addresses[0].addr_spec: d for d in google_fake.drafts()}
    assert links["priya@acme.example"] == (
        "https://mail.google.com/mail/u/me@example.com/#drafts?compose="
        + draft_of["priya@acme.example"].id
    )
    assert {row["deadline"] for row in status} == {"2026-11-27T16:30:00+01:00"}


def test_sent_and_deleted_drafts_are_recognised_and_never_recreated(google_fake, setup):
    config, env, _store = setup
    followup(config, env, "run", "--once")
    by_to = {d.email["To"].addresses[0].addr_spec: d.draft_id for d in google_fake.drafts()}
    google_fake.user_sends_draft(by_to["priya@acme.example"])
    google_fake.user_deletes_draft(by_to["jose@acme.example"])
    again = followup(config, env, "run", "--once")
    assert "0 new drafts, 2 updated" in again.stdout, again.stderr
    followup(config, env, "run", "--once")
    assert google_fake.drafts() == []
    status = json.loads(followup(config, env, "status", "--json").stdout)
    assert {r["recipient_email"]: r["state"] for r in status} == {
        "priya@acme.example": "sent",
        "jose@acme.example": "deleted",
    }


def test_a_revoked_sign_in_says_so_and_resumes_after_a_new_one(google_fake, setup):
    config, env, store = setup
    google_fake.revoke(json.loads(store.path.read_text())["refresh_token"])
    google_fake.expire_access_tokens()
    result = followup(config, env, "run", "--once")
    assert result.returncode == 78
    assert "Google sign-in needed: run `followup auth`" in result.stderr
    assert "Traceback" not in result.stderr
    status = followup(config, env, "status")
    assert "! Google sign-in needed: run `followup auth`" in status.stdout
    store.save(google_fake.credentials(scopes=list(SCOPES)))
    resumed = followup(config, env, "run", "--once")
    assert resumed.returncode == 0 and "2 new drafts" in resumed.stdout
    assert "sign-in" not in followup(config, env, "status").stdout


def test_a_blocked_session_stops_calling_google_until_a_new_token_is_written(google_fake, tmp_path):
    from datetime import UTC, datetime

    store = signed_in(google_fake, tmp_path)
    calendar = GoogleCalendar("g", session_for(google_fake, store))
    window = (datetime(2026, 11, 25, tzinfo=UTC), datetime(2026, 11, 27, tzinfo=UTC))
    google_fake.revoke(json.loads(store.path.read_text())["refresh_token"])
    google_fake.expire_access_tokens()
    with pytest.raises(SignInRequiredError):
        calendar.events(*window)
    google_fake.clear_requests()
    for _ in range(3):
        with pytest.raises(SignInRequiredError):
            calendar.events(*window)
    assert google_fake.requests() == []
    TokenStore(store.path).save(google_fake.credentials(scopes=list(SCOPES)))
    assert calendar.events(*window) == []


def test_no_token_reaches_the_log_even_in_debug(google_fake, setup):
    config, env, store = setup
    google_fake.expire_access_tokens()  # forces a refresh, whose answer carries new tokens
    result = followup(config, env, "-v", "run", "--once")
    status = followup(config, env, "-v", "status")
    assert result.returncode == 0, result.stderr
    saved = json.loads(store.path.read_text())
    logs = result.stdout + result.stderr + status.stdout + status.stderr
    assert "DEBUG" in logs and google_fake.requests("oauth2.token")
    # The fake's tokens have Google's shapes: access tokens ya29.…, refresh tokens 1//….
    for secret in (saved["refresh_token"], saved["client_secret"], saved["token"], "ya29.", "1//"):
        assert secret not in logs


def test_a_missing_sign_in_is_reported_even_with_nothing_to_ask_gmail(google_fake, setup, tmp_path):
    config, env, store = setup
    (tmp_path / "none.ics").write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    text = config.read_text().replace('kind = "google"\n', 'kind = "ics"\npath = "none.ics"\n', 1)
    config.write_text(text)
    store.path.unlink()
    result = followup(config, env, "run", "--once")
    assert result.returncode == 78
    assert "! Google sign-in needed" in followup(config, env, "status").stdout


def test_reminders_reach_the_gmail_account_even_when_you_wrote_another_address(google_fake, setup):
    config, env, _store = setup
    config.write_text(
        config.read_text().replace(
            'email = "me@example.com"', 'email = "alex@example.org"\naliases = ["me@example.com"]'
        )
    )
    followup(config, env, "run", "--once")
    late = "2026-11-27T12:00:00+00:00"  # 3.5 h before the deadline: the 6 h stage is due
    result = subprocess.run(
        [sys.executable, "-m", "daemon", "run", "--once", "--config", str(config), "--now", late],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    [reminder] = [
        m for m in google_fake.messages("SENT") if "Thank-you notes" in str(m.email["Subject"])
    ]
    assert str(reminder.email["To"]) == "Alex Rivera <me@example.com>"
    assert "José Müller <jose@acme.example>" in reminder.email.get_content()
    assert google_fake.messages("INBOX")  # delivered to the account itself


def test_a_debrief_rewrites_the_untouched_gmail_draft_and_leaves_the_edited_one(
    google_fake, setup, tmp_path
):
    config, env, _store = setup
    followup(config, env, "run", "--once")
    before = {d.email["To"].addresses[0].addr_spec: d for d in google_fake.drafts()}
    mine = "Hi Priya,\n\nMy own words about the billing rewrite.\n\nAlex Rivera\n"
    google_fake.user_edits_draft(before["priya@acme.example"].draft_id, body=mine)
    listed = followup(config, env, "why").stdout
    [ref] = re.findall(r"^(\w{8})  .*Acme <> Alex", listed, re.MULTILINE)
    debrief = tmp_path / "debrief.txt"
    debrief.write_text(
        "[Priya Raman]\nTopics: ledgers\n\n[José Müller]\nTopics: the rate limiter\n"
    )
    done = followup(config, env, "debrief", ref, "--from", str(debrief))
    assert "1 rewritten with new notes" in done.stdout, done.stderr
    after = {d.email["To"].addresses[0].addr_spec: d for d in google_fake.drafts()}
    jose = after["jose@acme.example"]
    assert jose.draft_id == before["jose@acme.example"].draft_id  # drafts.update, not a new one
    assert "the rate limiter" in jose.email.get_content()
    assert jose.email["Message-ID"] == before["jose@acme.example"].email["Message-ID"]
    assert after["priya@acme.example"].email.get_content() == mine
    rows = {
        r["recipient_email"]: r
        for r in json.loads(followup(config, env, "status", "--json").stdout)
    }
    priya = rows["priya@acme.example"]
    assert any("were not applied, because you edited it" in p for p in priya["problems"])
    assert priya["problems_checked"] == "outdated"  # gmail.metadata: the text cannot be read
    assert not any("not applied" in p for p in rows["jose@acme.example"]["problems"])


def test_with_read_drafts_gmail_drafts_are_proofread_as_the_user_left_them(google_fake, setup):
    config, env, _store = setup
    signed_in(google_fake, config.parent, scopes_for(read_drafts=True))
    config.write_text(config.read_text() + "read_drafts = true\n", encoding="utf-8")
    followup(config, env, "run", "--once")
    draft = next(d for d in google_fake.drafts() if "priya" in str(d.email["To"]))
    text = draft.email.get_content().replace("Best regards", "Best regrads")
    google_fake.user_edits_draft(draft.draft_id, body=text)
    followup(config, env, "run", "--once")
    rows = {
        r["recipient_email"]: r
        for r in json.loads(followup(config, env, "status", "--json").stdout)
    }
    priya = rows["priya@acme.example"]
    assert priya["problems_checked"] == "current"
    assert any(p.startswith("spelling: 'regrads'") for p in priya["problems"]), priya
