"""The Google sign-in the daemon keeps: scopes, the token file, credentials ready to use.

`scopes_for(read_drafts)` are the three narrowest that work: `gmail.compose`,
`calendar.events.readonly` and, to tell sent drafts from deleted ones,
`gmail.metadata`, or `gmail.readonly` when `[google] read_drafts` lets the
daemon read the drafts as the user edits them. (Gmail refuses every body to a
token holding `gmail.metadata`, even beside broader scopes, so the two are
never asked for together.) `TokenStore` keeps the token as JSON (never
pickle), written atomically, 0600 in a 0700 directory whatever the umask. The
daemon calls `load_credentials`, which returns credentials ready for the API
clients or raises `SignInRequiredError`; `reads_bodies` says whether a token's
scopes let Gmail show message bodies; `is_invalid_grant` recognises a refresh
that failed because the grant was revoked or has expired. Getting a token in
the first place is `connectors.google_signin`'s job.

Tokens and refresh tokens are never logged or shown.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from google.auth.exceptions import RefreshError
from google.oauth2.credentials import Credentials

from daemon.core.protocols import ConnectorError, SignInRequiredError
from daemon.files import ensure_private_dir, write_atomically

log = logging.getLogger(__name__)

GMAIL_COMPOSE = "https://www.googleapis.com/auth/gmail.compose"
GMAIL_METADATA = "https://www.googleapis.com/auth/gmail.metadata"
GMAIL_READONLY = "https://www.googleapis.com/auth/gmail.readonly"
GMAIL_MODIFY = "https://www.googleapis.com/auth/gmail.modify"
GMAIL_FULL = "https://mail.google.com/"
CALENDAR_EVENTS_READONLY = "https://www.googleapis.com/auth/calendar.events.readonly"

# Gmail scopes that show labels and headers (what tells a sent draft from a deleted
# one), and those among them that also show bodies (never asked for: modify, full).
_SEES_LABELS = frozenset({GMAIL_METADATA, GMAIL_READONLY, GMAIL_MODIFY, GMAIL_FULL})
_SEES_BODIES = frozenset({GMAIL_READONLY, GMAIL_MODIFY, GMAIL_FULL})

_PURPOSES = {
    CALENDAR_EVENTS_READONLY: "read your calendar events",
    GMAIL_COMPOSE: "create drafts and send reminders to yourself",
    GMAIL_METADATA: "see which drafts were sent (message metadata, not bodies)",
    GMAIL_READONLY: "read your drafts as you edit them, to proofread them (and which were sent)",
}

SIGN_IN_NEEDED = "Google sign-in needed: run `followup auth`"

# --------------------------------------------------------------------------- token file


@dataclass(frozen=True)
class TokenStamp:
    """What changes when a token file is rewritten: compare two with `==`.

    Every save renames a new file into place, so the inode changes even when
    two saves fall in the same tick of the file system's clock.
    """

    inode: int
    mtime_ns: int
    size: int


class TokenStore:
    """The token file: one JSON document as `Credentials.to_json()` writes it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path).expanduser()

    def save(self, credentials: Credentials) -> None:
        """Write the credentials atomically: 0600 file, 0700 directory, any umask."""
        data = credentials.to_json().encode("utf-8")  # type: ignore[no-untyped-call]
        try:
            _private_token_dir(self.path.parent)
            temporary = self.path.with_name(f".{self.path.name}.{secrets.token_hex(6)}.tmp")
            write_atomically(temporary, self.path, data)
        except OSError as error:
            raise ConnectorError(
                f"cannot save the Google sign-in to {self.path}: {error.strerror or error}"
            ) from None
        log.info("saved the Google sign-in to %s", self.path)

    def load(self, *, token_uri: str | None = None) -> Credentials | None:
        """The stored credentials, or None when there is no token file.

        google-auth always points loaded credentials at Google's token URI;
        `token_uri` (tests, proxies) replaces it. A file that cannot be read
        or is not a saved sign-in raises `SignInRequiredError`.
        """
        info = self._read()
        if info is None:
            return None
        try:
            credentials: Credentials = Credentials.from_authorized_user_info(  # type: ignore[no-untyped-call]
                info
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            raise self._unusable("it is not a saved Google sign-in") from None
        return credentials.with_token_uri(token_uri) if token_uri else credentials

    def stamp(self) -> TokenStamp | None:
        """What changes whenever the file is written: inode, mtime, size; None when missing."""
        try:
            status = self.path.stat()
        except OSError:
            return None
        return TokenStamp(status.st_ino, status.st_mtime_ns, status.st_size)

    def _read(self) -> dict[str, Any] | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or "it is not text"
            raise self._unusable(f"cannot read it: {reason}") from None
        try:
            info = json.loads(text)
        except ValueError:
            raise self._unusable("it is not JSON") from None
        if not isinstance(info, dict):
            raise self._unusable("it is not a saved Google sign-in")
        self._keep_private()
        return info

    def _keep_private(self) -> None:
        with contextlib.suppress(OSError):
            if self.path.stat().st_mode & 0o077:
                self.path.chmod(0o600)
                log.warning("%s was readable by others; made it private (0600)", self.path)

    def _unusable(self, why: str) -> SignInRequiredError:
        return SignInRequiredError(
            f"{SIGN_IN_NEEDED} (the sign-in saved in {self.path} cannot be used: {why})"
        )


def _private_token_dir(directory: Path) -> None:
    """Create `directory` (and missing parents) 0700; warn about an existing open one.

    An existing directory is not changed: it may be the user's Documents.
    """
    if ensure_private_dir(directory, tighten=False).stat().st_mode & 0o077:
        log.warning("%s is open to others; keep the token in a private directory", directory)


# --------------------------------------------------------------------------- the daemon's side


def scopes_for(read_drafts: bool) -> tuple[str, ...]:
    """Everything the daemon asks Google for, and nothing broader.

    With `read_drafts`, `gmail.readonly` takes the place of `gmail.metadata`:
    it also shows labels, and Gmail would refuse bodies beside `gmail.metadata`.
    """
    gmail = GMAIL_READONLY if read_drafts else GMAIL_METADATA
    return (GMAIL_COMPOSE, gmail, CALENDAR_EVENTS_READONLY)


def load_credentials(
    store: TokenStore, *, token_uri: str | None = None, read_drafts: bool = False
) -> Credentials:
    """The stored credentials, ready for the API clients (refreshed on first use).

    Raises `SignInRequiredError` when there is no token file, it cannot be
    read, it has no refresh token, or it lacks what the daemon cannot run
    without: `gmail.compose`, `calendar.events.readonly`, and `gmail.metadata`
    or `gmail.readonly`, whichever `read_drafts` says. A token with the other
    of the two is used as it is: the daemon runs with what it allows.
    """
    credentials = store.load(token_uri=token_uri)
    if credentials is None:
        raise SignInRequiredError(SIGN_IN_NEEDED)
    if not credentials.refresh_token:
        raise SignInRequiredError(f"{SIGN_IN_NEEDED} (the saved sign-in has no refresh token)")
    missing = missing_for_daemon(held_scopes(credentials), read_drafts=read_drafts)
    if missing:
        raise SignInRequiredError(
            f"{SIGN_IN_NEEDED} (the saved sign-in does not allow the daemon to "
            f"{describe_scopes(missing)})"
        )
    return credentials


def held_scopes(credentials: Credentials) -> frozenset[str]:
    """The scopes the credentials hold: those Google said it granted, else those saved.

    A saved token only keeps the scopes asked for (`followup auth` refuses a
    grant that lacks any of them), and a refresh asks for exactly those, so its
    access tokens carry them.
    """
    granted = credentials.granted_scopes
    if granted is None:
        return frozenset(credentials.scopes or ())
    return frozenset(granted)


def reads_bodies(granted: Iterable[str]) -> bool:
    """Whether Gmail shows message bodies to a token with these scopes: one of
    `gmail.readonly`, `gmail.modify` or full access, and never `gmail.metadata`
    (googleapis/google-api-python-client#582: its presence forbids bodies and search)."""
    have = set(granted)
    return bool(have & _SEES_BODIES) and GMAIL_METADATA not in have


def is_invalid_grant(error: BaseException) -> bool:
    """Whether `error` is (or was caused by) a refresh refused with `invalid_grant`:
    the refresh token was revoked or has expired, and only `followup auth` helps."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, RefreshError) and _names_invalid_grant(current.args):
            return True
        current = current.__cause__ or current.__context__
    return False


def _names_invalid_grant(args: tuple[Any, ...]) -> bool:
    for arg in args:
        if isinstance(arg, Mapping) and arg.get("error") == "invalid_grant":
            return True
        if isinstance(arg, str) and arg.startswith("invalid_grant"):
            return True
    return False


def missing_scopes(granted: Iterable[str] | str | None, wanted: Iterable[str]) -> list[str]:
    """The scopes of `wanted` not in `granted` (a list or a space-separated string)."""
    have = set(granted.split() if isinstance(granted, str) else granted or ())
    return [scope for scope in wanted if scope not in have]


def missing_for_daemon(granted: Iterable[str], *, read_drafts: bool) -> list[str]:
    """What the daemon cannot run without and `granted` lacks: compose, calendar, and a
    scope that shows labels (named as `scopes_for(read_drafts)` asks for it)."""
    have = set(granted)
    missing = [scope for scope in scopes_for(read_drafts) if scope not in have]
    if have & _SEES_LABELS:  # metadata instead of readonly, or the other way round
        missing = [scope for scope in missing if scope not in _SEES_LABELS]
    return missing


def describe_scopes(scopes: Iterable[str]) -> str:
    """What the scopes let the daemon do, in plain words: "read your calendar events"."""
    return "; ".join(_PURPOSES.get(scope, scope) for scope in scopes)
