"""Log lines for people and for the journal, with secrets masked at every level.

Under systemd (stderr is the journal stream named by `$JOURNAL_STREAM`) each
line starts with its syslog priority (`<3>` error … `<7>` debug), so
`journalctl -p warning` works; on a terminal lines carry a time stamp. Every
line passes through `redact` (`daemon.core.secrets`), which masks OAuth tokens,
codes and secrets whatever library wrote them and however they are encoded.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping

from daemon.core.secrets import redact

_SYSLOG_PRIORITY = {
    logging.CRITICAL: 2,
    logging.ERROR: 3,
    logging.WARNING: 4,
    logging.INFO: 6,
    logging.DEBUG: 7,
}


class _Formatter(logging.Formatter):
    def __init__(self, journal: bool) -> None:
        layout = (
            "%(name)s: %(message)s"
            if journal
            else "%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        super().__init__(layout)
        self._journal = journal

    def format(self, record: logging.LogRecord) -> str:
        text = redact(super().format(record))
        if not self._journal:
            return text
        priority = _SYSLOG_PRIORITY.get(record.levelno, 6)
        # Every line of a multi-line record (a traceback) keeps the priority.
        return "\n".join(f"<{priority}>{line}" for line in text.splitlines())


def under_journal(environ: Mapping[str, str] | None = None) -> bool:
    """Whether stderr is connected to the journal, as `$JOURNAL_STREAM` says."""
    env = os.environ if environ is None else environ
    device, _, inode = env.get("JOURNAL_STREAM", "").partition(":")
    try:
        stat = os.fstat(sys.stderr.fileno())
    except (OSError, ValueError):
        return False
    return f"{stat.st_dev}:{stat.st_ino}" == f"{device}:{inode}"


def configure_logging(level: int) -> None:
    """Send log lines to stderr, for the journal or for a terminal."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter(journal=under_journal()))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.captureWarnings(True)  # library warnings pass the same masking
