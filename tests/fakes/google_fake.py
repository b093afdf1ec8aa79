"""A fake of the Google endpoints the daemon talks to, served on loopback for tests.

`GoogleFake` runs a small HTTP server on 127.0.0.1 (a free port, a background
thread) that answers the *real* google-api-python-client, google-auth and
google-auth-oauthlib the way Google would, for the parts this project uses:

* OAuth 2.0: the token endpoint (``refresh_token`` and ``authorization_code``
  grants), a consent page (``auth_uri``) and token revocation.
* Gmail v1: ``users.getProfile``, ``users.drafts.{create,get,list,update,delete}``,
  ``users.messages.{get,list,send}``, ``users.threads.get``, ``users.history.list``.
* Calendar v3: ``events.{list,get}``, ``calendarList.get``, ``calendars.get``.

Requests are routed strictly by the discovery documents bundled with
google-api-python-client: a path the real client would never produce gets a
Google-style 404, and a discovery method the fake does not implement gets a
400 naming it (and is noted in ``fake.problems``).

Usage::

    with GoogleFake(account="me@example.com") as fake:
        creds = fake.credentials()
        gmail = build("gmail", "v1", credentials=creds, static_discovery=True,
                      client_options={"api_endpoint": fake.gmail_endpoint})
        fake.add_event("primary", {...})
        fake.fail("gmail.users.drafts.create", 503)      # next create answers 503
        ...
        assert fake.drafts()[0].email["Subject"] == "Thank you"

Tests arrange state with helpers (``add_event``, ``user_sends_draft``,
``receive_reply``, ...), inject faults per route (``fail``, ``delay``, ``drop``,
``lose_response``) and read the request log (``requests``).  Routes are named
by discovery method id (``"gmail.users.drafts.create"``, ``"calendar.events.list"``)
or ``"oauth2.token"`` / ``"oauth2.auth"`` / ``"oauth2.revoke"``; fault patterns
may use shell globs (``"gmail.*"``).

Media uploads (``media_body=...``) cannot reach the fake: the client builds
their URL from the discovery document's ``https`` root and only swaps the host,
so they arrive as a TLS handshake, which the fake records in ``problems``.
Send messages as ``body={"message": {"raw": ...}}`` instead.

The server needs only the standard library; ``credentials()`` and the
``*_service()`` conveniences import google-auth / googleapiclient lazily.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import fnmatch
import functools
import hashlib
import html
import http.client
import importlib.resources
import ipaddress
import itertools
import json
import os
import re
import secrets
import shlex
import socket
import threading
import time
import traceback
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import formatdate, getaddresses, make_msgid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

GMAIL_COMPOSE = "https://www.googleapis.com/auth/gmail.compose"
GMAIL_READONLY = "https://www.googleapis.com/auth/gmail.readonly"
GMAIL_METADATA = "https://www.googleapis.com/auth/gmail.metadata"
CALENDAR_READONLY = "https://www.googleapis.com/auth/calendar.readonly"
DEFAULT_SCOPES: tuple[str, ...] = (GMAIL_COMPOSE, GMAIL_READONLY, CALENDAR_READONLY)

ACCESS_TOKEN_LIFETIME = 3599
"""Seconds an access token lives, as Google reports it in ``expires_in``."""

_T = TypeVar("_T")
_Json = dict[str, Any]

# Query parameters every Google API accepts; they never change a result set,
# so page tokens stay valid when they differ between pages.
_STANDARD_PARAMS = frozenset(
    {"alt", "fields", "prettyPrint", "quotaUser", "key", "$.xgafv", "access_token", "callback"}
    | {"oauth_token", "uploadType", "upload_protocol", "pageToken", "maxResults"}
)

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
}

# (reason, domain, message) Google uses when nothing more specific applies.
_DEFAULT_ERRORS = {
    400: ("badRequest", "global", "Bad Request"),
    401: ("authError", "global", "Invalid Credentials"),
    403: ("forbidden", "global", "Forbidden"),
    404: ("notFound", "global", "Requested entity was not found."),
    409: ("conflict", "global", "Conflict"),
    410: ("deleted", "global", "Resource has been deleted"),
    429: ("rateLimitExceeded", "usageLimits", "Rate Limit Exceeded"),
    500: ("backendError", "global", "Backend Error"),
    503: ("backendError", "global", "The service is currently unavailable."),
}

# (domain, message) for reasons tests are likely to inject.
_REASONS = {
    "rateLimitExceeded": ("usageLimits", "Rate Limit Exceeded"),
    "userRateLimitExceeded": ("usageLimits", "User Rate Limit Exceeded"),
    "quotaExceeded": ("usageLimits", "Quota Exceeded"),
    "dailyLimitExceeded": ("usageLimits", "Daily Limit Exceeded"),
    "insufficientPermissions": ("global", "Request had insufficient authentication scopes."),
    "fullSyncRequired": ("calendar", "Sync token is no longer valid, a full sync is required."),
    "authError": ("global", "Invalid Credentials"),
    "notFound": ("global", "Requested entity was not found."),
    "backendError": ("global", "Backend Error"),
}

_UNAUTHENTICATED_MESSAGE = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, "
    "login cookie or other valid authentication credential. "
    "See https://developers.google.com/identity/sign-in/web/devconsole-project."
)

# The field of a history record that holds each kind of change.
_HISTORY_FIELDS = {
    "messageAdded": "messagesAdded",
    "messageDeleted": "messagesDeleted",
    "labelAdded": "labelsAdded",
    "labelRemoved": "labelsRemoved",
}
_LABEL_ALIASES = {
    "inbox": "INBOX",
    "sent": "SENT",
    "draft": "DRAFT",
    "drafts": "DRAFT",
    "spam": "SPAM",
    "trash": "TRASH",
    "starred": "STARRED",
    "important": "IMPORTANT",
    "unread": "UNREAD",
}


# --------------------------------------------------------------------------- errors


class _ApiError(Exception):
    """An error answer in Google's JSON error format."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        reason: str | None = None,
        domain: str | None = None,
        details: list[_Json] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        default_reason, default_domain, default_message = _DEFAULT_ERRORS.get(
            status, ("unknown", "global", http.client.responses.get(status, "Error"))
        )
        reason = reason or default_reason
        reason_domain, reason_message = _REASONS.get(reason, (default_domain, default_message))
        self.status = status
        self.message = message or reason_message
        self.reason = reason
        self.domain = domain or reason_domain
        if details is None and reason == "insufficientPermissions":
            # Google adds an ErrorInfo here; googleapiclient then reports these
            # `details` (not `errors`) as HttpError.error_details.
            details = [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                    "domain": "googleapis.com",
                }
            ]
        self.details = details
        self.headers = headers or {}
        super().__init__(f"{status} {self.reason}: {self.message}")

    def payload(self) -> _Json:
        error: _Json = {
            "code": self.status,
            "message": self.message,
            "errors": [{"message": self.message, "domain": self.domain, "reason": self.reason}],
        }
        if self.status in _STATUS_NAMES:
            error["status"] = _STATUS_NAMES[self.status]
        if self.status == 401:
            error["errors"][0] |= {"locationType": "header", "location": "Authorization"}
        if self.details:
            error["details"] = self.details
        return {"error": error}

    def reply(self) -> _Reply:
        return _Reply.json(self.payload(), self.status, self.headers)


class _OAuthError(Exception):
    """An error answer from the token endpoint: ``{"error", "error_description"}``."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.status = status
        self.error = error
        self.description = description

    def reply(self) -> _Reply:
        payload = {"error": self.error, "error_description": self.description}
        return _Reply.json(payload, self.status)


class NetworkBlockedError(RuntimeError):
    """Raised when code under test tries to reach a host other than loopback."""


# --------------------------------------------------------------------------- records


@dataclass
class RecordedRequest:
    """One request the fake received, as tests see it in ``fake.requests()``.

    ``status`` is the status the fake answered with, or None when it closed the
    connection instead; ``fault`` names the injected fault that applied, if any.
    With ``lose_response`` the operation ran (``status`` says how) but the
    answer never left the server.
    """

    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes
    headers: dict[str, str]
    route: str
    status: int | None = None
    fault: str | None = None

    @property
    def json(self) -> Any:
        """The body decoded as JSON (None when empty)."""
        return json.loads(self.body) if self.body else None

    @property
    def form(self) -> dict[str, str]:
        """The body decoded as an HTML form (token endpoint requests)."""
        return dict(urllib.parse.parse_qsl(self.body.decode("utf-8"), keep_blank_values=True))


@dataclass(frozen=True)
class MailView:
    """A stored Gmail message (or the message of a draft), as tests read it."""

    id: str
    thread_id: str
    label_ids: tuple[str, ...]
    raw: bytes
    draft_id: str | None = None

    @property
    def email(self) -> EmailMessage:
        """The RFC 5322 bytes parsed with the modern email policy."""
        return _parse_email(self.raw)

    @property
    def message_id(self) -> str:
        """The Message-ID header (with angle brackets), or "" when absent."""
        return str(self.email.get("Message-ID", ""))


@dataclass
class _Fault:
    pattern: str
    kind: str  # "status" | "delay" | "drop" | "lose_response" | "portal"
    remaining: int | None  # None: every matching request, forever
    status: int = 0
    reason: str | None = None
    message: str | None = None
    seconds: float = 0.0

    def describe(self) -> str:
        if self.kind == "status":
            return f"status {self.status}" + (f" {self.reason}" if self.reason else "")
        if self.kind == "delay":
            return f"delay {self.seconds}s"
        return self.kind


@dataclass
class _Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> _Reply:
        body = json.dumps(payload, indent=1).encode("utf-8")
        return cls(
            status, body, {"Content-Type": "application/json; charset=UTF-8"} | (headers or {})
        )


@dataclass(frozen=True)
class _Route:
    method_id: str
    http_method: str
    pattern: re.Pattern[str]
    params: tuple[str, ...]
    scopes: frozenset[str]
    literal_length: int


@dataclass
class _Call:
    """One request, decoded, as route handlers see it."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes
    headers: Message
    route: _Route | None = None
    params: dict[str, str] = field(default_factory=dict)

    @property
    def method_id(self) -> str:
        """The discovery method id, "oauth2.*", or "unknown"."""
        if self.route is not None:
            return self.route.method_id
        return _OAUTH_ROUTES.get((self.method, self.path), "unknown")

    @property
    def api_route(self) -> _Route:
        assert self.route is not None, "only API handlers use api_route"
        return self.route

    def form(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(self.body.decode("utf-8"), keep_blank_values=True))

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def args(self, name: str) -> list[str]:
        return self.query.get(name, [])

    def flag(self, name: str) -> bool:
        return (self.arg(name) or "").lower() == "true"

    def int_arg(self, name: str, default: int) -> int:
        value = self.arg(name)
        if value is None:
            return default
        try:
            return int(value)
        except ValueError:
            raise _ApiError(400, f"Invalid value for {name}: {value}", reason="invalid") from None

    def json(self) -> _Json:
        if not self.body:
            return {}
        try:
            payload = json.loads(self.body)
        except ValueError:
            raise _ApiError(400, "Invalid JSON payload received.", reason="parseError") from None
        if not isinstance(payload, dict):
            raise _ApiError(400, "Invalid JSON payload received.", reason="parseError")
        return payload


@dataclass
class _Grant:
    refresh_token: str
    scopes: list[str]
    revoked: bool = False


@dataclass
class _AccessToken:
    token: str
    grant: _Grant
    scopes: frozenset[str]
    expires_at: float
    valid: bool = True


@dataclass
class _AuthCode:
    code: str
    scopes: list[str]
    offline: bool = True
    redirect_uri: str | None = None
    challenge: str | None = None
    challenge_method: str | None = None
    used: bool = False


@dataclass
class _Mail:
    id: str
    thread_id: str
    labels: list[str]
    raw: bytes
    internal_date: int  # milliseconds since the epoch, as Gmail reports it
    seq: int  # creation order: Gmail lists newest first
    history_id: int = 0

    def email(self) -> EmailMessage:
        return _parse_email(self.raw)


@dataclass
class _Calendar:
    id: str
    summary: str
    time_zone: str
    events: dict[str, _Json] = field(default_factory=dict)


# --------------------------------------------------------------------------- discovery


def _discovery_document(name: str) -> _Json:
    documents = importlib.resources.files("googleapiclient") / "discovery_cache" / "documents"
    document: _Json = json.loads((documents / name).read_text(encoding="utf-8"))
    return document


def _iter_methods(resources: _Json) -> Iterator[_Json]:
    for resource in resources.values():
        yield from resource.get("methods", {}).values()
        yield from _iter_methods(resource.get("resources", {}))


def _compile_template(template: str) -> tuple[re.Pattern[str], tuple[str, ...], int]:
    """A discovery path template ("a/{x}/b/{+y}") as a regex capturing its parameters."""
    pieces = re.split(r"\{(\+?)([^}]+)\}", template)
    regex, names, literal_length = "", [], 0
    for index in range(0, len(pieces), 3):
        regex += re.escape(pieces[index])
        literal_length += len(pieces[index])
        if index + 2 < len(pieces):
            reserved, name = pieces[index + 1], pieces[index + 2]
            regex += "(.+)" if reserved else "([^/]+)"
            names.append(name)
    return re.compile(regex), tuple(names), literal_length


def _service_base_path(document: _Json) -> str:
    """The URL path the client puts before method paths: ``api_endpoint`` replaces
    rootUrl + servicePath, so it must end in this path."""
    return urllib.parse.urlsplit(document["rootUrl"] + document["servicePath"]).path


def _routes_of(document_name: str) -> list[_Route]:
    document = _discovery_document(document_name)
    base = _service_base_path(document)
    routes = []
    for method in _iter_methods(document["resources"]):
        scopes = frozenset(method.get("scopes", ()))
        pattern, names, length = _compile_template(base + method["path"])
        routes.append(_Route(method["id"], method["httpMethod"], pattern, names, scopes, length))
        # The upload paths exist in the discovery document too; listing them lets
        # the fake say "media upload" instead of a bare 404 if one ever arrives.
        upload = method.get("mediaUpload", {}).get("protocols", {}).get("simple")
        if upload:
            pattern, names, length = _compile_template(upload["path"])
            upload_id = method["id"] + ".mediaUpload"
            routes.append(_Route(upload_id, method["httpMethod"], pattern, names, scopes, length))
    return routes


@functools.cache
def _api_routes() -> tuple[_Route, ...]:
    routes = _routes_of("gmail.v1.json") + _routes_of("calendar.v3.json")
    # Literal segments win over parameters ("drafts/send" before "drafts/{id}").
    return tuple(sorted(routes, key=lambda route: -route.literal_length))


@functools.cache
def _base_paths() -> dict[str, str]:
    return {
        "gmail": _service_base_path(_discovery_document("gmail.v1.json")),
        "calendar": _service_base_path(_discovery_document("calendar.v3.json")),
    }


_OAUTH_ROUTES = {
    ("POST", "/token"): "oauth2.token",
    ("GET", "/o/oauth2/auth"): "oauth2.auth",
    ("POST", "/revoke"): "oauth2.revoke",
}


def _known_route_ids() -> set[str]:
    return {route.method_id for route in _api_routes()} | set(_OAUTH_ROUTES.values())


# --------------------------------------------------------------------------- helpers


def _parse_email(raw: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)  # guaranteed by policy.default
    return message


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def _decode_raw(value: object) -> bytes:
    """Gmail's ``raw``: base64url, padding optional (plain base64 is tolerated)."""
    if not isinstance(value, str) or not value:
        raise _ApiError(
            400,
            "'raw' RFC822 payload message string or uploading message via /upload/* URL required",
            reason="invalidArgument",
        )
    text = value.strip().replace("+", "-").replace("/", "_")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        raise _ApiError(400, "Invalid value for ByteString: raw", reason="invalid") from None


def _bare_message_id(value: str) -> str:
    return value.strip().strip("<>").strip()


def _with_header(raw: bytes, name: str, value: str) -> bytes:
    """The message with header `name` set to `value` (replacing any earlier one)."""
    message = _parse_email(raw)
    del message[name]
    message[name] = value
    return message.as_bytes()


def _ensure_message_id(raw: bytes, domain: str) -> bytes:
    """Gmail gives every stored message a Message-ID; add one when the client didn't."""
    headers = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
    if headers.get("Message-ID"):
        return raw
    newline = b"\r\n" if b"\r\n" in raw else b"\n"
    return f"Message-ID: {make_msgid(domain=domain)}".encode("ascii") + newline + raw


def _normalised_subject(subject: str) -> str:
    text = subject.strip()
    while True:
        stripped = re.sub(r"^(re|fwd?|aw|sv)\s*:\s*", "", text, flags=re.IGNORECASE)
        if stripped == text:
            return " ".join(text.split()).casefold()
        text = stripped


def _text_of(message: EmailMessage) -> str:
    """The human-readable body: text/plain, else text/html without tags."""
    try:
        body = message.get_body(preferencelist=("plain", "html"))
        if body is None:
            return ""
        content = body.get_content()
    except (KeyError, LookupError, ValueError):
        return ""
    if not isinstance(content, str):
        return ""
    if body.get_content_subtype() == "html":
        content = html.unescape(re.sub(r"<[^>]+>", " ", content))
    return content


def _snippet(message: EmailMessage) -> str:
    # Gmail's snippets are HTML-escaped and whitespace-collapsed.
    return html.escape(" ".join(_text_of(message).split())[:200])


def _headers_json(part: Message, wanted: set[str] | None) -> list[_Json]:
    return [
        {"name": name, "value": str(value)}
        for name, value in part.items()
        if wanted is None or name.lower() in wanted
    ]


def _part_json(part: Message, part_id: str) -> _Json:
    result: _Json = {
        "partId": part_id,
        "mimeType": part.get_content_type(),
        "filename": part.get_filename() or "",
        "headers": _headers_json(part, None),
    }
    if part.is_multipart():
        result["body"] = {"size": 0}
        children = part.get_payload()
        assert isinstance(children, list)
        result["parts"] = [
            _part_json(child, f"{part_id}.{index}" if part_id else str(index))
            for index, child in enumerate(children)
        ]
    else:
        data = part.get_payload(decode=True)
        data = data if isinstance(data, bytes) else b""
        result["body"] = {"size": len(data), "data": _b64url(data)} if data else {"size": 0}
    return result


def _addresses(message: EmailMessage, *names: str) -> list[str]:
    values = [str(value) for name in names for value in message.get_all(name, [])]
    return [address.lower() for _, address in getaddresses(values) if address]


def _parse_rfc3339(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        # Google insists on an explicit offset, e.g. 2011-06-03T10:00:00Z.
        raise _ApiError(
            400, f"Bad Request: {name} must be RFC3339 with an offset", reason="badRequest"
        )
    return moment


def _event_time(value: _Json, default_zone: str) -> datetime:
    if "dateTime" in value:
        moment = datetime.fromisoformat(value["dateTime"])
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo(value.get("timeZone") or default_zone))
        return moment
    day = date.fromisoformat(value["date"])
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(default_zone))


def _rfc3339_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _is_loopback(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    host = host.strip("[]").lower()
    if host in {"localhost", "ip6-localhost", "ip6-loopback"}:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


_PROXY_VARIABLES = (
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
)


@contextlib.contextmanager
def isolated_network() -> Iterator[None]:
    """Refuse name lookups and connections beyond loopback; ignore proxy settings.

    Proxy variables are removed because httplib2 and requests would otherwise
    send loopback requests to a proxy.  A refused connection raises
    `NetworkBlockedError`, which no retry loop in the Google libraries catches.
    """
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def check(address: object) -> None:
        if isinstance(address, tuple) and not _is_loopback(address[0]):
            raise NetworkBlockedError(f"test tried to reach {address[0]!r}; only loopback allowed")

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None:
            check((host,))
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self: socket.socket, address: Any) -> None:
        check(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(address)
        return real_connect_ex(self, address)

    saved = {name: os.environ.pop(name) for name in _PROXY_VARIABLES if name in os.environ}
    socket.getaddrinfo = getaddrinfo
    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    try:
        yield
    finally:
        socket.getaddrinfo = real_getaddrinfo
        socket.socket.connect = real_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = real_connect_ex  # type: ignore[method-assign]
        os.environ.update(saved)


# --------------------------------------------------------------------------- Gmail search


_Predicate = Callable[[_Mail, EmailMessage], bool]


def _compile_query(query: str) -> Callable[[_Mail], bool]:
    """A small subset of Gmail's search language. Unsupported operators are a 400
    (even when nothing is stored) so a test never relies on what the fake cannot judge."""
    try:
        terms = shlex.split(query)
    except ValueError as exc:
        raise _ApiError(400, f"Invalid search query: {exc}", reason="invalidArgument") from None
    predicates = [_compile_term(term) for term in terms]

    def matches(mail: _Mail) -> bool:
        message = mail.email()
        return all(predicate(mail, message) for predicate in predicates)

    return matches


def _unsupported(what: str) -> _ApiError:
    return _ApiError(400, f"google_fake does not support {what} in q", reason="invalidArgument")


def _compile_term(term: str) -> _Predicate:
    if term in {"OR", "AND"} or term[:1] in {"(", "{"}:
        raise _unsupported(repr(term))
    if term.startswith("-") and len(term) > 1:
        positive = _compile_term(term[1:])
        return lambda mail, message: not positive(mail, message)
    operator, colon, value = term.partition(":")
    operator = operator.lower()
    if colon and operator in _OPERATORS:
        return _OPERATORS[operator](value)
    if colon and re.fullmatch(r"[a-z_]+", operator):
        raise _unsupported(f"the operator {operator}:")
    return functools.partial(_match_text, term.casefold())


def _match_text(needle: str, mail: _Mail, message: EmailMessage) -> bool:
    headers = [str(message.get(name, "")) for name in ("Subject", "From", "To", "Cc")]
    return needle in " ".join([*headers, _text_of(message)]).casefold()


def _header_operator(*names: str) -> Callable[[str], _Predicate]:
    def compile_value(value: str) -> _Predicate:
        def matches(mail: _Mail, message: EmailMessage) -> bool:
            text = " ".join(str(h) for name in names for h in message.get_all(name, []))
            return value.casefold() in text.casefold()

        return matches

    return compile_value


def _message_id_operator(value: str) -> _Predicate:
    wanted = _bare_message_id(value)
    return lambda mail, message: _bare_message_id(str(message.get("Message-ID", ""))) == wanted


def _label_operator(value: str) -> _Predicate:
    if value.lower() == "anywhere":
        return lambda mail, message: True
    label = _LABEL_ALIASES.get(value.lower(), value)
    return lambda mail, message: label in mail.labels


def _is_operator(value: str) -> _Predicate:
    if value.lower() == "read":
        return lambda mail, message: "UNREAD" not in mail.labels
    label = _LABEL_ALIASES.get(value.lower())
    if label is None:
        raise _unsupported(f"is:{value}")
    return lambda mail, message: label in mail.labels


def _search_date(value: str) -> float:
    """Seconds since the epoch for after:/before: (epoch seconds or YYYY/MM/DD, UTC)."""
    if value.isdigit():
        return float(value)
    try:
        day = datetime.strptime(value.replace("-", "/"), "%Y/%m/%d").replace(tzinfo=UTC)
    except ValueError:
        raise _ApiError(400, f"Invalid date in search: {value}", reason="invalidArgument") from None
    return day.timestamp()


def _after_operator(value: str) -> _Predicate:
    moment = _search_date(value)
    return lambda mail, message: mail.internal_date / 1000 >= moment


def _before_operator(value: str) -> _Predicate:
    moment = _search_date(value)
    return lambda mail, message: mail.internal_date / 1000 < moment


_OPERATORS: dict[str, Callable[[str], _Predicate]] = {
    "rfc822msgid": _message_id_operator,
    "from": _header_operator("From"),
    "to": _header_operator("To", "Cc", "Bcc"),
    "cc": _header_operator("Cc"),
    "subject": _header_operator("Subject"),
    "in": _label_operator,
    "label": _label_operator,
    "is": _is_operator,
    "after": _after_operator,
    "before": _before_operator,
}


# --------------------------------------------------------------------------- HTTP server


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Google and httplib2 use it
    server: _FakeHTTPServer

    def handle(self) -> None:
        try:
            first = self.connection.recv(1, socket.MSG_PEEK)
        except OSError:
            return
        if first == b"\x16":  # a TLS ClientHello: the client was given an https:// URL
            self.server.fake._note_tls_handshake()
            return
        super().handle()

    def _dispatch(self) -> None:
        self.server.fake._serve(self)

    # http.server looks handlers up by these exact names.
    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the fake keeps its own request log."""


class _FakeHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: GoogleFake, host: str) -> None:
        self.fake = fake
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._connections_lock = threading.Lock()
        super().__init__((host, 0), _RequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        # Track each connection so stop() can close keep-alive sockets and join.
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name="google-fake-connection",
            daemon=True,
        )
        with self._connections_lock:
            self._connections[request] = thread
        thread.start()

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.pop(request, None)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that gave up (timeouts) reset connections; that is expected."""

    def close_connections(self, timeout: float) -> None:
        with self._connections_lock:
            connections = list(self._connections.items())
        for sock, _ in connections:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for _, thread in connections:
            thread.join(timeout)


# --------------------------------------------------------------------------- the fake


class GoogleFake:
    """Google's OAuth, Gmail and Calendar endpoints for one account, on loopback.

    Use as a context manager (or call `start` / `stop`).  All helpers are
    thread-safe; state lives in memory and dies with the instance.
    """

    def __init__(
        self,
        account: str = "me@example.com",
        *,
        client_id: str = "fake-client-id.apps.googleusercontent.com",
        client_secret: str = "fake-client-secret",
        time_zone: str = "UTC",
        host: str = "127.0.0.1",
        history_kept: int | None = None,
    ) -> None:
        self.account = account
        self.history_kept = history_kept
        """How many history records Gmail keeps (None: all); a start id older than the
        oldest kept one is a 404, which tests use to force a full re-read."""
        self.client_id = client_id
        self.client_secret = client_secret
        self.problems: list[str] = []
        """Things that mean a test or the fake is wrong: internal errors, methods the
        fake does not implement, TLS handshakes. Fixtures should assert it is empty."""
        self._host = host
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._server: _FakeHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._counter = itertools.count(1)
        self._log: list[RecordedRequest] = []
        self._faults: list[_Fault] = []
        self._page_tokens: dict[str, tuple[str, int]] = {}
        # OAuth
        self._grants: dict[str, _Grant] = {}
        self._access_tokens: dict[str, _AccessToken] = {}
        self._codes: dict[str, _AuthCode] = {}
        self._consent_scopes: list[str] | None = None
        self._consent_denied = False
        # Gmail
        self._mails: dict[str, _Mail] = {}
        self._drafts: dict[str, str] = {}  # draft id -> message id
        self._history: list[tuple[str, _Json, set[str]]] = []
        self._history_id = 1000
        self._history_floor = 0
        # Calendar
        self._calendars: dict[str, _Calendar] = {}
        self.add_calendar(account, summary=account, time_zone=time_zone)
        self._handlers: dict[str, Callable[[_Call], _Json | None]] = {
            "gmail.users.getProfile": self._gmail_profile,
            "gmail.users.drafts.create": self._gmail_drafts_create,
            "gmail.users.drafts.get": self._gmail_drafts_get,
            "gmail.users.drafts.list": self._gmail_drafts_list,
            "gmail.users.drafts.update": self._gmail_drafts_update,
            "gmail.users.drafts.delete": self._gmail_drafts_delete,
            "gmail.users.messages.get": self._gmail_messages_get,
            "gmail.users.messages.list": self._gmail_messages_list,
            "gmail.users.messages.send": self._gmail_messages_send,
            "gmail.users.threads.get": self._gmail_threads_get,
            "gmail.users.history.list": self._gmail_history_list,
            "calendar.events.list": self._calendar_events_list,
            "calendar.events.get": self._calendar_events_get,
            "calendar.calendarList.get": self._calendar_list_get,
            "calendar.calendars.get": self._calendar_get,
        }

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> GoogleFake:
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = _FakeHTTPServer(self, self._host)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # shutdown() waits up to one poll
            name="google-fake-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._stopping.set()  # wakes handlers sleeping in an injected delay
        server.shutdown()
        server.close_connections(timeout=2.0)
        server.server_close()
        thread.join(2.0)
        self._server = self._thread = None

    def __enter__(self) -> GoogleFake:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ endpoints

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/``."""
        if self._server is None:
            raise RuntimeError("GoogleFake is not running; use it as a context manager")
        return f"http://{self._host}:{self._server.server_port}/"

    @property
    def gmail_endpoint(self) -> str:
        """``client_options["api_endpoint"]`` for Gmail: the bare origin plus "/",
        because Gmail's servicePath is empty and its method paths start "gmail/v1/"."""
        return self.base_url + _base_paths()["gmail"].lstrip("/")

    @property
    def calendar_endpoint(self) -> str:
        """``client_options["api_endpoint"]`` for Calendar: ends in "/calendar/v3/",
        because Calendar's method paths are relative to its servicePath."""
        return self.base_url + _base_paths()["calendar"].lstrip("/")

    @property
    def token_uri(self) -> str:
        return self.base_url + "token"

    @property
    def auth_uri(self) -> str:
        return self.base_url + "o/oauth2/auth"

    @property
    def revoke_uri(self) -> str:
        return self.base_url + "revoke"

    def client_config(self) -> _Json:
        """An "installed app" client config for ``Flow.from_client_config``."""
        return {
            "installed": {
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "auth_uri": self.auth_uri,
                "token_uri": self.token_uri,
                "redirect_uris": ["http://localhost"],
            }
        }

    def credentials(self, scopes: Sequence[str] | None = None, *, expired: bool = False) -> Any:
        """User credentials for a fresh grant: a valid access token (or, with
        `expired`, one the server rejects and the client knows is stale) plus a
        refresh token that works against `token_uri`."""
        from google.oauth2.credentials import Credentials

        scope_list = list(scopes or DEFAULT_SCOPES)
        with self._lock:
            grant = self._new_grant(scope_list)
            token = self._issue_access_token(grant, scope_list)
            token.valid = not expired
        now = datetime.now(UTC).replace(tzinfo=None)  # google-auth uses naive UTC
        lifetime = timedelta(seconds=-60 if expired else ACCESS_TOKEN_LIFETIME)
        return Credentials(
            token=token.token,
            refresh_token=grant.refresh_token,
            token_uri=self.token_uri,
            client_id=self.client_id,
            client_secret=self.client_secret,
            scopes=scope_list,
            granted_scopes=scope_list,
            expiry=now + lifetime,
        )

    def gmail_service(self, credentials: Any = None, *, http: Any = None) -> Any:
        """``build("gmail", "v1", ...)`` against this fake (static discovery)."""
        return self._build("gmail", "v1", self.gmail_endpoint, credentials, http)

    def calendar_service(self, credentials: Any = None, *, http: Any = None) -> Any:
        """``build("calendar", "v3", ...)`` against this fake (static discovery)."""
        return self._build("calendar", "v3", self.calendar_endpoint, credentials, http)

    def _build(self, name: str, version: str, endpoint: str, credentials: Any, http: Any) -> Any:
        from googleapiclient.discovery import build

        if http is None and credentials is None:
            credentials = self.credentials()
        return build(
            name,
            version,
            credentials=credentials,
            http=http,
            static_discovery=True,
            cache_discovery=False,
            client_options={"api_endpoint": endpoint},
        )

    # ------------------------------------------------------------------ OAuth helpers

    def issue_refresh_token(self, scopes: Sequence[str] = DEFAULT_SCOPES) -> str:
        """Register a grant and return its refresh token."""
        with self._lock:
            return self._new_grant(list(scopes)).refresh_token

    def add_auth_code(
        self,
        scopes: Sequence[str] = DEFAULT_SCOPES,
        *,
        code: str | None = None,
        offline: bool = True,
    ) -> str:
        """Register an authorization code the token endpoint will exchange once."""
        with self._lock:
            code = code or f"4/fake-code-{next(self._counter)}"
            self._codes[code] = _AuthCode(code, list(scopes), offline=offline)
            return code

    def consent(self, scopes: Sequence[str] | None = None, *, deny: bool = False) -> None:
        """What the simulated user does on the consent page (`auth_uri`): grant
        every requested scope (None), only `scopes` (as if others were unticked),
        or deny access."""
        with self._lock:
            self._consent_scopes = None if scopes is None else list(scopes)
            self._consent_denied = deny

    def visit_authorization_url(self, url: str) -> str:
        """Act as the user's browser: open `url` on the fake, then follow the
        redirect to the app's loopback listener. Returns the redirect URL."""
        location = self._browser_get(url)
        if not location:
            raise AssertionError(f"consent page did not redirect: {url}")
        if _is_loopback(urllib.parse.urlsplit(location).hostname):
            self._browser_get(location)
        return location

    @staticmethod
    def _browser_get(url: str) -> str | None:
        """GET `url` without following redirects; returns the Location header."""
        parts = urllib.parse.urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
        try:
            connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
            response = connection.getresponse()
            response.read()
            return response.getheader("Location")
        finally:
            connection.close()

    def revoke(self, token: str) -> None:
        """Revoke a refresh or access token; as at Google, that ends the whole
        grant: its refresh token and every access token issued from it."""
        with self._lock:
            grant = self._grant_of(token)
            if grant is None:
                raise KeyError(f"unknown token {token!r}")
            self._revoke_grant(grant)

    def set_granted_scopes(self, refresh_token: str, scopes: Sequence[str]) -> None:
        """Change what a grant covers; access tokens issued from now on carry it."""
        with self._lock:
            self._grants[refresh_token].scopes = list(scopes)

    def granted_scopes(self, refresh_token: str) -> list[str]:
        with self._lock:
            return list(self._grants[refresh_token].scopes)

    def expire_access_tokens(self) -> None:
        """Make every access token issued so far invalid (401 on next use)."""
        with self._lock:
            for token in self._access_tokens.values():
                token.valid = False

    def _new_grant(self, scopes: list[str]) -> _Grant:
        grant = _Grant(f"1//fake-refresh-{next(self._counter)}-{secrets.token_hex(4)}", scopes)
        self._grants[grant.refresh_token] = grant
        return grant

    def _issue_access_token(self, grant: _Grant, scopes: list[str]) -> _AccessToken:
        token = _AccessToken(
            f"ya29.fake-{next(self._counter)}-{secrets.token_hex(6)}",
            grant,
            frozenset(scopes),
            time.time() + ACCESS_TOKEN_LIFETIME,
        )
        self._access_tokens[token.token] = token
        return token

    def _grant_of(self, token: str) -> _Grant | None:
        if token in self._grants:
            return self._grants[token]
        access = self._access_tokens.get(token)
        return access.grant if access else None

    def _revoke_grant(self, grant: _Grant) -> None:
        grant.revoked = True
        for access in self._access_tokens.values():
            if access.grant is grant:
                access.valid = False

    # ------------------------------------------------------------------ faults

    def fail(
        self,
        route: str,
        status: int,
        *,
        reason: str | None = None,
        message: str | None = None,
        times: int | None = 1,
    ) -> None:
        """Answer the next `times` requests to `route` (None: all) with `status`
        in Google's error format, e.g. ``fail("calendar.events.list", 403,
        reason="rateLimitExceeded")``. The operation is not performed."""
        self._add_fault(
            _Fault(route, "status", times, status=status, reason=reason, message=message)
        )

    def delay(self, route: str, seconds: float, *, times: int | None = 1) -> None:
        """Hold the answer for `seconds` before handling the request normally."""
        self._add_fault(_Fault(route, "delay", times, seconds=seconds))

    def drop(self, route: str, *, times: int | None = 1) -> None:
        """Close the connection without answering and without performing anything.

        httplib2 silently re-sends a request once when the first answer on a
        connection is missing, so a single drop is invisible to the client; use
        ``times=2`` (or more) to make it see ``RemoteDisconnected``."""
        self._add_fault(_Fault(route, "drop", times))

    def lose_response(self, route: str, *, times: int | None = 1) -> None:
        """Perform the request (e.g. create the draft), then close the connection
        instead of answering: the client cannot know it succeeded."""
        self._add_fault(_Fault(route, "lose_response", times))

    def portal(self, route: str, *, times: int | None = 1) -> None:
        """Answer 200 with a web page, as a captive portal or a meddling proxy does."""
        self._add_fault(_Fault(route, "portal", times))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending_faults(self) -> list[str]:
        """Faults not used up yet, e.g. ``["gmail.*: status 503 (forever)"]``."""
        with self._lock:
            return [
                f"{fault.pattern}: {fault.describe()} "
                + ("(forever)" if fault.remaining is None else f"(x{fault.remaining})")
                for fault in self._faults
            ]

    def _add_fault(self, fault: _Fault) -> None:
        # A typo in a route name would make the fault silently never fire.
        if (
            not any(char in fault.pattern for char in "*?[")
            and fault.pattern not in _known_route_ids()
        ):
            raise ValueError(f"unknown route {fault.pattern!r}; use a discovery method id")
        with self._lock:
            self._faults.append(fault)

    def _take_fault(self, route_id: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fnmatch.fnmatchcase(route_id, fault.pattern):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                        if fault.remaining <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    # ------------------------------------------------------------------ request log

    def requests(self, route: str | None = None) -> list[RecordedRequest]:
        """Requests received so far, oldest first; `route` may be a glob."""
        with self._lock:
            return [r for r in self._log if route is None or fnmatch.fnmatchcase(r.route, route)]

    def request_counts(self) -> Counter[str]:
        """How many requests each route received so far (e.g. ``"gmail.users.history.list"``)."""
        with self._lock:
            return Counter(r.route for r in self._log)

    def clear_requests(self) -> None:
        with self._lock:
            self._log.clear()

    # ------------------------------------------------------------------ serving

    def _serve(self, handler: _RequestHandler) -> None:
        call = self._decode(handler)
        entry = RecordedRequest(
            call.method,
            call.path,
            call.query,
            call.body,
            dict(handler.headers.items()),
            call.method_id,
        )
        with self._lock:
            self._log.append(entry)
        fault = self._take_fault(call.method_id)
        if fault is not None:
            entry.fault = fault.describe()
        if fault is not None and fault.kind == "delay" and self._stopping.wait(fault.seconds):
            self._drop(handler)  # the fake is stopping: don't answer late
            return
        if fault is not None and fault.kind == "drop":
            self._drop(handler)
            return
        if fault is not None and fault.kind == "status":
            reply = self._fault_reply(fault, call.method_id)
        elif fault is not None and fault.kind == "portal":
            page = b"<html><body>Sign in to the hotel Wi-Fi</body></html>"
            reply = _Reply(200, page, {"Content-Type": "text/html"})
        else:
            reply = self._answer(call)
        entry.status = reply.status
        if fault is not None and fault.kind == "lose_response":
            self._drop(handler)
            return
        self._send(handler, reply)

    def _decode(self, handler: _RequestHandler) -> _Call:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        url = urllib.parse.urlsplit(handler.path)
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        route, params = self._resolve(handler.command, url.path)
        return _Call(handler.command, url.path, query, body, handler.headers, route, params)

    def _resolve(self, method: str, path: str) -> tuple[_Route | None, dict[str, str]]:
        for route in _api_routes():
            if route.http_method != method:
                continue
            match = route.pattern.fullmatch(path)
            if match:
                values = [urllib.parse.unquote(value) for value in match.groups()]
                return route, dict(zip(route.params, values, strict=True))
        return None, {}

    def _fault_reply(self, fault: _Fault, route_id: str) -> _Reply:
        reason = fault.reason
        if reason is None and fault.status == 410 and route_id.startswith("calendar."):
            reason = "fullSyncRequired"
        headers = {}
        if fault.status == 401:
            headers["WWW-Authenticate"] = 'Bearer realm="https://accounts.google.com/"'
        if route_id.startswith("oauth2."):
            error = {401: "invalid_client", 400: "invalid_grant"}.get(fault.status, "server_error")
            return _OAuthError(
                fault.status, reason or error, fault.message or "Injected fault"
            ).reply()
        return _ApiError(fault.status, fault.message, reason=reason, headers=headers).reply()

    def _answer(self, call: _Call) -> _Reply:
        try:
            if call.method_id.startswith("oauth2."):
                return self._answer_oauth(call)
            if call.route is None:
                raise _ApiError(
                    404, f"google_fake: no Google API method matches {call.method} {call.path}"
                )
            return self._answer_api(call)
        except (_ApiError, _OAuthError) as error:
            return error.reply()
        except Exception as error:
            # A bug in the fake: answer like Google would, and make it loud.
            self.problems.append(
                f"internal error on {call.method} {call.path}:\n{traceback.format_exc()}"
            )
            return _ApiError(500, f"google_fake internal error: {error!r}").reply()

    def _answer_api(self, call: _Call) -> _Reply:
        method_id = call.api_route.method_id
        with self._lock:
            token = self._authenticate(call)
            self._authorize(call, token)
            handler = self._handlers.get(method_id)
            if handler is None:
                # 400 rather than 501: the client would retry a 5xx with backoff.
                self.problems.append(f"google_fake does not implement {method_id}")
                raise _ApiError(
                    400, f"google_fake does not implement {method_id}", reason="notImplemented"
                )
            payload = handler(call)
        return _Reply(204) if payload is None else _Reply.json(payload)

    def _authenticate(self, call: _Call) -> _AccessToken:
        scheme, _, value = str(call.headers.get("Authorization", "")).partition(" ")
        token = self._access_tokens.get(value.strip()) if scheme.lower() == "bearer" else None
        if token is None or not token.valid or token.expires_at <= time.time():
            raise _ApiError(
                401,
                _UNAUTHENTICATED_MESSAGE,
                reason="authError",
                headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'},
            )
        return token

    def _authorize(self, call: _Call, token: _AccessToken) -> None:
        allowed = token.scopes & call.api_route.scopes
        if call.api_route.scopes and not allowed:
            raise _ApiError(403, reason="insufficientPermissions")
        user = call.params.get("userId")
        if call.api_route.method_id.startswith("gmail.") and user not in (None, "me", self.account):
            raise _ApiError(403, f"Delegation denied for {self.account}", reason="forbidden")
        # Real Gmail refuses search and bodies to any token that holds the metadata
        # scope, even beside broader ones (googleapis/google-api-python-client#582).
        if GMAIL_METADATA in token.scopes and call.api_route.method_id.startswith("gmail."):
            self._refuse_content_access(call)

    @staticmethod
    def _refuse_content_access(call: _Call) -> None:
        """Gmail gives metadata-only tokens no search and no message bodies."""
        if call.arg("q"):
            raise _ApiError(
                403, "Metadata scope does not support 'q' parameter", reason="forbidden"
            )
        fmt = (call.arg("format") or "full").upper()
        if fmt in {"FULL", "RAW"} and call.api_route.method_id.endswith(".get"):
            raise _ApiError(403, f"Metadata scope doesn't allow format {fmt}", reason="forbidden")

    def _send(self, handler: _RequestHandler, reply: _Reply) -> None:
        try:
            handler.send_response(reply.status)
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            if reply.status != 204:
                handler.send_header("Content-Length", str(len(reply.body)))
            handler.end_headers()
            if reply.body and reply.status != 204:
                handler.wfile.write(reply.body)
            handler.wfile.flush()
        except OSError:
            handler.close_connection = True  # the client gave up (e.g. its timeout fired)

    @staticmethod
    def _drop(handler: _RequestHandler) -> None:
        handler.close_connection = True
        with contextlib.suppress(OSError):
            handler.connection.shutdown(socket.SHUT_RDWR)

    def _note_tls_handshake(self) -> None:
        note = (
            "a client opened a TLS connection to the plain-HTTP fake; media uploads "
            "(media_body=...) keep the discovery document's https scheme — send "
            "body={'message': {'raw': ...}} instead"
        )
        with self._lock:
            self.problems.append(note)
            self._log.append(RecordedRequest("TLS", "", {}, b"", {}, "tls-handshake"))

    # ------------------------------------------------------------------ paging

    def _paginate(
        self, call: _Call, items: list[_T], default: int, maximum: int
    ) -> tuple[list[_T], str | None]:
        size = max(1, min(call.int_arg("maxResults", default), maximum))
        # A token is only valid for the query that produced it, as at Google.
        fingerprint = json.dumps(
            [
                call.method_id,
                call.params,
                {k: v for k, v in call.query.items() if k not in _STANDARD_PARAMS},
            ],
            sort_keys=True,
        )
        offset = 0
        token = call.arg("pageToken")
        if token:
            saved = self._page_tokens.get(token)
            if saved is None or saved[0] != fingerprint:
                raise _ApiError(400, "Invalid pageToken", reason="invalid")
            offset = saved[1]
        next_token = None
        if offset + size < len(items):
            next_token = secrets.token_urlsafe(12)
            self._page_tokens[next_token] = (fingerprint, offset + size)
        return items[offset : offset + size], next_token

    # ------------------------------------------------------------------ OAuth endpoints

    def _answer_oauth(self, call: _Call) -> _Reply:
        with self._lock:
            if call.method_id == "oauth2.auth":
                return self._oauth_authorize(
                    {name: values[0] for name, values in call.query.items()}
                )
            if call.method_id == "oauth2.revoke":
                return self._oauth_revoke(call.form().get("token") or call.arg("token") or "")
            return self._oauth_token(call)

    def _oauth_token(self, call: _Call) -> _Reply:
        form = call.form()
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        authorization = str(call.headers.get("Authorization", ""))
        if authorization.lower().startswith("basic "):
            # requests-oauthlib (google-auth-oauthlib's Flow) sends client credentials this way.
            decoded = base64.b64decode(authorization[6:]).decode("utf-8")
            user, _, password = decoded.partition(":")
            client_id, client_secret = urllib.parse.unquote(user), urllib.parse.unquote(password)
        if (client_id, client_secret) != (self.client_id, self.client_secret):
            raise _OAuthError(401, "invalid_client", "Unauthorized")
        grant_type = form.get("grant_type", "")
        if grant_type == "refresh_token":
            return self._oauth_refresh(form)
        if grant_type == "authorization_code":
            return self._oauth_exchange_code(form)
        raise _OAuthError(400, "unsupported_grant_type", f"Invalid grant_type: {grant_type}")

    def _oauth_refresh(self, form: dict[str, str]) -> _Reply:
        grant = self._grants.get(form.get("refresh_token", ""))
        if grant is None or grant.revoked:
            raise _OAuthError(400, "invalid_grant", "Token has been expired or revoked.")
        requested = form.get("scope", "").split()
        # A refresh may narrow the grant, never widen it; google-auth then logs
        # "Not all requested scopes were granted" and keeps going.
        scopes = [scope for scope in grant.scopes if not requested or scope in requested]
        if not scopes:
            raise _OAuthError(400, "invalid_scope", "Some requested scopes were invalid.")
        token = self._issue_access_token(grant, scopes)
        return _Reply.json(
            {
                "access_token": token.token,
                "expires_in": ACCESS_TOKEN_LIFETIME,
                "scope": " ".join(scopes),
                "token_type": "Bearer",
            }
        )

    def _oauth_exchange_code(self, form: dict[str, str]) -> _Reply:
        code = self._codes.get(form.get("code", ""))
        if code is None or code.used:
            raise _OAuthError(400, "invalid_grant", "Bad Request")
        if code.redirect_uri is not None and form.get("redirect_uri") != code.redirect_uri:
            raise _OAuthError(400, "redirect_uri_mismatch", "Bad Request")
        if code.challenge is not None and not self._verifier_matches(
            code, form.get("code_verifier")
        ):
            raise _OAuthError(400, "invalid_grant", "Invalid code verifier.")
        code.used = True
        grant = self._new_grant(code.scopes)
        token = self._issue_access_token(grant, code.scopes)
        payload: _Json = {
            "access_token": token.token,
            "expires_in": ACCESS_TOKEN_LIFETIME,
            "scope": " ".join(code.scopes),
            "token_type": "Bearer",
        }
        if code.offline:
            payload["refresh_token"] = grant.refresh_token
        return _Reply.json(payload)

    @staticmethod
    def _verifier_matches(code: _AuthCode, verifier: str | None) -> bool:
        if not verifier:
            return False
        if code.challenge_method == "S256":
            digest = hashlib.sha256(verifier.encode("ascii")).digest()
            return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=") == code.challenge
        return verifier == code.challenge

    def _oauth_authorize(self, query: dict[str, str]) -> _Reply:
        if query.get("client_id") != self.client_id:
            raise _OAuthError(401, "invalid_client", "The OAuth client was not found.")
        redirect_uri = query.get("redirect_uri", "")
        parts = urllib.parse.urlsplit(redirect_uri)
        if parts.scheme != "http" or not _is_loopback(parts.hostname):
            raise _OAuthError(400, "redirect_uri_mismatch", f"Bad redirect_uri {redirect_uri!r}")
        if query.get("response_type") != "code":
            raise _OAuthError(400, "unsupported_response_type", "Only response_type=code")
        answer = {"state": query["state"]} if "state" in query else {}
        if self._consent_denied:
            answer["error"] = "access_denied"
        else:
            requested = query.get("scope", "").split()
            consent = self._consent_scopes
            granted = [s for s in requested if consent is None or s in consent]
            code = self.add_auth_code(granted, offline=query.get("access_type") == "offline")
            self._codes[code].redirect_uri = redirect_uri
            self._codes[code].challenge = query.get("code_challenge")
            self._codes[code].challenge_method = query.get("code_challenge_method", "plain")
            answer |= {"code": code, "scope": " ".join(granted)}
        separator = "&" if parts.query else "?"
        location = redirect_uri + separator + urllib.parse.urlencode(answer)
        return _Reply(302, b"", {"Location": location})

    def _oauth_revoke(self, token: str) -> _Reply:
        grant = self._grant_of(token)
        if grant is None or grant.revoked:
            raise _OAuthError(400, "invalid_token", "Token expired or revoked")
        self._revoke_grant(grant)
        return _Reply.json({})

    # ------------------------------------------------------------------ Gmail helpers

    def drafts(self) -> list[MailView]:
        """Drafts currently stored, oldest first."""
        with self._lock:
            return [self._view(self._mails[mid], did) for did, mid in self._drafts.items()]

    def draft(self, draft_id: str) -> MailView:
        with self._lock:
            return self._view(self._draft_mail(draft_id), draft_id)

    def messages(self, label: str | None = None) -> list[MailView]:
        """Stored messages (drafts' messages included), oldest first."""
        with self._lock:
            mails = sorted(self._mails.values(), key=lambda mail: mail.seq)
            return [self._view(mail) for mail in mails if label is None or label in mail.labels]

    def message(self, message_id: str) -> MailView:
        with self._lock:
            return self._view(self._mails[message_id])

    def user_sends_draft(
        self, draft_id: str, *, new_message_id_header: bool = False, in_place: bool = False
    ) -> str:
        """Send a draft as the Gmail UI does: the draft disappears and a message
        with a new Gmail id appears in the same thread, labelled SENT. Gmail keeps
        the Message-ID header unless `new_message_id_header`. With `in_place` the
        draft's own message becomes the sent one instead (history: DRAFT removed,
        SENT added). Returns the sent message's id."""
        with self._lock:
            mail = self._draft_mail(draft_id)
            if in_place:
                del self._drafts[draft_id]
                self._relabel(mail, add=self._sent_labels(mail.raw), remove=["DRAFT"])
                return mail.id
            raw = mail.raw
            if new_message_id_header:
                raw = _with_header(raw, "Message-ID", self._new_message_id_header())
            del self._drafts[draft_id]
            self._delete_mail(mail.id)
            return self._store_mail(raw, self._sent_labels(raw), mail.thread_id).id

    def user_writes_draft(self, message: EmailMessage | bytes) -> str:
        """Save a draft as the Gmail UI does (no request to count). Returns its draft id."""
        raw = message if isinstance(message, bytes) else message.as_bytes()
        with self._lock:
            mail = self._store_mail(_ensure_message_id(raw, "mail.gmail.com"), ["DRAFT"])
            draft_id = f"r-{7_000_000_000_000_000_000 + next(self._counter)}"
            self._drafts[draft_id] = mail.id
            return draft_id

    def user_schedules_draft(self, draft_id: str) -> str:
        """Press "Schedule send": the draft goes, a message labelled SCHEDULED stays in its
        thread until the time comes. Returns the message's id."""
        with self._lock:
            mail = self._draft_mail(draft_id)
            del self._drafts[draft_id]
            self._delete_mail(mail.id)
            return self._store_mail(mail.raw, ["SCHEDULED"], mail.thread_id).id

    def user_deletes_draft(self, draft_id: str) -> None:
        """Discard a draft as the Gmail UI does (gone for good, not in Trash)."""
        with self._lock:
            mail = self._draft_mail(draft_id)
            del self._drafts[draft_id]
            self._delete_mail(mail.id)

    def user_edits_draft(
        self,
        draft_id: str,
        *,
        body: str | None = None,
        subject: str | None = None,
        new_message_id_header: bool = False,
        new_thread: bool = False,
    ) -> str:
        """Edit a draft in the Gmail UI: the draft id stays, its message gets a
        new Gmail id (even when nothing visible changed). With `new_thread` the
        draft leaves its thread for a new one, as Gmail does when a subject edit
        breaks the conversation. Returns the new message's id."""
        with self._lock:
            mail = self._draft_mail(draft_id)
            message = mail.email()
            if subject is not None:
                del message["Subject"]
                message["Subject"] = subject
            if body is not None:
                text_part = message.get_body(preferencelist=("plain",)) or message
                text_part.set_content(body)
            if new_message_id_header:
                del message["Message-ID"]
                message["Message-ID"] = self._new_message_id_header()
            thread = None if new_thread else mail.thread_id
            new = self._store_mail(message.as_bytes(), list(mail.labels), thread)
            self._delete_mail(mail.id)
            self._drafts[draft_id] = new.id
            return new.id

    def receive_reply(
        self,
        thread_id: str,
        from_addr: str,
        *,
        body: str = "Thanks for your note!",
        subject: str | None = None,
    ) -> str:
        """Deliver a reply from `from_addr` into `thread_id` (INBOX, UNREAD),
        threaded by In-Reply-To/References. Returns the new message id."""
        with self._lock:
            thread = self._thread_mails(thread_id)
            if not thread:
                raise KeyError(f"unknown thread {thread_id!r}")
            sent = [mail for mail in thread if "DRAFT" not in mail.labels] or thread
            parent = sent[-1].email()
            parent_id = str(parent.get("Message-ID", ""))
            reply = EmailMessage()
            reply["From"] = from_addr
            reply["To"] = self.account
            reply["Subject"] = subject or "Re: " + re.sub(
                r"^(re\s*:\s*)+", "", str(parent.get("Subject", "")), flags=re.IGNORECASE
            )
            reply["Date"] = formatdate(usegmt=True)
            reply["Message-ID"] = make_msgid(domain=from_addr.rpartition("@")[2] or "example.com")
            if parent_id:
                reply["In-Reply-To"] = parent_id
                reply["References"] = f"{parent.get('References', '')} {parent_id}".strip()
            reply.set_content(body)
            return self._store_mail(reply.as_bytes(), ["INBOX", "UNREAD"], thread_id).id

    def receive_message(
        self, message: EmailMessage | bytes, *, labels: Sequence[str] = ("INBOX", "UNREAD")
    ) -> str:
        """Deliver an arbitrary message in a new thread. Returns its id."""
        raw = message if isinstance(message, bytes) else message.as_bytes()
        with self._lock:
            return self._store_mail(_ensure_message_id(raw, "example.com"), list(labels)).id

    def expire_history(self) -> None:
        """Forget history so far: history.list with an older startHistoryId is a 404."""
        with self._lock:
            self._history_floor = self._history_id
            self._history.clear()

    def user_labels_message(
        self, message_id: str, *, add: Sequence[str] = (), remove: Sequence[str] = ()
    ) -> None:
        """Add and remove labels on a message, as the user does by reading or filing it."""
        with self._lock:
            self._relabel(self._mails[message_id], add=add, remove=remove)

    def _view(self, mail: _Mail, draft_id: str | None = None) -> MailView:
        if draft_id is None:
            draft_id = next((did for did, mid in self._drafts.items() if mid == mail.id), None)
        return MailView(mail.id, mail.thread_id, tuple(mail.labels), mail.raw, draft_id)

    def _draft_mail(self, draft_id: str) -> _Mail:
        if draft_id not in self._drafts:
            raise KeyError(f"no draft {draft_id!r}")
        return self._mails[self._drafts[draft_id]]

    def _thread_mails(self, thread_id: str) -> list[_Mail]:
        return sorted(
            (m for m in self._mails.values() if m.thread_id == thread_id), key=lambda m: m.seq
        )

    def _new_message_id_header(self) -> str:
        return make_msgid(domain="mail.gmail.com")

    def _sent_labels(self, raw: bytes) -> list[str]:
        recipients = _addresses(_parse_email(raw), "To", "Cc", "Bcc")
        to_self = self.account.lower() in recipients
        return ["SENT", "INBOX", "UNREAD"] if to_self else ["SENT"]

    def _store_mail(self, raw: bytes, labels: list[str], thread_id: str | None = None) -> _Mail:
        number = next(self._counter)
        mail_id = f"{0x19A0000000000000 + number:016x}"
        mail = _Mail(mail_id, thread_id or mail_id, labels, raw, int(time.time() * 1000), number)
        self._mails[mail_id] = mail
        self._record_history("messageAdded", mail)
        return mail

    def _delete_mail(self, mail_id: str) -> None:
        mail = self._mails.pop(mail_id)
        self._record_history("messageDeleted", mail)

    def _relabel(self, mail: _Mail, *, add: Sequence[str], remove: Sequence[str]) -> None:
        removed = [label for label in remove if label in mail.labels]
        mail.labels = [label for label in mail.labels if label not in removed]
        if removed:
            self._record_history("labelRemoved", mail, removed)
        added = [label for label in add if label not in mail.labels]
        mail.labels.extend(added)
        if added:
            self._record_history("labelAdded", mail, added)

    def _record_history(self, kind: str, mail: _Mail, labels: Sequence[str] = ()) -> None:
        """One history record, with a history id above every earlier one, as Gmail keeps them."""
        self._history_id += 1
        mail.history_id = self._history_id
        reference = {"id": mail.id, "threadId": mail.thread_id}
        record: _Json = {"id": str(self._history_id), "messages": [reference]}
        change: _Json = {"message": reference | {"labelIds": list(mail.labels)}}
        if kind in ("labelAdded", "labelRemoved"):
            change["labelIds"] = list(labels)
        record[_HISTORY_FIELDS[kind]] = [change]
        self._history.append((kind, record, set(mail.labels) | set(labels)))
        if self.history_kept is not None and len(self._history) > self.history_kept:
            dropped = self._history[: len(self._history) - self.history_kept]
            del self._history[: len(dropped)]
            self._history_floor = int(dropped[-1][1]["id"])

    def _thread_for(self, raw: bytes, requested: object) -> str | None:
        """The thread a new message joins. Gmail honours a requested threadId only
        when In-Reply-To/References name a message of that thread and the
        subjects match; otherwise the message starts a new thread."""
        if not requested:
            return None
        thread = self._thread_mails(str(requested))
        if not thread:
            raise _ApiError(404, "Requested entity was not found.", reason="notFound")
        message = _parse_email(raw)
        references = {
            _bare_message_id(ref)
            for name in ("In-Reply-To", "References")
            for ref in str(message.get(name, "")).split()
        }
        members = [mail.email() for mail in thread]
        known_ids = {_bare_message_id(str(m.get("Message-ID", ""))) for m in members}
        subject = _normalised_subject(str(message.get("Subject", "")))
        same_subject = any(
            _normalised_subject(str(m.get("Subject", ""))) == subject for m in members
        )
        return str(requested) if references & known_ids and same_subject else None

    def _mail_json(self, mail: _Mail, fmt: str, wanted_headers: list[str]) -> _Json:
        message = mail.email()
        result: _Json = {
            "id": mail.id,
            "threadId": mail.thread_id,
            "labelIds": list(mail.labels),
            "snippet": _snippet(message),
            "sizeEstimate": len(mail.raw),
            "historyId": str(mail.history_id),
            "internalDate": str(mail.internal_date),
        }
        if fmt == "raw":
            result["raw"] = _b64url(mail.raw)
        elif fmt == "metadata":
            wanted = {name.lower() for name in wanted_headers} or None
            result["payload"] = {
                "partId": "",
                "mimeType": message.get_content_type(),
                "filename": "",
                "headers": _headers_json(message, wanted),
            }
        elif fmt == "full":
            result["payload"] = _part_json(message, "")
        elif fmt != "minimal":
            raise _ApiError(400, f"Invalid value for format: {fmt}", reason="invalidArgument")
        return result

    # ------------------------------------------------------------------ Gmail routes

    def _gmail_profile(self, call: _Call) -> _Json:
        return {
            "emailAddress": self.account,
            "messagesTotal": len(self._mails),
            "threadsTotal": len({mail.thread_id for mail in self._mails.values()}),
            "historyId": str(self._history_id),
        }

    def _gmail_drafts_create(self, call: _Call) -> _Json:
        message = call.json().get("message") or {}
        raw = _ensure_message_id(_decode_raw(message.get("raw")), "mail.gmail.com")
        mail = self._store_mail(raw, ["DRAFT"], self._thread_for(raw, message.get("threadId")))
        draft_id = f"r-{7_000_000_000_000_000_000 + next(self._counter)}"
        self._drafts[draft_id] = mail.id
        return self._draft_json(draft_id, mail)

    def _draft_json(self, draft_id: str, mail: _Mail) -> _Json:
        summary = {"id": mail.id, "threadId": mail.thread_id, "labelIds": list(mail.labels)}
        return {"id": draft_id, "message": summary}

    def _gmail_draft_or_404(self, call: _Call) -> _Mail:
        mail_id = self._drafts.get(call.params["id"])
        if mail_id is None:
            raise _ApiError(404, "Requested entity was not found.", reason="notFound")
        return self._mails[mail_id]

    def _gmail_drafts_get(self, call: _Call) -> _Json:
        mail = self._gmail_draft_or_404(call)
        fmt = call.arg("format") or "full"
        # drafts.get has no metadataHeaders parameter (the client rejects it);
        # honour it anyway if a raw request sends one.
        message = self._mail_json(mail, fmt, call.args("metadataHeaders"))
        return {"id": call.params["id"], "message": message}

    def _gmail_drafts_list(self, call: _Call) -> _Json:
        drafts = sorted(
            ((did, self._mails[mid]) for did, mid in self._drafts.items()),
            key=lambda item: -item[1].seq,
        )
        query = call.arg("q")
        if query:
            matches = _compile_query(query)
            drafts = [(did, mail) for did, mail in drafts if matches(mail)]
        page, next_token = self._paginate(call, drafts, default=100, maximum=500)
        # Like Gmail, leave "drafts" out entirely when there are none.
        result: _Json = {"resultSizeEstimate": len(drafts)}
        if page:
            result["drafts"] = [
                {"id": did, "message": {"id": mail.id, "threadId": mail.thread_id}}
                for did, mail in page
            ]
        if next_token:
            result["nextPageToken"] = next_token
        return result

    def _gmail_drafts_update(self, call: _Call) -> _Json:
        old = self._gmail_draft_or_404(call)
        message = call.json().get("message") or {}
        raw = _ensure_message_id(_decode_raw(message.get("raw")), "mail.gmail.com")
        new = self._store_mail(raw, ["DRAFT"], self._thread_for(raw, message.get("threadId")))
        self._delete_mail(old.id)
        self._drafts[call.params["id"]] = new.id
        return self._draft_json(call.params["id"], new)

    def _gmail_drafts_delete(self, call: _Call) -> None:
        mail = self._gmail_draft_or_404(call)
        del self._drafts[call.params["id"]]
        self._delete_mail(mail.id)

    def _gmail_messages_get(self, call: _Call) -> _Json:
        mail = self._mails.get(call.params["id"])
        if mail is None:
            raise _ApiError(404, "Requested entity was not found.", reason="notFound")
        return self._mail_json(mail, call.arg("format") or "full", call.args("metadataHeaders"))

    def _gmail_messages_list(self, call: _Call) -> _Json:
        mails = sorted(self._mails.values(), key=lambda mail: -mail.seq)
        if not call.flag("includeSpamTrash"):
            mails = [m for m in mails if not {"SPAM", "TRASH"} & set(m.labels)]
        wanted = set(call.args("labelIds"))
        mails = [m for m in mails if wanted <= set(m.labels)]
        query = call.arg("q")
        if query:
            matches = _compile_query(query)
            mails = [m for m in mails if matches(m)]
        page, next_token = self._paginate(call, mails, default=100, maximum=500)
        result: _Json = {"resultSizeEstimate": len(mails)}
        if page:
            result["messages"] = [{"id": m.id, "threadId": m.thread_id} for m in page]
        if next_token:
            result["nextPageToken"] = next_token
        return result

    def _gmail_messages_send(self, call: _Call) -> _Json:
        payload = call.json()
        raw = _ensure_message_id(_decode_raw(payload.get("raw")), "mail.gmail.com")
        mail = self._store_mail(
            raw, self._sent_labels(raw), self._thread_for(raw, payload.get("threadId"))
        )
        return {"id": mail.id, "threadId": mail.thread_id, "labelIds": list(mail.labels)}

    def _gmail_threads_get(self, call: _Call) -> _Json:
        thread = self._thread_mails(call.params["id"])
        if not thread:
            raise _ApiError(404, "Requested entity was not found.", reason="notFound")
        fmt = call.arg("format") or "full"
        headers = call.args("metadataHeaders")
        return {
            "id": call.params["id"],
            "historyId": str(max(mail.history_id for mail in thread)),
            "messages": [self._mail_json(mail, fmt, headers) for mail in thread],
        }

    def _gmail_history_list(self, call: _Call) -> _Json:
        start = call.arg("startHistoryId")
        if not start or not start.isdigit():
            raise _ApiError(400, "Invalid startHistoryId", reason="invalidArgument")
        if int(start) < self._history_floor:
            raise _ApiError(404, "Requested entity was not found.", reason="notFound")
        kinds = set(call.args("historyTypes"))
        label = call.arg("labelId")
        records = [
            record
            for kind, record, labels in self._history
            if int(record["id"]) > int(start)
            and (not kinds or kind in kinds)
            and (label is None or label in labels)
        ]
        page, next_token = self._paginate(call, records, default=100, maximum=500)
        result: _Json = {"historyId": str(self._history_id)}
        if page:
            result["history"] = copy.deepcopy(page)
        if next_token:
            result["nextPageToken"] = next_token
        return result

    # ------------------------------------------------------------------ Calendar helpers

    def add_calendar(
        self, calendar_id: str, *, summary: str | None = None, time_zone: str = "UTC"
    ) -> None:
        """Create (or reset the metadata of) a calendar; its events are kept."""
        ZoneInfo(time_zone)  # fail early on a typo
        with self._lock:
            existing = self._calendars.get(calendar_id)
            events = existing.events if existing else {}
            self._calendars[calendar_id] = _Calendar(
                calendar_id, summary or calendar_id, time_zone, events
            )

    def add_event(self, calendar_id: str, event: _Json) -> str:
        """Store an (already expanded) event in Google's JSON shape; missing
        bookkeeping fields (id, status, eventType, organizer, htmlLink, ...) get
        Google-like defaults. Unknown calendars are created. Returns the id."""
        for end in ("start", "end"):
            if not isinstance(event.get(end), dict) or not {"date", "dateTime"} & set(event[end]):
                raise ValueError(f"event needs {end!r} with 'dateTime' or 'date': {event!r}")
        with self._lock:
            calendar_id = self.account if calendar_id == "primary" else calendar_id
            if calendar_id not in self._calendars:
                self.add_calendar(calendar_id)
            stored = copy.deepcopy(event)
            number = next(self._counter)
            stored.setdefault("id", f"ev{number:08d}")
            eid = base64.b64encode(f"{stored['id']} {calendar_id}".encode()).decode().rstrip("=")
            now = _rfc3339_now()
            owner = (
                {"email": calendar_id, "self": True}
                if calendar_id == self.account
                else {"email": calendar_id}
            )
            defaults = {
                "kind": "calendar#event",
                "etag": f'"{3_400_000_000_000_000 + number}"',
                "status": "confirmed",
                "htmlLink": f"https://www.google.com/calendar/event?eid={eid}",
                "created": now,
                "updated": now,
                "creator": owner,
                "organizer": owner,
                "iCalUID": f"{stored['id']}@google.com",
                "sequence": 0,
                "reminders": {"useDefault": True},
                "eventType": "default",
            }
            for key, value in defaults.items():
                stored.setdefault(key, copy.deepcopy(value))
            self._calendars[calendar_id].events[stored["id"]] = stored
            return str(stored["id"])

    def update_event(self, calendar_id: str, event_id: str, changes: _Json) -> None:
        """Change top-level fields of a stored event (bumps `updated`/`sequence`)."""
        with self._lock:
            event = self._calendar_of(calendar_id).events[event_id]
            event.update(copy.deepcopy(changes))
            event["updated"] = _rfc3339_now()
            event["sequence"] = int(event.get("sequence", 0)) + 1

    def cancel_event(self, calendar_id: str, event_id: str) -> None:
        """Mark an event cancelled, as Google does for a deleted event."""
        self.update_event(calendar_id, event_id, {"status": "cancelled"})

    def events(self, calendar_id: str = "primary") -> list[_Json]:
        with self._lock:
            return copy.deepcopy(list(self._calendar_of(calendar_id).events.values()))

    def _calendar_of(self, calendar_id: str) -> _Calendar:
        return self._calendars[self.account if calendar_id == "primary" else calendar_id]

    def _calendar_or_404(self, call: _Call) -> _Calendar:
        try:
            return self._calendar_of(call.params["calendarId"])
        except KeyError:
            raise _ApiError(404, "Not Found", reason="notFound") from None

    # ------------------------------------------------------------------ Calendar routes

    def _calendar_events_list(self, call: _Call) -> _Json:
        calendar = self._calendar_or_404(call)
        if not call.flag("singleEvents"):
            # The fake stores expanded instances only; pretending otherwise would
            # let a connector that forgets singleEvents=True pass its tests.
            raise _ApiError(
                400, "google_fake: call events.list with singleEvents=True", reason="invalid"
            )
        if call.arg("syncToken"):
            raise _ApiError(400, "google_fake does not implement syncToken", reason="invalid")
        time_min = _parse_rfc3339(call.arg("timeMin"), "timeMin")
        time_max = _parse_rfc3339(call.arg("timeMax"), "timeMax")
        if time_min and time_max and time_max <= time_min:
            raise _ApiError(
                400,
                "The specified time range is empty.",
                reason="timeRangeEmpty",
                domain="calendar",
            )
        items = [
            event for event in calendar.events.values() if self._event_wanted(call, calendar, event)
        ]
        items = self._order_events(call, calendar, items)
        page, next_token = self._paginate(call, items, default=250, maximum=2500)
        result: _Json = {
            "kind": "calendar#events",
            "etag": f'"{len(self._log)}"',
            "summary": calendar.summary,
            "description": "",
            "updated": _rfc3339_now(),
            "timeZone": calendar.time_zone,
            "accessRole": "owner",
            "defaultReminders": [],
            "items": copy.deepcopy(page),
        }
        if next_token:
            result["nextPageToken"] = next_token
        else:
            result["nextSyncToken"] = f"fake-sync-{secrets.token_urlsafe(8)}"
        return result

    def _event_wanted(self, call: _Call, calendar: _Calendar, event: _Json) -> bool:
        if event.get("status") == "cancelled" and not call.flag("showDeleted"):
            return False
        types = call.args("eventTypes")
        if types and event.get("eventType", "default") not in types:
            return False
        start = _event_time(event["start"], calendar.time_zone)
        end = _event_time(event["end"], calendar.time_zone)
        time_min = _parse_rfc3339(call.arg("timeMin"), "timeMin")
        time_max = _parse_rfc3339(call.arg("timeMax"), "timeMax")
        # Google: timeMin bounds the end, timeMax bounds the start, both exclusive.
        if (time_min and end <= time_min) or (time_max and start >= time_max):
            return False
        updated_min = _parse_rfc3339(call.arg("updatedMin"), "updatedMin")
        if updated_min and datetime.fromisoformat(event["updated"]) < updated_min:
            return False
        uid = call.arg("iCalUID")
        if uid and event.get("iCalUID") != uid:
            return False
        query = call.arg("q")
        return not query or query.casefold() in json.dumps(event, ensure_ascii=False).casefold()

    def _order_events(self, call: _Call, calendar: _Calendar, items: list[_Json]) -> list[_Json]:
        order = call.arg("orderBy")
        if order == "startTime":
            return sorted(items, key=lambda event: _event_time(event["start"], calendar.time_zone))
        if order == "updated":
            return sorted(items, key=lambda event: event["updated"])
        # Google promises no order without orderBy; newest-added first makes a
        # connector that silently relies on insertion order fail its tests.
        return list(reversed(items))

    def _calendar_events_get(self, call: _Call) -> _Json:
        event = self._calendar_or_404(call).events.get(call.params["eventId"])
        if event is None:
            raise _ApiError(404, "Not Found", reason="notFound")
        return copy.deepcopy(event)

    def _calendar_list_get(self, call: _Call) -> _Json:
        calendar = self._calendar_or_404(call)
        return {
            "kind": "calendar#calendarListEntry",
            "id": calendar.id,
            "summary": calendar.summary,
            "timeZone": calendar.time_zone,
            "accessRole": "owner",
            "primary": calendar.id == self.account,
        }

    def _calendar_get(self, call: _Call) -> _Json:
        calendar = self._calendar_or_404(call)
        return {
            "kind": "calendar#calendar",
            "id": calendar.id,
            "summary": calendar.summary,
            "timeZone": calendar.time_zone,
        }
