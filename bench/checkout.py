"""Checkout benchmark: orders placed per second, end to end, by concurrent shoppers.

Usage (from bench/run.sh): python bench/checkout.py --base http://127.0.0.1:PORT --clients 8
    --warmup 3 --duration 20 --out results/checkout-sync-8.json [--server LABEL]

Each client is a process of its own (the standard library only: http.client and a cookie jar
of its own) that buys, again and again until the time is up, the way a browser without
JavaScript would: the order page, add a pack to the cart (and see the cart), the details form,
the review page, Place order, the dummy provider's payment form with "The payment succeeds",
and the confirmation page, which must say the order is paid. Every redirect is followed and
checked; any other status code, a missing form or an unpaid confirmation is a failure, after
which the client starts again with fresh cookies (a new session and cart).

First one shopper buys twice alone: the flow must work (else the run stops there, with the
response that failed), and the second purchase is the time of one alone. Then all clients
start together, each first viewing the start page a different number of times (0 to 9) so
that they are at different steps of a purchase and do not move in lockstep. The warm-up lasts
until all have done that (and at least --warmup seconds); then the measurement runs for
--duration seconds: purchases that end in it are counted; those still under way when it ends
are abandoned between two requests, and not counted. The JSON written
to --out holds the counts, the latency percentiles of a whole purchase, the median time of
each step, and up to a few failures with the response that caused them.
"""

import argparse
import http.client
import json
import multiprocessing
import statistics
import sys
import time
from html.parser import HTMLParser
from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit

TIMEOUT = 60  # seconds, per request
KEPT_FAILURES = 5  # failures kept with their details, per client
BODY_KEPT = 2000  # characters of a failing response kept

# The steps of one purchase, in order; each is one request (redirects are steps of their own).
STEPS = [
    "GET order page",
    "POST /cart/add/",
    "GET /cart/",
    "GET /checkout/",
    "POST /checkout/",
    "GET /checkout/review/",
    "POST /checkout/place/",
    "GET pay page",
    "POST pay page",
    "GET done page",
]
PAID_MARK = "Status: Paid."
OFFSET_STEP = "GET start page (offset)"
MAX_WARMUP = 60.0  # seconds


class Failure(Exception):
    def __init__(self, step: str, status: int | None, detail: str, body: str = ""):
        super().__init__(f"{step}: {detail}")
        self.step, self.status, self.detail, self.body = step, status, detail, body


class Abandoned(Exception):
    """The time is up: the purchase under way is dropped, neither counted nor a failure."""


# --- HTML forms ----------------------------------------------------------------------------------
class FormParser(HTMLParser):
    """The forms of a page as a browser would submit them: for each, its action, method and
    (name, value) pairs (hidden and text inputs, checked boxes and radios, selected options),
    and every radio value offered per name."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = {
                "action": a.get("action", ""),
                "method": a.get("method", "get").lower(),
                "fields": [],
                "radios": {},
            }
            self.forms.append(self._form)
            return
        if self._form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind == "radio":
                self._form["radios"].setdefault(name, []).append(a.get("value", "on"))
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = {"name": name, "first": None, "selected": None}
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "text": "", "selected": "selected" in a}
        elif tag == "textarea" and name:
            self._textarea = {"name": name, "text": ""}

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            self._end_option()
        elif tag == "select" and self._select is not None:
            if self._option is not None:
                self._end_option()
            chosen = self._select["selected"] or self._select["first"]
            if chosen is not None and self._form is not None:
                self._form["fields"].append((self._select["name"], chosen))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            if self._form is not None:
                self._form["fields"].append((self._textarea["name"], self._textarea["text"]))
            self._textarea = None
        elif tag == "form":
            self._form = None

    def _end_option(self):
        option, self._option = self._option, None
        value = option["value"] if option["value"] is not None else option["text"].strip()
        if self._select["first"] is None:
            self._select["first"] = value
        if option["selected"] and self._select["selected"] is None:
            self._select["selected"] = value


def forms_of(html: str) -> list[dict]:
    parser = FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


# --- one shopper ---------------------------------------------------------------------------------
class Shopper:
    def __init__(self, base: str, index: int, window):
        parts = urlsplit(base)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.host, self.port = parts.hostname, parts.port or 80
        self.index = index
        self.window = window
        self.cookies: dict[str, str] = {}
        self.bought = 0
        self.paid_unconfirmed = False  # paid, but the confirmation page not seen yet
        self.step_ms: dict[str, list[tuple[float, float]]] = {step: [] for step in STEPS}

    def time_up(self) -> bool:
        end = self.window[1]
        return end > 0 and time.monotonic() >= end

    def _remember_cookies(self, response) -> None:
        # Our own jar: Django marks the session and CSRF cookies Secure (DEBUG=0), which
        # http.cookiejar would never send over plain HTTP; browsers do, to 127.0.0.1.
        for header in response.msg.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            try:
                jar.load(header)
            except CookieError:
                continue
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def request(self, step: str, method: str, path: str, data=None, *, expect: int):
        if self.time_up():
            raise Abandoned
        headers = {
            "Host": f"{self.host}:{self.port}",
            "User-Agent": "apothecary-bench/checkout",
            "Accept": "text/html,application/xhtml+xml",
            "Connection": "close",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            body = urlencode(data or []).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
        started = time.monotonic()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            raise Failure(step, None, f"{type(error).__name__}: {error}") from error
        finally:
            conn.close()
        self.step_ms.setdefault(step, []).append((started, (time.monotonic() - started) * 1000))
        self._remember_cookies(response)
        if response.status != expect:
            raise Failure(
                step,
                response.status,
                f"HTTP {response.status}, expected {expect}"
                + (
                    f" (Location: {response.getheader('Location')})"
                    if response.status < 400
                    else ""
                ),
                text[:BODY_KEPT],
            )
        return response, text

    def redirect_path(self, step: str, response, current: str, wanted_prefix: str) -> str:
        """The redirect's target path, which must be on this server and under wanted_prefix."""
        target = urlsplit(urljoin(self.origin + current, response.getheader("Location", "")))
        if f"{target.scheme}://{target.netloc}" != self.origin or not target.path.startswith(
            wanted_prefix
        ):
            raise Failure(step, response.status, f"redirected to {target.geturl()!r}")
        return target.path + (f"?{target.query}" if target.query else "")

    @staticmethod
    def form(step: str, html: str, test, what: str) -> dict:
        for form in forms_of(html):
            if form["method"] == "post" and test(form):
                return form
        raise Failure(step, 200, f"no {what} on the page", html[:BODY_KEPT])

    @staticmethod
    def action(form: dict, current: str) -> str:
        return urlsplit(urljoin(current, form["action"] or current)).path

    def buy(self, start_path: str) -> None:
        """One purchase, from the order page to the paid confirmation."""
        _, html = self.request(STEPS[0], "GET", start_path, expect=200)
        adds = [
            f
            for f in forms_of(html)
            if f["method"] == "post" and self.action(f, start_path) == "/cart/add/"
        ]
        if not adds:
            raise Failure(STEPS[0], 200, "no add-to-cart form", html[:BODY_KEPT])
        add = adds[(self.index + self.bought) % len(adds)]  # the packs in turn
        response, _ = self.request(STEPS[1], "POST", "/cart/add/", add["fields"], expect=302)
        cart = self.redirect_path(STEPS[1], response, "/cart/add/", "/cart/")
        self.request(STEPS[2], "GET", cart, expect=200)

        _, html = self.request(STEPS[3], "GET", "/checkout/", expect=200)
        details = self.form(
            STEPS[3], html, lambda f: any(n == "email" for n, _ in f["fields"]), "details form"
        )
        data = dict(details["fields"])
        rates = details["radios"].get("shipping_rate") or []
        if not data.get("shipping_rate") and not rates:
            raise Failure(STEPS[3], 200, "no shipping rate to choose", html[:BODY_KEPT])
        data.update(
            email=f"bench-shopper-{self.index}@example.com",
            shipping_name=f"Bench Shopper {self.index}",
            shipping_line1="1 Example Street",
            shipping_city="Chicago",
            shipping_region="IL",
            shipping_postcode="60601",
            shipping_country="US",
            billing_same="on",
            shipping_rate=data.get("shipping_rate") or rates[0],
        )
        url = self.action(details, "/checkout/")
        response, _ = self.request(STEPS[4], "POST", url, list(data.items()), expect=302)
        review = self.redirect_path(STEPS[4], response, url, "/checkout/review/")

        _, html = self.request(STEPS[5], "GET", review, expect=200)
        place = self.form(
            STEPS[5],
            html,
            lambda f: self.action(f, review) == "/checkout/place/",
            "Place order form",
        )
        if not any(n == "idempotency_key" and v for n, v in place["fields"]):
            raise Failure(STEPS[5], 200, "no idempotency key in the form", html[:BODY_KEPT])
        response, _ = self.request(
            STEPS[6], "POST", "/checkout/place/", place["fields"], expect=302
        )
        pay = self.redirect_path(STEPS[6], response, "/checkout/place/", "/payments/pay/")
        token = pay.rstrip("/").rsplit("/", 1)[-1]

        _, html = self.request(STEPS[7], "GET", pay, expect=200)
        form = self.form(
            STEPS[7], html, lambda f: any(n == "status" for n, _ in f["fields"]), "payment form"
        )
        data = dict(form["fields"])
        data["status"] = "confirmed"  # "The payment succeeds"
        url = self.action(form, pay)
        response, _ = self.request(STEPS[8], "POST", url, list(data.items()), expect=302)
        self.paid_unconfirmed = True
        done = self.redirect_path(STEPS[8], response, url, f"/checkout/done/{token}/")

        _, html = self.request(STEPS[9], "GET", done, expect=200)
        if PAID_MARK not in html:
            raise Failure(STEPS[9], 200, f"the confirmation lacks {PAID_MARK!r}", html[:BODY_KEPT])
        self.paid_unconfirmed = False


def client(index, base, start_path, offset, window, ready, queue):
    """A process: `offset` views of the start page, then purchases until the window closes;
    puts its records on the queue. `window` is shared: [start, end] of the measurement, 0.0
    until the parent sets them; `ready` counts the clients done with their offset."""
    shopper = Shopper(base, index, window)
    purchases, failures = [], []
    paid_unconfirmed = 0  # purchases paid but dropped or failed before their confirmation
    for _ in range(offset):
        try:
            shopper.request(OFFSET_STEP, "GET", start_path, expect=200)
        except (Failure, Abandoned):
            break
    with ready.get_lock():
        ready.value += 1
    while not shopper.time_up():
        started = time.monotonic()
        shopper.paid_unconfirmed = False
        try:
            shopper.buy(start_path)
        except Abandoned:
            paid_unconfirmed += shopper.paid_unconfirmed
            break
        except Failure as failure:
            paid_unconfirmed += shopper.paid_unconfirmed
            record = {"at": time.monotonic(), "step": failure.step, "status": failure.status}
            if len(failures) < KEPT_FAILURES:
                record.update(detail=failure.detail, body=failure.body)
            failures.append(record)
            shopper.cookies.clear()  # start again as a new visitor: new session, new cart
            time.sleep(0.05)
            continue
        except Exception as error:  # noqa: BLE001 -- a client bug is reported, not a hang
            failures.append(
                {
                    "at": time.monotonic(),
                    "step": "client",
                    "status": None,
                    "detail": f"{type(error).__name__}: {error}",
                    "body": "",
                }
            )
            shopper.cookies.clear()
            time.sleep(0.05)
            continue
        purchases.append((started, time.monotonic()))
        shopper.bought += 1
    queue.put(
        {
            "index": index,
            "purchases": purchases,
            "failures": failures,
            "steps": shopper.step_ms,
            "paid_unconfirmed": paid_unconfirmed,
        }
    )


def percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between the closest ranks (q in 0..100)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def probe(args) -> float:
    """Two purchases in a row by one shopper, before the clients start: the flow must work.
    The second one's duration (ms) is a purchase alone."""
    shopper = Shopper(args.base, args.clients, [0.0, 0.0])
    durations = []
    for _ in range(2):
        started = time.monotonic()
        try:
            shopper.buy(args.start_path)
        except Failure as failure:
            sys.stderr.write(
                f"checkout: a purchase alone fails at {failure.step}: {failure.detail}\n"
                f"{failure.body[:1000]}\n"
            )
            raise SystemExit(1) from failure
        durations.append((time.monotonic() - started) * 1000)
        shopper.bought += 1
    return durations[-1]


def run(args) -> dict:
    alone_ms = probe(args)
    # Shoppers that start together move in lockstep: the server's queue serves them in turn,
    # one request each per round, so their purchases would all end together, in bursts that
    # a short measurement catches a varying number of. Each first views the start page
    # 0…len(STEPS)-1 times (evenly spread over the clients), so that their purchases are
    # as many steps apart; the measurement begins once all are done with that.
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    window = context.Array("d", [0.0, 0.0])
    ready = context.Value("i", 0)
    processes = [
        context.Process(
            target=client,
            args=(
                i,
                args.base,
                args.start_path,
                i * len(STEPS) // args.clients,
                window,
                ready,
                queue,
            ),
            daemon=True,
        )
        for i in range(args.clients)
    ]
    began = time.monotonic()
    for process in processes:
        process.start()
    while time.monotonic() < began + MAX_WARMUP and (
        ready.value < args.clients or time.monotonic() < began + args.warmup
    ):
        time.sleep(0.02)
    start = time.monotonic()
    end = start + args.duration
    window[0], window[1] = start, end
    records = []
    deadline = end + TIMEOUT + 10
    try:
        for _ in processes:
            records.append(queue.get(timeout=max(1.0, deadline - time.monotonic())))
    finally:
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
    missing = args.clients - len(records)
    if missing:
        raise SystemExit(f"checkout: {missing} clients did not report")

    in_window = [(s, f) for r in records for (s, f) in r["purchases"] if start <= f <= end]
    latencies = [(f - s) * 1000 for s, f in in_window]
    failures = [x for r in records for x in r["failures"] if start <= x["at"] <= end]
    warm_failures = [x for r in records for x in r["failures"] if x["at"] < start]
    by_step: dict[str, int] = {}
    for failure in failures + warm_failures:
        key = f"{failure['step']}: {failure['status'] or 'no response'}"
        by_step[key] = by_step.get(key, 0) + 1
    samples = [
        {k: v for k, v in x.items() if k != "at"}
        for r in records
        for x in r["failures"]
        if "detail" in x
    ][:KEPT_FAILURES]
    steps = {
        step: round(statistics.median(ms), 1)
        for step in STEPS
        if (ms := [v for r in records for at, v in r["steps"][step] if start <= at <= end])
    }
    return {
        "server": args.server,
        "clients": args.clients,
        "warmup_s": round(start - began, 1),
        "all_ready": ready.value >= args.clients,
        "probe_ms": round(alone_ms, 1),
        "duration_s": args.duration,
        "start_path": args.start_path,
        "requests_per_order": len(STEPS),
        "orders": len(in_window),
        "orders_per_s": len(in_window) / args.duration,
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
        "max_ms": max(latencies) if latencies else None,
        "failures": len(failures),
        "failures_warmup": len(warm_failures),
        "failures_by_step": by_step,
        "failure_samples": samples,
        # Every purchase completed, so every paid order: the probe's two and the clients'.
        "orders_all": 2 + sum(len(r["purchases"]) for r in records),
        # Paid too, but dropped at the end (or failed) before the confirmation page.
        "paid_unconfirmed": sum(r["paid_unconfirmed"] for r in records),
        "step_median_ms": steps,
        # When each counted purchase ended, in seconds into the measurement: bursts show here.
        "ended_at_s": sorted(round(f - start, 2) for _, f in in_window),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="http://127.0.0.1:PORT")
    parser.add_argument("--clients", type=int, required=True)
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds, at least")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds")
    parser.add_argument("--start-path", default="/order/")
    parser.add_argument("--server", default="", help="a label for the report")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    result = run(args)
    with open(args.out, "w") as out:
        json.dump(result, out, indent=2)
    p50, p99 = result["p50_ms"], result["p99_ms"]
    sys.stderr.write(
        f"  {args.clients} clients: {result['orders']} orders in {args.duration:g} s, "
        f"{result['orders_per_s']:.2f} orders/s (warm-up {result['warmup_s']:g} s), p50 "
        + (f"{p50:.0f} ms" if p50 is not None else "-")
        + ", p99 "
        + (f"{p99:.0f} ms" if p99 is not None else "-")
        + f", failures {result['failures']} (+{result['failures_warmup']} in the warm-up)\n"
    )
    for key, count in result["failures_by_step"].items():
        sys.stderr.write(f"    failed at {key}: {count}\n")
    for sample in result["failure_samples"][:2]:
        sys.stderr.write(f"    e.g. {sample['step']}: {sample['detail']}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
