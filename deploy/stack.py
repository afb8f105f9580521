"""The production stack on one machine: `make prod` (start), `make prod-stop` (stop).

    .venv/bin/python deploy/stack.py start | stop | status | manage ARGS...

Starts, each as its own process, from this checkout and with production settings (DEBUG=0):
nginx in front (deploy/nginx.conf.in: static files, media, gzip, keep-alive, health checks),
PROD_APP_SERVERS gunicorn app servers, django-tasks' database worker (`manage.py db_worker`)
and the scheduler of periodic work (`manage.py run_scheduler`), against the PostgreSQL and
Redis of DATABASE_URL and REDIS_URL. Every start migrates and collects static files; the first
also seeds the demo unless DEMO=0. It returns once nginx answers /readyz/ with 200.

Everything listens on 127.0.0.1. State lives in PROD_DIR (default var/prod): the settings'
VAR_DIR (media, static files), logs/, run/ (nginx), mail/ (emails, when no EMAIL_URL or
EMAIL_BACKEND is given), secret_key (made on the first start, unless SECRET_KEY is set) and
pids.json: the id and start time of every process started, which is all `stop` stops.

Variables: PROD_PORT (nginx, 8080), PROD_APP_PORT (the first app server's port, 8081; the
next ones follow), PROD_APP_SERVERS (2), PROD_APP_WORKERS (gunicorn workers per app server, 2),
PROD_DIR, DEMO (1), NGINX (/usr/sbin/nginx), PROD_START_TIMEOUT (seconds, 120); and the app's
own (README.md, .env.example), passed on to every process.

A port in use, a missing variable, a database or Redis that does not answer, or a process
that stops while starting: one line naming the cause, exit status 1, and whatever this run
had started is stopped again.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)
GUNICORN = PYTHON.parent / "gunicorn"
TEMPLATE = ROOT / "deploy" / "nginx.conf.in"


class StackError(Exception):
    """A cause that stops the stack: printed as one line."""


def say(message: str) -> None:
    print(f"prod: {message}", flush=True)


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "") or str(default)
    try:
        number = int(value)
    except ValueError:
        raise StackError(f"{name}={value!r} is not a whole number") from None
    if number < 1:
        raise StackError(f"{name}={value!r} must be at least 1")
    return number


class Config:
    def __init__(self):
        self.dir = Path(os.environ.get("PROD_DIR") or ROOT / "var" / "prod").resolve()
        self.port = env_int("PROD_PORT", 8080)
        self.app_port = env_int("PROD_APP_PORT", 8081)
        self.app_servers = env_int("PROD_APP_SERVERS", 2)
        self.app_workers = env_int("PROD_APP_WORKERS", 2)
        self.timeout = env_int("PROD_START_TIMEOUT", 120)
        self.demo = os.environ.get("DEMO", "1") not in {"0", "false", "no", "off"}
        self.nginx = os.environ.get("NGINX") or "/usr/sbin/nginx"
        self.logs, self.run = self.dir / "logs", self.dir / "run"
        self.pids = self.dir / "pids.json"
        self.url = f"http://127.0.0.1:{self.port}"

    @property
    def app_ports(self) -> list[int]:
        return [self.app_port + i for i in range(self.app_servers)]


# --- processes ---------------------------------------------------------------------------------
def start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (/proc/PID/stat, field 22), which
    tells a process from a later one given the same id; None when there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def alive(record: dict) -> bool:
    """The recorded process is running: the same id and start time, and not a zombie (a child
    of this script that ended, which is reaped here)."""
    pid = record["pid"]
    if start_time(pid) != record["started"]:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    if state == "Z":
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        return False
    return True


def read_records(config: Config) -> list[dict]:
    try:
        return json.loads(config.pids.read_text())
    except FileNotFoundError:
        return []
    except ValueError:
        raise StackError(f"{config.pids} is not the list this script writes") from None


def write_records(config: Config, records: list[dict]) -> None:
    config.pids.write_text(json.dumps(records, indent=2) + "\n")


def rss_kib(pid: int) -> int:
    """Resident memory of a process and its children (gunicorn's workers), in KiB."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(child) for child in children]
    except OSError:
        pass
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def stop_records(records: list[dict], *, grace: float = 20.0) -> None:
    """SIGTERM each recorded process group still running (the same process: same id and start
    time), then SIGKILL what is left after `grace` seconds."""
    running = [r for r in records if alive(r)]
    for record in records:
        if record not in running:
            say(f"{record['name']} (pid {record['pid']}) was not running")
    # The last started first: nginx (no new requests), then the others.
    for record in reversed(running):
        try:
            os.killpg(record["pid"], signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    while any(alive(r) for r in running) and time.monotonic() < deadline:
        time.sleep(0.1)
    for record in running:
        if alive(record):
            say(f"{record['name']} (pid {record['pid']}) did not stop in {grace:.0f} s: killed")
            try:
                os.killpg(record["pid"], signal.SIGKILL)
            except ProcessLookupError:
                pass
        else:
            say(f"stopped {record['name']} (pid {record['pid']})")


def spawn(config: Config, records: list, name: str, command: list[str], env: dict) -> dict:
    log = open(config.logs / f"{name}.log", "ab")  # the child keeps it open
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stop reaches gunicorn's workers
    )
    log.close()
    started = None
    for _ in range(50):
        started = start_time(process.pid)
        if started:
            break
        time.sleep(0.01)
    record = {"name": name, "pid": process.pid, "started": started, "command": command}
    records.append(record)
    write_records(config, records)
    return record


# --- checks ------------------------------------------------------------------------------------
def check_port_free(port: int, variable: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            raise StackError(f"port {port} on 127.0.0.1 is in use ({variable})") from None


def required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise StackError(f"{name} is not set: the stack needs it (see README.md)")
    return value


def check_database(url: str) -> None:
    """PostgreSQL answers; its database is created when missing (a first start)."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise StackError(
            f"DATABASE_URL must name PostgreSQL for the stack, not {url.split(':')[0]}"
        )
    where = f"{config.get('HOST') or 'localhost'}:{config.get('PORT') or 5432}"
    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "connect_timeout": 5,
    }
    try:
        with psycopg.connect(dbname=config["NAME"], **params):
            return
    except psycopg.OperationalError as error:
        if f'database "{config["NAME"]}" does not exist' not in str(error):
            first = str(error).strip().splitlines()[-1] if str(error).strip() else "no answer"
            raise StackError(f"PostgreSQL at {where} does not answer: {first}") from None
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    say(f"created the database {config['NAME']} at {where}")


def check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except (redis.RedisError, ValueError) as error:
        parts = urlsplit(url)  # without a password the URL may hold
        where = f"{parts.hostname}:{parts.port or 6379}{parts.path}"
        raise StackError(f"Redis at {where} does not answer: {error}") from None


def http_status(url: str, timeout: float = 2.0) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


# --- start -------------------------------------------------------------------------------------
def app_environment(config: Config, *, quiet: bool = False) -> dict:
    """The environment every process of the stack runs with (and `manage` commands)."""
    say_ = (lambda message: None) if quiet else say
    env = dict(os.environ)
    secret = os.environ.get("SECRET_KEY")
    if not secret:
        key_file = config.dir / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50))
            key_file.chmod(0o600)
            say_(f"made a secret key in {key_file}")
        secret = key_file.read_text().strip()
    env.update(
        DEBUG="0",
        SECRET_KEY=secret,
        VAR_DIR=str(config.dir),
        STATIC_ROOT=str(config.dir / "static"),
        MEDIA_ROOT=env.get("MEDIA_ROOT") or str(config.dir / "media"),
        TASKS_BACKEND=env.get("TASKS_BACKEND") or "database",
        # nginx serves /media/ from the disk (or S3 does, with MEDIA_STORAGE=s3).
        SERVE_MEDIA="0",
    )
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    # nginx appends the client's address to X-Forwarded-For: the app reads it from there.
    env.setdefault("TRUSTED_PROXY_COUNT", "1")
    env.setdefault("BASE_URL", config.url)
    # Plain HTTP on the loopback: TLS belongs to the load balancer or a server block in front.
    env.setdefault("SECURE_SSL_REDIRECT", "0")
    env.setdefault("BEHIND_TLS_PROXY", "0")
    if not env.get("EMAIL_URL") and not env.get("EMAIL_BACKEND"):
        env["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
        env["EMAIL_FILE_PATH"] = str(config.dir / "mail")
        say_(f"no EMAIL_URL: emails are written to {config.dir / 'mail'}")
    if not env.get("STRIPE_SECRET_KEY") and not env.get("PAYPAL_CLIENT_ID"):
        env.setdefault("ALLOW_DUMMY_PAYMENTS", "1")
        say_("no STRIPE_SECRET_KEY: the dummy payment provider takes the orders (no money)")
    return env


def nginx_config(config: Config, env: dict) -> Path:
    # One line (nginx takes several directives on a line): the template's header comment
    # names the placeholders too.
    upstream = " ".join(
        f"server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in config.app_ports
    )
    values = {
        "USER_LINE": "user root;" if os.geteuid() == 0 else "",
        "RUN_DIR": str(config.run),
        "LOG_DIR": str(config.logs),
        "LISTEN": f"127.0.0.1:{config.port}",
        "SERVER_NAME": "127.0.0.1 localhost",
        "UPSTREAM": upstream,
        "STATIC_ROOT": env["STATIC_ROOT"],
        "MEDIA_ROOT": env["MEDIA_ROOT"],
        "MAX_BODY": "12m",
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    path = config.run / "nginx.conf"
    path.write_text(text)
    return path


def manage(env: dict, *args: str) -> None:
    result = subprocess.run(
        [str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        raise StackError(f"manage.py {' '.join(args)} failed: {lines[-1] if lines else '?'}")


def start(config: Config) -> None:
    began = time.monotonic()
    if any(alive(r) for r in read_records(config)):
        raise StackError(f"the stack is running already ({config.pids}): make prod-stop first")
    database_url, redis_url = required("DATABASE_URL"), required("REDIS_URL")
    for tool in (config.nginx, str(GUNICORN)):
        if not Path(tool).exists():
            raise StackError(f"{tool} is missing (apt-get install nginx; make venv)")
    check_port_free(config.port, "PROD_PORT")
    for i, port in enumerate(config.app_ports):
        check_port_free(port, f"PROD_APP_PORT+{i}" if i else "PROD_APP_PORT")
    check_database(database_url)
    check_redis(redis_url)
    for folder in (config.dir, config.logs, config.run, config.dir / "mail"):
        folder.mkdir(parents=True, exist_ok=True)
    env = app_environment(config)

    say("migrating the database")
    manage(env, "migrate", "--noinput", "-v0")
    say("collecting static files")
    manage(env, "collectstatic", "--noinput", "-v0")
    seeded = config.dir / ".demo-seeded"
    if config.demo and not seeded.exists():
        say("seeding the demo (the first start; DEMO=0 skips it)")
        manage(env, "seed_demo", "-v0")
        seeded.write_text(time.strftime("%Y-%m-%dT%H:%M:%SZ\n", time.gmtime()))

    records: list[dict] = []
    try:
        for i, port in enumerate(config.app_ports, start=1):
            spawn(
                config,
                records,
                f"app-{i}",
                [
                    str(GUNICORN),
                    "apothecary.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(config.app_workers),
                    "--name",
                    f"apothecary-app-{i}",
                    "--no-control-socket",
                ],
                env,
            )
        spawn(
            config, records, "worker", [str(PYTHON), "manage.py", "db_worker", "--no-reload"], env
        )
        spawn(config, records, "scheduler", [str(PYTHON), "manage.py", "run_scheduler"], env)
        conf = nginx_config(config, env)
        nginx = [config.nginx, "-p", f"{config.run}/", "-e", str(config.logs / "nginx-error.log")]
        check = subprocess.run(
            [*nginx, "-c", str(conf), "-t", "-q"], capture_output=True, text=True
        )
        if check.returncode != 0:
            lines = check.stderr.strip().splitlines() or ["no output"]
            raise StackError(f"nginx refuses {conf}: {lines[0]}")
        spawn(config, records, "nginx", [*nginx, "-c", str(conf)], env)
        wait_until_ready(config, records)
    except BaseException:
        stop_records(records)
        config.pids.unlink(missing_ok=True)
        raise
    say(f"serving {config.url}/ (nginx on {config.port}; app servers on {config.app_ports})")
    for record in records:
        say(f"  {record['name']}: pid {record['pid']}, log {config.logs / record['name']}.log")
    if config.demo:
        say(f"admin: {config.url}/admin/ (the demo's admin login: make run prints it)")
    say(f"started in {time.monotonic() - began:.1f} s; make prod-stop stops it")


def wait_until_ready(config: Config, records: list[dict]) -> None:
    deadline = time.monotonic() + config.timeout
    targets = [f"http://127.0.0.1:{port}/readyz/" for port in config.app_ports]
    targets.append(f"{config.url}/readyz/")
    while time.monotonic() < deadline:
        for record in records:
            if not alive(record):
                log = config.logs / f"{record['name']}.log"
                lines = [
                    line
                    for line in log.read_text(errors="replace").strip().splitlines()
                    if line.strip() and not line.startswith("Type 'manage.py help'")
                ]
                cause = lines[-1] if lines else "no output"
                raise StackError(f"{record['name']} stopped while starting: {cause} ({log})")
        if all(http_status(url) == 200 for url in targets):
            return
        time.sleep(0.25)
    raise StackError(
        f"not ready after {config.timeout} s: {', '.join(targets)} (see {config.logs})"
    )


def stop(config: Config) -> None:
    records = read_records(config)
    if not records:
        say(f"nothing to stop (no {config.pids})")
        return
    stop_records(records)
    config.pids.unlink(missing_ok=True)
    say("stopped")


def status(config: Config) -> int:
    records = read_records(config)
    if not records:
        say("not running")
        return 1
    for record in records:
        state = f"running, {rss_kib(record['pid']) / 1024:.0f} MiB" if alive(record) else "gone"
        say(f"{record['name']}: pid {record['pid']}, {state}")
    return 0 if all(alive(r) for r in records) else 1


def manage_command(config: Config, args: list[str]) -> int:
    """`manage.py ARGS` with the stack's settings and state (a shell, a backup, a command)."""
    if not config.dir.exists():
        raise StackError(f"no stack in {config.dir}: make prod first")
    required("DATABASE_URL")
    required("REDIS_URL")
    env = app_environment(config, quiet=True)
    return subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env).returncode


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command not in {"start", "stop", "status", "manage"} or (
        command != "manage" and len(argv) != 2
    ):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        config = Config()
        if command == "manage":
            return manage_command(config, argv[2:])
        if argv[1] == "start":
            start(config)
        elif argv[1] == "stop":
            stop(config)
        else:
            return status(config)
    except StackError as error:
        say(f"FAILED: {error}")
        return 1
    except KeyboardInterrupt:
        say("interrupted; what this run started is stopped")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
