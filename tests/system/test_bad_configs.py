"""Configuration mistakes as a user makes them, each run as the `followup` command: every
kind exits 78 with one line that names the key, and never shows a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from command_line import followup

pytestmark = pytest.mark.system

BASE = (
    '[you]\nname = "Alex Rivera"\nemail = "alex@example.com"\n\n'
    '[[calendar]]\nkind = "ics"\nname = "week"\npath = "week.ics"\n\n'
    '[drafts]\nkind = "maildir"\npath = "Mail/Drafts"\n\n'
)
CALENDAR = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\nEND:VCALENDAR\n"


@pytest.mark.parametrize(
    ("mistake", "said"),
    [
        (
            '[notes]\nrewrite_command = ["x", ' + "[" * 5000 + "]" * 5000 + "]\n",
            "notes.rewrite_command: arrays or inline tables nested too deep",
        ),
        ('[state]\ndir = "~nosuchuser/x"\n', "state.dir: '~nosuchuser' names no home folder"),
        (
            '[drafts]\nsent_path = "Mail/Sent\\u0000"\n',
            "drafts.sent_path: contains a NUL character",
        ),
        ('[notes]\ntemplate = "/dev/zero"\n', "notes.template: larger than 64 KiB, refused"),
        ('[promises]\nportfolio = "/dev/zero"\n', "promises.portfolio: larger than 10,240 KiB"),
        ("[deadline]\nhours = 0x" + "f" * 4000 + "\n", "deadline.hours: expected a number"),
    ],
    ids=["nested arrays", "~user", "NUL in a path", "/dev/zero template", "/dev/zero file", "huge"],
)
def test_each_mistake_exits_78_with_one_line_naming_the_key(
    mistake: str, said: str, tmp_path: Path, home: dict[str, str]
) -> None:
    (tmp_path / "week.ics").write_text(CALENDAR, encoding="utf-8")
    config = tmp_path / "config.toml"
    # A [drafts] or [notes] of the mistake's own replaces the base's.
    base = BASE.replace('[drafts]\nkind = "maildir"\npath = "Mail/Drafts"\n\n', "")
    drafts = '[drafts]\nkind = "maildir"\npath = "Mail/Drafts"\n'
    mistake = mistake.replace("[drafts]\n", drafts) if "[drafts]" in mistake else drafts + mistake
    config.write_text(base + mistake, encoding="utf-8")

    done = followup("-q", "run", "--once", "--config", str(config), env=home, check=False)

    assert done.returncode == 78, done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith("followup: configuration problem in ")
    assert said in line
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("where", "said"),
    [
        ("/dev/zero", "/dev/zero: larger than 1 MiB: is it the configuration file?"),
        ("~nosuchuser/config.toml", "~nosuchuser/config.toml: file not found"),
        ("fifo", "fifo: 6 problems:"),  # a named pipe without a writer reads as empty
    ],
)
def test_a_configuration_file_that_is_no_file_exits_78_at_once(
    where: str, said: str, tmp_path: Path, home: dict[str, str]
) -> None:
    if where == "fifo":
        where = str(tmp_path / "fifo")
        os.mkfifo(where)

    done = followup("status", env=home | {"FOLLOWUP_CONFIG": where}, check=False)

    assert done.returncode == 78, done.stderr
    assert done.stderr.splitlines()[0].startswith("followup: configuration problem in ")
    assert said in done.stderr.splitlines()[0]
    assert "Traceback" not in done.stderr
