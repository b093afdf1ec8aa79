"""Read every hostile calendar of `tests/calendar_mutants.py` and print its time and peak memory.

Usage: python bench/calendar_mutants.py [--only TEXT] [--timeout SECONDS]

Each ICS mutant is written to a file and read by `IcsCalendar` over the
window a cycle reads, in a child process of its own, so the peak RSS printed
(ru_maxrss) is that one read's, interpreter and libraries included; the first
row, an empty calendar, shows what the interpreter and libraries alone take.
Each Google mutant (one `events.list` item) goes through `event_from_google` in
a child of its own the same way. The outcome is the events read (and whether
the fine interview beside the mutant is among them) or the one-line error the
whole calendar was refused with.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"
sys.path.insert(0, str(TESTS))

from calendar_mutants import (  # noqa: E402  (the mutants live with the tests)
    GOOD_UID,
    GOOGLE_MUTANTS,
    ICS_MUTANTS,
    WINDOW,
    vcalendar,
)

EMPTY = "(empty calendar: the baseline)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="only the mutants whose name holds this")
    parser.add_argument("--timeout", type=float, default=300.0, help="per mutant, in seconds")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "WHAT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return _in_child(*args.child)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name in [EMPTY, *ICS_MUTANTS]:
            if args.only in name or name == EMPTY:
                path = Path(folder) / "mutant.ics"
                # Written by a child too: Linux passes a process's peak RSS on to its children.
                _child("write", f"{name}\n{path}", args.timeout)
                rows.append((f"ics: {name}", _child("ics", str(path), args.timeout)))
    for name in GOOGLE_MUTANTS:
        if args.only in name:
            rows.append((f"google: {name}", _child("google", name, args.timeout)))
    _print(rows)
    return 0


def _in_child(kind: str, what: str) -> int:
    if kind == "write":
        name, path = what.split("\n")
        Path(path).write_bytes(vcalendar().encode() if name == EMPTY else ICS_MUTANTS[name]())
        result: dict[str, object] = {}
    else:
        result = _read_ics(Path(what)) if kind == "ics" else _read_google(what)
    print(json.dumps(result))
    return 0


def _child(kind: str, what: str, timeout: float) -> dict[str, object]:
    command = [sys.executable, __file__, "--child", kind, what]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"outcome": f"did not finish within {timeout:g} s"}
    if done.returncode != 0:
        return {"outcome": f"crashed: {done.stderr.strip().splitlines()[-1:]}"}
    result: dict[str, object] = json.loads(done.stdout)
    return result


def _read_ics(path: Path) -> dict[str, object]:
    from connectors.ics import IcsCalendar
    from daemon.core.protocols import ConnectorError

    started = time.perf_counter()
    try:
        events = IcsCalendar("mutant", path=path).events(*WINDOW)
        good = " (the fine interview among them)" if GOOD_UID in {e.uid for e in events} else ""
        outcome = f"{len(events)} events{good}"
    except ConnectorError as error:
        outcome = f"refused: {error}"
    return _measured(started, outcome)


def _read_google(name: str) -> dict[str, object]:
    from connectors.google_calendar import event_from_google
    from daemon.core.protocols import ConnectorError

    item = GOOGLE_MUTANTS[name]
    started = time.perf_counter()
    try:
        event = event_from_google(item, "google:mutant", None)
        outcome = "left out" if event is None else f"read, {len(event.attendees)} attendees"
    except ConnectorError as error:
        outcome = f"skipped: {error}"
    return _measured(started, outcome)


def _measured(started: float, outcome: str) -> dict[str, object]:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {"seconds": time.perf_counter() - started, "rss": peak, "outcome": outcome}


def _print(rows: list[tuple[str, dict[str, object]]]) -> None:
    width = max(len(name) for name, _ in rows)
    print(f"{'mutant':<{width}}  {'time':>9}  {'peak RSS':>10}  outcome")
    for name, row in rows:
        seconds = f"{row['seconds']:.2f} s" if "seconds" in row else "-"
        rss = f"{row['rss']:.1f} MiB" if "rss" in row else "-"
        print(f"{name:<{width}}  {seconds:>9}  {rss:>10}  {row['outcome']}")
    timed = [(row["seconds"], name) for name, row in rows if isinstance(row.get("seconds"), float)]
    peaks = [(row["rss"], name) for name, row in rows if isinstance(row.get("rss"), float)]
    print(f"longest read: {max(timed)[0]:.2f} s ({max(timed)[1]})")
    print(f"highest peak RSS: {max(peaks)[0]:.1f} MiB ({max(peaks)[1]})")


if __name__ == "__main__":
    raise SystemExit(main())
