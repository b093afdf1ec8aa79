"""Measure `followup run` idling as a service would: resident memory and CPU over a period.

Usage: python bench/idle_bench.py [--seconds 600] [--interval 5] [--events N]

It starts the daemon on the demo calendar, or a large one (`big_calendar.py`),
checking it every minute (so the period includes real cycles), samples /proc
for its RSS and CPU time, stops it with SIGTERM, and prints the figures. Linux only.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from big_calendar import big_calendar

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


@dataclass(frozen=True)
class Idle:
    """What `followup run` used while idling: the period, its RSS samples and its CPU time."""

    seconds: float
    rss: list[float]
    cpu: float

    @property
    def cpu_per_hour(self) -> float:
        """CPU seconds the daemon would use in an hour at this rate."""
        return self.cpu * 3600 / self.seconds


def idle(seconds: float, interval: float, calendar: bytes) -> Idle:
    """Run `followup run` on `calendar` (checked every minute) and sample it for `seconds`."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "calendar.ics").write_bytes(calendar)
        (root / "config.toml").write_text(CONFIG, encoding="utf-8")
        daemon = subprocess.Popen(
            [sys.executable, "-m", "daemon", "run", "--config", str(root / "config.toml")],
            stderr=subprocess.DEVNULL,
            env=os.environ | {"HOME": tmp},
        )
        _wait_for_first_cycle(root / "Drafts" / "cur")
        start_cpu, started = cpu_seconds(daemon.pid), time.monotonic()
        samples = []
        while time.monotonic() - started < seconds:
            samples.append(rss_mib(daemon.pid))
            time.sleep(interval)
        used = cpu_seconds(daemon.pid) - start_cpu
        elapsed = time.monotonic() - started
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=30)
    return Idle(elapsed, samples, used)


def _wait_for_first_cycle(drafts: Path) -> None:
    """Start-up and the first cycle are not idling: wait for its drafts, and a bit."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (drafts.is_dir() and any(drafts.iterdir())):
        time.sleep(0.2)
    time.sleep(3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--interval", type=float, default=5)
    parser.add_argument("--events", type=int, default=0, help="a large calendar (0: the demo's)")
    args = parser.parse_args()
    now = datetime.now(UTC)
    calendar = big_calendar(args.events, now) if args.events else sample_calendar(now)
    figures = idle(args.seconds, args.interval, calendar)
    print(f"idle period                  {figures.seconds:8.0f} s (a cycle every minute)")
    first, last, peak = figures.rss[0], figures.rss[-1], max(figures.rss)
    print(f"RSS first / last / max      {first:6.1f} / {last:.1f} / {peak:.1f} MiB")
    used, share = figures.cpu, 100 * figures.cpu / figures.seconds
    print(f"CPU time used                {used:8.2f} s ({share:.3f} % of one core)")


if __name__ == "__main__":
    main()
