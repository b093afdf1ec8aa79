"""Masking secrets in text that is logged, kept or shown: `redact(text)`. Pure.

An error answer from a server may echo the request that failed, so any error
text can carry an OAuth token, a client secret, a refresh token or an
authorisation code, in whatever encoding the request had: a form or query
string (`client_secret=…&refresh_token=1%2F%2F…`, itself URL-encoded once
more), JSON (`"refresh_token": "…"`, escaped inside another JSON string), an
HTTP header (`Authorization: Bearer …`), the repr of a dict or of bytes, or
the password in an address. `redact` masks the value named by a secret's name
in every one of those forms, and Google's shapes wherever they appear
unnamed (ya29. access tokens, 1// refresh tokens, GOCSPX- client secrets,
4/0 authorisation codes, AIza API keys, JWT id tokens). Redacting twice
changes nothing more.
"""

from __future__ import annotations

import re

MASK = "[redacted]"

# A quote around a name or value: plain, backslash-escaped (JSON inside JSON) or
# URL-encoded (once, or more: %2522).
_QUOTE = r"""(?:\\?["']|%(?:25)*2[27])?"""
# Between a name and its value: JSON's and a repr's colon, a form's or header's `=`/`:`.
_SEPARATOR = rf"{_QUOTE}\s*+(?:[:=]|%(?:25)*3[AD])\s*+{_QUOTE}"
# A value runs until a quote, a separator of the text around it, or one of those encoded;
# one already masked is left alone, so that redacting twice changes nothing more.
_VALUE = rf"""(?!{re.escape(MASK)})(?:(?!%(?:25)*(?:2[0267C]|3B))[^\s"'&,;}}\]\\)<>])+"""
_NAMES = (
    r"(?:access|refresh|id)[_-]?token|client[_-]?secret|api[_-]?key|code[_-]?verifier"
    r"|password|passwd|token"
)
# The slash in Google's shapes, as plain, JSON-escaped and URL-encoded text writes it.
_SLASH = r"(?:/|\\/|%(?:25)*2F)"
# Where a name or an unnamed shape may start: not inside a word, but right after a
# character encoded once or twice (`%26refresh_token%3D1%2F%2F…`, `%2526refresh_token`).
_ENCODED = r"(?:(?<=%[0-9A-F]{2})|(?<=%25[0-9A-F]{2}))"
_START = rf"(?:(?<![\w.])|{_ENCODED})"
_NAME_START = rf"(?:(?<![\w-])|{_ENCODED})"

_PATTERNS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # Google's shapes: access tokens, refresh tokens, client secrets, authorisation
        # codes, API keys; and any signed JWT (an id token).
        r"(?P<keep>)ya29\.[\w.-]+",
        rf"(?P<keep>){_START}1{_SLASH}{_SLASH}[\w.-]+",
        r"(?P<keep>)GOCSPX-[\w-]+",
        rf"(?P<keep>){_START}4{_SLASH}[\w-]{{20,}}",
        r"(?P<keep>)AIza[\w-]{30,}",
        r"(?P<keep>)eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*",
        # Credentials in an HTTP header, whatever their scheme (atomic: a scheme followed
        # by a masked value is not taken for the value).
        rf"(?P<keep>\bauthorization{_SEPARATOR}(?>\s*(?:(?:basic|bearer|token)\s+)?)){_VALUE}",
        rf"(?P<keep>\bbearer\s++){_VALUE}",
        # A value named as a secret, in JSON, a repr, a form, a query or a header.
        rf"(?P<keep>{_NAME_START}(?:{_NAMES}){_SEPARATOR}){_VALUE}",
        # An authorisation code, but not the numeric `"code": 404` of an error answer.
        rf"(?P<keep>{_NAME_START}code{_SEPARATOR})(?!\d+\b){_VALUE}",
        # The password in an address: https://user:password@host/.
        r"(?P<keep>\b[a-z][a-z0-9+.-]*://[^/\s:@]+:)[^/\s@]+(?=@)",
    )
)


def redact(text: str) -> str:
    """`text` with every token, code and secret replaced by `[redacted]`."""
    for pattern in _PATTERNS:
        text = pattern.sub(rf"\g<keep>{MASK}", text)
    return text
