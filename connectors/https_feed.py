"""Downloading a calendar feed over https only: a redirect to plain http is refused, so a
feed (whose secret address is its password) is never sent in clear text; and bounded, so a
huge or trickling feed is abandoned.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from http import HTTPStatus
from http.client import HTTPMessage
from typing import IO

from daemon.core.protocols import ConnectorError

_CHUNK_BYTES = 1024 * 1024


class HttpsOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects to https only, so a feed cannot be downgraded to plain http;
    `redact` says the refused address without the secret its path may hold."""

    def __init__(self, redact: Callable[[str], str]) -> None:
        super().__init__()
        self._redact = redact

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urllib.parse.urlsplit(newurl).scheme.lower() != "https":
            raise ConnectorError(f"refused a redirect to {self._redact(newurl)}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


Validators = tuple[str, str]
"""What a server said identifies the feed's version: its ETag and Last-Modified ("" if none)."""


def fetch_https(
    url: str,
    *,
    timeout: float,
    total: float,
    limit: int,
    redact: Callable[[str], str],
    validators: Validators = ("", ""),
) -> tuple[bytes | None, Validators]:
    """The feed at `url` and its validators, or None for the feed when the server answers
    that it is unchanged since the `validators` given (a conditional GET, 304).

    Each read waits at most `timeout` seconds; a feed larger than `limit` bytes, or
    still arriving after `total` seconds, raises ConnectorError. urllib's errors are left
    to the caller."""
    started = time.monotonic()
    opener = urllib.request.build_opener(HttpsOnlyRedirects(redact))
    headers = {"User-Agent": "interview-followup"}
    etag, modified = validators
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    request = urllib.request.Request(url, headers=headers)
    chunks: list[bytes] = []
    size = 0
    try:
        response = opener.open(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        if error.code == HTTPStatus.NOT_MODIFIED and (etag or modified):
            error.close()
            return None, validators
        raise
    with response:
        while chunk := response.read(_CHUNK_BYTES):
            size += len(chunk)
            if size > limit:
                raise ConnectorError(f"larger than {limit // 2**20} MiB")
            if time.monotonic() - started > total:
                raise ConnectorError(f"still arriving after {total:g} s")
            chunks.append(chunk)
        answered = (response.headers.get("ETag", ""), response.headers.get("Last-Modified", ""))
    return b"".join(chunks), answered
