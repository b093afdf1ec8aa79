"""`followup demo`: the embedded sample run into a Maildir of its own, then its status.

The demo writes its calendar and configuration into a folder it owns (never
emptying one it did not make), runs a cycle, "sends" one note as a mail client
would, writes a debrief of the panel as `followup debrief` keeps it, runs
again so the panel's drafts are rewritten, and shows one finished draft and
the status of every draft.
"""

from __future__ import annotations

import shutil
import sys
import tomllib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from daemon import demo
from daemon.config import ConfigError, default_state_dir, parse_settings
from daemon.core.model import EventRef
from daemon.cycle import run_cycle
from daemon.files import ensure_private_dir
from daemon.runtime import Runtime
from daemon.wiring import build_runtime

_DEMO_MARK = ".interview-followup-demo"

ShowStatus = Callable[[Runtime, datetime], object]


def run_demo(folder: Path | None, show_status: ShowStatus) -> int:
    """Run the demo in `folder` (default: the state directory's `demo`) and print it."""
    root = folder or default_state_dir() / "demo"
    _reset_demo_dir(root)
    now = datetime.now(UTC)
    (root / "calendar.ics").write_bytes(demo.sample_calendar(now))
    config = demo_config()
    (root / "config.toml").write_text(config, encoding="utf-8")
    settings = parse_settings(tomllib.loads(config), source=str(root / "config.toml"), base=root)
    runtime = build_runtime(settings)
    try:
        report = run_cycle(now, runtime)
        _send_for_demo(runtime, demo.SENT_UID, root / "Mail")
        panel = EventRef("demo", demo.PANEL_UID, "single")
        runtime.ledger.set_debrief(panel, demo.PANEL_DEBRIEF, now)
        debriefed = run_cycle(now, runtime)
        mail = root / "Mail"
        print(f"Demo calendar: {root / 'calendar.ics'}")
        print(report.headline())
        print(
            "Then the demo wrote a debrief of the Acme panel, as `followup debrief` keeps it:"
            f" {len(debriefed.outcome.rewritten)} drafts rewritten with it."
        )
        print(
            f"Drafts (a Maildir; open it with e.g. `mutt -f {mail / 'Drafts'}`): {mail / 'Drafts'}"
        )
        print(f"Reminder mails to yourself: {mail / 'INBOX'}")
        print("To show a finished one, the demo moved the Vandelay note to Sent, as if sent.")
        print(f"Try: {command_name()} status --config {root / 'config.toml'}\n")
        _show_one_draft(runtime, demo.PANEL_UID)
        show_status(runtime, now)
    finally:
        runtime.close()
    return 0


def command_name() -> str:
    """How to call `followup` again as it was called now: its bare name when that is the
    one on PATH, else its path (a virtual environment's bin/ is often not on PATH)."""
    called = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path("followup")
    on_path = shutil.which("followup")
    if called.name != "followup":
        return "followup" if on_path else f"{sys.executable} -m daemon"
    if on_path and Path(on_path).resolve() == called.resolve():
        return "followup"
    return str(called)


def demo_config() -> str:
    """The demo's configuration: the sample user, their calendar, a Maildir of its own."""
    strengths = ", ".join(f'"{s}"' for s in demo.STRENGTHS)
    promises = "".join(f'{name} = "{where}"\n' for name, where in demo.PROMISES.items())
    return (
        f'[you]\nname = "{demo.YOU_NAME}"\nemail = "{demo.YOU_EMAIL}"\n'
        f"strengths = [{strengths}]\n\n"
        f"[promises]\n{promises}\n"
        '[[calendar]]\nkind = "ics"\nname = "demo"\npath = "calendar.ics"\n\n'
        '[drafts]\nkind = "maildir"\npath = "Mail/Drafts"\nsent_path = "Mail/Sent"\n'
        'inbox_path = "Mail/INBOX"\n\n'
        "# The demo shows its reminders whatever the hour; by default they wait out the night.\n"
        "[deadline]\nquiet_hours = []\n\n"
        '[state]\ndir = "state"\n'
    )


def _show_one_draft(runtime: Runtime, uid: str) -> None:
    """The last draft of the event `uid`, as it stands in the mailbox."""
    records = [r for r in runtime.ledger.records().values() if r.key.uid == uid]
    stored = runtime.mailbox.read_draft(records[-1].draft_ref) if records else None
    if stored is None or stored.text is None:
        return
    record, text = records[-1], stored.text
    print(f"One of the drafts, to {record.recipient_name} <{record.recipient_email}>:")
    print(f"Subject: {text.subject}\n\n{text.body.rstrip()}\n")


def _send_for_demo(runtime: Runtime, uid: str, mail: Path) -> None:
    """Do what the user's mail client does on send: the draft moves to Sent."""
    for record in runtime.ledger.records().values():
        if record.key.uid == uid and record.draft_ref:
            draft = Path(runtime.mailbox.draft_link(record.draft_ref))
            sent = mail / "Sent" / "cur"
            sent.mkdir(parents=True, exist_ok=True)
            draft.rename(sent / draft.name.replace(":2,D", ":2,S"))


def _reset_demo_dir(root: Path) -> None:
    """Start the demo afresh, but never empty a folder the demo did not make."""
    if root.exists() and not root.is_dir():
        raise ConfigError("--dir", [f"{root} is a file; give a folder for the demo"])
    if root.exists() and any(root.iterdir()):
        if not (root / _DEMO_MARK).exists():
            raise ConfigError("--dir", [f"{root} is not empty and was not made by followup demo"])
        shutil.rmtree(root)
    ensure_private_dir(root)
    (root / _DEMO_MARK).touch()
