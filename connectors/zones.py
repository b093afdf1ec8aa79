"""Time zones by name: the system's own, and one named by a calendar, if it is known.

Kept apart from the ICS reader so that commands which only need the user's
zone do not load a calendar parser.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone_named(name: str) -> ZoneInfo | None:
    """The IANA zone `name`, or None when this system does not know it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def local_zone() -> tzinfo:
    """The system's zone, by name where it can be found, so DST changes are followed."""
    for name in _local_zone_names():
        zone = zone_named(name)
        if zone is not None:
            return zone
    # No name (e.g. Windows without TZ): only the current offset is known.
    return datetime.now().astimezone().tzinfo or UTC


def _local_zone_names() -> Iterable[str]:
    if os.environ.get("TZ"):
        yield os.environ["TZ"].lstrip(":")
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        parts = localtime.resolve().parts
        if "zoneinfo" in parts:
            yield "/".join(parts[parts.index("zoneinfo") + 1 :])
    timezone_file = Path("/etc/timezone")
    if timezone_file.is_file():
        yield timezone_file.read_text(encoding="utf-8", errors="replace").strip()
