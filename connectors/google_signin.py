"""`followup auth`: Google's installed-app OAuth flow, with or without a browser here.

`sign_in` runs the flow with a loopback redirect (`http://localhost:PORT/`).
Without a browser on this machine it shows the consent address, an SSH
port-forward recipe, and also accepts the address the browser ended on, pasted
back: whichever arrives first wins. It asks for `scopes_for(read_drafts)`,
refuses a sign-in where any of them was unticked, and saves the token with
`TokenStore`.

Tokens, refresh tokens and authorization codes are never logged or shown.
"""

from __future__ import annotations

import contextlib
import errno
import getpass
import hmac
import json
import logging
import os
import selectors
import socket
import socketserver
import sys
import time
import urllib.parse
import webbrowser
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import httplib2  # type: ignore[import-untyped, unused-ignore]
import requests
from google.auth.exceptions import GoogleAuthError
from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import InstalledAppFlow
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from oauthlib.oauth2 import OAuth2Error  # type: ignore[import-untyped, unused-ignore]

from connectors.google_auth import TokenStore, describe_scopes, missing_scopes, scopes_for
from daemon.core.protocols import ConnectorError

log = logging.getLogger(__name__)

_CLIENT_HELP = (
    "in Google Cloud Console (APIs & Services → Credentials) create an OAuth client "
    "of type Desktop app, download its JSON and point [google] client_secrets at it"
)
_CLIENT_KEYS = ("client_id", "client_secret", "auth_uri", "token_uri")
_HTTP_TIMEOUT = 30.0
_BROWSER_PAGE = (
    "interview-followup received Google's answer. "
    "Return to the terminal to see the result; you can close this tab.\n"
)


@dataclass(frozen=True)
class SignInResult:
    """Who signed in, and what they allowed (every scope asked for, as Google granted it)."""

    email: str
    scopes: tuple[str, ...]


def _say_on_stdout(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def sign_in(
    client_secrets: Path,
    store: TokenStore,
    *,
    port: int = 0,
    open_browser: bool = True,
    token_uri: str | None = None,
    gmail_endpoint: str | None = None,
    say: Callable[[str], None] = _say_on_stdout,
    pasted_lines: Iterable[str] | None = None,
    timeout: float | None = None,
    read_drafts: bool = False,
) -> SignInResult:
    """Sign in to Google once and save the token; behind `followup auth`.

    `client_secrets` is the Desktop app client JSON from Google Cloud.
    `port` is the loopback port of the redirect (0: a free one). With
    `open_browser` the consent page opens in this machine's browser; either
    way `say` shows its address (and, without a browser, an SSH tunnel recipe
    and how to paste the address the browser ended on). The redirect reaching
    the loopback server or a matching address among `pasted_lines` — a file
    such as `sys.stdin` is watched alongside the server; any other iterable
    is read between polls and must not block — completes the sign-in,
    whichever comes first. `timeout` (seconds, None: wait until interrupted)
    bounds the wait. `token_uri` replaces the client file's token endpoint and
    `gmail_endpoint` Gmail's, for tests and proxies. `read_drafts` (the
    `[google]` setting) chooses the scopes asked for: see `scopes_for`.

    Raises `ConnectorError` with one actionable line on any failure; nothing
    is saved unless every scope was granted and Gmail named the account.
    """
    config = read_client_config(client_secrets, token_uri=token_uri)
    wanted = scopes_for(read_drafts)
    flow = InstalledAppFlow.from_client_config(config, scopes=list(wanted))
    with _loopback_server(port) as server:
        flow.redirect_uri = f"http://localhost:{server.port}/"
        url, state = _authorization_url(flow)
        _invite(say, url, server.port, open_browser=open_browser)
        answer = _wait_for_answer(server, pasted_lines, say, timeout)
    credentials = _exchange(flow, _code_from(answer, state), wanted)
    email = _signed_in_address(credentials, gmail_endpoint)
    store.save(credentials)
    log.info("signed in to Google as %s", email)
    return SignInResult(email, _granted_in_order(credentials, wanted))


def _authorization_url(flow: Any) -> tuple[str, str]:
    """The consent address (offline access, consent asked every time so that a
    refresh token always comes back) and the state it carries."""
    try:
        url, state = flow.authorization_url(access_type="offline", prompt="consent")
    except OAuth2Error as error:  # e.g. an http:// auth_uri: oauthlib insists on https
        raise ConnectorError(
            f"cannot start the sign-in ({error.error}: {error.description}); "
            "the client file's auth_uri and token_uri must be https:// addresses"
        ) from None
    return str(url), str(state)


def read_client_config(path: Path, *, token_uri: str | None = None) -> dict[str, Any]:
    """The "installed" OAuth client config in `path`, with `token_uri` applied.

    Raises `ConnectorError` saying what to do when the file is missing, is not
    JSON, or holds another kind of client (a Web application client).
    """
    raw = _read_client_file(path)
    if "web" in raw:
        raise ConnectorError(f"{path} is a Web application client; {_CLIENT_HELP}")
    installed = raw.get("installed")
    if not isinstance(installed, dict) or not all(
        isinstance(installed.get(key), str) and installed[key] for key in _CLIENT_KEYS
    ):
        raise ConnectorError(
            f"{path} is not the OAuth client file of a Desktop app; {_CLIENT_HELP}"
        )
    config = dict(installed)
    if token_uri:
        config["token_uri"] = token_uri
    return {"installed": config}


def _read_client_file(path: Path) -> dict[str, Any]:
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConnectorError(f"{path} does not exist; {_CLIENT_HELP}") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "it is not text"
        raise ConnectorError(f"cannot read {path} ({reason}); {_CLIENT_HELP}") from None
    try:
        raw = json.loads(text)
    except ValueError:
        raise ConnectorError(f"{path} is not JSON; {_CLIENT_HELP}") from None
    if not isinstance(raw, dict):
        raise ConnectorError(f"{path} is not an OAuth client file; {_CLIENT_HELP}")
    return raw


def _invite(say: Callable[[str], None], url: str, port: int, *, open_browser: bool) -> None:
    """Tell the user where to go: the consent page, and how to come back headless."""
    if open_browser and _open_browser(url):
        say("Your browser should now show Google's consent page. If it did not open, visit:")
        say(f"  {url}")
    else:
        say("Open this address in a browser, sign in and allow access:")
        say(f"  {url}")
        say(f"Google then sends the browser back to http://localhost:{port}/ on this machine.")
        say("If that browser runs on another computer, forward the port from there first:")
        say(f"  {ssh_recipe(port)}")
        say("or, after allowing access, copy the whole address the browser ended on")
        say(f"(http://localhost:{port}/?state=…&code=…, even if the page failed to load)")
        say("and paste it here.")
    say("Waiting for Google… (Ctrl-C to give up)")


def _open_browser(url: str) -> bool:
    try:
        return webbrowser.open(url, new=1, autoraise=True)
    except webbrowser.Error:
        return False


def ssh_recipe(port: int) -> str:
    """The command that forwards `port` from the computer with the browser to this one."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = "you"
    host = socket.gethostname() or "this-machine"
    return f"ssh -N -L {port}:127.0.0.1:{port} {user}@{host}"


# --------------------------------------------------------------------------- the loopback receiver


class _RedirectHandler(BaseHTTPRequestHandler):
    """Answers Google's redirect to http://localhost:PORT/?state=…&code=…."""

    server: _LoopbackServer
    timeout = 5  # a silent connection (a browser's preconnect) cannot hold the flow up

    def do_GET(self) -> None:
        answer = _oauth_answer(self.path)
        if answer is None:
            self._reply(404, "Not found.\n")
            return
        if self.server.answer is None:
            self.server.answer = answer
        self._reply(200, _BROWSER_PAGE)

    def _reply(self, status: int, text: str) -> None:
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the request line carries the authorization code."""


class _LoopbackServer(socketserver.TCPServer):
    """A one-thread HTTP server on 127.0.0.1, served from the sign-in's own loop."""

    allow_reuse_address = True  # a fixed --port again soon after (TIME_WAIT)
    timeout = 0  # handle_request is only called once the socket is readable

    def __init__(self, port: int) -> None:
        self.answer: dict[str, str] | None = None
        self._ipv6_guard: socket.socket | None = None
        super().__init__(("127.0.0.1", port), _RedirectHandler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def guard_ipv6_loopback(self) -> None:
        """Hold ::1 on the same port without listening, so a browser trying
        localhost over IPv6 first is refused and falls back to 127.0.0.1, and
        no other program can answer there instead."""
        guard = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        try:
            guard.bind(("::1", self.port))
        except OSError as error:
            guard.close()
            if error.errno == errno.EADDRINUSE:
                raise
            return  # no IPv6 loopback here: nothing to guard
        self._ipv6_guard = guard

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("the sign-in redirect listener dropped a broken request")

    def server_close(self) -> None:
        if self._ipv6_guard is not None:
            self._ipv6_guard.close()
            self._ipv6_guard = None
        super().server_close()


@contextlib.contextmanager
def _loopback_server(port: int) -> Iterator[_LoopbackServer]:
    try:
        server = _LoopbackServer(port)
    except OSError as error:
        raise ConnectorError(_port_problem(port, error)) from None
    try:
        try:
            server.guard_ipv6_loopback()
        except OSError as error:
            raise ConnectorError(_port_problem(server.port, error)) from None
        log.info("waiting for Google's redirect on 127.0.0.1:%d", server.port)
        yield server
    finally:
        server.server_close()


def _port_problem(port: int, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return f"port {port} is already in use on this machine; choose another with --port"
    return f"cannot listen on 127.0.0.1:{port} ({error.strerror}); choose another port with --port"


def _oauth_answer(url: str) -> dict[str, str] | None:
    """The query of a redirect to the loopback address, if it is Google's answer."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    if not {"state", "code", "error"} & set(query):
        return None
    return {name: values[0] for name, values in query.items()}


# --------------------------------------------------------------------------- waiting for the answer


class _Paste:
    """Lines the user pastes: watched by the selector when they come from a
    file descriptor (a terminal, a pipe), else taken one at a time between polls."""

    def __init__(self, lines: Iterable[str] | None, selector: selectors.BaseSelector) -> None:
        self._selector = selector
        self._descriptor: int | None = None
        self._partial = b""
        self._lines: Iterator[str] | None = None
        if lines is None:
            return
        descriptor = _fileno(lines)
        if descriptor is not None and self._watch(descriptor):
            return
        self._lines = iter(lines)

    def _watch(self, descriptor: int) -> bool:
        try:
            self._selector.register(descriptor, selectors.EVENT_READ, self)
        except (OSError, ValueError):  # e.g. a regular file, which epoll refuses
            return False
        self._descriptor = descriptor
        return True

    @property
    def has_queued_lines(self) -> bool:
        return self._lines is not None

    def next_queued_line(self) -> list[str]:
        """The next line of a plain iterable ([] once it is exhausted)."""
        assert self._lines is not None
        line = next(self._lines, None)
        if line is None:
            self._lines = None
            return []
        return [line]

    def read_ready_lines(self) -> list[str]:
        """The complete lines now readable from the descriptor; stops watching at EOF."""
        assert self._descriptor is not None
        chunk = os.read(self._descriptor, 65536)
        if not chunk:
            self._selector.unregister(self._descriptor)
            self._descriptor = None
            chunk = b"\n"  # hand over an unterminated last line
        *complete, self._partial = (self._partial + chunk).split(b"\n")
        return [line.decode("utf-8", "replace") for line in complete]


def _fileno(lines: Iterable[str]) -> int | None:
    fileno = getattr(lines, "fileno", None)
    if fileno is None:
        return None
    try:
        return int(fileno())
    except (OSError, ValueError):  # io.UnsupportedOperation is both
        return None


def _wait_for_answer(
    server: _LoopbackServer,
    pasted_lines: Iterable[str] | None,
    say: Callable[[str], None],
    timeout: float | None,
) -> dict[str, str]:
    """Serve the loopback server and read pasted lines until either brings an answer."""
    deadline = None if timeout is None else time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(server, selectors.EVENT_READ, server)
        paste = _Paste(pasted_lines, selector)
        while True:
            lines = paste.next_queued_line() if paste.has_queued_lines else []
            wait = 0.0 if paste.has_queued_lines else _remaining(deadline)
            for key, _ in selector.select(wait):
                if key.data is server:
                    server.handle_request()
                else:
                    lines += paste.read_ready_lines()
            if server.answer is not None:
                return server.answer
            for line in lines:
                answer = _pasted_answer(line, say)
                if answer is not None:
                    return answer
            if deadline is not None and time.monotonic() >= deadline:
                raise ConnectorError(
                    "no answer from Google's consent page in time; run `followup auth` again"
                )


def _remaining(deadline: float | None) -> float | None:
    return None if deadline is None else max(0.0, deadline - time.monotonic())


def _pasted_answer(line: str, say: Callable[[str], None]) -> dict[str, str] | None:
    text = line.strip().strip("<>\"'")
    if not text:
        return None
    answer = _oauth_answer(text)
    if answer is None:
        say(
            "That is not the address the browser ended on; paste the whole "
            "http://localhost…?state=…&code=… address."
        )
    return answer


def _code_from(answer: Mapping[str, str], state: str) -> str:
    """The authorization code of Google's answer, once it is known to be ours."""
    if not hmac.compare_digest(answer.get("state", "").encode(), state.encode()):
        raise ConnectorError(
            "refused: that answer does not belong to this sign-in (its state differs, "
            "as in a forged request); run `followup auth` again and use the new address"
        )
    error = answer.get("error")
    if error == "access_denied":
        raise ConnectorError(
            "sign-in was cancelled on Google's consent page; run `followup auth` to try again"
        )
    if error:
        reason = " ".join(error.split())[:80]  # it comes from a URL anyone could craft
        raise ConnectorError(f"Google refused the sign-in ({reason}); run `followup auth` again")
    code = answer.get("code")
    if not code:
        raise ConnectorError(
            "that address has no code=…; paste the whole address the browser ended on"
        )
    return code


# --------------------------------------------------------------------------- after the consent


def _exchange(flow: Any, code: str, wanted: tuple[str, ...]) -> Credentials:
    """Trade the code for tokens, then insist on a refresh token and every `wanted` scope."""
    try:
        with _token_scope_may_change(), _token_logs_silenced():
            flow.fetch_token(code=code, timeout=_HTTP_TIMEOUT)
    except OAuth2Error as error:
        raise ConnectorError(
            f"Google did not accept the sign-in ({error.error}: {error.description}); "
            "run `followup auth` again"
        ) from None
    except requests.RequestException as error:
        raise ConnectorError(f"cannot reach Google to finish the sign-in: {error}") from None
    credentials: Credentials = flow.credentials
    _check_granted(credentials, wanted)
    if not credentials.refresh_token:
        raise ConnectorError(
            "Google returned no refresh token; remove interview-followup's access at "
            "https://myaccount.google.com/permissions and run `followup auth` again"
        )
    return credentials


def _granted(credentials: Credentials) -> list[str]:
    """What Google said it granted (the scopes asked for when it did not say)."""
    granted = credentials.granted_scopes
    if granted is None:
        return list(credentials.scopes or ())
    return list(granted)


def _granted_in_order(credentials: Credentials, wanted: tuple[str, ...]) -> tuple[str, ...]:
    """The granted scopes, those asked for first and in that order: what `followup auth`
    reports, so it also names anything Google granted beyond the request."""
    granted = _granted(credentials)
    return (*(s for s in wanted if s in granted), *(s for s in granted if s not in wanted))


def _check_granted(credentials: Credentials, wanted: tuple[str, ...]) -> None:
    missing = missing_scopes(_granted(credentials), wanted)
    if missing:
        raise ConnectorError(
            "not signed in: you did not allow interview-followup to "
            f"{describe_scopes(missing)}; run `followup auth` again and leave every "
            "permission ticked (nothing was saved)"
        )


@contextlib.contextmanager
def _token_scope_may_change() -> Iterator[None]:
    """Let oauthlib accept a grant narrower than asked (it raises Warning otherwise):
    `_check_granted` judges the granted scopes and names what is missing."""
    name = "OAUTHLIB_RELAX_TOKEN_SCOPE"
    previous = os.environ.get(name)
    os.environ[name] = "1"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


class _DropAll(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return False


@contextlib.contextmanager
def _token_logs_silenced() -> Iterator[None]:
    """requests-oauthlib logs the token response, tokens included, at DEBUG."""
    logger = logging.getLogger("requests_oauthlib.oauth2_session")
    silence = _DropAll()
    logger.addFilter(silence)
    try:
        yield
    finally:
        logger.removeFilter(silence)


def _signed_in_address(credentials: Credentials, gmail_endpoint: str | None) -> str:
    """The account's address, from Gmail's `users.getProfile`."""
    options = {"api_endpoint": gmail_endpoint} if gmail_endpoint else None
    try:
        gmail = build(
            "gmail",
            "v1",
            credentials=credentials,
            static_discovery=True,
            cache_discovery=False,
            client_options=options,
        )
        profile = gmail.users().getProfile(userId="me").execute(num_retries=0)
    except (HttpError, GoogleAuthError, httplib2.HttpLib2Error, OSError) as error:
        raise ConnectorError(
            f"Gmail could not confirm the sign-in ({error}); nothing was saved, "
            "run `followup auth` again"
        ) from None
    return str(profile.get("emailAddress", ""))
