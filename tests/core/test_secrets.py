"""Secrets are masked in every encoding an echoed request can carry, and never reach the ledger."""

from __future__ import annotations

import base64
import json
import sqlite3
import tomllib
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

import pytest

from daemon.commands import show_status
from daemon.config import parse_settings
from daemon.core.model import DraftKey, DraftRecord, DraftStatus
from daemon.core.secrets import MASK, redact
from daemon.ledger import Ledger
from daemon.wiring import build_runtime

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
ACCESS = "ya29.a0AfH6SMBcanaryAccess_7Qx"
REFRESH = "1//0gLnCanaryRefresh-Tok_9"
CLIENT_SECRET = "GOCSPX-CanaryClientSecret42"
CODE = "4/0AfJohXnCanaryAuthorisationCode12"
FORM = (
    f"grant_type=refresh_token&client_secret={CLIENT_SECRET}"
    f"&refresh_token={urllib.parse.quote(REFRESH, safe='')}"
)
BASIC = base64.b64encode(b"client-id:plain-canary-secret").decode()
# The random part of each secret: what must not survive, whatever its encoding.
CORES = [
    "a0AfH6SMBcanaryAccess_7Qx",
    "0gLnCanaryRefresh-Tok_9",
    "CanaryClientSecret42",
    "0AfJohXnCanaryAuthorisationCode12",
    "plain-canary",
    BASIC,
]


def quoted(text: str) -> str:
    return urllib.parse.quote(text, safe="")


@pytest.mark.parametrize(
    "text",
    [
        FORM,
        quoted(FORM),
        quoted(quoted(FORM)),
        json.dumps({"refresh_token": REFRESH, "access_token": ACCESS}),
        json.dumps(json.dumps({"client_secret": CLIENT_SECRET, "token": ACCESS})),
        json.dumps({"refresh_token": REFRESH}).replace("/", "\\/"),
        f"Authorization: Bearer {ACCESS}",
        "Authorization: Basic " + BASIC,
        repr({"authorization": f"Bearer {ACCESS}", "refresh_token": REFRESH}),
        repr(FORM.encode()),
        f"GET /?state=s&code={CODE}&scope=x HTTP/1.1",
        f"GET /?state=s&code={quoted(CODE)}&scope=x HTTP/1.1",
        '{"client_secret": "plain-canary-1", "password": "plain-canary-2"}',
        "refreshToken: plain-canary-3 clientSecret=plain-canary-4",
        "token=plain-canary-5; access_token%3Dplain-canary-6%26x%3D1",
        "https://alex:plain-canary-7@calendar.example/basic.ics",
        f"unnamed: {ACCESS} {REFRESH} {CLIENT_SECRET} {CODE}",
        f"unnamed and encoded: {quoted(REFRESH)} {quoted(CODE)}",
    ],
)
def test_secrets_are_masked_in_every_encoding(text):
    masked = redact(text)
    assert MASK in masked
    assert not [core for core in CORES if core in masked], masked
    assert redact(masked) == masked  # masking twice changes nothing more


@pytest.mark.parametrize(
    "line",
    [
        "drafted a thank-you to priya@acme.example for 'Acme <> Alex – Technical Screen'",
        'Google answered 404 ({"code": 404, "message": "Not Found"})',
        "cannot refresh the Google sign-in: invalid_grant: Token has been expired or revoked.",
        "pageToken=abc123 nextPageToken: def456 status code: 500",
        "http://127.0.0.1:8080/calendar/v3/ answered 503",
        "the token file /home/alex/.local/state/interview-followup/google-token.json",
    ],
)
def test_ordinary_lines_are_untouched(line):
    assert redact(line) == line


ECHOED = f"Google answered 400 (badRequest: echoed {FORM} with Bearer {ACCESS})"
KEY = DraftKey("cal", "uid-1", "single", "priya@acme.example")


def _record(last_error: str) -> DraftRecord:
    return DraftRecord(
        KEY,
        DraftStatus.CREATING,
        "Interview",
        "Acme",
        "Engineer",
        "Priya",
        "priya@acme.example",
        NOW,
        NOW,
        "<id@example.com>",
        "Thank you",
        last_error=last_error,
    )


def test_the_ledger_keeps_no_secret_an_error_carries(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "state" / "ledger.sqlite3")
    ledger.begin(_record(ECHOED), NOW)
    ledger.note_error(KEY, ECHOED, NOW)
    ledger.set_alert("mailbox", f"the mailbox could not be used: {ECHOED}", NOW)
    ledger.set_status(KEY, DraftStatus.FAILED, NOW, ECHOED)
    kept = ledger.records()[KEY].last_error
    assert kept.startswith("Google answered 400 (badRequest: echoed grant_type=refresh_token")
    assert MASK in kept and MASK in ledger.alerts()["mailbox"]
    ledger.close()
    stored = b"".join(path.read_bytes() for path in (tmp_path / "state").iterdir())
    assert not [core for core in CORES if core.encode() in stored]


@pytest.mark.parametrize("as_json", [False, True])
def test_status_masks_what_an_older_ledger_kept_unmasked(tmp_path, capsys, as_json):
    config = (
        '[you]\nname = "Alex Rivera"\nemail = "alex@example.com"\n\n'
        '[[calendar]]\nkind = "ics"\npath = "calendar.ics"\n\n'
        '[drafts]\nkind = "maildir"\npath = "Drafts"\n\n[state]\ndir = "state"\n'
    )
    settings = parse_settings(tomllib.loads(config), source="test", base=tmp_path)
    runtime = build_runtime(settings, calendars=False)
    runtime.ledger.begin(_record(""), NOW)
    runtime.ledger.close()
    # As a version that did not mask errors on their way in left them.
    with sqlite3.connect(runtime.ledger.path) as db:
        db.execute("UPDATE drafts SET last_error = ?", (ECHOED,))
        db.execute("INSERT INTO alerts VALUES ('mailbox', ?, ?)", (ECHOED, NOW.isoformat()))
    runtime = build_runtime(settings, calendars=False)
    show_status(runtime, NOW, as_json=as_json)
    runtime.close()
    shown = capsys.readouterr().out
    assert "badRequest" in shown and MASK in shown
    assert not [core for core in CORES if core in shown]
