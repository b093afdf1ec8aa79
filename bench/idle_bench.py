"""Measure `followup run` idling as a service would: resident memory and CPU over a period.

Usage: python bench/idle_bench.py [--seconds 600] [--interval 5]

It starts the daemon on the demo calendar (checking it every minute, so the
period includes real cycles), samples /proc for its RSS and CPU time, stops it
with SIGTERM, and prints the figures. Linux only.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from daemon.demo import sample_calendar

CONFIG = (
    '[you]\nname = "Alex Rivera"\nemail = "alex@example.com"\n\n'
    '[[calendar]]\nkind = "ics"\npath = "calendar.ics"\n\n'
    '[drafts]\nkind = "maildir"\npath = "Drafts"\n\n'
    '[interviews]\ncheck_every_minutes = 1\n\n[state]\ndir = "state"\n'
)
TICKS = os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    """Resident memory of `pid`, from /proc/<pid>/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of `pid`, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--interval", type=float, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "calendar.ics").write_bytes(sample_calendar(datetime.now(UTC)))
        (root / "config.toml").write_text(CONFIG, encoding="utf-8")
        daemon = subprocess.Popen(
            [sys.executable, "-m", "daemon", "run", "--config", str(root / "config.toml")],
            stderr=subprocess.DEVNULL,
            env=os.environ | {"HOME": tmp},
        )
        time.sleep(3)  # start-up and the first cycle are not idling
        start_cpu, started = cpu_seconds(daemon.pid), time.monotonic()
        samples = []
        while time.monotonic() - started < args.seconds:
            samples.append(rss_mib(daemon.pid))
            time.sleep(args.interval)
        used = cpu_seconds(daemon.pid) - start_cpu
        elapsed = time.monotonic() - started
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=30)
    print(f"idle period                  {elapsed:8.0f} s (a cycle every minute)")
    first, last, peak = samples[0], samples[-1], max(samples)
    print(f"RSS first / last / max      {first:6.1f} / {last:.1f} / {peak:.1f} MiB")
    print(f"CPU time used                {used:8.2f} s ({100 * used / elapsed:.3f} % of one core)")


if __name__ == "__main__":
    main()
