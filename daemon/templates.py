"""Note templates as the daemon uses them: the user's own file, else the one shipped.

The shipped templates are `config/templates/thank-you.txt` and `check-in.txt`;
`[notes] template` and `check_in_template` name a user's copies. A template
that cannot be read or parsed is a configuration problem, reported as such.
"""

from __future__ import annotations

from pathlib import Path

from daemon.config import ConfigError
from daemon.core.compose import Template
from daemon.shipped import shipped_text


def shipped_template(name: str) -> Template:
    """A template shipped in `config/templates/`: `thank-you` or `check-in`."""
    return Template.parse(shipped_text("config", "templates", f"{name}.txt"))


def load_template(path: Path | None, shipped: str) -> Template:
    """The user's template at `path` if configured, else the shipped one named `shipped`."""
    if path is None:
        return shipped_template(shipped)
    try:
        return Template.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ConfigError("notes", [f"template {path}: {error}"]) from None
