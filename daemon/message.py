"""Turning a composed note into an RFC 5322 draft message that is safe to hand to any mailbox.

Every header value passes through `one_line`, so no title or name from a
calendar can add a header: Python's own folding check misses some line
breaks (a trailing newline on unpatched 3.11, U+2028), so nothing is left to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from daemon.model import DraftKey
from daemon.text import one_line


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

    def as_email(self) -> EmailMessage:
        """The draft as an `EmailMessage` (UTF-8, non-ASCII names encoded per RFC 2047)."""
        message = EmailMessage()
        message["From"] = _address(self.from_name, self.from_email)
        message["To"] = _address(self.to_name, self.to_email)
        message["Subject"] = one_line(self.subject, 250)
        message["Date"] = format_datetime(self.date)
        message["Message-ID"] = self.message_id
        # Quoted-printable keeps the file 7-bit clean for every client and gateway.
        message.set_content(self.body, charset="utf-8", cte="quoted-printable")
        return message


def message_id_for(key: DraftKey, your_email: str) -> str:
    """The draft's Message-ID: derived from its key, so a lost draft can be found again."""
    domain = your_email.rpartition("@")[2] or "interview-followup.invalid"
    return f"<followup.{key.marker}@{domain}>"


def _address(name: str, email: str) -> Address:
    username, _, domain = email.partition("@")
    return Address(display_name=one_line(name, 120), username=username, domain=domain)
