"""The `followup` command on a CalDAV calendar: a real Radicale in, drafts in a Maildir out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from caldav_servers import PASSWORD, Radicale
from calendar_contract import PANEL
from meeting_ics import meeting_file
from test_followup_command import NOW, drafts, followup

pytestmark = pytest.mark.system

USER = "dana"  # an account of its own: its server address holds exactly one calendar


@pytest.fixture(scope="module")
def server(radicale: Radicale) -> Radicale:
    """The server, with the one calendar of USER holding the panel interview."""
    url = radicale.new_calendar("interviews", "Interviews", user=USER)
    radicale.dav(USER).put(url + "panel.ics", meeting_file(PANEL))
    return radicale


@pytest.fixture
def config(server: Radicale, tmp_path: Path) -> Path:
    radicale = server
    path = tmp_path / "config.toml"
    path.write_text(
        '[you]\nname = "Alex Rivera"\nemail = "alex@example.com"\n\n'
        f'[[calendar]]\nkind = "caldav"\nname = "work"\nurl = "{radicale.url}"\n'
        f'username = "{USER}"\npassword_env = "CALDAV_PASSWORD"\n\n'
        '[drafts]\nkind = "maildir"\npath = "Mail/Drafts"\nsent_path = "Mail/Sent"\n\n'
        '[state]\ndir = "state"\n',
        encoding="utf-8",
    )
    return path


def test_calendars_run_once_and_status_on_a_caldav_server(server, config, home, tmp_path):
    env = {**home, "CALDAV_PASSWORD": PASSWORD}
    listed = followup("calendars", "--config", str(config), env=env)
    ran = followup("run", "--once", "--config", str(config), "--now", NOW, env=env)
    shown = followup("status", "--config", str(config), "--now", NOW, env=env, check=False)
    print(f"$ followup calendars\n{listed.stdout}")
    print(f"$ followup run --once\n{ran.stdout}{ran.stderr}")
    print(f"$ followup status\n{shown.stdout}")
    assert f'Interviews: url = "{server.url}{USER}/interviews/"' in listed.stdout
    assert set(drafts(tmp_path / "Mail" / "Drafts")) == {"priya@acme.example"}
    rows = json.loads(
        followup(
            "status", "--json", "--config", str(config), "--now", NOW, env=env, check=False
        ).stdout
    )
    assert [(r["recipient_email"], r["state"]) for r in rows] == [("priya@acme.example", "drafted")]
    assert "Priya Raman" in shown.stdout


def test_a_wrong_password_fails_the_cycle_with_one_line(config, home):
    env = {**home, "CALDAV_PASSWORD": "Xq7-not-it"}
    ran = followup("run", "--once", "--config", str(config), "--now", NOW, env=env, check=False)
    assert ran.returncode != 0
    assert "refused the username or password (HTTP 401)" in ran.stdout + ran.stderr
    assert "Xq7-not-it" not in ran.stdout + ran.stderr
