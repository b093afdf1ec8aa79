"""bench/calendar_mutants.py still runs and prints its figures (on one small mutant, not timed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parent.parent / "bench" / "calendar_mutants.py"


def test_the_mutant_benchmark_measures_each_read_in_a_child_of_its_own() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--only", "unclosed"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert "ics: unclosed VEVENT" in done.stdout
    assert "the fine interview among them" in done.stdout
    assert "highest peak RSS: " in done.stdout
