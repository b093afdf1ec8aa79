"""Downloading a calendar feed over https only: a redirect to plain http is refused, so a
feed (whose secret address is its password) is never sent in clear text; and bounded, so a
huge or trickling feed is abandoned.
"""

from __future__ import annotations

import time
import urllib.parse
import urllib.request
from collections.abc import Callable
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


def fetch_https(
    url: str, *, timeout: float, total: float, limit: int, redact: Callable[[str], str]
) -> bytes:
    """The feed at `url`: each read waits at most `timeout` seconds; a feed larger than
    `limit` bytes, or still arriving after `total` seconds, raises ConnectorError. urllib's
    errors are left to the caller."""
    started = time.monotonic()
    opener = urllib.request.build_opener(HttpsOnlyRedirects(redact))
    request = urllib.request.Request(url, headers={"User-Agent": "interview-followup"})
    chunks: list[bytes] = []
    size = 0
    with opener.open(request, timeout=timeout) as response:
        while chunk := response.read(_CHUNK_BYTES):
            size += len(chunk)
            if size > limit:
                raise ConnectorError(f"larger than {limit // 2**20} MiB")
            if time.monotonic() - started > total:
                raise ConnectorError(f"still arriving after {total:g} s")
            chunks.append(chunk)
    return b"".join(chunks)
