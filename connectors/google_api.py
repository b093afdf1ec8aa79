"""Authorised, patient access to Google's REST APIs, shared by the Calendar and Gmail connectors.

`GoogleSession` builds the API clients from the stored token (static discovery,
overridable endpoints), puts a timeout on every HTTP call, retries reads with
jittered exponential backoff on 429, 5xx, rate-limit 403s and network errors,
never retries a write, and turns every failure into one line a user can act
on. A revoked or expired sign-in blocks all further calls, without touching
the network, until a new token file is written. It also says whether draft
bodies may be read: `[google] read_drafts` is on and the token's scopes let
Gmail show them; a token that does not match the setting is used as it is,
and the log says once how to change it.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httplib2
import requests
from google.auth.exceptions import RefreshError, TransportError
from google.auth.transport.requests import AuthorizedSession
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from connectors.google_auth import (
    SIGN_IN_NEEDED,
    TokenStore,
    held_scopes,
    is_invalid_grant,
    load_credentials,
    reads_bodies,
)
from daemon.core.protocols import ConnectorError, SignInRequiredError

log = logging.getLogger(__name__)

READ_ATTEMPTS = 4
_RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
# Timeouts, refused and dropped connections, failed name lookups: all OSErrors.
_NETWORK_ERRORS = OSError
_MISSING_PERMISSION = "a permission the daemon needs was not granted"


@dataclass(frozen=True)
class Endpoints:
    """Where Google's APIs are; None means Google itself (tests and proxies override)."""

    gmail: str | None = None
    calendar: str | None = None
    token_uri: str | None = None


class GoogleSession:
    """Credentials and API clients for one signed-in account."""

    def __init__(
        self,
        store: TokenStore,
        endpoints: Endpoints = Endpoints(),
        *,
        timeout: float = 30.0,
        sleep: Callable[[float], object] = time.sleep,
        jitter: Callable[[], float] = random.random,
        read_drafts: bool = False,
    ) -> None:
        self._store = store
        self._endpoints = endpoints
        self._timeout = timeout
        self._sleep = sleep
        self._jitter = jitter
        self._read_drafts = read_drafts
        self._services: dict[str, Any] = {}
        self._loaded_stamp: object = None
        self._blocked_stamp: object = None
        self._noted_stamp: object = None

    def gmail(self) -> Any:
        """The Gmail v1 client."""
        return self._service("gmail", "v1", self._endpoints.gmail)

    def calendar(self) -> Any:
        """The Calendar v3 client."""
        return self._service("calendar", "v3", self._endpoints.calendar)

    def check_ready(self) -> None:
        """Raise `SignInRequiredError` unless a usable sign-in is stored; no network call."""
        self._check_not_blocked()
        self._credentials()

    def granted_scopes(self) -> frozenset[str]:
        """The scopes of the stored sign-in; no network call."""
        return held_scopes(self._credentials())

    def may_read_drafts(self) -> bool:
        """Whether draft bodies may be read: `[google] read_drafts` asks for it and the
        stored sign-in lets Gmail show them; no network call."""
        return self._read_drafts and reads_bodies(self.granted_scopes())

    def read(self, request: Any, *, missing_ok: bool = False, attempts: int | None = None) -> Any:
        """Execute an idempotent request, waiting out rate limits and outages.

        Returns None for a 404/410 when `missing_ok`; raises ConnectorError
        otherwise. `attempts` lowers the number of tries (e.g. 1 for `status`).
        """
        tries = attempts or READ_ATTEMPTS
        for attempt in range(tries):
            try:
                return _json(self._execute(request))
            except HttpError as error:
                if missing_ok and error.resp.status in (404, 410):
                    return None
                self._check_permissions(error)
                if not _is_transient(error) or attempt == tries - 1:
                    raise ConnectorError(describe_http_error(error)) from None
                reason = f"HTTP {error.resp.status}"
            except _NETWORK_ERRORS as error:
                if attempt == tries - 1:
                    raise ConnectorError(f"cannot reach Google: {_describe(error)}") from None
                reason = _describe(error)
            self._backoff(attempt, reason)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def write(self, request: Any) -> Any:
        """Execute a non-idempotent request exactly once: never retried here."""
        try:
            return _json(self._execute(request))
        except HttpError as error:
            self._check_permissions(error)
            raise ConnectorError(describe_http_error(error)) from None
        except _NETWORK_ERRORS as error:
            raise ConnectorError(
                f"no answer from Google ({_describe(error)}); the next cycle checks "
                "whether it was done before trying again"
            ) from None

    def _execute(self, request: Any) -> Any:
        self._check_not_blocked()
        try:
            return request.execute(num_retries=0)
        except RefreshError as error:
            if is_invalid_grant(error) or "invalid_client" in str(error.args[:1]):
                self._block("the Google sign-in was revoked, has expired, or its client is gone")
            raise ConnectorError(f"cannot refresh the Google sign-in: {error.args[0]}") from None
        except TransportError as error:
            raise ConnectionError(str(error)) from None

    def _check_permissions(self, error: HttpError) -> None:
        if error.resp.status == 403 and _error_details(error)[0] == "insufficientPermissions":
            self._block(_MISSING_PERMISSION)

    def _service(self, name: str, version: str, endpoint: str | None) -> Any:
        self._check_not_blocked()
        stamp = self._store.stamp()
        if stamp != self._loaded_stamp:
            self._services.clear()
            self._loaded_stamp = stamp
        if name not in self._services:
            self._services[name] = self._build(name, version, endpoint)
        return self._services[name]

    def _build(self, name: str, version: str, endpoint: str | None) -> Any:
        credentials = self._credentials()
        http = OnceOnlyHttp(AuthorizedSession(credentials), self._timeout)  # type: ignore[no-untyped-call]
        options = {"api_endpoint": endpoint} if endpoint else None
        return build(
            name,
            version,
            http=http,
            static_discovery=True,
            cache_discovery=False,
            client_options=options,
        )

    def _credentials(self) -> Credentials:
        """The stored credentials (see `load_credentials`), noting once per token file
        when its scopes do not match `[google] read_drafts`."""
        stamp = self._store.stamp()
        credentials = load_credentials(
            self._store, token_uri=self._endpoints.token_uri, read_drafts=self._read_drafts
        )
        if stamp != self._noted_stamp:
            self._noted_stamp = stamp
            _note_scope_mismatch(held_scopes(credentials), self._read_drafts)
        return credentials

    def _check_not_blocked(self) -> None:
        if self._blocked_stamp is None:
            return
        if self._store.stamp() == self._blocked_stamp:
            raise SignInRequiredError(SIGN_IN_NEEDED)
        log.info("a new Google token was written; resuming")
        self._blocked_stamp = None

    def _block(self, why: str) -> None:
        """Stop calling Google until a new token file is written."""
        self._blocked_stamp = self._store.stamp()
        self._services.clear()
        log.error("%s; %s", why, SIGN_IN_NEEDED)
        raise SignInRequiredError(f"{SIGN_IN_NEEDED} ({why})")

    def _backoff(self, attempt: int, reason: str) -> None:
        delay = self._jitter() * min(32.0, 2.0 ** (attempt + 1))
        log.warning("Google: %s; trying again in %.1f s", reason, delay)
        if self._sleep(delay) is True:  # the daemon is shutting down: stop trying
            raise ConnectorError(f"Google: {reason}; not trying again while stopping")


class OnceOnlyHttp:
    """The httplib2-shaped `http` the API client calls, carried by google-auth's session.

    httplib2 re-sends a request once, POSTs included, when a kept-alive
    connection drops before the answer, whatever its RETRIES says: after a
    lost `drafts.create` answer that is a second draft. This transport sends
    each request once, with a timeout; retrying is `GoogleSession.read`'s job.
    """

    def __init__(self, session: AuthorizedSession, timeout: float) -> None:
        self._session = session
        self._timeout = timeout

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        **_ignored: object,
    ) -> tuple[httplib2.Response, bytes]:
        """Send once; answer as httplib2 would: (response with .status, body bytes)."""
        try:
            answer = self._session.request(  # type: ignore[no-untyped-call]
                method, uri, data=body, headers=headers, timeout=self._timeout
            )
        except requests.Timeout as error:
            raise TimeoutError(str(error)) from None
        except requests.RequestException as error:
            raise ConnectionError(str(error)) from None
        # requests has already decoded the body, so its encoding headers no longer apply.
        info = {k.lower(): v for k, v in answer.headers.items()}
        info = {k: v for k, v in info.items() if k not in ("content-encoding", "content-length")}
        response = httplib2.Response(info | {"status": str(answer.status_code)})
        response.reason = answer.reason
        return response, answer.content

    def close(self) -> None:
        """Release pooled connections."""
        self._session.close()  # type: ignore[no-untyped-call]


def _note_scope_mismatch(granted: frozenset[str], read_drafts: bool) -> None:
    """Say how to make the sign-in match `[google] read_drafts`, when it does not."""
    if read_drafts and not reads_bodies(granted):
        log.info(
            "[google] read_drafts is on, but the Google sign-in does not let the daemon "
            "read your drafts, so they are proofread as written: run `followup auth` "
            "again to allow it"
        )
    elif not read_drafts and reads_bodies(granted):
        log.info(
            "the Google sign-in lets the daemon read your mail, which it does not do "
            "with [google] read_drafts off: run `followup auth` again to narrow it"
        )


def describe_http_error(error: HttpError) -> str:
    """One line saying what Google refused and why, from its error JSON."""
    status = error.resp.status
    reason, message = _error_details(error)
    detail = f"{reason}: {message}" if reason else message
    return f"Google answered {status} ({detail})" if detail else f"Google answered {status}"


def _is_transient(error: HttpError) -> bool:
    status = error.resp.status
    if status == 429 or status >= 500:
        return True
    return status == 403 and _error_details(error)[0] in _RATE_LIMIT_REASONS


def _error_details(error: HttpError) -> tuple[str, str]:
    try:
        body = json.loads(error.content)["error"]
    except (ValueError, KeyError, TypeError):
        return "", ""
    reasons = [e.get("reason", "") for e in body.get("errors", []) if isinstance(e, dict)]
    return (reasons[0] if reasons else body.get("status", "")), str(body.get("message", ""))


def _json(answer: Any) -> Any:
    # A captive portal or proxy can answer 200 with a web page instead of Google's JSON.
    if not isinstance(answer, dict | str) or (isinstance(answer, str) and answer):
        raise ConnectorError("Google's answer was not JSON (a captive portal or a proxy?)")
    return answer


_CAUSES = (
    ("NameResolution", "no DNS answer for Google (offline?)"),
    ("Name or service not known", "no DNS answer for Google (offline?)"),
    ("Connection refused", "the connection was refused"),
    ("timed out", "no answer in time"),
    ("Timeout", "no answer in time"),
    ("SSL", "the secure connection failed (a proxy or captive portal?)"),
    ("RemoteDisconnected", "the connection was dropped"),
    ("Connection aborted", "the connection was dropped"),
)


def _describe(error: BaseException) -> str:
    """A short human reason for a network failure; the details go to the debug log."""
    text = f"{type(error).__name__}: {error}"
    log.debug("network failure: %s", text)
    return next((reason for marker, reason in _CAUSES if marker in text), text[:160])
