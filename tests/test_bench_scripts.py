"""The benchmark scripts still run and print their figures (on tiny inputs, not timed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parent.parent / "bench"


@pytest.mark.parametrize(
    ("script", "options", "printed"),
    [
        ("cycle_bench.py", ["--events", "20", "--series", "2", "--interviews", "2"], "status rows"),
        ("startup.py", ["--runs", "1"], "followup status"),
        ("idle_bench.py", ["--seconds", "3", "--interval", "1"], "RSS first / last / max"),
        ("many_drafts.py", ["--drafts", "20"], "idle cycle (same runtime"),
        (
            "google_requests.py",
            ["--pending", "3", "--watched", "3", "--drafts", "20"],
            "per idle cycle",
        ),
    ],
)
def test_the_benchmark_runs(script, options, printed):
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *options],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert printed in done.stdout


def test_the_idle_cost_table_runs_on_small_sizes():
    small = ["--events", "300", "--large", "600", "--idle-seconds", "3"]
    small += ["--tracked", "3", "--account-drafts", "5"]
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), *small],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "| figure | us | baseline | ratio |" in done.stdout
    assert "ICS 600 events, changed: peak RSS" in done.stdout
    assert "Google requests per idle cycle" in done.stdout
