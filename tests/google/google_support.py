"""Shared set-up for tests that drive the Google connectors against the loopback fake."""

from __future__ import annotations

from pathlib import Path

from google_fake import GoogleFake

from connectors.google_api import Endpoints, GoogleSession
from connectors.google_auth import TokenStore, scopes_for


def signed_in(
    fake: GoogleFake, tmp_path: Path, scopes: tuple[str, ...] = scopes_for(read_drafts=False)
) -> TokenStore:
    """A token file as `followup auth` leaves it, for the fake's account."""
    store = TokenStore(tmp_path / "state" / "google-token.json")
    store.save(fake.credentials(scopes=list(scopes)))
    return store


def session_for(fake: GoogleFake, store: TokenStore, **options: object) -> GoogleSession:
    """A session against the fake that never sleeps for real."""
    endpoints = Endpoints(fake.gmail_endpoint, fake.calendar_endpoint, fake.token_uri)
    options.setdefault("sleep", lambda _seconds: None)
    return GoogleSession(store, endpoints, **options)  # type: ignore[arg-type]


def google_config(fake: GoogleFake, folder: Path, store: TokenStore, extra: str = "") -> Path:
    """A configuration reading the fake's calendar into the fake's Gmail, state in `folder`;
    `extra` adds tables (e.g. `[deadline]`)."""
    config = folder / "config.toml"
    config.write_text(
        '[you]\nname = "Alex Rivera"\nemail = "me@example.com"\n\n'
        '[[calendar]]\nkind = "google"\n\n[drafts]\nkind = "gmail"\n\n'
        f'{extra}[state]\ndir = "state"\n\n'
        f'[google]\ntoken_file = "{store.path}"\n'
        f'gmail_endpoint = "{fake.gmail_endpoint}"\n'
        f'calendar_endpoint = "{fake.calendar_endpoint}"\n'
        f'token_uri = "{fake.token_uri}"\n',
        encoding="utf-8",
    )
    return config
