"""The `followup` command on an IMAP account: run, status and check against the test Dovecot."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from command_line import followup
from dovecot_server import Account
from test_mailbox_imap_contract import MailClient

DATA = Path(__file__).parents[1] / "data" / "ics"
NOW = "2026-11-26T16:00:00+00:00"
PASSWORD_VARIABLE = "FOLLOWUP_TEST_IMAP_PASSWORD"

pytestmark = pytest.mark.system


@pytest.fixture
def env(tmp_path: Path, account: Account) -> dict[str, str]:
    """A fresh home, and the account's password in the variable the configuration names.
    The zone is UTC, the one NOW and the expected reminder are written in: the default quiet
    hours (22:00-07:00) are the machine's local time, and in Sydney NOW is 03:00."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "FOLLOWUP_"))}
    return kept | {
        "TZ": "UTC",
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config"),
        "XDG_STATE_HOME": str(tmp_path / "home" / ".state"),
        "XDG_DATA_HOME": str(tmp_path / "home" / ".data"),
        PASSWORD_VARIABLE: account.password,
    }


@pytest.fixture
def config(tmp_path: Path, account: Account) -> Path:
    shutil.copy(DATA / "system_week_ats_panel.ics", tmp_path / "week.ics")
    path = tmp_path / "config.toml"
    path.write_text(
        '[you]\nname = "Alex Rivera"\nemail = "alex@example.com"\n\n'
        '[[calendar]]\nkind = "ics"\nname = "week"\npath = "week.ics"\n\n'
        '[drafts]\nkind = "imap"\nhost = "127.0.0.1"\n'
        f'port = {account.server.imaps_port}\ntls = "implicit"\n'
        f'ca_file = "{account.server.ca_file}"\n'
        f'username = "{account.user}"\npassword_env = "{PASSWORD_VARIABLE}"\n\n'
        '[state]\ndir = "state"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def client(account: Account) -> Iterator[MailClient]:
    imap = account.server.client(account.user, account.password)
    yield MailClient(imap)
    imap.logout()


def recipients(client: MailClient, folder: str) -> dict[str, int]:
    return {
        client.message(folder, uid)["To"].addresses[0].addr_spec: uid for uid in client.uids(folder)
    }


def test_run_once_drafts_into_the_imap_drafts_and_status_follows_the_user(
    config: Path, env: dict[str, str], client: MailClient
) -> None:
    ran = followup("run", "--once", "--config", str(config), "--now", NOW, env=env)
    print(ran.stdout)
    assert "4 new drafts" in ran.stdout
    drafts = recipients(client, "Drafts")
    assert sorted(drafts) == [
        "jose.muller@acme.example",
        "mallory@initech.example",
        "priya.raman@acme.example",
        "sam.taylor@globex.example",
    ]
    # The user sends Priya's note (the client moves it) and deletes Mallory's.
    client.move("Drafts", drafts["priya.raman@acme.example"], "Sent")
    client.move("Drafts", drafts["mallory@initech.example"], "Trash")
    again = followup("run", "--once", "--config", str(config), "--now", NOW, env=env)
    print(again.stdout)
    assert "0 new drafts, 2 updated" in again.stdout
    [reminder] = [client.message("INBOX", uid) for uid in client.uids("INBOX")]
    assert "Sam Taylor" in reminder.get_body(preferencelist=("plain",)).get_content()
    shown = followup("status", "--config", str(config), "--now", NOW, env=env, check=False)
    print(shown.stdout)
    listed = followup("status", "--json", "--config", str(config), "--now", NOW, env=env)
    rows = {row["recipient_email"]: row for row in json.loads(listed.stdout)}
    assert rows["priya.raman@acme.example"]["state"] == "sent"
    assert rows["mallory@initech.example"]["state"] == "deleted"
    assert rows["jose.muller@acme.example"]["draft"].startswith("imap://")
    assert len(client.uids("Drafts")) == 2


def test_check_signs_in_and_names_the_folders(
    config: Path, env: dict[str, str], account: Account
) -> None:
    checked = followup("check", "--config", str(config), "--now", NOW, env=env, check=False)
    print(checked.stdout)
    line = next(x for x in checked.stdout.splitlines() if "IMAP account" in x)
    assert line.startswith("ok")
    assert account.user in line and "'Drafts'" in line and "'Sent'" in line


def test_check_says_in_one_line_that_the_password_is_refused(
    config: Path, env: dict[str, str]
) -> None:
    wrong = env | {PASSWORD_VARIABLE: "not the password"}
    checked = followup("check", "--config", str(config), "--now", NOW, env=wrong, check=False)
    print(checked.stdout)
    assert checked.returncode != 0
    line = next(x for x in checked.stdout.splitlines() if "IMAP account" in x)
    assert line.startswith("FAIL") and "refused the sign-in" in line
    assert "not the password" not in checked.stdout + checked.stderr
