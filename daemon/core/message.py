"""Turning a composed note into an RFC 5322 draft message that is safe to hand to any mailbox.

No title or name from a calendar can add a header or a recipient: every header
value is flattened to one line (Python's own folding check misses some line
breaks: a trailing newline on unpatched 3.11, U+2028), RFC 2047 encoded-words
are broken up before the email package could decode them into line breaks or
addresses, and the finished message is parsed back to prove it has exactly the
headers and the one recipient it should.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from daemon.core.model import DraftKey, Recipient, You
from daemon.core.text import one_line


@dataclass(frozen=True)
class Attachment:
    """A file a note carries, read when the configuration was loaded."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class DraftMessage:
    """Everything a mailbox needs to create one thank-you draft."""

    from_name: str
    from_email: str
    to_name: str
    to_email: str
    subject: str
    body: str
    message_id: str
    date: datetime
    references: tuple[str, ...] = ()  # the thread this message answers, oldest first
    attachments: tuple[Attachment, ...] = ()

    def __post_init__(self) -> None:
        # They come from mailboxes; only plain <id@host> forms may reach a header.
        if not all(_MESSAGE_ID.fullmatch(ref) for ref in self.references):
            raise UnsafeDraftError(f"not a Message-ID: {self.references!r}")

    def as_email(self) -> EmailMessage:
        """The draft as an `EmailMessage` (UTF-8, non-ASCII names encoded per RFC 2047)."""
        message = EmailMessage()
        message["From"] = _address(self.from_name, self.from_email)
        message["To"] = _address(self.to_name, self.to_email)
        message["Subject"] = header_text(self.subject, 250)
        message["Date"] = format_datetime(self.date)
        message["Message-ID"] = self.message_id
        if self.references:
            message["In-Reply-To"] = self.references[-1]
            message["References"] = " ".join(self.references)
        # Quoted-printable keeps the file 7-bit clean for every client and gateway.
        message.set_content(self.body, charset="utf-8", cte="quoted-printable")
        for attachment in self.attachments:
            kind, _, sub = attachment.content_type.partition("/")
            message.add_attachment(
                attachment.data, maintype=kind, subtype=sub, filename=attachment.filename
            )
        _check_headers(message, self.to_email, threaded=bool(self.references))
        return message


def note_to(
    you: You,
    key: DraftKey,
    recipient: Recipient,
    subject: str,
    body: str,
    now: datetime,
    references: tuple[str, ...] = (),
    attachments: tuple[Attachment, ...] = (),
) -> DraftMessage:
    """A note from you to `recipient`, its Message-ID derived from `key`."""
    return DraftMessage(
        from_name=you.name,
        from_email=you.email,
        to_name=recipient.name,
        to_email=recipient.email,
        subject=subject,
        body=body,
        message_id=message_id_for(key, you.email),
        date=now,
        references=references,
        attachments=attachments,
    )


def message_id_for(key: DraftKey, your_email: str) -> str:
    """The draft's Message-ID: derived from its key, so a lost draft can be found again."""
    domain = your_email.rpartition("@")[2] or "interview-followup.invalid"
    return f"<followup.{key.marker}@{domain}>"


_MESSAGE_ID = re.compile(r"<[!-;=?-~]{1,250}>")


def plain_message_id(value: str) -> str | None:
    """`value` as a `<id@host>` Message-ID fit for a header, or None when it is not one."""
    text = value.strip()
    if text and not text.startswith("<"):
        text = f"<{text}>"  # some clients write it without the angle brackets
    return text if _MESSAGE_ID.fullmatch(text) and "@" in text else None


class UnsafeDraftError(ValueError):
    """The built draft does not read back as exactly the message intended."""


def header_text(text: str, limit: int) -> str:
    """`text` as one line in which no `=?…?=` encoded-word can be decoded by a reader."""
    return one_line(text, limit).replace("=?", "=\u200b?")


def _address(name: str, email: str) -> Address:
    username, _, domain = email.partition("@")
    return Address(display_name=header_text(name, 120), username=username, domain=domain)


_HEADERS = sorted(
    {"Content-Transfer-Encoding", "Content-Type", "Date", "From", "MIME-Version"}
    | {"Message-ID", "Subject", "To"}
)


def _check_headers(message: EmailMessage, to_email: str, *, threaded: bool) -> None:
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    recipients = [a.addr_spec for a in getattr(parsed["To"], "addresses", ())]
    expected = sorted([*_HEADERS, "In-Reply-To", "References"]) if threaded else _HEADERS
    if parsed.is_multipart():  # with attachments: the encoding is each part's
        expected = [name for name in expected if name != "Content-Transfer-Encoding"]
    if sorted(parsed.keys()) != expected or recipients != [to_email]:
        raise UnsafeDraftError(
            f"the draft to {to_email} did not read back as built; it was not created"
        )
