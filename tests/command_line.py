"""Running the `followup` command as a user does, for the system tests."""

from __future__ import annotations

import signal
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


def stop(process: subprocess.Popen[str], how: signal.Signals = signal.SIGTERM) -> str:
    """Send `how` to a running `followup run`, then what it wrote to stderr once it exited.
    One that does not stop is killed (not left running past the test) and fails the test
    with its stderr."""
    process.send_signal(how)
    try:
        _out, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        _out, err = process.communicate()
        raise AssertionError(f"the daemon did not stop within 30 s of {how.name}:\n{err}") from None
    return err
