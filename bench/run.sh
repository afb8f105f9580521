#!/usr/bin/env bash
# `make bench`: serve the demo with gunicorn under production settings, measure five pages with
# wrk, measure nginx serving a static copy of the blog post as the ceiling, then measure the
# checkout (orders placed per second, end to end, by concurrent shoppers: bench/checkout.py)
# against gunicorn on PostgreSQL, and rewrite docs/benchmarks.md with the figures. Never part
# of `make test`.
#
# The pages are served from SQLite in var/bench/; the checkout from a PostgreSQL database
# (BENCH_PG_DB, default apothecary_bench) dropped, created, migrated and seeded on every run,
# its packs' stock raised so that they never sell out. State lives in var/bench/ (rebuilt on
# every run; raw wrk and checkout output is kept in var/bench/results/). Every server listens
# on 127.0.0.1 only and is stopped when the script exits, whatever happens.
#
# Environment: BENCH_PORT (gunicorn, default 8765; the next free port is taken if it is busy),
# BENCH_NGINX_PORT (default: the first free port after gunicorn's), BENCH_DURATION (15s),
# BENCH_WARMUP (3s), BENCH_THREADS (2), BENCH_CONNECTIONS (16), BENCH_WORKERS (2);
# checkout: BENCH_CHECKOUT_CLIENTS ("8 32"), BENCH_CHECKOUT_DURATION (seconds, 15),
# BENCH_CHECKOUT_WARMUP (seconds at least, 3; longer until every client has bought once),
# BENCH_CHECKOUT_THREADS (4: a second round with gthread workers of that many threads; 0 skips
# it), BENCH_CHECKOUT_ALONE (seconds of one shopper alone first, 5; 0 skips it), BENCH_PG_HOST
# (127.0.0.1), BENCH_PG_PORT (5432), BENCH_PG_USER (postgres, trust auth), BENCH_PG_DB.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
GUNICORN=$ROOT/.venv/bin/gunicorn
NGINX=${NGINX:-/usr/sbin/nginx}
WRK=${WRK:-/usr/bin/wrk}
PSQL=${PSQL:-psql}

DURATION=${BENCH_DURATION:-15s}
WARMUP=${BENCH_WARMUP:-3s}
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
WORKERS=${BENCH_WORKERS:-2}
TAG_PATH=${BENCH_TAG_PATH:-/blog/tag/what-is-b12-deficiency/}
PRODUCT_PATH=${BENCH_PRODUCT_PATH:-/products/b12-patch/}
ORDER_PATH=${BENCH_ORDER_PATH:-/order/}
CITED_PATH=${BENCH_CITED_PATH:-/blog/vitamin-b12-and-bone-health/}
RESEARCH_PATH=${BENCH_RESEARCH_PATH:-/research/}

CHECKOUT_CLIENTS=${BENCH_CHECKOUT_CLIENTS:-8 32}
CHECKOUT_DURATION=${BENCH_CHECKOUT_DURATION:-15}
CHECKOUT_WARMUP=${BENCH_CHECKOUT_WARMUP:-3}
CHECKOUT_THREADS=${BENCH_CHECKOUT_THREADS:-4}
CHECKOUT_ALONE=${BENCH_CHECKOUT_ALONE:-5}
CHECKOUT_STOCK=1000000
PG_HOST=${BENCH_PG_HOST:-127.0.0.1}
PG_PORT=${BENCH_PG_PORT:-5432}
PG_USER=${BENCH_PG_USER:-postgres}
PG_DB=${BENCH_PG_DB:-apothecary_bench}
[[ $PG_DB =~ ^[a-z_][a-z0-9_]*$ ]] || {
    echo "bench: BENCH_PG_DB must be a plain lower-case name, not '$PG_DB'" >&2
    exit 1
}
PG_URL=postgres://$PG_USER@$PG_HOST:$PG_PORT/$PG_DB

STATE=$ROOT/var/bench
RESULTS=$STATE/results
DOC=$ROOT/docs/benchmarks.md

say() { printf 'bench: %s\n' "$*" >&2; }
die() {
    printf 'bench: FAILED: %s\n' "$*" >&2
    exit 1
}

for tool in "$PY" "$GUNICORN" "$NGINX" "$WRK" "$PSQL" curl; do
    command -v "$tool" >/dev/null ||
        die "$tool is missing (run \`make venv\`; apt-get install nginx wrk curl postgresql-client)"
done
pg() { # pg ARGS...: psql as the benchmark's PostgreSQL user, stopping at the first error
    "$PSQL" -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -X -q -v ON_ERROR_STOP=1 "$@"
}
pg -d postgres -Atc 'SELECT 1' >/dev/null 2>&1 ||
    die "PostgreSQL does not answer as $PG_USER at $PG_HOST:$PG_PORT (the checkout needs it)"

# --- temporary dir and cleanup ---------------------------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/apothecary-bench.XXXXXX")
GUNICORN_PID=
GUNICORN_LOG=$TMP/gunicorn.log
NGINX_PID=

stop() { # stop PID NAME: TERM, wait up to 10 s, then KILL
    local pid=$1 name=$2
    [[ -n $pid ]] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
        say "$name ($pid) did not stop; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

first_traceback() { # first_traceback LOG: the first error logged with its traceback, if any
    awk '/ ERROR |\[ERROR\]/{found=1} found{print; if (++n >= 80) exit}' "$1"
}

cleanup() {
    local status=$?
    set +e
    trap - EXIT INT TERM
    stop "$NGINX_PID" nginx
    stop "$GUNICORN_PID" gunicorn
    if [[ $status -ne 0 ]]; then
        # Under DEBUG=0 a page's traceback is in gunicorn's log (django.request logs it); the
        # checkout's logs also hold the confirmation emails (console backend), hence the grep.
        for log in "$TMP/build.log" "$GUNICORN_LOG" "$TMP/nginx-error.log"; do
            if [[ -s $log ]]; then
                if grep -qE ' ERROR |\[ERROR\]' "$log"; then
                    say "first error in $(basename "$log"):"
                    first_traceback "$log" >&2
                fi
                say "last lines of $(basename "$log"):"
                tail -n 40 "$log" >&2
            fi
        done
    fi
    rm -rf "$TMP"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- ports -----------------------------------------------------------------------------------
free_port() { # first port >= $1 that 127.0.0.1 can bind
    "$PY" - "$1" <<'EOF'
import socket
import sys

start = int(sys.argv[1])
for port in range(start, start + 200):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
    print(port)
    break
else:
    sys.exit(f"no free port from {start}")
EOF
}
PORT=$(free_port "${BENCH_PORT:-8765}")
NGINX_PORT=$(free_port "${BENCH_NGINX_PORT:-$((PORT + 1))}")
[[ $NGINX_PORT != "$PORT" ]] || NGINX_PORT=$(free_port $((PORT + 1)))
APP=http://127.0.0.1:$PORT
STATIC=http://127.0.0.1:$NGINX_PORT

# --- production settings ---------------------------------------------------------------------
export DEBUG=0
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))')
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost
export SECURE_SSL_REDIRECT=0
export ALLOW_DUMMY_PAYMENTS=1
# DEBUG=0 needs an email backend named on purpose: the benchmark sends nothing.
export EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend
export BEHIND_TLS_PROXY=0
export SERVE_MEDIA=1
export VAR_DIR=$STATE
export BASE_URL=$APP
# Every bench shopper comes from 127.0.0.1: the cap on unpaid orders per IP address
# (checkout.holds) would turn concurrent shoppers away.
export MAX_UNPAID_ORDERS_PER_IP=1000000
# Likewise the rate limits on placing orders (checkout.limits): a bench shopper checks out again
# and again, from one address and with one email.
export ORDER_PLACE_LIMIT_PER_IP=1000000
export ORDER_PLACE_LIMIT_PER_EMAIL=1000000
# Only the variables above: no DATABASE_URL, REDIS_URL, ... from the caller's shell.
unset DATABASE_URL REDIS_URL STATIC_ROOT MEDIA_ROOT CONN_MAX_AGE TASKS_BACKEND EMAIL_URL

started=$(date +%s)
# The machine's load before we add any: other work running alongside skews the figures.
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
say "building $STATE (fresh: migrate, seed_demo, collectstatic)"
rm -rf "$STATE"
mkdir -p "$STATE" "$RESULTS"
# Their log lines (Wagtail logs every page it publishes) go to build.log, shown on failure.
{
    "$PY" manage.py migrate --noinput -v0 &&
        "$PY" manage.py seed_demo -v0 &&
        "$PY" manage.py collectstatic --noinput -v0
} >"$TMP/build.log" 2>&1 || die "building $STATE failed"
mv "$TMP/build.log" "$RESULTS/build.log"

# The checkout's database: PostgreSQL, fresh, with the same demo; its media apart from SQLite's.
pg_env() { # pg_env COMMAND...: run with the checkout's database
    DATABASE_URL=$PG_URL MEDIA_ROOT=$STATE/media-pg "$@"
}
say "building PostgreSQL database $PG_DB (fresh: migrate, seed_demo, stock $CHECKOUT_STOCK)"
{
    pg -d postgres -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" -c "CREATE DATABASE $PG_DB" &&
        pg_env "$PY" manage.py migrate --noinput -v0 &&
        pg_env "$PY" manage.py seed_demo -v0 &&
        pg_env "$PY" manage.py shell -v0 -c "
from apothecary.catalog.models import Variant
Variant.objects.update(stock=$CHECKOUT_STOCK)
"
} >"$TMP/build.log" 2>&1 || die "building the PostgreSQL database $PG_DB failed"
mv "$TMP/build.log" "$RESULTS/build-postgres.log"
PG_VERSION=$(pg -d "$PG_DB" -Atc 'SHOW server_version' | awk '{print $1}')

POST_PATH=$("$PY" manage.py shell -c '
from urllib.parse import urlsplit
from apothecary.blog.models import BlogPostPage
post = BlogPostPage.objects.live().order_by("-date", "-pk").first()
print("POST_PATH=" + (urlsplit(post.url).path if post else ""))
' | sed -n 's/^POST_PATH=//p' | tail -n 1)
[[ $POST_PATH == /* ]] || die "could not find the newest live blog post (got '$POST_PATH')"

# --- gunicorn ----------------------------------------------------------------------------------
start_gunicorn() { # start_gunicorn LOG EXTRA_ARGS...: in the background, on $PORT
    GUNICORN_LOG=$1
    shift
    # --no-control-socket: gunicorn would otherwise open a control socket under ~/.gunicorn/.
    "$GUNICORN" apothecary.wsgi:application --workers "$WORKERS" --bind "127.0.0.1:$PORT" \
        --no-control-socket "$@" >"$GUNICORN_LOG" 2>&1 &
    GUNICORN_PID=$!
}
say "starting gunicorn ($WORKERS workers) on $APP"
start_gunicorn "$TMP/gunicorn.log"

wait_for() { # wait_for URL PID NAME
    local url=$1 pid=$2 name=$3
    for _ in $(seq 150); do
        kill -0 "$pid" 2>/dev/null || die "$name exited while starting"
        if curl -s -o /dev/null --max-time 2 "$url"; then
            return 0
        fi
        sleep 0.2
    done
    die "$name did not answer $url within 30 s"
}
wait_for "$APP/" "$GUNICORN_PID" gunicorn

# --- check the pages -----------------------------------------------------------------------------
# name|label|path, in the order of the table.
TARGETS=(
    "home|Home page|/"
    "post|Blog post (newest)|$POST_PATH"
    "tag|Tag archive|$TAG_PATH"
    "product|Product page|$PRODUCT_PATH"
    "order|Order page|$ORDER_PATH"
    "cited|Post citing 4 studies|$CITED_PATH"
    "research|Research library|$RESEARCH_PATH"
)
check() { # check NAME URL: 200 or fail; keeps headers and body in results/
    local name=$1 url=$2 code
    code=$(curl -s --max-time 30 -D "$RESULTS/$name.headers" -o "$RESULTS/$name.html" \
        -w '%{http_code}' "$url") || die "$url: curl failed"
    if [[ $code != 200 ]]; then
        say "$url answered $code:"
        head -c 400 "$RESULTS/$name.html" >&2 || true
        echo >&2
        die "$url answered HTTP $code, not 200"
    fi
    say "$url: 200, $(wc -c <"$RESULTS/$name.html") bytes"
}
for target in "${TARGETS[@]}"; do
    IFS='|' read -r name label path <<<"$target"
    check "$name" "$APP$path"
done

# One request at a time, in process: queries and render time, to read the load figures by.
single_args=()
for target in "${TARGETS[@]}"; do
    IFS='|' read -r name label path <<<"$target"
    single_args+=("$name=$path")
done
"$PY" bench/single.py "${single_args[@]}" >"$RESULTS/single.tsv" 2>"$TMP/single.log" ||
    die "bench/single.py failed: $(tail -n 20 "$TMP/single.log")"

# --- nginx with a static copy of the post -----------------------------------------------------
mkdir -p "$TMP/www$POST_PATH" "$TMP/client_body" "$TMP/proxy" "$TMP/fastcgi" "$TMP/uwsgi" \
    "$TMP/scgi"
cp "$RESULTS/post.html" "$TMP/www${POST_PATH%/}/index.html"
USER_LINE=
[[ $(id -u) -eq 0 ]] && USER_LINE="user root;"
sed -e "s|@TMP@|$TMP|g" -e "s|@PORT@|$NGINX_PORT|g" -e "s|@USER_LINE@|$USER_LINE|" \
    bench/nginx.conf.in >"$TMP/nginx.conf"
"$NGINX" -p "$TMP/" -e "$TMP/nginx-error.log" -c "$TMP/nginx.conf" -t -q ||
    die "nginx rejected its configuration"
say "starting nginx on $STATIC"
"$NGINX" -p "$TMP/" -e "$TMP/nginx-error.log" -c "$TMP/nginx.conf" &
NGINX_PID=$!
wait_for "$STATIC$POST_PATH" "$NGINX_PID" nginx
check nginx "$STATIC$POST_PATH"
cmp -s "$RESULTS/post.html" "$RESULTS/nginx.html" || die "nginx does not serve the saved copy"

# --- measure ------------------------------------------------------------------------------------
MANIFEST=$RESULTS/manifest.tsv
: >"$MANIFEST"
measure() { # measure NAME LABEL PATH URL
    local name=$1 label=$2 path=$3 url=$4
    say "$label: warm-up $WARMUP, then $DURATION ($url)"
    "$WRK" -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$url" >"$RESULTS/$name.warmup.txt" ||
        die "wrk warm-up failed for $url"
    "$WRK" -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url" >"$RESULTS/$name.wrk.txt" ||
        die "wrk failed for $url"
    grep -E 'Requests/sec|^ +(50|99)%' "$RESULTS/$name.wrk.txt" | tr -s ' ' | sed 's/^/  /' >&2
    printf '%s\t%s\t%s\t%s\n' "$name" "$label" "$path" "$RESULTS/$name" >>"$MANIFEST"
}
for target in "${TARGETS[@]}"; do
    IFS='|' read -r name label path <<<"$target"
    measure "$name" "$label" "$path" "$APP$path"
done
measure nginx "nginx, static copy of the post" "$POST_PATH" "$STATIC$POST_PATH"

# The servers must have survived the measurement.
kill -0 "$GUNICORN_PID" 2>/dev/null || die "gunicorn died during the run"
kill -0 "$NGINX_PID" 2>/dev/null || die "nginx died during the run"
stop "$NGINX_PID" nginx
NGINX_PID=
stop "$GUNICORN_PID" gunicorn
GUNICORN_PID=

# --- checkout, on PostgreSQL ---------------------------------------------------------------------
CHECKOUT_MANIFEST=$RESULTS/checkout.tsv
: >"$CHECKOUT_MANIFEST"
checkout_started=$(date +%s)
LOAD_CHECKOUT=$(cut -d' ' -f1-3 /proc/loadavg)
checkout_round() { # checkout_round KIND LABEL GUNICORN_ARGS...: serve, then buy with each count
    local kind=$1 label=$2 clients log
    shift 2
    log=$TMP/gunicorn-checkout-$kind.log
    say "checkout: starting gunicorn ($label) on PostgreSQL $PG_DB"
    pg_env start_gunicorn "$log" "$@"
    wait_for "$APP$ORDER_PATH" "$GUNICORN_PID" gunicorn
    check "checkout-$kind-order" "$APP$ORDER_PATH"
    local runs=()
    if [[ $kind == sync && $CHECKOUT_ALONE != 0 ]]; then
        runs+=("1:$CHECKOUT_ALONE:alone") # its two probe purchases are the warm-up
    fi
    for clients in $CHECKOUT_CLIENTS; do
        runs+=("$clients:$CHECKOUT_DURATION:load")
    done
    local run n duration role out warmup
    for run in "${runs[@]}"; do
        IFS=: read -r n duration role <<<"$run"
        out=$RESULTS/checkout-$kind-$n.json
        warmup=$CHECKOUT_WARMUP
        [[ $role == alone ]] && warmup=0
        say "checkout ($label): $n clients, warm-up $warmup s or more, then $duration s"
        "$PY" bench/checkout.py --base "$APP" --start-path "$ORDER_PATH" --clients "$n" \
            --warmup "$warmup" --duration "$duration" --server "$label" --out "$out" ||
            die "bench/checkout.py failed ($n clients, $label)"
        printf '%s\t%s\n' "$role" "$out" >>"$CHECKOUT_MANIFEST"
        kill -0 "$GUNICORN_PID" 2>/dev/null || die "gunicorn died during the checkout run"
    done
    # Keep what went wrong (not the whole log: it holds every confirmation email).
    if grep -qE ' ERROR |\[ERROR\]' "$log"; then
        first_traceback "$log" >"$RESULTS/checkout-$kind-errors.log"
        say "gunicorn logged errors ($label); the first: $RESULTS/checkout-$kind-errors.log"
        head -n 40 "$RESULTS/checkout-$kind-errors.log" >&2
    fi
    stop "$GUNICORN_PID" gunicorn
    GUNICORN_PID=
}
checkout_round sync "$WORKERS sync workers"
if [[ $CHECKOUT_THREADS != 0 ]]; then
    checkout_round gthread "$WORKERS gthread workers × $CHECKOUT_THREADS threads" \
        --worker-class gthread --threads "$CHECKOUT_THREADS"
fi
# Every purchase a client completed (warm-ups and late ones included) is a paid order.
PAID_IN_DB=$(pg -d "$PG_DB" -Atc "SELECT count(*) FROM orders_order WHERE status = 'paid'")
GUNICORN_LOG= # the servers are stopped: nothing of theirs to show if the report fails
checkout_elapsed=$(($(date +%s) - checkout_started))

# --- report -------------------------------------------------------------------------------------
mem_total=$(free -g | awk '/^Mem:/ {print $2}')
cpu_model=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
"$PY" bench/report.py \
    --manifest "$MANIFEST" \
    --single "$RESULTS/single.tsv" \
    --out "$DOC" \
    --date "$(date -u +%F)" \
    --cpus "$(nproc)" \
    --load-before "$LOAD_BEFORE" \
    --cpu-model "${cpu_model:-unknown}" \
    --memory-gb "${mem_total:-?}" \
    --os "$(uname -sr)" \
    --python "$("$PY" -V 2>&1)" \
    --gunicorn "gunicorn $("$PY" -c 'import gunicorn; print(gunicorn.__version__)')" \
    --nginx "$("$NGINX" -v 2>&1 | head -n1)" \
    --wrk "$("$WRK" --version 2>&1 | head -n1 | awk '{print $1, $2}')" \
    --threads "$THREADS" --connections "$CONNECTIONS" --duration "$DURATION" \
    --warmup "$WARMUP" --workers "$WORKERS" \
    --checkout "$CHECKOUT_MANIFEST" \
    --checkout-load-before "$LOAD_CHECKOUT" \
    --checkout-elapsed "$checkout_elapsed" \
    --checkout-paid-in-db "$PAID_IN_DB" \
    --checkout-stock "$CHECKOUT_STOCK" \
    --checkout-warmup "$CHECKOUT_WARMUP s" \
    --postgres "PostgreSQL $PG_VERSION" \
    --pg-db "$PG_DB" \
    --elapsed "$(($(date +%s) - started))"
say "wrote ${DOC#"$ROOT"/} in $(($(date +%s) - started)) s"
