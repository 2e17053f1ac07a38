"""`make demo` runs what production runs (DEBUG off, WhiteNoise, its own secret key) over plain HTTP;
`make dev` is the explicit developer mode."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "from django.conf import settings as s; "
    "print(s.DEBUG, s.HTTPS, getattr(s, 'SECURE_SSL_REDIRECT', False), s.SESSION_COOKIE_SECURE, "
    "s.SERVE_PUBLIC_MEDIA, 'whitenoise.middleware.WhiteNoiseMiddleware' in s.MIDDLEWARE)"
)


def _settings_under(tmp_path, **env) -> list[str]:
    environment = {**os.environ, "VAR_DIR": str(tmp_path), **env}
    environment.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1].split()  # the last line: shell may first list its imports


def test_demo_environment_is_production_over_plain_http(tmp_path):
    demo = _settings_under(tmp_path, DEBUG="0", HTTPS="0", SERVE_PUBLIC_MEDIA="1", SECRET_KEY="k" * 50)
    assert demo == ["False", "False", "False", "False", "True", "True"]
    production = _settings_under(tmp_path, DEBUG="0", SECRET_KEY="k" * 50)
    assert production == ["False", "True", "True", "True", "False", "True"]


def test_makefile_demo_target_uses_that_environment():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    demo_env = re.search(r"^DEMO_ENV = (.+)$", makefile, flags=re.M).group(1)
    assert "DEBUG=0" in demo_env and "HTTPS=0" in demo_env and "var/secret_key" in demo_env
    demo = re.search(r"^demo:.*?(?=^\S)", makefile, flags=re.M | re.S).group(0)
    assert "collectstatic" in demo and "$(DEMO_ENV)" in demo
    dev = re.search(r"^dev:.*?(?=^\S|\Z)", makefile, flags=re.M | re.S).group(0)
    assert "DEBUG=1" in dev
