"""Load smoke (launch test 7): browsing visitors and paced checkouts together, for a while.

Usage (from bench/soak.sh): python bench/soak.py --base http://127.0.0.1:PORT --browsers 50
    --checkouts-per-second 5 --duration 120 --out results/soak.json PATH [PATH ...]

Each browsing visitor is a thread that views the given paths in turn (each visitor starting
at a different one), waiting --think seconds (on average, exponentially distributed) between
two views, the way people read. Checkouts start at --checkouts-per-second, each one a whole
purchase by a new shopper (bench/checkout.py's Shopper: order page, cart, details, review,
place, the dummy provider's form, the paid confirmation) on a pool of threads; a purchase that
cannot start on time because every shopper is busy is counted as late, not queued forever.

The JSON written to --out holds, for page views and for the requests of purchases apart: the
count by HTTP status, the 5xx count, and latency percentiles; the purchases completed, failed
(with the first few failures) and late; and the achieved rates. The exit status is 1 when any
response was a 5xx or a purchase failed, 0 otherwise. The invariants (stock, one provider
reference per order, one email and one commission per order) are checked by bench/soak.sh
against the database when the run is over.
"""

import argparse
import http.client
import json
import random
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from checkout import Abandoned, Failure, Shopper, percentile

TIMEOUT = 30  # seconds, per request
KEPT_FAILURES = 10


class Tally:
    """Statuses and latencies of requests, shared by threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.latencies_ms: list[float] = []
        self.errors: list[str] = []

    def add(self, status, latency_ms: float) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.latencies_ms.append(latency_ms)

    def summary(self) -> dict:
        with self.lock:
            latencies = list(self.latencies_ms)
            statuses = dict(self.statuses)
        return {
            "requests": len(latencies),
            "statuses": {str(k): v for k, v in sorted(statuses.items(), key=str)},
            "server_errors": sum(v for k, v in statuses.items() if isinstance(k, int) and k >= 500),
            "connection_errors": statuses.get("error", 0),
            "p50_ms": percentile(latencies, 50),
            "p95_ms": percentile(latencies, 95),
            "p99_ms": percentile(latencies, 99),
            "errors": self.errors[:KEPT_FAILURES],
        }


def browse(base: str, paths: list[str], start: int, think: float, stop: threading.Event, tally):
    """One visitor: view the paths in turn until `stop`, on a keep-alive connection. The server
    closes a connection left idle past its keep-alive timeout; as a browser does, the visitor
    then sends the view again once on a new connection (only a second failure counts)."""
    parts = urlsplit(base)
    rng = random.Random(start)

    def connect():
        return http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=TIMEOUT)

    conn, reused = connect(), False
    n = start
    while not stop.is_set():
        path = paths[n % len(paths)]
        n += 1
        started = time.monotonic()
        for attempt in (1, 2):
            try:
                conn.request("GET", path, headers={"User-Agent": "apothecary-soak/browse"})
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = connect()
                if reused and attempt == 1:
                    reused = False
                    started = time.monotonic()
                    continue
                tally.add("error", (time.monotonic() - started) * 1000)
                with tally.lock:
                    tally.errors.append(f"GET {path}: {type(error).__name__}: {error}")
                break
            reused = True
            tally.add(response.status, (time.monotonic() - started) * 1000)
            if response.status >= 500:
                with tally.lock:
                    tally.errors.append(f"GET {path}: HTTP {response.status}")
            break
        stop.wait(rng.expovariate(1 / think) if think > 0 else 0)
    conn.close()


class Purchases:
    """Paced purchases on a pool of shopper threads."""

    def __init__(self, base: str, start_path: str, workers: int):
        self.base = base
        self.start_path = start_path
        self.slots = threading.Semaphore(workers)
        self.lock = threading.Lock()
        self.completed = 0
        self.late = 0
        self.failures: list[dict] = []
        self.failed = 0
        self.requests = Tally()
        self.threads: list[threading.Thread] = []
        self.window = [0.0, 0.0]  # Shopper abandons a purchase once window[1] has passed
        self.count = 0

    def start_one(self) -> None:
        if not self.slots.acquire(blocking=False):
            with self.lock:
                self.late += 1
            return
        self.count += 1
        thread = threading.Thread(target=self._buy, args=(self.count,), daemon=True)
        self.threads.append(thread)
        thread.start()

    def _buy(self, index: int) -> None:
        shopper = Shopper(self.base, index, self.window)
        try:
            shopper.buy(self.start_path)
        except Abandoned:
            return
        except Failure as failure:
            with self.lock:
                self.failed += 1
                if len(self.failures) < KEPT_FAILURES:
                    self.failures.append(
                        {"step": failure.step, "status": failure.status, "detail": failure.detail}
                    )
        else:
            with self.lock:
                self.completed += 1
        finally:
            for step_times in shopper.step_ms.values():
                for _, ms in step_times:
                    self.requests.add("ok", ms)
            self.slots.release()

    def summary(self, seconds: float) -> dict:
        return {
            "completed": self.completed,
            "failed": self.failed,
            "late": self.late,
            "per_second": round(self.completed / seconds, 2) if seconds else None,
            "failures": self.failures,
            "request_p95_ms": self.requests.summary()["p95_ms"],
        }


def run(args) -> dict:
    tally = Tally()
    stop = threading.Event()
    browsers = [
        threading.Thread(
            target=browse, args=(args.base, args.paths, i, args.think, stop, tally), daemon=True
        )
        for i in range(args.browsers)
    ]
    purchases = Purchases(args.base, args.start_path, args.checkout_workers)
    started = time.monotonic()
    for thread in browsers:
        thread.start()
    interval = 1 / args.checkouts_per_second if args.checkouts_per_second > 0 else None
    next_purchase = started
    end = started + args.duration
    while (now := time.monotonic()) < end:
        if interval is not None and now >= next_purchase:
            purchases.start_one()
            next_purchase += interval
        time.sleep(min(0.01, max(0.0, end - now)))
    # Let purchases under way finish (they would be the ones a real spike leaves behind).
    for thread in purchases.threads:
        thread.join(TIMEOUT * 10)
    stop.set()
    for thread in browsers:
        thread.join(TIMEOUT)
    seconds = time.monotonic() - started
    views = tally.summary()
    return {
        "duration_s": round(seconds, 1),
        "browsers": args.browsers,
        "checkouts_per_second_asked": args.checkouts_per_second,
        "page_views": views,
        "page_views_per_second": round(views["requests"] / seconds, 1),
        "purchases": purchases.summary(seconds),
    }


def passed(result: dict) -> bool:
    views = result["page_views"]
    return (
        views["server_errors"] == 0
        and views["connection_errors"] == 0
        and result["purchases"]["failed"] == 0
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--browsers", type=int, default=50)
    parser.add_argument("--think", type=float, default=1.0, help="seconds between two views")
    parser.add_argument("--checkouts-per-second", type=float, default=5)
    parser.add_argument("--checkout-workers", type=int, default=32)
    parser.add_argument("--duration", type=float, default=120)
    parser.add_argument("--start-path", default="/order/")
    parser.add_argument("--out")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args(argv)
    result = run(args)
    text = json.dumps(result, indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n")
    sys.stdout.write(text + "\n")
    return 0 if passed(result) else 1


if __name__ == "__main__":
    raise SystemExit(main())
