"""What changed in a Gmail mailbox between two history ids, read from `users.history.list`.

Pure: the records Gmail answered go in, a `Changes` comes out, no I/O. The
Gmail connector asks it which drafts and threads were touched since it last
looked at them, and which messages arrived (or were labelled) since, to read
only those.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# The record fields that name messages, and whether their labels say what arrived.
_ARRIVING = ("messagesAdded", "labelsAdded")
_TOUCHING = ("messagesAdded", "messagesDeleted", "labelsAdded", "labelsRemoved")


@dataclass(frozen=True)
class Arrival:
    """A message added to the mailbox, or given labels, at history id `at`.

    `labels` are the labels it was added with, or those added to it; None when
    Gmail did not say (its reference leaves `labelIds` out at times), so that
    it is read rather than missed.
    """

    message: str
    thread: str
    labels: frozenset[str] | None
    at: int

    def has(self, label: str) -> bool:
        """Whether the message arrived with (or was given) `label`, or may have."""
        return self.labels is None or label in self.labels


@dataclass(frozen=True)
class Touch:
    """One message changed at history id `at`: how (`field`, e.g. `messagesAdded`)."""

    at: int
    message: str
    thread: str
    field: str


@dataclass(frozen=True)
class Changes:
    """The mailbox's changes after history id `since`, up to `until` (where it stands)."""

    since: int
    until: int
    touches: tuple[Touch, ...]
    arrivals: tuple[Arrival, ...]

    def covers(self, after: int) -> bool:
        """Whether every change after history id `after` is here."""
        return after >= self.since

    def touched(
        self, *, after: int, message: str = "", thread: str = "", besides: str = ""
    ) -> bool:
        """Whether the message, or any message of the thread, changed after history id
        `after`; the arrival of message `besides` (one already known) does not count."""
        return any(
            t.at > after
            and (t.message == message or t.thread == thread)
            and not (t.field == "messagesAdded" and t.message == besides)
            for t in self.touches
        )

    def arrived(self, *labels: str) -> list[Arrival]:
        """Messages that arrived with any of `labels` (or were given one), oldest first."""
        return [a for a in self.arrivals if any(a.has(label) for label in labels)]


def changes_of(since: int, until: int, records: Iterable[Mapping[str, Any]]) -> Changes:
    """The changes that history records (in Gmail's order) describe."""
    touches: list[Touch] = []
    arrivals: list[Arrival] = []
    for record in records:
        at = int(record.get("id", until))
        for field in _TOUCHING:
            for change in record.get(field, []):
                message = change.get("message", {})
                ids = str(message.get("id", "")), str(message.get("threadId", ""))
                touches.append(Touch(at, *ids, field))
                if field in _ARRIVING:
                    arrivals.append(_arrival(field, change, at))
    return Changes(since, until, tuple(touches), tuple(arrivals))


def _arrival(field: str, change: Mapping[str, Any], at: int) -> Arrival:
    message = change.get("message", {})
    # A labelsAdded change names the labels added beside the message's own.
    labels = change.get("labelIds") if field == "labelsAdded" else message.get("labelIds")
    known = frozenset(str(label) for label in labels) if labels is not None else None
    return Arrival(str(message.get("id", "")), str(message.get("threadId", "")), known, at)
