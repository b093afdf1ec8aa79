"""The IMAP tests' server: one Dovecot for the session, one fresh account per test."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from dovecot_server import PASSWORD, REQUIRED, Account, Dovecot, dovecot_binary


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


@pytest.fixture
def account(dovecot: Dovecot) -> Account:
    """A new user with an empty mailbox (Drafts, Sent, Trash and INBOX)."""
    return Account(dovecot, dovecot.add_user(), PASSWORD)
