"""The files shipped with interview-followup, found the same way however it runs.

The note templates and the example configuration live in `config/`, the
systemd unit in `systemd/`, where a reader of the source finds them. A built
package (wheel, pipx) carries the same folders inside `daemon`, as
`daemon.defaults` and `daemon.unitfiles` (mapped in pyproject.toml); an
editable install maps those names to the folders themselves; a source tree
run as it is (`python -m daemon` in a clone) reads the folders directly.
"""

from __future__ import annotations

import sys
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

_PACKAGED = {"config": "daemon.defaults", "systemd": "daemon.unitfiles"}


def shipped_file(folder: str, *parts: str) -> Traversable:
    """A file of the shipped `folder` ("config" or "systemd"), e.g. ("config", "templates", …)."""
    try:
        root = resources.files(_PACKAGED[folder])
    except ModuleNotFoundError:
        root = Path(__file__).resolve().parent.parent / folder
    return root.joinpath(*parts)


def readme_path() -> Path:
    """The README as installed (`<prefix>/share/doc/interview-followup/README.md`, where
    a wheel puts it), else the one of the source tree this code runs from."""
    installed = Path(sys.prefix) / "share" / "doc" / "interview-followup" / "README.md"
    if installed.is_file():
        return installed
    return Path(__file__).resolve().parent.parent / "README.md"


def shipped_text(folder: str, *parts: str) -> str:
    """The text of a shipped file."""
    return shipped_file(folder, *parts).read_text(encoding="utf-8")
