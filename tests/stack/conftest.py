"""The running production stack (deploy/stack.py: nginx, two gunicorn app servers, the task
worker, the scheduler) on PostgreSQL and Redis, for the tests marked `stack`.

`.ci/run` runs them after the PostgreSQL pass (`pytest -m stack`); the default run leaves them
out (pyproject's addopts), since they start a dozen processes. They need nginx, PostgreSQL and
Redis: missing, they fail under STACK_REQUIRED=1 (CI) and are skipped otherwise.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NGINX = os.environ.get("NGINX") or shutil.which("nginx") or "/usr/sbin/nginx"
PG = os.environ.get("STACK_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("STACK_REDIS", "redis://127.0.0.1:6379/5")


def free_ports(count: int) -> list[int]:
    """`count` consecutive free ports on 127.0.0.1 (the app servers' ports follow nginx's)."""
    for start in range(20000 + os.getpid() % 20000, 60000, 7):
        ports = list(range(start, start + count))
        try:
            for port in ports:
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        return ports
    raise RuntimeError("no free ports")


def _missing() -> str | None:
    if not Path(NGINX).exists():
        return f"nginx not found at {NGINX}"
    try:
        import psycopg
        import redis

        psycopg.connect(PG + "/postgres", connect_timeout=3).close()
        redis.Redis.from_url(REDIS, socket_connect_timeout=3).ping()
    except Exception as error:  # noqa: BLE001 -- any failure means the parts are not there
        return f"PostgreSQL or Redis does not answer: {error}"
    return None


class Stack:
    def __init__(self, base: Path):
        nginx_port, app_a, app_b = free_ports(3)
        self.dir = base / "prod"
        self.database = f"apothecary_stack_{os.getpid()}"
        self.nginx = f"http://127.0.0.1:{nginx_port}"
        self.a = f"http://127.0.0.1:{app_a}"
        self.b = f"http://127.0.0.1:{app_b}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
            "DJANGO_SETTINGS_MODULE": "apothecary.settings",
            "PROD_DIR": str(self.dir),
            "PROD_PORT": str(nginx_port),
            "PROD_APP_PORT": str(app_a),
            "PROD_APP_SERVERS": "2",
            "DATABASE_URL": f"{PG}/{self.database}",
            "REDIS_URL": REDIS,
            "CACHE_KEY_PREFIX": f"stack-{os.getpid()}",
            "NGINX": NGINX,
            # The tests sign in to the admin with the demo's password alone.
            "STAFF_MFA_REQUIRED": "0",
        }

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "deploy/stack.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    def shell(self, code: str) -> str:
        """Python run by `manage.py shell` with the stack's settings; returns what it printed."""
        result = self.run("manage", "shell", "-v0", "-c", code)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    def records(self) -> dict[str, dict]:
        return {r["name"]: r for r in json.loads((self.dir / "pids.json").read_text())}


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    missing = _missing()
    if missing:
        if os.environ.get("STACK_REQUIRED") == "1":
            pytest.fail(f"{missing} (STACK_REQUIRED=1)")
        pytest.skip(missing)
    stack = Stack(tmp_path_factory.mktemp("stack"))
    started = stack.run("start")
    assert started.returncode == 0, started.stdout + started.stderr
    try:
        yield stack
    finally:
        stopped = stack.run("stop")
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr
        import psycopg

        with psycopg.connect(PG + "/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{stack.database}" WITH (FORCE)')
