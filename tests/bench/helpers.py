"""Shared pieces of the HTTP benchmarks: a bench database on PostgreSQL, gunicorn serving it, and
client threads on keep-alive connections that time every request."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import queue
import secrets
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.services import port_open

ROOT = Path(__file__).resolve().parents[2]
CSRF = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret for cookie and header alike


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def p95(values: list[float]) -> float:
    return percentile(values, 0.95)


class Http:
    """One keep-alive connection per client thread."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method: str, path: str, session: str, body=None):
        headers = {"Cookie": f"sessionid={session}; csrftoken={CSRF}", "X-CSRFToken": CSRF, "Host": "127.0.0.1"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=payload, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
            status = response.status
        except (http.client.HTTPException, OSError) as exc:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            return 0, str(exc).encode(), time.perf_counter() - started
        return status, data, time.perf_counter() - started


def run_pool(port: int, tasks: list, handle, clients: int) -> tuple[float, list[float], list[str]]:
    """Run `handle(http, task) -> (ok, seconds, error)` over tasks with `clients` threads."""
    work: queue.Queue = queue.Queue()
    for task in tasks:
        work.put(task)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def worker():
        client = Http(port)
        mine, my_errors = [], []
        while True:
            try:
                task = work.get_nowait()
            except queue.Empty:
                break
            ok, seconds, error = handle(client, task)
            mine.append(seconds)
            if not ok:
                my_errors.append(error)
        with lock:
            latencies.extend(mine)
            errors.extend(my_errors)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, errors


FLOOR_PATH = "/bench/floor/"


@dataclass
class Pool:
    """What one run of `run_pool` measured."""

    elapsed: float
    latencies: list[float]
    errors: list[str]

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def ms(self, fraction: float) -> float:
        return percentile(self.latencies, fraction) * 1000


def _floor_fetch(client: Http, session: str):
    status, data, seconds = client.call("GET", FLOOR_PATH, session)
    if status != 200 or not data.startswith(b"ok"):
        return False, seconds, f"floor {status} {data[:100]!r}"
    return True, seconds, ""


def floor_pool(port: int, sessions: list[str], clients: int, requests: int) -> Pool:
    """The HTTP floor: `requests` GETs of bench/floor/ (signed in, one indexed SELECT) by `clients`
    threads on keep-alive connections, as the bench's own requests are sent."""
    tasks = [sessions[n % len(sessions)] for n in range(requests)]
    elapsed, latencies, errors = run_pool(port, tasks, _floor_fetch, clients)
    print(
        f"[bench] floor (bench/floor/: signed in, one indexed SELECT): {requests} requests in {elapsed:.1f}s = "
        f"{requests / elapsed:.0f} req/s, p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, errors {len(errors)} ({clients} client threads)"
    )
    assert not errors, errors[:3]  # a floor that fails is no floor
    return Pool(elapsed, latencies, errors)


def bench_env(database_url: str) -> dict:
    """Environment of a production-like server (DEBUG off) on the bench database."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + secrets.token_hex(24),
        "SECURE_SSL_REDIRECT": "0",
        "GRID_FAST_PASSWORD_HASHER": "1",
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
        # the project's URLs plus the floor view bench/floor/ (tests/bench/urls_floor.py)
        "ROOT_URLCONF": "tests.bench.urls_floor",
    }
    env.pop("CELERY_BROKER_URL", None)
    return env


def require_postgres(database_url: str, label: str) -> None:
    url = urlparse(database_url)
    if not port_open(url.hostname or "127.0.0.1", url.port or 5432):
        print(f"\n[bench] {label}: skipped — PostgreSQL is not reachable at {url.hostname}:{url.port or 5432}")
        pytest.skip("压测需要 PostgreSQL")


def recreate_database(database_url: str, env: dict, seed_code: str) -> None:
    """Drop and create the bench database, migrate it and run `seed_code` in `manage.py shell`."""
    import psycopg

    url = urlparse(database_url)
    name = url.path.lstrip("/")
    admin = f"postgresql://{url.username or 'postgres'}@{url.hostname}:{url.port or 5432}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    subprocess.run([python, "manage.py", "shell", "-c", seed_code], env=env, cwd=ROOT, check=True)


@contextlib.contextmanager
def gunicorn(env: dict, *, workers: int, threads: int):
    """Serve the project with gunicorn (gthread) on a free port; yields the port."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "lms.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "-k",
            "gthread",
            "--threads",
            str(threads),
            "--keep-alive",
            "30",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(300):
            if port_open("127.0.0.1", port, timeout=0.2):
                break
            time.sleep(0.1)
        else:
            pytest.fail("gunicorn 未能启动")
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
