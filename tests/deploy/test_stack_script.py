"""deploy/stack.py (`make prod`, `make prod-stop`) refusing to start, in one line naming the
cause, and stopping only what it started. The stack itself runs in tests/stack."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy"))
import stack  # noqa: E402 -- deploy/ is not a package: the script is imported from its folder


def run(tmp_path, *args, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL"} and not k.startswith("PYTEST")
    }
    base.update(PROD_DIR=str(tmp_path / "prod"), NGINX="/bin/true", **env)
    return subprocess.run(
        [sys.executable, "deploy/stack.py", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_missing_variable_stops_it_in_one_line(tmp_path):
    result = run(tmp_path, "start", REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "prod: FAILED: DATABASE_URL is not set: the stack needs it (see README.md)"
    ]


def test_a_port_in_use_stops_it_in_one_line(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run(
            tmp_path,
            "start",
            PROD_PORT=str(port),
            DATABASE_URL="postgres://postgres@127.0.0.1:5432/x",
            REDIS_URL="redis://127.0.0.1:6379/0",
        )
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"prod: FAILED: port {port} on 127.0.0.1 is in use (PROD_PORT)"
    ]


def closed_ports(count):
    """Ports nothing listens on (bound for a moment, then released)."""
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def test_an_unreachable_database_stops_it_in_one_line(tmp_path):
    nginx, app, database = closed_ports(3)
    result = run(
        tmp_path,
        "start",
        PROD_PORT=str(nginx),
        PROD_APP_PORT=str(app),
        PROD_APP_SERVERS="1",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{database}/shop",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 1
    (line,) = result.stdout.splitlines()
    assert line.startswith(f"prod: FAILED: PostgreSQL at 127.0.0.1:{database} does not answer")


def test_the_stack_needs_postgresql_and_redis():
    with pytest.raises(stack.StackError, match="must name PostgreSQL"):
        stack.check_database("sqlite:///var/x.sqlite3")
    (port,) = closed_ports(1)
    with pytest.raises(stack.StackError, match=rf"Redis at 127.0.0.1:{port}/0 does not answer"):
        stack.check_redis(f"redis://127.0.0.1:{port}/0")


def test_a_bad_number_is_named(tmp_path):
    result = run(tmp_path, "start", PROD_APP_SERVERS="two")
    assert result.stdout.splitlines() == [
        "prod: FAILED: PROD_APP_SERVERS='two' is not a whole number"
    ]


def test_stop_stops_only_the_processes_it_recorded(tmp_path):
    ours = subprocess.Popen(["sleep", "60"], start_new_session=True)
    other = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        for _ in range(100):
            if stack.start_time(ours.pid) and stack.start_time(other.pid):
                break
            time.sleep(0.01)
        prod = tmp_path / "prod"
        prod.mkdir()
        records = [
            {"name": "app-1", "pid": ours.pid, "started": stack.start_time(ours.pid)},
            # The id of a process this script started once, now given to another one.
            {"name": "app-2", "pid": other.pid, "started": "1"},
        ]
        (prod / "pids.json").write_text(json.dumps(records))
        result = run(tmp_path, "stop")
        assert result.returncode == 0
        assert result.stdout.splitlines() == [
            f"prod: app-2 (pid {other.pid}) was not running",
            f"prod: stopped app-1 (pid {ours.pid})",
            "prod: stopped",
        ]
        assert ours.wait(timeout=5) == -15
        assert other.poll() is None
        assert not (prod / "pids.json").exists()
        assert run(tmp_path, "stop").stdout.splitlines() == [
            f"prod: nothing to stop (no {prod / 'pids.json'})"
        ]
    finally:
        for process in (ours, other):
            process.kill()
            process.wait()
