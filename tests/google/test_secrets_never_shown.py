"""No secret reaches a log, `status` or the ledger, even when Google's error answers echo them.

Canaries are planted in every field an error can carry: the token file and the
client secret it holds (in Google's shapes), and error answers from the loopback
Google that echo the failing request in every encoding a server might use.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from google_fake import GoogleFake, isolated_network
from google_support import google_config, signed_in

NOW = "2026-11-26T16:00:00+00:00"
LATER = "2026-11-29T16:00:00+00:00"  # the interview is out of reach: its drafts fail
CLIENT_SECRET = "GOCSPX-CanaryClientSecret5150"
PLAIN_CANARIES = ["plain-canary-password", "plain-canary-access", "plain-canary-code"]
pytestmark = pytest.mark.system


@pytest.fixture
def google_fake() -> Iterator[GoogleFake]:
    """The loopback Google, with a client secret in Google's own shape."""
    with isolated_network(), GoogleFake(client_secret=CLIENT_SECRET) as fake:
        yield fake
    assert not fake.problems, "GoogleFake problems:\n" + "\n".join(fake.problems)


def echo(token: dict[str, str]) -> str:
    """An error message that echoes the request, its secrets in every encoding."""
    secret, refresh, access = token["client_secret"], token["refresh_token"], token["token"]
    form = (
        f"grant_type=refresh_token&client_id={token['client_id']}&client_secret={secret}"
        f"&refresh_token={urllib.parse.quote(refresh, safe='')}"
    )
    basic = base64.b64encode(f"{token['client_id']}:{secret}".encode()).decode()
    return " | ".join(
        [
            f"the request was {form}",
            f"as sent {urllib.parse.quote(form, safe='')}",
            json.dumps({"refresh_token": refresh, "access_token": access}),
            json.dumps(json.dumps({"client_secret": secret})),
            repr({"Authorization": f"Bearer {access}", "body": form.encode()}),
            f"Authorization: Basic {basic}",
            f"http://127.0.0.1:8080/?state=x&code=4/0AcanaryAuthCode{access[-8:]}&scope=y",
            f'password="{PLAIN_CANARIES[0]}" access_token={PLAIN_CANARIES[1]}',
            f"code={PLAIN_CANARIES[2]} unnamed {refresh} {access} {secret}",
        ]
    )


def canaries(token: dict[str, str]) -> list[str]:
    """Every secret, and the random part of each: what no encoding may let through."""
    found = [token["client_secret"], token["refresh_token"], token["token"], *PLAIN_CANARIES]
    found += [token["client_secret"].removeprefix("GOCSPX-")]
    found += [token["refresh_token"].removeprefix("1//"), token["token"].removeprefix("ya29.")]
    found += [urllib.parse.quote(token["refresh_token"], safe=""), "canaryAuthCode"]
    basic = f"{token['client_id']}:{token['client_secret']}".encode()
    return [*found, base64.b64encode(basic).decode()]


def interview(fake: GoogleFake) -> None:
    fake.add_event(
        "primary",
        {
            "summary": "Acme <> Alex – Technical Screen",
            "description": "Role: Staff Engineer",
            "start": {"dateTime": "2026-11-26T14:00:00Z"},
            "end": {"dateTime": "2026-11-26T15:00:00Z"},
            "organizer": {"email": "no-reply@acme.example"},
            "attendees": [
                {"email": "me@example.com", "self": True, "responseStatus": "accepted"},
                {"email": "priya@acme.example", "displayName": "Priya Raman"},
            ],
        },
    )


@pytest.fixture
def setup(google_fake: GoogleFake, tmp_path: Path) -> tuple[Path, dict[str, str], Path]:
    store = signed_in(google_fake, tmp_path)
    config = google_config(google_fake, tmp_path, store)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "FOLLOWUP_"))}
    env["HOME"] = str(tmp_path)
    interview(google_fake)
    return config, env, store.path


def followup(config: Path, env: dict[str, str], *args: str, now: str = NOW) -> str:
    """Run `followup -v …` (every log line, DEBUG included); all it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "daemon", "-v", *args, "--config", str(config), "--now", now],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    return done.stdout + done.stderr


def test_no_secret_reaches_a_log_the_status_or_the_ledger(google_fake, setup):
    config, env, token_file = setup
    token = json.loads(token_file.read_text())
    message = echo(token)
    shown = []
    google_fake.fail("gmail.users.drafts.create", 400, message=message, times=None)
    shown.append(followup(config, env, "run", "--once"))  # the draft's error is kept
    google_fake.clear_faults()
    google_fake.fail("calendar.events.list", 400, message=message, times=None)
    shown.append(followup(config, env, "run", "--once"))  # the calendar's alert
    google_fake.clear_faults()
    google_fake.expire_access_tokens()
    google_fake.fail("oauth2.token", 400, reason="invalid_request", message=message, times=None)
    shown.append(followup(config, env, "run", "--once"))  # a refresh refused, echoing
    google_fake.clear_faults()
    shown.append(followup(config, env, "run", "--once", now=LATER))  # the draft fails
    shown.append(status := followup(config, env, "status"))
    shown.append(listed := followup(config, env, "status", "--json"))
    stored = [p.read_bytes() for p in token_file.parent.iterdir() if p != token_file]
    # The errors were kept and shown, masked.
    assert "DEBUG" in shown[0] and "badRequest" in status and "[redacted]" in status
    assert "[redacted]" in listed and b"[redacted]" in b"".join(stored)
    for canary in canaries(token):
        assert not [text for text in shown if canary in text], canary
        assert not [data for data in stored if canary.encode() in data], canary
