"""The demo site as a newcomer gets it from `make demo`, served by a real server in a subprocess.

A throwaway VAR_DIR (SQLite file, media and private files) is migrated and loaded with
`load_demo`, then served on a free port: by `manage.py runserver` (DEBUG on, static files
included: the role screens' pictures) or, with `production=True`, by gunicorn with DEBUG off (the
API contract run). With `database_url` the data goes to that PostgreSQL database instead, created
afresh and dropped afterwards. Used by tests/docs (role screens) and .ci/schemathesis_api.py.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_PASSWORD = "Wangge@2026"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class DemoSite:
    base: str
    port: int
    env: dict
    var_dir: Path

    def manage(self, *args: str) -> str:
        """Run a management command against the site's database; returns its standard output."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args], env=self.env, cwd=ROOT, check=True, capture_output=True, text=True
        )
        return done.stdout


def site_env(var_dir: Path, *, production: bool, database_url: str | None) -> dict:
    env = {
        **os.environ,
        "VAR_DIR": str(var_dir),
        "MEDIA_ROOT": str(var_dir / "media"),
        "PRIVATE_MEDIA_ROOT": str(var_dir / "private"),
        "GRID_FAST_PASSWORD_HASHER": "1",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_CACHE_URL", "SEARCH_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    if production:
        env.update(DEBUG="0", SECRET_KEY="demo-" + secrets.token_hex(24), SECURE_SSL_REDIRECT="0")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _postgres(database_url: str, *, create: bool) -> None:
    """Drop the PostgreSQL database of `database_url`, and create it afresh if `create`."""
    import psycopg

    url = urllib.parse.urlparse(database_url)
    name = url.path.lstrip("/")
    admin = f"postgresql://{url.username or 'postgres'}@{url.hostname}:{url.port or 5432}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')


def _wait_until_up(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("演示站点未能启动")
        time.sleep(0.2)


@contextlib.contextmanager
def demo_site(*, production: bool = False, database_url: str | None = None, log_path: Path | None = None):
    """Yield a `DemoSite` with the demo data loaded; the server, its files and its database go
    afterwards. The server's output goes to `log_path` when given."""
    with tempfile.TemporaryDirectory(prefix="ga-demo-") as folder:
        var_dir = Path(folder)
        env = site_env(var_dir, production=production, database_url=database_url)
        if database_url:
            _postgres(database_url, create=True)
        try:
            site = DemoSite(base="", port=free_port(), env=env, var_dir=var_dir)
            site.manage("migrate", "--noinput", "-v0")
            site.manage("load_demo")
            if production:
                # DEBUG off serves static files from STATIC_ROOT only (WhiteNoise), as `make demo` does.
                site.manage("collectstatic", "--noinput", "-v0")
            site.base = f"http://127.0.0.1:{site.port}"
            if production:
                command = [sys.executable, "-m", "gunicorn", "lms.wsgi:application", "-b", f"127.0.0.1:{site.port}"]
                command += ["-w", "2", "-k", "gthread", "--threads", "4", "--log-level", "warning"]
            else:
                command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{site.port}", "--noreload"]
                command += ["--skip-checks"]
            with contextlib.ExitStack() as files:
                output = files.enter_context(open(log_path, "w")) if log_path else subprocess.DEVNULL
                server = subprocess.Popen(
                    command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
                )
                try:
                    _wait_until_up(site.port, server)
                    yield site
                finally:
                    os.killpg(server.pid, signal.SIGTERM)
                    try:
                        server.wait(timeout=20)
                    except subprocess.TimeoutExpired:
                        os.killpg(server.pid, signal.SIGKILL)
                        server.wait()
        finally:
            if database_url:
                _postgres(database_url, create=False)
