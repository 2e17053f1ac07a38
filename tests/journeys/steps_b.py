"""Shared steps of journeys 4–6 (competition, allowance, survey): setting up the journey's own
people through the site's management shell, and small page helpers."""

from __future__ import annotations

import json
import re


def shell(site, code: str) -> str:
    """Run Python in the site's Django shell; returns what it printed."""
    return site.manage("shell", "-c", code)


def shell_json(site, code: str):
    """Run Python that prints one JSON value as its last line; returns it decoded."""
    return json.loads(shell(site, code).strip().splitlines()[-1])


def make_worker(
    site, employee_no: str, name: str, *, like: str = "wg0003", roles: tuple[str, ...] = ("trainee",), hire=None
) -> None:
    """A worker with the demo password in the same grid as the demo worker `like` (setup, not a
    journey step: the journeys start where the person already has an account)."""
    hire_code = f"dt.date.fromisoformat({hire!r})" if hire else "None"
    shell(
        site,
        "import datetime as dt\n"
        "from lms.models import Worker\n"
        "from lms.services import worker_create\n"
        "from tests.demo_server import DEMO_PASSWORD\n"
        f"unit = Worker.objects.get(employee_no={like!r}).org_unit\n"
        f"if not Worker.objects.filter(employee_no={employee_no!r}).exists():\n"
        f"    worker_create(employee_no={employee_no!r}, name={name!r}, org_unit=unit, role_codes={list(roles)!r},"
        f" hire_date={hire_code}, password=DEMO_PASSWORD)\n",
    )


def number(text: str) -> str:
    """The first number in a text (as written on the page)."""
    match = re.search(r"-?[\d,]+(?:\.\d+)?", text)
    assert match, f"没有数字：{text!r}"
    return match.group(0).replace(",", "")
