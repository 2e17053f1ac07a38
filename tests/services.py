"""Helpers for tests that need an outside service (PostgreSQL, Redis, Chromium).

On a laptop a missing service skips the test; in CI (CI=true) it fails it, so a broken setup
cannot pass silently.
"""

from __future__ import annotations

import os
import socket

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def service_missing(reason: str):
    if in_ci():
        pytest.fail(f"CI 环境缺少所需服务：{reason}")
    pytest.skip(reason)


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False
