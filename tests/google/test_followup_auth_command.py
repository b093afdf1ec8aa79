"""`followup auth` as a user runs it on a headless machine, against the loopback Google."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import threading

import pytest

from connectors.google_auth import scopes_for

pytestmark = pytest.mark.system
SCOPES = scopes_for(read_drafts=False)


@pytest.fixture
def config(google_fake, tmp_path):
    secrets = tmp_path / "client_secret.json"
    secrets.write_text(json.dumps(google_fake.client_config()), encoding="utf-8")
    path = tmp_path / "config.toml"
    path.write_text(
        '[you]\nname = "Alex Rivera"\nemail = "me@example.com"\n\n'
        '[[calendar]]\nkind = "google"\n\n[drafts]\nkind = "gmail"\n\n'
        '[state]\ndir = "state"\n\n'
        f'[google]\ngmail_endpoint = "{google_fake.gmail_endpoint}"\n'
        f'token_uri = "{google_fake.token_uri}"\n',
        encoding="utf-8",
    )
    return path


def start_auth(config, tmp_path, *extra: str) -> subprocess.Popen[str]:
    # Without PYTHONUNBUFFERED, as a user's shell runs it: the address must still show at once.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "FOLLOWUP_"))}
    env.pop("PYTHONUNBUFFERED", None)
    # The fake speaks plain http; real Google is https and needs no such switch.
    env |= {"HOME": str(tmp_path), "OAUTHLIB_INSECURE_TRANSPORT": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "daemon", "auth", "--config", str(config), "--no-browser", *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def first_url(process: subprocess.Popen[str]) -> tuple[str, list[str]]:
    seen: list[str] = []
    assert process.stdout is not None
    guard = threading.Timer(20, process.kill)  # an address that never shows must not hang
    guard.start()
    try:
        for line in process.stdout:
            seen.append(line)
            found = re.search(r"https?://\S+/o/oauth2/auth\S+", line)
            if found:
                return found.group(0), seen
    finally:
        guard.cancel()
    raise AssertionError("no sign-in address was printed:\n" + "".join(seen))


def headless_sign_in(google_fake, config, tmp_path) -> tuple[subprocess.Popen[str], str, str]:
    """`followup auth --no-browser` with the user consenting in a browser elsewhere: the
    finished process, the address it printed, and everything it wrote to stdout."""
    process = start_auth(config, tmp_path)
    url, before = first_url(process)
    visit = threading.Thread(target=google_fake.visit_authorization_url, args=(url,))
    visit.start()
    process.wait(timeout=30)
    visit.join()
    return process, url, "".join(before) + process.stdout.read()


def test_headless_sign_in_prints_the_address_and_a_tunnel_and_saves_a_private_token(
    google_fake, config, tmp_path
):
    (tmp_path / "state").mkdir(mode=0o755)  # made by something else, open to others
    process, url, text = headless_sign_in(google_fake, config, tmp_path)
    err = process.stderr.read()
    assert process.returncode == 0, err
    port = re.search(r"redirect_uri=http%3A%2F%2F(?:localhost|127\.0\.0\.1)%3A(\d+)", url).group(1)
    assert f"ssh -N -L {port}:127.0.0.1:{port}" in text
    assert "Signed in as me@example.com." in text
    token = tmp_path / "state" / "google-token.json"
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    assert stat.S_IMODE(token.parent.stat().st_mode) == 0o700
    saved = json.loads(token.read_text())
    assert saved["refresh_token"] and sorted(saved["scopes"]) == sorted(SCOPES)
    assert saved["refresh_token"] not in text + err


def test_with_read_drafts_the_sign_in_asks_to_read_drafts_and_says_so(
    google_fake, config, tmp_path
):
    with config.open("a", encoding="utf-8") as toml:
        toml.write("read_drafts = true\n")
    process, _url, text = headless_sign_in(google_fake, config, tmp_path)
    assert process.returncode == 0, process.stderr.read()
    [consent] = google_fake.requests("oauth2.auth")
    assert consent.query["scope"][0].split() == list(scopes_for(read_drafts=True))
    assert "read your drafts as you edit them" in text
    assert "message metadata" not in text
    saved = json.loads((tmp_path / "state" / "google-token.json").read_text())
    assert sorted(saved["scopes"]) == sorted(scopes_for(read_drafts=True))


def test_a_sign_in_without_the_calendar_permission_is_refused(google_fake, config, tmp_path):
    google_fake.consent(scopes=[s for s in SCOPES if "calendar" not in s])
    process = start_auth(config, tmp_path)
    url, _before = first_url(process)
    threading.Thread(target=google_fake.visit_authorization_url, args=(url,)).start()
    process.wait(timeout=30)
    err = process.stderr.read()
    assert process.returncode == 1
    assert "read your calendar events" in err and "Traceback" not in err
    assert not (tmp_path / "state" / "google-token.json").exists()


def test_a_missing_client_file_says_how_to_get_one(config, tmp_path):
    (tmp_path / "client_secret.json").unlink()
    process = start_auth(config, tmp_path)
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 1
    assert "client_secret.json" in err and "Traceback" not in err
