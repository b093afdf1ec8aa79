"""Who counts as answering a thank-you: shared by every mailbox connector."""

from __future__ import annotations

from collections.abc import Iterable


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
