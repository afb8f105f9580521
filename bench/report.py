"""Turn the wrk output of a `make bench` run into docs/benchmarks.md (standard library only).

bench/run.sh writes a manifest, one target a line: name, label, path, and the prefix of its
files in var/bench/results/ (`<prefix>.wrk.txt` is wrk's output, `<prefix>.headers` and
`<prefix>.html` the response curl saw). The target named `nginx` is the ceiling the others are
compared with. The document is rewritten on every run.
"""

import argparse
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


SHORT = {"home": "the home page", "post": "the blog post", "tag": "the tag archive"}


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


def render(results: list[Result], args) -> str:
    nginx = next((r for r in results if r.name == "nginx"), None)
    pages = [r for r in results if r.name != "nginx"]
    if nginx is None or not pages:
        raise ReportError("the manifest needs the nginx target and at least one page")
    lines = [
        "# Benchmarks",
        "",
        "How fast the demo store serves its public pages under production settings, against "
        "nginx sending a static copy of one of them. Generated by `bench/run.sh`: this file is "
        "rewritten on every run and holds only the latest figures.",
        "",
        "## How to run",
        "",
        "```sh",
        "make bench",
        "```",
        "",
        "It needs the Debian packages `nginx` and `wrk` and takes about two minutes. The state "
        "(SQLite database, media, static files) is rebuilt in `var/bench/` on every run; wrk's "
        "raw output and the measured responses are kept in `var/bench/results/`. "
        "`BENCH_PORT` (default 8765) and `BENCH_NGINX_PORT` choose the ports; a busy port is "
        "skipped. Every server listens on 127.0.0.1 only and is stopped when the run ends.",
        "",
        "## What is measured",
        "",
        f"- **Django**: gunicorn with {args.workers} sync workers, production settings (`DEBUG=0`, "
        "`ManifestStaticFilesStorage`, security middleware; HTTPS redirect off because the run "
        "is plain HTTP on loopback), SQLite, no cache in front, the seeded demo content.",
        f"- **Load**: wrk with {args.threads} threads and {args.connections} connections for "
        f"{args.duration}, after a {args.warmup} warm-up of the same URL; each URL is measured "
        "on its own, one after the other.",
        "- **Pages**: the home page, the newest blog post, and a tag archive.",
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
    lines += ["", "## Reading the figures", ""]
    for paragraph in reading(pages, nginx, args):
        lines += [paragraph, ""]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--single", type=Path, help="bench/single.py's output")
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
        text = render(results, args)
    except (OSError, ReportError) as exc:
        sys.stderr.write(f"report: {exc}\n")
        return 1
    args.out.write_text(text)
    failing = [r for r in results if r.errors]
    for r in failing:
        sys.stderr.write(f"report: {r.label}: {r.errors} errors during the measurement\n")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
