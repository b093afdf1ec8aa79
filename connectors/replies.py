"""Threading and answers, shared by every mailbox connector: who replied, which ids are named."""

from __future__ import annotations

import re
from collections.abc import Iterable

_ANGLED_ID = re.compile(r"<([^<>\s]+)>")


def named_ids(header_values: Iterable[str]) -> set[str]:
    """The Message-IDs (without angle brackets) that In-Reply-To/References values name."""
    return {found for value in header_values for found in _ANGLED_ID.findall(value)}


def bare_id(message_id: str) -> str:
    """A Message-ID without whitespace and angle brackets, to compare with `named_ids`."""
    return message_id.strip().strip("<>").strip()


def answered_by(senders: Iterable[str], correspondent: str, own: Iterable[str]) -> bool:
    """Whether any of `senders` is the interviewer or a colleague at their domain.

    Your own addresses never count: a follow-up you sent is not their answer.
    """
    wanted = correspondent.strip().lower()
    domain = domain_of(wanted)
    mine = {address.strip().lower() for address in own}
    for sender in senders:
        address = sender.strip().lower()
        if not address or address in mine:
            continue
        if address == wanted or (domain and domain_of(address) == domain):
            return True
    return False


def domain_of(address: str) -> str:
    """The domain of an address, or "" when it has none."""
    local, at, domain = address.rpartition("@")
    return domain if at and local else ""
