"""Turn the wrk output of a `make bench` run into docs/benchmarks.md (standard library only).

bench/run.sh writes a manifest, one target a line: name, label, path, and the prefix of its
files in var/bench/results/ (`<prefix>.wrk.txt` is wrk's output, `<prefix>.headers` and
`<prefix>.html` the response curl saw). The target named `nginx` is the ceiling the others are
compared with. The document is rewritten on every run.

With --checkout, a second manifest lists the checkout runs (bench/checkout.py's JSON files, one
a line after its role: `alone` for one shopper by itself, `load` for a measured run), which
make the Checkout section.
"""

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
DURATION = re.compile(r"^\s*([\d.]+)(us|ms|s|m|h)\s*$")


class ReportError(Exception):
    pass


def to_ms(text: str) -> float:
    match = DURATION.match(text)
    if not match:
        raise ReportError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * UNIT_MS[match.group(2)]


@dataclass
class Result:
    name: str
    label: str
    path: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: dict[str, int]
    size_bytes: int
    headers: dict[str, str]
    queries: int | None = None  # one request alone, in process (bench/single.py)
    alone_ms: float | None = None

    @property
    def errors(self) -> int:
        return self.non_2xx + sum(self.socket_errors.values())


def parse_wrk(text: str) -> dict:
    """Requests/sec, the 50% and 99% latencies (ms), request count and errors from wrk."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    total = re.search(r"^\s+(\d+) requests in", text, re.M)
    if not (rps and p50 and p99 and total):
        raise ReportError("wrk output lacks Requests/sec or the 50%/99% latency lines")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    return {
        "rps": float(rps.group(1)),
        "p50_ms": to_ms(p50.group(1)),
        "p99_ms": to_ms(p99.group(1)),
        "requests": int(total.group(1)),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": (
            dict(
                zip(
                    ("connect", "read", "write", "timeout"), map(int, sockets.groups()), strict=True
                )
            )
            if sockets
            else {}
        ),
    }


def read_headers(path: Path) -> dict[str, str]:
    headers = {}
    if path.exists():
        for line in path.read_text(errors="replace").splitlines()[1:]:
            name, sep, value = line.partition(":")
            if sep:
                headers[name.strip().lower()] = value.strip()
    return headers


def load_single(path: Path | None) -> dict[str, tuple[int, float]]:
    """bench/single.py's output: name -> (queries, median ms), for pages that answered 200."""
    single = {}
    if path and path.exists():
        for line in path.read_text().splitlines():
            name, status, queries, ms = line.split("\t")
            if status == "200":
                single[name] = (int(queries), float(ms))
    return single


def load(manifest: Path, single_path: Path | None = None) -> list[Result]:
    single = load_single(single_path)
    results = []
    for line in manifest.read_text().splitlines():
        if not line.strip():
            continue
        name, label, path, prefix = line.split("\t")
        wrk_file = Path(prefix + ".wrk.txt")
        try:
            figures = parse_wrk(wrk_file.read_text())
        except ReportError as exc:
            raise ReportError(f"{wrk_file}: {exc}") from exc
        html = Path(prefix + ".html")
        results.append(
            Result(
                name=name,
                label=label,
                path=path,
                size_bytes=html.stat().st_size if html.exists() else 0,
                headers=read_headers(Path(prefix + ".headers")),
                **figures,
            )
        )
        if name in single:
            results[-1].queries, results[-1].alone_ms = single[name]
    return results


def fmt(value: float) -> str:
    """Three significant figures, no scientific notation."""
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def pct(value: float) -> str:
    return f"{value:.1f} %" if value >= 1 else f"{value:.2f} %"


SHORT = {
    "home": "the home page",
    "post": "the blog post",
    "tag": "the tag archive",
    "product": "the product page",
    "order": "the order page",
    "cited": "the post with references",
    "research": "the research library",
}


def short(r: Result) -> str:
    return SHORT.get(r.name, r.label.lower())


def reading(pages: list[Result], nginx: Result, args) -> list[str]:
    """The 'Reading the figures' paragraphs, built from this run's figures only."""
    out = []
    slowest = min(pages, key=lambda r: r.rps)
    fastest = max(pages, key=lambda r: r.rps)
    post = next((r for r in pages if r.name == "post"), None)
    lo, hi = slowest.rps / nginx.rps * 100, fastest.rps / nginx.rps * 100
    text = (
        f"Rendered by Django, the pages come out at {fmt(slowest.rps)}–{fmt(fastest.rps)} "
        f"requests per second, {pct(lo)}–{pct(hi)} of the {fmt(nginx.rps)} req/s nginx reaches "
        f"sending the blog post as a file: {short(fastest)} is the quickest, {short(slowest)} "
        "the slowest."
    )
    if post:
        work = f" ({post.queries} SQL queries and the templates)" if post.queries else ""
        text += (
            f" For the post the bytes sent are the same ({post.size_bytes:,} bytes of HTML), so "
            f"the gap is the work of the Python stack{work}: with both gunicorn workers busy, "
            f"each request accounts for about {args.workers / post.rps * 1000:.0f} ms of a "
            f"worker's time ({args.workers} workers ÷ {fmt(post.rps)} req/s), against "
            f"{args.workers / nginx.rps * 1000:.3f} ms for nginx."
        )
        if post.alone_ms:
            busy = args.workers / post.rps * 1000
            if busy <= 1.5 * post.alone_ms:
                text += (
                    f" That is close to the {post.alone_ms:.0f} ms of a request alone: under "
                    "load the workers spend their time rendering, and throughput is bounded by "
                    "the CPU cost of a page."
                )
            else:
                text += (
                    f" That is {busy / post.alone_ms:.1f}× the {post.alone_ms:.0f} ms of a "
                    "request alone: under load the workers also wait for the CPUs they share "
                    "with wrk and nginx (or with other work on the machine)."
                )
    out.append(text)

    predicted = {r.name: args.connections / r.rps * 1000 for r in pages}
    queueing = all(0.6 <= r.p50_ms / predicted[r.name] <= 1.5 for r in pages)
    comparison = "; ".join(
        f"{short(r)}: {predicted[r.name]:.0f} ms predicted, {r.p50_ms:.0f} ms measured"
        for r in pages
    )
    text = (
        f"wrk keeps {args.connections} requests in flight against {args.workers} synchronous "
        f"workers, so a request mostly waits for the ones ahead of it; {args.connections} "
        f"connections ÷ throughput predicts the median latency ({comparison})."
    )
    if queueing:
        text += (
            " The medians match that prediction, so they measure the queue of a saturated "
            "server, not how long one page takes on its own."
        )
    else:
        text += (
            " The medians stray from that prediction, so something besides queueing (an "
            "uneven share of the CPUs, stalls) shapes them; see the raw wrk output."
        )
    text += (
        " The p99 is "
        + ", ".join(f"{r.p99_ms / r.p50_ms:.1f}× the p50 for {short(r)}" for r in pages)
        + "."
    )
    out.append(text)
    cache = {r.headers.get("cache-control", "") for r in pages} - {""}
    close = [r for r in pages if r.headers.get("connection", "").lower() == "close"]
    notes = []
    if cache:
        notes.append(
            f"The pages are sent with `Cache-Control: {' / '.join(sorted(cache))}`, so a shared "
            "cache or CDN in front could answer repeat views at rates nearer the nginx row; "
            "nothing caches here, every request renders the page and reads SQLite."
        )
    if close:
        notes.append(
            "gunicorn's sync workers answer `Connection: close`, so every Django request also "
            "opens a new TCP connection, while nginx keeps them alive."
        )
    notes.append(
        f"wrk, gunicorn and nginx share the machine's {args.cpus} CPUs, so absolute figures are "
        "lower than on a dedicated server; compare rows of one run, not runs on different "
        "machines."
    )
    load = float(args.load_before.split()[0])
    if load >= 0.5 * args.cpus:
        notes.append(
            f"Other work was running when this run began (load average {load:.2f} on "
            f"{args.cpus} CPUs), so its figures are lower and noisier than on a quiet machine."
        )
    out.append(" ".join(notes))
    return out


# --- checkout --------------------------------------------------------------------------------
@dataclass
class Checkout:
    role: str  # "alone" or "load"
    data: dict

    def __getattr__(self, name):
        try:
            return self.__dict__["data"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc

    @property
    def kind(self) -> str:
        return "gthread" if "gthread" in self.server else "sync"


CHECKOUT_KEYS = ("server", "clients", "orders", "orders_per_s", "p50_ms", "p99_ms", "failures")


def load_checkout(manifest: Path) -> list[Checkout]:
    runs = []
    for line in manifest.read_text().splitlines():
        if not line.strip():
            continue
        role, path = line.split("\t")
        try:
            data = json.loads(Path(path).read_text())
        except ValueError as exc:
            raise ReportError(f"{path}: {exc}") from exc
        missing = [key for key in CHECKOUT_KEYS if key not in data]
        if missing:
            raise ReportError(f"{path}: lacks {', '.join(missing)}")
        runs.append(Checkout(role, data))
    if not any(r.role == "load" for r in runs):
        raise ReportError(f"{manifest}: no measured checkout run")
    return runs


def ms(value: float | None) -> str:
    return "–" if value is None else fmt(value)


def seconds(value_ms: float) -> str:
    return f"{value_ms / 1000:.1f} s"


def checkout_section(runs: list[Checkout], args) -> list[str]:
    loads = [r for r in runs if r.role == "load"]
    alone = next((r for r in runs if r.role == "alone"), None)
    first = loads[0]
    warmups = sorted(r.warmup_s for r in loads)
    threads = list(dict.fromkeys(r.server for r in loads))
    lines = [
        "## Checkout",
        "",
        "Orders placed per second, end to end: virtual shoppers buy a pack again and again, "
        "the way a browser without JavaScript would.",
        "",
        f"- **Machine**: the one above ({args.cpus} × {args.cpu_model}, {args.os}); "
        f"{args.postgres} on 127.0.0.1, on the same machine. Run on {args.date} (UTC), right "
        f"after the pages; load average when the checkout began (1, 5, 15 min): "
        f"{args.checkout_load_before}. The checkout part took {args.checkout_elapsed} s.",
        f"- **Server**: gunicorn ({'; then '.join(threads)}) with the production settings above, "
        f"on PostgreSQL instead of SQLite: a database `{args.pg_db}` dropped, created, "
        "migrated and seeded with the demo on every run, the packs' stock raised to "
        f"{int(args.checkout_stock):,} so that none sells out. Django keeps its database "
        "connections (`CONN_MAX_AGE` 60 s); sessions are in the database, the cache in local "
        "memory; the confirmation email goes to gunicorn's log (console backend, tasks run "
        "immediately), as in production settings without `EMAIL_URL`.",
        "- **Shoppers**: `bench/checkout.py`, one process each with its own cookies. A purchase "
        f"is {first.requests_per_order} requests, every redirect followed and checked: GET "
        f"`{first.start_path}`, POST `/cart/add/` (the packs in turn, with an `Origin` header) "
        "→ GET `/cart/`, GET `/checkout/`, POST the details form (a US address, billing same, "
        "the preselected shipping rate) → GET `/checkout/review/`, POST `/checkout/place/` "
        "(its CSRF token and idempotency key) → GET `/payments/pay/<token>/`, POST the dummy "
        "provider's form with “The payment succeeds” → GET `/checkout/done/<token>/`, which "
        "must say “Status: Paid.” Only the HTML documents are requested (no static files, no "
        "`/cart/count/` call from the script), each on a new connection.",
        "- **Timing**: before each run one shopper buys twice alone (the flow must work, or "
        "the run stops). Then all shoppers start together, each first viewing the order page "
        f"0 to {first.requests_per_order - 1} times (spread evenly over them) so that they are "
        "at different steps of a purchase: otherwise the server's queue, serving them in turn, "
        "keeps them in lockstep and their orders all complete at once. The warm-up lasts "
        f"until all have done that, at least {args.checkout_warmup} (here "
        f"{warmups[0]:g}–{warmups[-1]:g} s); then the measurement runs "
        f"{first.duration_s:g} s. Purchases whose confirmation arrives within it are counted "
        "(orders placed); orders/s is their count ÷ the duration; p50 and p99 are those of a "
        "whole purchase, first request to confirmation; failures are the unexpected status "
        "codes, redirects or pages during the measurement (a failing shopper starts again "
        "with new cookies). Purchases still under way at the end are dropped.",
        "",
        "| gunicorn | clients | orders placed | orders/s | p50 ms | p99 ms | failures |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for r in loads:
        lines.append(
            f"| {r.server} | {r.clients} | {r.orders:,} | {fmt(r.orders_per_s)} "
            f"| {ms(r.p50_ms)} | {ms(r.p99_ms)} | {r.failures} |"
        )
    lines.append("")
    if alone is not None:
        lines.append(
            f"One shopper alone first ({alone.server}, {alone.duration_s:g} s after its two "
            f"warm-up purchases): {alone.orders} purchases, median {ms(alone.p50_ms)} ms each, "
            f"{fmt(alone.orders_per_s)} orders/s."
        )
        lines.append("")
    columns = ([alone] if alone else []) + loads
    steps = list(max(columns, key=lambda r: len(r.step_median_ms)).step_median_ms)
    if steps:
        lines.append("Median time of each request of a purchase, in ms:")
        lines.append("")
        lines.append(
            "| request | "
            + " | ".join(
                "alone" if r.role == "alone" else f"{r.kind}, {r.clients} clients" for r in columns
            )
            + " |"
        )
        lines.append("|---|" + "--:|" * len(columns))
        for step in steps:
            lines.append(
                f"| {step} | " + " | ".join(ms(r.step_median_ms.get(step)) for r in columns) + " |"
            )
        lines.append("")
    failing = [r for r in runs if r.failures or r.failures_warmup]
    if failing:
        lines.append(
            "**Failures** (these figures are suspect; see `var/bench/results/checkout-*.json` "
            "and `checkout-*-errors.log`): "
            + "; ".join(
                f"{r.server}, {r.clients} clients: {r.failures} in the measurement, "
                f"{r.failures_warmup} in the warm-up ("
                + ", ".join(f"{k} ×{v}" for k, v in r.failures_by_step.items())
                + ")"
                for r in failing
            )
            + "."
        )
        lines.append("")
    return lines


def change(new: float, old: float) -> str:
    diff = (new / old - 1) * 100
    return f"{diff:+.0f} %"


def checkout_reading(runs: list[Checkout], pages: list[Result], args) -> list[str]:
    out = []
    loads = [r for r in runs if r.role == "load"]
    alone = next((r for r in runs if r.role == "alone"), None)
    sync = [r for r in loads if r.kind == "sync"]
    gthread = [r for r in loads if r.kind == "gthread"]
    base = sync or loads
    top = max(base, key=lambda r: r.orders_per_s)
    if top.orders_per_s <= 0:
        return ["No purchase completed during the checkout measurements: see the failures."]
    busy = args.workers / top.orders_per_s * 1000
    text = (
        f"On {top.server} the checkout reaches {fmt(top.orders_per_s)} orders per second at "
        f"best ({top.clients} shoppers), that is {fmt(top.orders_per_s * top.requests_per_order)} "
        f"requests per second of a purchase's {top.requests_per_order}, against "
        f"{fmt(min(r.rps for r in pages))}–{fmt(max(r.rps for r in pages))} for a single page "
        "hit again and again (on SQLite)."
    )
    if alone is not None and alone.p50_ms:
        heaviest = max(alone.step_median_ms.items(), key=lambda kv: kv[1], default=None)
        text += (
            f" With both workers busy, an order takes about {busy:,.0f} ms of a worker's time "
            f"({args.workers} workers ÷ {fmt(top.orders_per_s)} orders/s); one shopper alone "
            f"completes a purchase in {alone.p50_ms:,.0f} ms"
        )
        if heaviest:
            text += f", the slowest request being {heaviest[0]} ({heaviest[1]:.0f} ms)"
        ratio = busy / alone.p50_ms
        if ratio <= 1.3:
            text += (
                ". The two are close: under load the workers spend their time on the purchase "
                "itself, and the CPU cost of its ten requests bounds the throughput."
            )
        else:
            text += (
                f". Under load a purchase costs {ratio:.1f}× that: the workers also wait for "
                "the CPUs they share with PostgreSQL and the shoppers' processes (or with "
                "other work on the machine)."
            )
    out.append(text)

    busy_load = float(args.checkout_load_before.split()[0]) >= 0.5 * args.cpus
    if len(base) >= 2:
        lo, hi = base[0], base[-1]
        diff = hi.orders_per_s / lo.orders_per_s - 1 if lo.orders_per_s else 0.0
        text = (
            f"From {lo.clients} to {hi.clients} shoppers on {lo.server}, orders/s goes from "
            f"{fmt(lo.orders_per_s)} to {fmt(hi.orders_per_s)} "
            f"({change(hi.orders_per_s, lo.orders_per_s)}) and the median purchase from "
            f"{seconds(lo.p50_ms or 0)} to {seconds(hi.p50_ms or 0)}."
        )
        if alone is not None and alone.p50_ms and lo.p50_ms:
            waiting = lo.p50_ms / alone.p50_ms
            text += (
                f" Already with {lo.clients} shoppers a purchase takes {waiting:.1f}× as long "
                f"as alone: it mostly waits for the {args.workers} workers, which never idle, "
                "so more shoppers lengthen the wait"
            )
            if abs(diff) <= 0.1:
                text += " and add no throughput."
            else:
                text += (
                    f", and should not change the throughput: a difference of "
                    f"{change(hi.orders_per_s, lo.orders_per_s)} between the two runs is "
                    + (
                        "most likely the other work on the machine taking more or less of its "
                        "CPUs from one run to the next."
                        if busy_load
                        else "noise, or a cost that grows with the number of sessions; run "
                        "again to tell which."
                    )
                )
        # A closed loop without think time obeys Little's law: shoppers = orders/s × time of
        # a purchase. A check that the counting is right (no burst caught or missed).
        checks = "; ".join(
            f"{r.clients} shoppers: {seconds(r.clients / r.orders_per_s * 1000)} expected, "
            f"{seconds(r.p50_ms)} measured"
            for r in base
            if r.orders_per_s and r.p50_ms
        )
        text += (
            " As a check of the counting, shoppers ÷ orders/s (Little's law) gives the mean "
            f"time of a purchase, close to the median when all take about as long ({checks}). "
            "The p99 is "
            + ", ".join(
                f"{r.p99_ms / r.p50_ms:.1f}× the p50 at {r.clients} shoppers"
                for r in base
                if r.p50_ms and r.p99_ms
            )
            + f" (with {min(r.orders for r in base)}–{max(r.orders for r in base)} purchases "
            "per run, the p99 is close to the slowest one)."
        )
        out.append(text)

    if sync and gthread:
        pairs = [(s, g) for s in sync for g in gthread if s.clients == g.clients and s.orders_per_s]
        if pairs:
            diffs = [g.orders_per_s / s.orders_per_s - 1 for s, g in pairs]
            text = (
                f"{gthread[0].server} instead of sync workers: "
                + "; ".join(
                    f"{s.clients} shoppers {fmt(s.orders_per_s)} → {fmt(g.orders_per_s)} "
                    f"orders/s ({change(g.orders_per_s, s.orders_per_s)})"
                    for s, g in pairs
                )
                + "."
            )
            cpu = (
                "the work is mostly Python on the CPU, and the threads of a worker share its "
                f"interpreter lock and the machine's {args.cpus} CPUs"
            )
            helps = any(d > 0.1 for d in diffs)
            hurts = any(d < -0.1 for d in diffs)
            if not helps and not hurts:
                text += f" About the same: {cpu}; they overlap only the waits for PostgreSQL."
            elif helps and not hurts:
                text += (
                    " Threads help: while one waits for PostgreSQL (its queries, row locks and "
                    "commits) another thread of the same worker runs."
                )
            elif hurts and not helps:
                text += (
                    f" Threads do not help: {cpu}, so they can only overlap the waits for "
                    "PostgreSQL, and more requests at once contend for the CPUs (and make the "
                    "slowest purchases slower)."
                )
            else:
                text += (
                    f" The differences go both ways, so threads have no clear effect: {cpu}, "
                    "and they can only overlap the waits for PostgreSQL."
                )
            if busy_load and (helps or hurts):
                text += (
                    " With other work running on the machine, differences of this size may "
                    "also be its doing."
                )
            out.append(text)

    failures = sum(r.failures for r in runs)
    completed = sum(r.data.get("orders_all", 0) for r in runs)
    unconfirmed = sum(r.data.get("paid_unconfirmed", 0) for r in runs)
    paid = int(args.checkout_paid_in_db)
    text = (
        "No purchase failed."
        if failures == 0
        else f"{failures} purchases failed during the measurements (see above)."
    )
    counted = f"{completed:,} purchases the shoppers completed" + (
        f" and {unconfirmed} they paid for but dropped before the confirmation page, when the "
        "time was up"
        if unconfirmed
        else ""
    )
    if paid == completed + unconfirmed:
        text += (
            f" Afterwards PostgreSQL holds {paid:,} paid orders: exactly the {counted} "
            "(warm-ups and probes included)."
        )
    else:
        text += (
            f" Afterwards PostgreSQL holds {paid:,} paid orders, but the shoppers count "
            f"{completed + unconfirmed:,} (the {counted}): they should match."
        )
    load = float(args.checkout_load_before.split()[0])
    text += f" The shoppers' processes run on the same {args.cpus} CPUs as gunicorn and PostgreSQL."
    if load >= 0.5 * args.cpus:
        text += (
            f" Other work was running when the checkout began (load average {load:.2f}), so "
            "these figures are lower and noisier than on a quiet machine."
        )
    out.append(text)
    return out


def render(results: list[Result], args, checkout: list[Checkout] | None = None) -> str:
    nginx = next((r for r in results if r.name == "nginx"), None)
    pages = [r for r in results if r.name != "nginx"]
    if nginx is None or not pages:
        raise ReportError("the manifest needs the nginx target and at least one page")
    lines = [
        "# Benchmarks",
        "",
        "How fast the demo store serves its public pages under production settings, against "
        "nginx sending a static copy of one of them"
        + (", and how many orders per second its checkout takes end to end" if checkout else "")
        + ". Generated by `bench/run.sh`: this file is rewritten on every run and holds only "
        "the latest figures.",
        "",
        "## How to run",
        "",
        "```sh",
        "make bench",
        "```",
        "",
        "It needs the Debian packages `nginx`, `wrk` and `postgresql-client`, a PostgreSQL "
        "server on 127.0.0.1:5432 that lets the `postgres` user in without a password (trust "
        "authentication; `BENCH_PG_HOST`, `BENCH_PG_PORT`, `BENCH_PG_USER`, `BENCH_PG_DB` "
        f"change that), and takes about {minutes(args.elapsed)}. The state (SQLite database, "
        "media, static files) is rebuilt in `var/bench/` on every run, and the checkout's "
        "PostgreSQL database is dropped and created again (it is left in place afterwards); "
        "wrk's and the checkout's raw output and the measured responses are kept in "
        "`var/bench/results/`. `BENCH_PORT` (default 8765) and `BENCH_NGINX_PORT` choose the "
        "ports; a busy port is skipped. `BENCH_CHECKOUT_CLIENTS`, `BENCH_CHECKOUT_DURATION` "
        "and `BENCH_CHECKOUT_THREADS` shape the checkout runs (see the head of "
        "`bench/run.sh`). Every server listens on 127.0.0.1 only and is stopped when the run "
        "ends.",
        "",
        "## What is measured",
        "",
        f"- **Django**: gunicorn with {args.workers} sync workers, production settings (`DEBUG=0`, "
        "`ManifestStaticFilesStorage`, security middleware; HTTPS redirect off because the run "
        "is plain HTTP on loopback), SQLite, no cache in front, the seeded demo content.",
        f"- **Load**: wrk with {args.threads} threads and {args.connections} connections for "
        f"{args.duration}, after a {args.warmup} warm-up of the same URL; each URL is measured "
        "on its own, one after the other.",
        "- **Pages**: the home page, the newest blog post, a tag archive, the product page, "
        "the order page (every pack with its Add to cart button), a post citing four studies "
        "(numbered references) and the research library.",
        "- **Ceiling**: nginx (2 workers, access log off) serving the blog post's HTML, saved "
        "from gunicorn during the run, as a static file. The last column is a page's req/s "
        "divided by nginx's.",
        "- **Alone**: before the load, `bench/single.py` requests each page through Django's "
        "test client (no server, no wrk running) to count its SQL queries and time one request "
        "on its own.",
        "",
        "## Machine",
        "",
        f"- CPUs: {args.cpus} × {args.cpu_model}",
        f"- Memory: {args.memory_gb} GB (`free -g`)",
        f"- OS: {args.os}",
        f"- Load average before the run (1, 5, 15 min): {args.load_before}",
        f"- {args.python}, {args.gunicorn}, {args.nginx.replace('nginx version: ', '')}, "
        f"{args.wrk}",
        "",
        "## Results",
        "",
        f"Run on {args.date} (UTC); the whole run took {args.elapsed} s.",
        "",
        "| page | URL | req/s | p50 ms | p99 ms | ratio to nginx |",
        "|---|---|--:|--:|--:|--:|",
    ]
    for r in [*pages, nginx]:
        lines.append(
            f"| {r.label} | `{r.path}` | {fmt(r.rps)} | {fmt(r.p50_ms)} | {fmt(r.p99_ms)} "
            f"| {pct(r.rps / nginx.rps * 100)} |"
        )
    lines.append("")
    lines.append(
        "HTML sizes: "
        + ", ".join(f"{short(r)} {r.size_bytes:,} bytes" for r in pages)
        + ". Requests completed in the measurement: "
        + ", ".join(f"{short(r)} {r.requests:,}" for r in pages)
        + f", nginx {nginx.requests:,}"
        + "."
    )
    alone = [r for r in pages if r.queries is not None]
    if alone:
        lines.append("")
        lines.append(
            "One request at a time, in process (Django test client, no server, median of 10): "
            + ", ".join(
                f"{short(r)} {r.alone_ms:.1f} ms and {r.queries} SQL queries" for r in alone
            )
            + "."
        )
    failing = [r for r in results if r.errors]
    if failing:
        lines.append("")
        lines.append(
            "**Errors during the run** (these figures are suspect): "
            + "; ".join(
                f"{r.label}: {r.non_2xx} non-2xx/3xx responses, socket errors "
                + ", ".join(f"{k} {v}" for k, v in r.socket_errors.items())
                for r in failing
            )
            + "."
        )
    if checkout:
        lines += ["", *checkout_section(checkout, args)]
    lines += ["", "## Reading the figures", ""]
    if checkout:
        lines += ["### Pages", ""]
    for paragraph in reading(pages, nginx, args):
        lines += [paragraph, ""]
    if checkout:
        lines += ["### Checkout", ""]
        for paragraph in checkout_reading(checkout, pages, args):
            lines += [paragraph, ""]
    return "\n".join(lines).rstrip() + "\n"


def minutes(elapsed: str) -> str:
    total = int(elapsed)
    if total < 90:
        return f"{total} seconds"
    half_minutes = max(1, round(total / 30))
    return f"{half_minutes / 2:g} minutes"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--single", type=Path, help="bench/single.py's output")
    parser.add_argument("--checkout", type=Path, help="the checkout runs' manifest")
    for name in (
        "checkout-load-before",
        "checkout-elapsed",
        "checkout-paid-in-db",
        "checkout-stock",
        "checkout-warmup",
        "postgres",
        "pg-db",
    ):
        parser.add_argument(f"--{name}", default="")
    for name in (
        "date",
        "load-before",
        "cpu-model",
        "memory-gb",
        "os",
        "python",
        "gunicorn",
        "nginx",
        "wrk",
        "duration",
        "warmup",
        "elapsed",
    ):
        parser.add_argument(f"--{name}", required=True)
    for name in ("cpus", "threads", "connections", "workers"):
        parser.add_argument(f"--{name}", type=int, required=True)
    args = parser.parse_args(argv)
    try:
        results = load(args.manifest, args.single)
        checkout = load_checkout(args.checkout) if args.checkout else None
        if checkout:
            missing = [
                name
                for name in ("checkout_load_before", "checkout_paid_in_db", "postgres", "pg_db")
                if not getattr(args, name)
            ]
            if missing:
                raise ReportError(f"--checkout needs --{', --'.join(missing)}")
        text = render(results, args, checkout)
    except (OSError, ReportError) as exc:
        sys.stderr.write(f"report: {exc}\n")
        return 1
    args.out.write_text(text + kept_soak_section(args.out))
    failing = [r for r in results if r.errors]
    for r in failing:
        sys.stderr.write(f"report: {r.label}: {r.errors} errors during the measurement\n")
    failed_checkout = [r for r in checkout or [] if r.failures or r.failures_warmup]
    for r in failed_checkout:
        sys.stderr.write(
            f"report: checkout, {r.server}, {r.clients} clients: {r.failures} failures "
            f"(+{r.failures_warmup} in the warm-up)\n"
        )
    return 1 if failing or failed_checkout else 0


SOAK_HEADING = "## Load smoke (make soak)"


def kept_soak_section(doc) -> str:
    """The load smoke's section, which `make soak` writes at the end of the same file: kept
    as it was by `make bench`."""
    try:
        existing = doc.read_text()
    except OSError:
        return ""
    at = existing.find(SOAK_HEADING)
    return "\n" + existing[at:] if at >= 0 else ""


if __name__ == "__main__":
    sys.exit(main())
