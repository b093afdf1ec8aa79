"""Measure how fast `followup` starts, against the interpreter starting with nothing to do.

Usage: python bench/startup.py [--runs 15]

It times `followup --help`, `followup --version` and `followup status` (on the
demo's ICS calendar and Maildir, written first into a temporary folder) and
`python -c pass`, alternating them so a noisy machine slows all alike, and
prints the median of each in seconds and as a multiple of `python -c pass`.
The idle daemon's memory is measured by `bench/idle_bench.py`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FOLLOWUP = [sys.executable, "-m", "daemon"]


def timed(command: list[str], env: dict[str, str]) -> float:
    """Seconds `command` takes from start to exit."""
    start = time.perf_counter()
    subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        env = os.environ | {"XDG_STATE_HOME": folder, "XDG_CONFIG_HOME": folder}
        demo = Path(folder) / "demo"
        subprocess.run([*FOLLOWUP, "demo", "--dir", str(demo)], env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "followup --help": [*FOLLOWUP, "--help"],
            "followup --version": [*FOLLOWUP, "--version"],
            "followup status": [*FOLLOWUP, "status", "--config", str(demo / "config.toml")],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, command in commands.items():
                times[name].append(timed(command, env))
    baseline = statistics.median(times["python -c pass"])
    print(f"{'command':<22}{'median':>10}{'× python -c pass':>20}   ({runs} runs each)")
    for name, measured in times.items():
        median = statistics.median(measured)
        print(f"{name:<22}{median:>9.3f}s{median / baseline:>19.1f}×")


if __name__ == "__main__":
    main()
