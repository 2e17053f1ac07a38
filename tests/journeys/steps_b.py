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


def make_workers(site, people: list[dict]) -> None:
    """Workers with the demo password, each in the same grid as the demo worker `like` (setup, not
    a journey step: the journeys start where the people already have accounts). Each dict has
    employee_no, name, like, and optionally roles (default trainee) and hire (YYYY-MM-DD). One shell
    for all of them: every shell is a new process on a busy machine."""
    shell(
        site,
        "import datetime as dt, json\n"
        "from lms.models import Worker\n"
        "from lms.services import worker_create\n"
        "from tests.demo_server import DEMO_PASSWORD\n"
        f"for p in json.loads({json.dumps(people, ensure_ascii=False)!r}):\n"
        "    if Worker.objects.filter(employee_no=p['employee_no']).exists():\n"
        "        continue\n"
        "    worker_create(employee_no=p['employee_no'], name=p['name'],"
        " org_unit=Worker.objects.get(employee_no=p['like']).org_unit, role_codes=p.get('roles', ['trainee']),"
        " hire_date=dt.date.fromisoformat(p['hire']) if p.get('hire') else None, password=DEMO_PASSWORD)\n",
    )


def make_worker(site, employee_no: str, name: str, *, like: str = "wg0003", **options) -> None:
    make_workers(site, [{"employee_no": employee_no, "name": name, "like": like, **options}])


def number(text: str) -> str:
    """The first number in a text (as written on the page)."""
    match = re.search(r"-?[\d,]+(?:\.\d+)?", text)
    assert match, f"没有数字：{text!r}"
    return match.group(0).replace(",", "")
