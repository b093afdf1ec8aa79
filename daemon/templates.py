"""What notes are written with: the templates (the user's own, else the shipped ones) and the
files and links `[promises]` names.

The shipped templates are `config/templates/thank-you.txt` (warm),
`thank-you-formal.txt`, `thank-you-brief.txt` and `check-in.txt`; `[notes]
template` and `check_in_template` name a user's copies. A template that
cannot be read or parsed, or a promised file that cannot be read (or is too
large: `/dev/zero` is read no further than the limit), is a configuration
problem, reported in one line naming the file and its key.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Mapping
from pathlib import Path

from daemon.config import ConfigError, Tone
from daemon.core.compose import Fulfilment, Template
from daemon.core.message import Attachment
from daemon.core.text import one_line
from daemon.shipped import shipped_text

# A template or an attachment larger than this is refused rather than read into memory.
MAX_TEMPLATE_BYTES = 64 * 1024
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
_SHIPPED = {Tone.WARM: "thank-you", Tone.FORMAL: "thank-you-formal", Tone.BRIEF: "thank-you-brief"}


def shipped_template(name: str) -> Template:
    """A template shipped in `config/templates/`: `thank-you`, `thank-you-formal`,
    `thank-you-brief` or `check-in`."""
    return Template.parse(shipped_text("config", "templates", f"{name}.txt"))


def thank_you_template(path: Path | None, tone: Tone) -> Template:
    """The user's thank-you template at `path` if configured, else the shipped one of `tone`."""
    return load_template(path, _SHIPPED[tone])


def load_template(path: Path | None, shipped: str) -> Template:
    """The user's template at `path` if configured, else the shipped one named `shipped`."""
    if path is None:
        return shipped_template(shipped)
    key = "notes.check_in_template" if shipped == "check-in" else "notes.template"
    data = _read(path, MAX_TEMPLATE_BYTES, key)
    try:
        return Template.parse(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ConfigError(str(path), [one_line(f"{key}: {error}", 300)]) from None


def load_fulfilments(promises: Mapping[str, str]) -> tuple[Fulfilment, ...]:
    """How each `[promises]` entry is kept: a link, or a file attached to the note."""
    kept = []
    for name, where in promises.items():
        if where.startswith(("https://", "http://")):
            kept.append(Fulfilment(name, url=where))
            continue
        path = Path(where)
        data = _read(path, MAX_ATTACHMENT_BYTES, f"promises.{name.replace(' ', '_')}")
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        kept.append(Fulfilment(name, attachment=Attachment(path.name, kind, data)))
    return tuple(kept)


def _read(path: Path, limit: int, key: str) -> bytes:
    """At most `limit` bytes of `path`; ConfigError naming `key` when it cannot be read."""
    try:
        # Non-blocking: a named pipe without a writer must not hang the daemon.
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as file:
            data = file.read(limit + 1)
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        reason = getattr(error, "strerror", None) or str(error)
        raise ConfigError(str(path), [f"{key}: cannot be read ({reason})"]) from None
    if len(data) > limit:
        raise ConfigError(str(path), [f"{key}: larger than {limit // 1024:,} KiB, refused"])
    return data
