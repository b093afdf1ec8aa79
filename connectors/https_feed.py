"""Downloading a calendar feed over https only: a redirect to plain http is refused, so a
feed (whose secret address is its password) is never sent in clear text.
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Callable
from http.client import HTTPMessage
from typing import IO

from daemon.core.protocols import ConnectorError


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


def fetch_https(url: str, timeout: float, limit: int, redact: Callable[[str], str]) -> bytes:
    """At most `limit` bytes of the feed at `url`; urllib's errors are left to the caller."""
    opener = urllib.request.build_opener(HttpsOnlyRedirects(redact))
    request = urllib.request.Request(url, headers={"User-Agent": "interview-followup"})
    with opener.open(request, timeout=timeout) as response:
        data: bytes = response.read(limit)
    return data
