"""Running the `followup` command as a user does, for the system tests."""

from __future__ import annotations

import subprocess
import sys


def followup(
    *args: str, env: dict[str, str], check: bool = True, stdin: str | None = None
) -> subprocess.CompletedProcess:
    """`followup ARGS` as a subprocess; with `check`, a non-zero exit fails the test with
    what the command printed."""
    result = subprocess.run(
        [sys.executable, "-m", "daemon", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result
