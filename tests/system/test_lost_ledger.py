"""Deleting or corrupting the ledger, as a user might, on the demo's Maildir: nothing drafted
twice, and the user told what happened."""

from __future__ import annotations

import collections
import email
import email.policy
import json
from pathlib import Path

import pytest
from command_line import followup

pytestmark = pytest.mark.system


def message_ids(mail: Path) -> collections.Counter[str]:
    ids: collections.Counter[str] = collections.Counter()
    for folder in ("Drafts", "Sent", "INBOX"):
        for path in (mail / folder).glob("*/*"):
            parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            ids[str(parsed["Message-ID"])] += 1
    return ids


@pytest.mark.parametrize("how", ["deleted", "corrupted"])
def test_the_demo_survives_losing_its_ledger(demo, home, how):
    mail, ledger = demo.parent / "Mail", demo.parent / "state" / "ledger.sqlite3"
    before = message_ids(mail)
    if how == "deleted":
        ledger.unlink()
    else:
        data = ledger.read_bytes()
        ledger.write_bytes(data[:4096] + b"\0garbage\0" * 100)
    ran = followup("run", "--once", "--config", str(demo), env=home, check=False)
    after = message_ids(mail)
    assert {i: n for i, n in after.items() if n > 1} == {}  # no Message-ID twice
    assert set(after) == set(before)  # nothing new drafted, nothing lost
    assert "The state was rebuilt from your mailbox" in ran.stderr
    shown = followup("status", "--config", str(demo), env=home, check=False).stdout
    assert "The state was rebuilt from your mailbox on " in shown
    if how == "corrupted":
        assert "the ledger was damaged; it is kept as" in shown
        assert list(ledger.parent.glob("ledger.sqlite3.damaged-*"))
    rows = json.loads(followup("status", "--json", "--config", str(demo), env=home).stdout)
    drafted = {r["recipient_email"] for r in rows if r["state"] == "drafted"}
    assert {"priya.raman@acme.example", "jose.muller@acme.example"} <= drafted
