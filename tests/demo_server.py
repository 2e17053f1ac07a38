"""The demo site as a newcomer gets it from `make demo`, served by a real server in a subprocess.

A throwaway VAR_DIR (SQLite file and media) is migrated and loaded with `load_demo`, then
`manage.py runserver` serves it (static files included) on a free port. Tests that need whole
pages with realistic data (the role guides' screenshots) use it instead of building fixtures.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_PASSWORD = "Wangge@2026"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def demo_env(var_dir: Path) -> dict:
    env = {
        **os.environ,
        "VAR_DIR": str(var_dir),
        "MEDIA_ROOT": str(var_dir / "media"),
        "GRID_FAST_PASSWORD_HASHER": "1",
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
    }
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    return env


@contextlib.contextmanager
def demo_site():
    """Yield the base URL of a freshly loaded demo site; the server and its files go afterwards."""
    with tempfile.TemporaryDirectory(prefix="ga-demo-") as folder:
        env = demo_env(Path(folder))
        python = sys.executable
        subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
        subprocess.run([python, "manage.py", "load_demo"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        server = subprocess.Popen(
            [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("演示站点未能启动")
                time.sleep(0.2)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=20)
