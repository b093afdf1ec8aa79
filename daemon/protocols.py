"""The two seams between the daemon and the outside world, and the errors they raise.

A `CalendarSource` yields normalised `Event`s; a `Mailbox` holds drafts and
says what became of them. Connectors implement these and import nothing else
from the daemon besides `daemon.model`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Protocol

from daemon.model import Event


class ConnectorError(Exception):
    """A connector could not do its job; the message is one line a user can act on."""


class SignInRequiredError(ConnectorError):
    """The stored sign-in is missing, revoked or expired: `followup auth` is needed."""


class DraftState(enum.StrEnum):
    """What became of a draft in the mailbox."""

    PENDING = "pending"
    SENT = "sent"
    DELETED = "deleted"


@dataclass(frozen=True)
class CreatedDraft:
    """What the daemon remembers of a draft it created, to ask about it later.

    `to` and `subject` let a mailbox recognise a sent copy whose Message-ID
    the mail client replaced when it sent the draft.
    """

    ref: str
    message_id: str
    to: str
    subject: str


class CalendarSource(Protocol):
    """A calendar the daemon reads events from."""

    @property
    def name(self) -> str:
        """A stable identifier of this source; part of every draft key."""
        ...

    def events(self, start: datetime, end: datetime) -> Iterable[Event]:
        """Timed occurrences overlapping [start, end), recurring series expanded.

        Raises `ConnectorError` when the calendar as a whole cannot be read;
        a single broken event is logged and skipped instead.
        """
        ...


class Mailbox(Protocol):
    """Where thank-you drafts are kept until the user sends them."""

    def create_draft(self, message: EmailMessage) -> str:
        """Store `message` as a draft and return a reference to it (path or id)."""
        ...

    def check_ready(self) -> None:
        """Raise `SignInRequiredError` (or `ConnectorError`) if the mailbox cannot be used.

        Cheap and local: no network call.
        """
        ...

    def find_draft(self, message_id: str, *, to: str = "", subject: str = "") -> str | None:
        """The reference of the draft carrying this Message-ID, if there is one.

        With `to` and `subject` (recovering an interrupted create), also a
        draft the user already edited (a new Message-ID) or sent.
        """
        ...

    def draft_state(self, draft: CreatedDraft) -> DraftState:
        """Whether the draft is still pending, was sent, or was deleted."""
        ...

    def draft_link(self, ref: str) -> str:
        """Something the user can open to reach the draft: a URL or a file path."""
        ...
