"""Desktop notifications through `notify-send`, where a session bus is there to carry them.

Where there is no session bus (a server, a container) or no `notify-send`,
nothing happens: the reminder mail and the journal still tell the user.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess

log = logging.getLogger(__name__)


def notify_desktop(title: str, body: str) -> None:
    """Show a notification on the user's desktop, if there is one; never raise."""
    program = shutil.which("notify-send")
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS") or program is None:
        return
    command = [program, "--app-name=interview-followup", "--urgency=normal", title, body]
    try:
        subprocess.run(command, check=True, timeout=10, capture_output=True)
    except (OSError, subprocess.SubprocessError) as error:
        log.info("no desktop notification: %s", error)
