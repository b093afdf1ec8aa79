"""The IMAP tests' server: one Dovecot for the session, one fresh account per test."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from dovecot_server import PASSWORD, REQUIRED, Dovecot, dovecot_binary

from connectors.imap import ImapAccount, Security


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """A Dovecot on two loopback ports, stopped (with every helper) after the session."""
    if dovecot_binary() is None:
        if REQUIRED:
            pytest.fail("dovecot is not installed, and FOLLOWUP_REQUIRE_DOVECOT is set")
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)")
    # Not under pytest's own 0700 temporary folder: as root, Dovecot's mail processes run
    # as the dovecot account and must reach the Maildirs through every parent folder.
    root = Path(tempfile.mkdtemp(prefix="followup-dovecot-"))
    server = Dovecot(root)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@dataclass(frozen=True)
class Account:
    """A fresh account on the test Dovecot, as the connector and as the user's client see it."""

    server: Dovecot
    user: str
    password: str

    def settings(self, **changes: object) -> ImapAccount:
        """How the connector reaches it: implicit TLS, the test authority trusted."""
        account = ImapAccount(
            host="127.0.0.1",
            port=self.server.imaps_port,
            security=Security.IMPLICIT,
            username=self.user,
            password=lambda: self.password,
            ca_file=self.server.ca_file,
            timeout=5.0,
        )
        return replace(account, **changes)  # type: ignore[arg-type]


@pytest.fixture
def account(dovecot: Dovecot) -> Account:
    """A new user with an empty mailbox (Drafts, Sent, Trash and INBOX)."""
    return Account(dovecot, dovecot.add_user(), PASSWORD)
