"""Google sign-in (`followup auth`) and the token file, end to end against the loopback fake.

The test plays the user: it reads what `sign_in` says, opens the consent
address on the fake (which plays Google's consent page) and either lets the
browser follow the redirect to the loopback listener or pastes the address
the browser ended on.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import socket
import stat
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import google.auth.transport.requests
import pytest
from google.auth.exceptions import RefreshError
from google_fake import GoogleFake, isolated_network

from connectors.google_auth import (
    CALENDAR_EVENTS_READONLY,
    GMAIL_COMPOSE,
    GMAIL_FULL,
    GMAIL_METADATA,
    GMAIL_MODIFY,
    GMAIL_READONLY,
    TokenStore,
    is_invalid_grant,
    load_credentials,
    reads_bodies,
    scopes_for,
)
from connectors.google_signin import SignInResult, sign_in
from daemon.core.protocols import ConnectorError, SignInRequiredError

GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
SCOPES = scopes_for(read_drafts=False)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[GoogleFake]:
    """The fake Google for me@example.com; nothing beyond loopback is reachable.
    The fake speaks plain http, which oauthlib refuses unless told otherwise."""
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    with isolated_network(), GoogleFake() as google:
        yield google
    assert not google.problems, "GoogleFake problems:\n" + "\n".join(google.problems)


@pytest.fixture
def client_file(fake: GoogleFake, tmp_path: Path) -> Path:
    """The Desktop app client JSON, as downloaded from Google Cloud (pointing at the fake)."""
    path = tmp_path / "client_secret.json"
    path.write_text(json.dumps(fake.client_config()), encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path: Path) -> TokenStore:
    return TokenStore(tmp_path / "state" / "google-token.json")


class User:
    """At the terminal: keeps what sign_in says, and acts once the consent address shows."""

    def __init__(self, fake: GoogleFake, on_url: Callable[[User, str], None] | None = None):
        self.fake = fake
        self.on_url = on_url
        self.said: list[str] = []
        self.url = ""
        self._threads: list[threading.Thread] = []

    def say(self, line: str) -> None:
        self.said.append(line)
        if line.strip().startswith(self.fake.auth_uri):
            self.url = line.strip()
            if self.on_url is not None:
                self.on_url(self, self.url)

    @property
    def text(self) -> str:
        return "\n".join(self.said)

    @property
    def state(self) -> str:
        return urllib.parse.parse_qs(urllib.parse.urlsplit(self.url).query)["state"][0]

    @property
    def redirect_uri(self) -> str:
        return urllib.parse.parse_qs(urllib.parse.urlsplit(self.url).query)["redirect_uri"][0]

    def in_background(self, action: Callable[[], object]) -> None:
        """Do `action` as the browser would, while sign_in waits."""
        thread = threading.Thread(target=action, daemon=True)
        thread.start()
        self._threads.append(thread)

    def finish(self) -> None:
        for thread in self._threads:
            thread.join(5)
            assert not thread.is_alive()


def browser_follows_redirect(user: User, url: str) -> None:
    user.in_background(lambda: user.fake.visit_authorization_url(url))


def consent_redirect(url: str) -> str:
    """Open the consent page and return where it redirects, without following it
    (the loopback listener never hears of it): what a user would copy and paste."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
    try:
        connection.request("GET", f"{parts.path}?{parts.query}")
        response = connection.getresponse()
        response.read()
        location = response.getheader("Location")
    finally:
        connection.close()
    assert location, "the consent page did not redirect"
    return location


def with_query(url: str, **changes: str) -> str:
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query)) | changes
    return parts._replace(query=urllib.parse.urlencode(query)).geturl()


def run(
    fake: GoogleFake, client_file: Path, store: TokenStore, user: User, **options: Any
) -> SignInResult:
    options.setdefault("open_browser", False)
    options.setdefault("timeout", 10)
    try:
        return sign_in(
            client_file, store, gmail_endpoint=fake.gmail_endpoint, say=user.say, **options
        )
    finally:
        user.finish()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --------------------------------------------------------------------------- the full flow


def test_headless_sign_in_through_the_loopback_redirect_saves_a_private_token(
    fake: GoogleFake, client_file: Path, store: TokenStore
) -> None:
    user = User(fake, browser_follows_redirect)

    result = run(fake, client_file, store, user)

    assert result == SignInResult("me@example.com", SCOPES)
    saved = json.loads(store.path.read_text(encoding="utf-8"))
    assert fake.granted_scopes(saved["refresh_token"]) == list(SCOPES)
    assert saved["scopes"] == list(SCOPES)
    assert mode(store.path) == 0o600
    assert mode(store.path.parent) == 0o700
    assert [p.name for p in store.path.parent.iterdir()] == [store.path.name]


def test_the_consent_request_asks_for_offline_access_the_narrow_scopes_and_consent(
    fake: GoogleFake, client_file: Path, store: TokenStore
) -> None:
    run(fake, client_file, store, User(fake, browser_follows_redirect))

    (consent,) = fake.requests("oauth2.auth")
    query = {name: values[0] for name, values in consent.query.items()}
    assert query["scope"].split() == list(SCOPES)
    assert query["access_type"] == "offline"
    assert query["prompt"] == "consent"
    assert query["code_challenge_method"] == "S256"
    redirect = urllib.parse.urlsplit(query["redirect_uri"])
    assert (redirect.scheme, redirect.hostname, redirect.path) == ("http", "localhost", "/")


def test_a_stray_request_to_the_listener_does_not_end_the_wait(
    fake: GoogleFake, client_file: Path, store: TokenStore
) -> None:
    def favicon_then_consent(user: User, url: str) -> None:
        port = urllib.parse.urlsplit(user.redirect_uri).port

        def browse() -> None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/favicon.ico")
            assert connection.getresponse().status == 404
            connection.close()
            fake.visit_authorization_url(url)

        user.in_background(browse)

    result = run(fake, client_file, store, User(fake, favicon_then_consent))

    assert result.email == "me@example.com"


def test_the_listener_is_closed_and_no_thread_is_left_behind(
    fake: GoogleFake, client_file: Path, store: TokenStore
) -> None:
    threads_before = set(threading.enumerate())
    user = User(fake, browser_follows_redirect)

    run(fake, client_file, store, user)

    left = set(threading.enumerate()) - threads_before
    assert [t.name for t in left if not t.name.startswith("google-fake")] == []
    port = urllib.parse.urlsplit(user.redirect_uri).port
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port)):
        pass


def test_with_a_browser_it_opens_the_consent_page(
    fake: GoogleFake, client_file: Path, store: TokenStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = User(fake)

    def open_browser(url: str, new: int = 0, autoraise: bool = True) -> bool:
        browser_follows_redirect(user, url)
        return True

    monkeypatch.setattr("webbrowser.open", open_browser)

    result = run(fake, client_file, store, user, open_browser=True)

    assert result.email == "me@example.com"
    assert "Your browser should now show Google's consent page" in user.text
    assert "ssh -N -L" not in user.text


def test_when_no_browser_opens_it_gives_the_headless_instructions(
    fake: GoogleFake, client_file: Path, store: TokenStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("webbrowser.open", lambda *args, **kwargs: False)
    user = User(fake, browser_follows_redirect)

    run(fake, client_file, store, user, open_browser=True)

    assert "ssh -N -L" in user.text


def test_the_token_uri_override_replaces_the_client_files(
    fake: GoogleFake, tmp_path: Path, store: TokenStore
) -> None:
    config = fake.client_config()
    config["installed"]["token_uri"] = GOOGLE_TOKEN_URI  # unreachable here
    client_file = tmp_path / "client.json"
    client_file.write_text(json.dumps(config), encoding="utf-8")

    run(fake, client_file, store, User(fake, browser_follows_redirect), token_uri=fake.token_uri)

    assert json.loads(store.path.read_text(encoding="utf-8"))["token_uri"] == fake.token_uri


def test_plain_http_google_addresses_are_refused_outside_tests(
    fake: GoogleFake, client_file: Path, store: TokenStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OAUTHLIB_INSECURE_TRANSPORT")

    with pytest.raises(ConnectorError, match=r"insecure_transport.*must be https://"):
        run(fake, client_file, store, User(fake))


# --------------------------------------------------------------------------- headless details


def test_the_ssh_recipe_names_the_port_that_was_picked(
    fake: GoogleFake, client_file: Path, store: TokenStore
) -> None:
    user = User(fake)

    with pytest.raises(ConnectorError, match="no answer from Google's consent page in time"):
        run(fake, client_file, store, user, port=0, timeout=0.2)

    port = urllib.parse.urlsplit(user.redirect_uri).port
    assert port
    assert f"ssh -N -L {port}:127.0.0.1:{port} " in user.text
    assert f"http://localhost:{port}/?state=" in user.text
    assert not store.path.exists()


def test_a_chosen_port_is_used_for_the_redirect_and_the_recipe(
    fake: GoogleFake, client_file: Path, store: TokenStore
) -> None:
    port = free_port()
    user = User(fake, browser_follows_redirect)

    run(fake, client_file, store, user, port=port)

    assert user.redirect_uri == f"http://localhost:{port}/"
    assert f"ssh -N -L {port}:127.0.0.1:{port} " in user.text


def test_a_port_in_use_is_reported(fake: GoogleFake, client_file: Path, store: TokenStore) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ConnectorError, match=f"port {port} is already in use.*--port"):
            run(fake, client_file, store, User(fake), port=port)


def test_the_address_the_browser_ended_on_can_be_pasted(
    fake: GoogleFake, client_file: Path, store: TokenStore
) -> None:
    read_end, write_end = os.pipe()

    def paste(user: User, url: str) -> None:
        os.write(write_end, b"not an address\n" + consent_redirect(url).encode() + b"\n")

    try:
        with os.fdopen(read_end, encoding="utf-8") as terminal:
            user = User(fake, paste)
            result = run(fake, client_file, store, user, pasted_lines=terminal)
    finally:
        os.close(write_end)

    assert result == SignInResult("me@example.com", SCOPES)
    assert "That is not the address the browser ended on" in user.text
    assert json.loads(store.path.read_text(encoding="utf-8"))["refresh_token"]


def test_pasted_lines_may_come_from_any_iterable(
    fake: GoogleFake, client_file: Path, store: TokenStore
) -> None:
    user = User(fake)

    def lines() -> Iterator[str]:
        yield ""
        yield f"  <{consent_redirect(user.url)}>  "

    result = run(fake, client_file, store, user, pasted_lines=lines())

    assert result.email == "me@example.com"


def test_the_redirect_still_counts_after_the_pasted_input_ends(
    fake: GoogleFake, client_file: Path, store: TokenStore
) -> None:
    read_end, write_end = os.pipe()
    os.close(write_end)  # stdin at end of file, as under a service manager
    with os.fdopen(read_end, encoding="utf-8") as terminal:
        user = User(fake, browser_follows_redirect)
        result = run(fake, client_file, store, user, pasted_lines=terminal)

    assert result.email == "me@example.com"


def test_the_redirect_wins_while_the_terminal_stays_silent(
    fake: GoogleFake, client_file: Path, store: TokenStore
) -> None:
    read_end, write_end = os.pipe()
    writers, lock = [write_end], threading.Lock()

    def close_writer() -> None:
        with lock:
            while writers:
                os.close(writers.pop())

    # Should sign_in block reading the terminal, end the input so the test ends.
    unblock = threading.Timer(5, close_writer)
    unblock.start()
    started = time.monotonic()
    try:
        with os.fdopen(read_end, encoding="utf-8") as terminal:
            user = User(fake, browser_follows_redirect)
            result = run(fake, client_file, store, user, pasted_lines=terminal)
    finally:
        unblock.cancel()
        close_writer()
    elapsed = time.monotonic() - started

    assert result.email == "me@example.com"
    assert elapsed < 4


def test_a_pasted_address_with_another_state_is_refused(
    fake: GoogleFake, client_file: Path, store: TokenStore
) -> None:
    user = User(fake)

    def lines() -> Iterator[str]:
        yield with_query(consent_redirect(user.url), state="forged-state")

    with pytest.raises(ConnectorError, match=r"refused.*state differs"):
        run(fake, client_file, store, user, pasted_lines=lines())

    assert fake.requests("oauth2.token") == []
    assert not store.path.exists()


def test_a_redirect_with_another_state_is_refused(
    fake: GoogleFake, client_file: Path, store: TokenStore
) -> None:
    def forged_redirect(user: User, url: str) -> None:
        location = with_query(consent_redirect(url), state="forged-state")
        parts = urllib.parse.urlsplit(location)

        def deliver() -> None:
            connection = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=5)
            connection.request("GET", f"/?{parts.query}")
            connection.getresponse().read()
            connection.close()

        user.in_background(deliver)

    with pytest.raises(ConnectorError, match=r"refused.*state differs"):
        run(fake, client_file, store, User(fake, forged_redirect))

    assert fake.requests("oauth2.token") == []


def test_a_pasted_address_without_a_code_is_refused(
    fake: GoogleFake, client_file: Path, store: TokenStore
) -> None:
    user = User(fake)

    def lines() -> Iterator[str]:
        yield f"http://localhost/?state={user.state}"

    with pytest.raises(ConnectorError, match="no code="):
        run(fake, client_file, store, user, pasted_lines=lines())


def test_denying_access_in_the_browser_cancels(
    fake: GoogleFake, client_file: Path, store: TokenStore
) -> None:
    fake.consent(deny=True)

    with pytest.raises(ConnectorError, match="sign-in was cancelled"):
        run(fake, client_file, store, User(fake, browser_follows_redirect))

    assert not store.path.exists()


def test_a_pasted_access_denied_answer_cancels(
    fake: GoogleFake, client_file: Path, store: TokenStore
) -> None:
    fake.consent(deny=True)
    user = User(fake)

    def lines() -> Iterator[str]:
        location = consent_redirect(user.url)
        assert "error=access_denied" in location
        yield location

    with pytest.raises(ConnectorError, match="sign-in was cancelled"):
        run(fake, client_file, store, user, pasted_lines=lines())


# --------------------------------------------------------------------------- scopes


@pytest.mark.parametrize(
    ("allowed", "missing_words"),
    [
        ([GMAIL_COMPOSE, GMAIL_METADATA], ["read your calendar events"]),
        (
            [CALENDAR_EVENTS_READONLY],
            [
                "create drafts and send reminders to yourself",
                "see which drafts were sent (message metadata, not bodies)",
            ],
        ),
    ],
)
def test_an_unticked_permission_is_named_and_nothing_is_saved(
    fake: GoogleFake,
    client_file: Path,
    store: TokenStore,
    allowed: list[str],
    missing_words: list[str],
) -> None:
    fake.consent(scopes=allowed)

    with pytest.raises(ConnectorError) as refused:
        run(fake, client_file, store, User(fake, browser_follows_redirect))

    message = str(refused.value)
    for words in missing_words:
        assert words in message
    assert "followup auth" in message
    assert not store.path.parent.exists()
    assert fake.requests("gmail.*") == []


def test_scopes_are_exactly_the_narrow_three() -> None:
    assert SCOPES == (
        "https://www.googleapis.com/auth/gmail.compose",
        "https://www.googleapis.com/auth/gmail.metadata",
        "https://www.googleapis.com/auth/calendar.events.readonly",
    )


def test_reading_drafts_takes_readonly_instead_of_metadata() -> None:
    # Never both: Gmail refuses every body to a token that holds gmail.metadata.
    assert scopes_for(read_drafts=True) == (
        "https://www.googleapis.com/auth/gmail.compose",
        "https://www.googleapis.com/auth/gmail.readonly",
        "https://www.googleapis.com/auth/calendar.events.readonly",
    )


def test_with_read_drafts_the_consent_asks_for_readonly_and_not_metadata(
    fake: GoogleFake, client_file: Path, store: TokenStore
) -> None:
    result = run(fake, client_file, store, User(fake, browser_follows_redirect), read_drafts=True)

    (consent,) = fake.requests("oauth2.auth")
    asked = consent.query["scope"][0].split()
    assert asked == list(scopes_for(read_drafts=True))
    assert GMAIL_METADATA not in asked
    assert result == SignInResult("me@example.com", scopes_for(read_drafts=True))
    saved = json.loads(store.path.read_text(encoding="utf-8"))
    assert saved["scopes"] == list(scopes_for(read_drafts=True))


def test_with_read_drafts_an_unticked_readonly_is_refused_and_nothing_is_saved(
    fake: GoogleFake, client_file: Path, store: TokenStore
) -> None:
    fake.consent(scopes=[GMAIL_COMPOSE, CALENDAR_EVENTS_READONLY])

    with pytest.raises(ConnectorError) as refused:
        run(fake, client_file, store, User(fake, browser_follows_redirect), read_drafts=True)

    message = str(refused.value)
    assert "read your drafts as you edit them" in message
    assert "leave every permission ticked" in message
    assert not store.path.parent.exists()


@pytest.mark.parametrize(
    ("granted", "read_drafts"),
    [
        ((GMAIL_COMPOSE, GMAIL_METADATA, CALENDAR_EVENTS_READONLY), True),
        ((GMAIL_COMPOSE, GMAIL_READONLY, CALENDAR_EVENTS_READONLY), False),
    ],
    ids=["read_drafts-with-a-metadata-token", "no-read_drafts-with-a-readonly-token"],
)
def test_a_token_from_the_other_setting_is_still_used(
    fake: GoogleFake, store: TokenStore, granted: tuple[str, ...], read_drafts: bool
) -> None:
    store.save(fake.credentials(scopes=list(granted)))

    credentials = load_credentials(store, token_uri=fake.token_uri, read_drafts=read_drafts)

    assert set(credentials.scopes) == set(granted)


@pytest.mark.parametrize(
    ("read_drafts", "named"),
    [(False, "see which drafts were sent"), (True, "read your drafts as you edit them")],
)
def test_a_token_that_cannot_see_labels_names_the_scope_the_setting_asks_for(
    fake: GoogleFake, store: TokenStore, read_drafts: bool, named: str
) -> None:
    store.save(fake.credentials(scopes=[GMAIL_COMPOSE, CALENDAR_EVENTS_READONLY]))

    with pytest.raises(SignInRequiredError, match=named):
        load_credentials(store, token_uri=fake.token_uri, read_drafts=read_drafts)


@pytest.mark.parametrize(
    ("granted", "expected"),
    [
        ({GMAIL_COMPOSE, GMAIL_READONLY}, True),
        ({GMAIL_COMPOSE, GMAIL_MODIFY}, True),
        ({GMAIL_FULL}, True),
        ({GMAIL_COMPOSE, GMAIL_METADATA}, False),
        ({GMAIL_COMPOSE, GMAIL_READONLY, GMAIL_METADATA}, False),  # metadata forbids bodies
        ({GMAIL_COMPOSE}, False),
    ],
)
def test_bodies_are_readable_only_without_the_metadata_scope(
    granted: set[str], expected: bool
) -> None:
    assert reads_bodies(granted) is expected


# --------------------------------------------------------------------------- the client file


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (json.dumps({"web": {"client_id": "x", "client_secret": "y"}}), "Web application client"),
        ("this is not json", "is not JSON"),
        ("[1, 2]", "not an OAuth client file"),
        (json.dumps({"installed": {"client_id": "x"}}), "not the OAuth client file of a Desktop"),
    ],
)
def test_a_wrong_client_file_says_what_to_download(
    fake: GoogleFake, tmp_path: Path, store: TokenStore, content: str, expected: str
) -> None:
    client_file = tmp_path / "client.json"
    client_file.write_text(content, encoding="utf-8")

    with pytest.raises(ConnectorError, match=expected) as refused:
        run(fake, client_file, store, User(fake))

    assert "Desktop app" in str(refused.value)
    assert fake.requests() == []


def test_a_missing_client_file_says_what_to_download(
    fake: GoogleFake, tmp_path: Path, store: TokenStore
) -> None:
    with pytest.raises(ConnectorError, match=r"does not exist; .*Desktop app"):
        run(fake, tmp_path / "nowhere.json", store, User(fake))


# --------------------------------------------------------------------------- the token file


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o277])
def test_the_token_file_is_private_whatever_the_umask(
    fake: GoogleFake, tmp_path: Path, umask: int
) -> None:
    store = TokenStore(tmp_path / "state" / "deeper" / "token.json")
    previous = os.umask(umask)
    try:
        store.save(fake.credentials(scopes=list(SCOPES)))
        store.save(fake.credentials(scopes=list(SCOPES)))  # replacing keeps it private
    finally:
        os.umask(previous)

    assert mode(store.path) == 0o600
    assert mode(tmp_path / "state") == 0o700
    assert mode(tmp_path / "state" / "deeper") == 0o700
    assert [p.name for p in store.path.parent.iterdir()] == ["token.json"]


def test_an_existing_open_directory_is_left_alone_with_a_warning(
    fake: GoogleFake, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # It may be ~/Documents; the daemon makes its own state directory private itself.
    directory = tmp_path / "Documents"
    directory.mkdir()
    directory.chmod(0o755)
    store = TokenStore(directory / "token.json")

    store.save(fake.credentials(scopes=list(SCOPES)))

    assert mode(directory) == 0o755
    assert mode(store.path) == 0o600
    assert "open to others" in caplog.text


def test_the_token_file_is_json_and_loads_back(fake: GoogleFake, store: TokenStore) -> None:
    credentials = fake.credentials(scopes=list(SCOPES))
    store.save(credentials)

    saved = json.loads(store.path.read_text(encoding="utf-8"))
    loaded = store.load(token_uri=fake.token_uri)

    assert saved["refresh_token"] == credentials.refresh_token
    assert loaded is not None
    assert loaded.refresh_token == credentials.refresh_token
    assert loaded.token == credentials.token
    assert loaded.token_uri == fake.token_uri
    assert list(loaded.scopes) == list(SCOPES)


def test_without_an_override_google_auth_uses_googles_token_uri(
    fake: GoogleFake, store: TokenStore
) -> None:
    store.save(fake.credentials(scopes=list(SCOPES)))

    loaded = store.load()

    assert loaded is not None
    assert loaded.token_uri == GOOGLE_TOKEN_URI


def test_a_new_token_file_is_noticed(fake: GoogleFake, store: TokenStore) -> None:
    assert store.stamp() is None
    store.save(fake.credentials(scopes=list(SCOPES)))
    first = store.stamp()

    assert first is not None
    assert store.stamp() == first
    store.save(fake.credentials(scopes=list(SCOPES)))
    assert store.stamp() not in (first, None)


def test_a_token_file_readable_by_others_is_made_private_on_load(
    fake: GoogleFake, store: TokenStore
) -> None:
    store.save(fake.credentials(scopes=list(SCOPES)))
    store.path.chmod(0o644)

    store.load()

    assert mode(store.path) == 0o600


# --------------------------------------------------------------------------- the daemon's side


def test_no_token_file_means_sign_in_is_needed(store: TokenStore) -> None:
    assert store.load() is None
    with pytest.raises(SignInRequiredError, match="run `followup auth`"):
        load_credentials(store)


@pytest.mark.parametrize(
    "content",
    [
        b"\x80\x81 not text",
        b"{ not json",
        b"[]",
        json.dumps({"token": "x", "client_id": "y"}).encode(),
        json.dumps(
            {"refresh_token": "r", "client_id": "c", "client_secret": "s", "expiry": 5}
        ).encode(),
    ],
)
def test_a_corrupt_token_file_means_sign_in_is_needed(store: TokenStore, content: bytes) -> None:
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(content)

    with pytest.raises(SignInRequiredError, match="run `followup auth`"):
        load_credentials(store)


def test_an_unreadable_token_file_means_sign_in_is_needed(store: TokenStore) -> None:
    store.path.mkdir(parents=True)  # a directory where the file should be

    with pytest.raises(SignInRequiredError, match=r"run `followup auth`.*cannot read it"):
        load_credentials(store)


def test_a_token_without_every_scope_means_sign_in_is_needed(
    fake: GoogleFake, store: TokenStore
) -> None:
    store.save(fake.credentials(scopes=[GMAIL_COMPOSE, GMAIL_METADATA]))

    with pytest.raises(SignInRequiredError, match="read your calendar events"):
        load_credentials(store, token_uri=fake.token_uri)


def test_loaded_credentials_refresh_and_reach_gmail(fake: GoogleFake, store: TokenStore) -> None:
    store.save(fake.credentials(scopes=list(SCOPES), expired=True))

    credentials = load_credentials(store, token_uri=fake.token_uri)
    profile = fake.gmail_service(credentials).users().getProfile(userId="me").execute()

    assert profile["emailAddress"] == "me@example.com"
    assert credentials.valid


def test_a_revoked_grant_is_recognised(fake: GoogleFake, store: TokenStore) -> None:
    credentials = fake.credentials(scopes=list(SCOPES), expired=True)
    store.save(credentials)
    fake.revoke(credentials.refresh_token)
    loaded = load_credentials(store, token_uri=fake.token_uri)

    with pytest.raises(RefreshError) as refused:
        loaded.refresh(google.auth.transport.requests.Request())

    assert is_invalid_grant(refused.value)
    wrapped = ConnectorError("cannot refresh")
    wrapped.__cause__ = refused.value
    assert is_invalid_grant(wrapped)


def test_other_refresh_failures_are_not_invalid_grant(fake: GoogleFake, store: TokenStore) -> None:
    store.save(fake.credentials(scopes=list(SCOPES), expired=True))
    loaded = load_credentials(store, token_uri=fake.token_uri)
    fake.fail("oauth2.token", 401)  # invalid_client

    with pytest.raises(RefreshError) as refused:
        loaded.refresh(google.auth.transport.requests.Request())

    assert not is_invalid_grant(refused.value)
    assert not is_invalid_grant(ValueError("invalid_grant"))


# --------------------------------------------------------------------------- secrets stay secret


def test_no_token_or_code_is_logged_or_shown(
    fake: GoogleFake,
    client_file: Path,
    store: TokenStore,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    user = User(fake, browser_follows_redirect)

    run(fake, client_file, store, user)

    saved = json.loads(store.path.read_text(encoding="utf-8"))
    (exchange,) = fake.requests("oauth2.token")
    secrets = [saved["token"], saved["refresh_token"], exchange.form["code"]]
    assert caplog.records, "nothing was logged: the check would prove nothing"
    logged = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records)
    shown = user.text + "".join(capsys.readouterr())
    for secret in secrets:
        assert secret not in logged
        assert secret not in shown
