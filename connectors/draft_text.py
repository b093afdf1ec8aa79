"""A stored draft's words, read from its RFC 5322 bytes: shared by every mailbox connector.

`draft_text(data)` returns the `DraftText` the daemon proofreads: the decoded
Subject, the first text/plain part's decoded body (quoted-printable or base64,
in its charset; a body that cannot be decoded is read with the bad bytes
replaced, never refused) and the file names of its attachments. A draft
without a text/plain part (an HTML-only or image-only message) has no words
the daemon can proofread: None, as where a mailbox may not read bodies.

Only the first `MAX_DRAFT_BYTES` are parsed. A draft is a few kilobytes; one
past the limit carries a large attachment, and its headers, its text and the
headers of its attachments (which precede their data) come first.
"""

from __future__ import annotations

import email.policy
import logging
from email.message import EmailMessage, Message
from email.parser import BytesParser

from daemon.core.protocols import DraftText

log = logging.getLogger(__name__)

MAX_DRAFT_BYTES = 10 * 1024 * 1024
"""How much of a draft is read to proofread it (see the module docstring)."""

_PARSER = BytesParser(policy=email.policy.default)


def draft_text(data: bytes) -> DraftText | None:
    """The subject, body and attachment names of the message in `data`; None without a
    text/plain body."""
    message = _PARSER.parsebytes(data[:MAX_DRAFT_BYTES])
    body = message.get_body(preferencelist=("plain",))
    if body is None:
        log.debug("the draft has no text/plain part to proofread")
        return None
    return DraftText(_subject(message), _decoded(body), _attachment_names(message, body))


def _subject(message: Message) -> str:
    """The decoded Subject; "" when absent or when the email package cannot parse it."""
    try:
        return str(message.get("Subject", "")).strip()
    except Exception as error:  # the email package can raise on hostile headers
        log.debug("cannot parse the draft's Subject: %s", error)
        return ""


def _decoded(part: Message) -> str:
    """A text part's words with LF line ends, undecodable bytes replaced.

    `get_content` decodes the transfer encoding and the charset, replacing bytes
    the charset does not know; an unknown charset (or a part the email package
    chokes on) falls back to the raw payload read as UTF-8, again replacing.
    """
    try:
        text = part.get_content() if isinstance(part, EmailMessage) else None
    except (LookupError, ValueError, AssertionError) as error:
        log.debug("cannot decode the draft's text as declared (%s); reading it as UTF-8", error)
        text = None
    if not isinstance(text, str):
        payload = part.get_payload(decode=True)
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _attachment_names(message: Message, body: Message) -> tuple[str, ...]:
    """The file names of every part that names a file, the body excepted, in order."""
    names = []
    for part in message.walk():
        if part is body or part.is_multipart():
            continue
        try:
            name = part.get_filename()
        except Exception as error:  # a hostile Content-Disposition
            log.debug("cannot read an attachment's file name: %s", error)
            continue
        if name:
            names.append(str(name))
    return tuple(names)
