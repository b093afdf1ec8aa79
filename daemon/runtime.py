"""What a cycle runs on: the settings, the rules, and the connectors built from them.

Kept apart from the cycle itself so that commands which only read the ledger
(`followup status`) can hold a runtime without loading the detector.
"""

from __future__ import annotations

from dataclasses import dataclass

from daemon.config import Settings
from daemon.core.plan import Drafting
from daemon.core.protocols import CalendarSource, HoldsConnection, Mailbox
from daemon.executor import Channels
from daemon.ledger import Ledger


@dataclass
class Runtime:
    """Everything a cycle runs on, already built from the settings (see `daemon.wiring`)."""

    settings: Settings
    drafting: Drafting
    sources: list[CalendarSource]
    mailbox: Mailbox
    ledger: Ledger
    channels: Channels

    def end_cycle(self) -> None:
        """Close what connectors hold for one cycle (an IMAP connection): a daemon
        asleep between cycles keeps nothing open that a server would time out."""
        if isinstance(self.mailbox, HoldsConnection):
            self.mailbox.close()

    def close(self) -> None:
        """End the cycle's connections and release the ledger."""
        self.end_cycle()
        self.ledger.close()
