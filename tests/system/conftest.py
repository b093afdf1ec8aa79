"""Fixtures of the system tests, which run the `followup` command as a user would."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from command_line import followup


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    """An environment with a fresh home and XDG folders, and no FOLLOWUP_ variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "FOLLOWUP_"))}
    env |= {
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config"),
        "XDG_STATE_HOME": str(tmp_path / "home" / ".state"),
        "XDG_DATA_HOME": str(tmp_path / "home" / ".data"),
    }
    return env


@pytest.fixture
def demo(home: dict[str, str], tmp_path: Path) -> Path:
    """The demo, run once; its configuration file."""
    followup("demo", "--dir", str(tmp_path / "demo"), env=home)
    return tmp_path / "demo" / "config.toml"
