"""One measurement of reading a large ICS calendar, in a process of its own (for its peak memory).

Usage: python bench/ics_bench.py MODE CALENDAR.ics

MODE is `bare` (icalendar's full parse and recurring-ical-events over the
window: the baseline), `changed` (a first read by the connector), `unchanged`
(a read five minutes later of the same file, after a first one) or `feed`
(the same, from a loopback feed answering 304), of a calendar `bench/run.py`
wrote (`big_calendar.py`). It prints one JSON line: the seconds the measured
read took, the events it found, and the peak RSS of the process (ru_maxrss) in MiB.
"""

from __future__ import annotations

import argparse
import json
import resource
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
# The window a cycle reads: 48 h of lookback and a day on each side.
WINDOW = (NOW - timedelta(hours=72), NOW + timedelta(days=1))
LATER = (WINDOW[0] + timedelta(minutes=5), WINDOW[1] + timedelta(minutes=5))


def bare(path: Path) -> int:
    """The baseline: parse the whole file, expand every series over the window."""
    import icalendar
    import recurring_ical_events

    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return len(recurring_ical_events.of(calendar).between(*WINDOW))


def serve(path: Path) -> str:
    """A loopback feed of `path` honouring If-None-Match; its address."""
    body = path.read_bytes()

    class Feed(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("ETag", '"v1"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Feed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/calendar.ics"


def measure(mode: str, path: Path) -> tuple[float, int]:
    """Seconds of the measured read, and the events it found."""
    from connectors import ics
    from connectors.https_feed import fetch_https

    if mode == "bare":
        started = time.perf_counter()
        found = bare(path)
        return time.perf_counter() - started, found
    if mode == "feed":
        local = serve(path)

        def get(_url: str, timeout: float, validators: tuple[str, str]) -> object:
            # The connector asks for https; the loopback feed speaks plain http.
            return fetch_https(
                local, timeout=timeout, total=60, limit=ics.MAX_CALENDAR_BYTES, redact=str,
                validators=validators,
            )  # fmt: skip

        ics._get_https = get  # type: ignore[assignment]
        calendar = ics.IcsCalendar("bench", url="https://calendar.example.com/bench.ics")
    else:
        calendar = ics.IcsCalendar("bench", path=path)
    if mode in ("unchanged", "feed"):
        calendar.events(*WINDOW)
    window = LATER if mode != "changed" else WINDOW
    started = time.perf_counter()
    found = len(calendar.events(*window))
    return time.perf_counter() - started, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["bare", "changed", "unchanged", "feed"])
    parser.add_argument("calendar", type=Path)
    args = parser.parse_args()
    seconds, found = measure(args.mode, args.calendar)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "events": found, "rss_mib": peak}))


if __name__ == "__main__":
    main()
