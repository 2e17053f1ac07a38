"""Every page of the site, fed junk in every query parameter any view reads, answers without a 5xx.

The parameter names are discovered, not listed: every function of the project's apps that touches
`request.GET` contributes the string literals it reads (`.get("x")`, `.getlist("x")`, `["x"]`, and
string defaults such as `name="period"` of a helper reading `request.GET.get(name)`), and every form
class bound to `request.GET` contributes its field names. A new parameter in a view is covered the
day it is written. Each page is requested with all the names at once, one junk value at a time, and
once with every key repeated.
"""

from __future__ import annotations

import ast
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from assessments.competitions.models import Competition, Entry, Round, RoundKind
from lms import roles
from tests.assessments.helpers import make_quiz

ROOT = Path(__file__).resolve().parents[2]
APPS = ("lms", "courses", "casebank", "assessments", "certificates")
SKIPPED_PREFIXES = ("admin/", "django-admin/", "api/", "^api/", "static/", "^static/", "^media/", "media/")
JUNK = ["20266", "-1", "99999", "abc", "", "0", "2026-13", "%00", "\x00", "９", "1e9", "x" * 3000]


def _source_files():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts and "management" not in path.parts:
                yield path


def _literal(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _form_fields(class_name: str) -> set[str]:
    names = set()
    for form_class in _all_subclasses(forms.BaseForm):
        if form_class.__name__ == class_name:
            names |= set(form_class.base_fields)
    return names


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def discovered_parameter_names() -> set[str]:
    names: set[str] = set()
    bound_forms: set[str] = set()
    for path in _source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if "GET" not in ast.unparse(function):
                continue
            for default in function.args.defaults + function.args.kw_defaults:
                if default is not None and _literal(default):
                    names.add(_literal(default))
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                    if node.func.attr in {"get", "getlist"} and node.args and _literal(node.args[0]):
                        names.add(_literal(node.args[0]))
                if isinstance(node, ast.Subscript) and "GET" in ast.unparse(node.value) and _literal(node.slice):
                    names.add(_literal(node.slice))
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id.endswith("Form"):
                    arguments = [*node.args, *(k.value for k in node.keywords)]
                    if any("GET" in ast.unparse(argument) for argument in arguments):
                        bound_forms.add(node.func.id)
    for class_name in bound_forms:
        names |= _form_fields(class_name)
    return {name for name in names if re.fullmatch(r"[A-Za-z_][\w-]{0,40}", name)}


def site_routes():
    """(route, pattern) of every URL pattern outside the admin, the API and static files."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern

    for route, pattern in walk(get_resolver().url_patterns):
        if not route.startswith(SKIPPED_PREFIXES) and not route.startswith("_util/"):
            yield route, pattern


def fill_route(route: str, world: dict) -> str:
    """A concrete path: each <converter:name> from the fixture world — by the longest route prefix
    naming it (`competitions/rounds/` + `round_id`), else by name alone — or a junk id when there is none."""
    by_prefix = world.get("by_prefix", {})

    def value(match):
        converter, name = match.group(1) or "str", match.group(2)
        owners = [prefix for prefix, key in by_prefix if key == name and route.startswith(prefix)]
        if owners:
            return str(by_prefix[(max(owners, key=len), name)])
        if name in world:
            return str(world[name])
        return "99999" if converter == "int" else "junk"

    path = re.sub(r"<(?:(\w+):)?(\w+)>", value, route)
    if path.startswith("^") or "(" in path:  # regex routes (Wagtail's documents and page serving)
        for group, filler in ((r"(\d+)", "1"), ("(.*)", ""), (r"((?:[\w\-]+/)*)", ""), ("^", ""), ("$", "")):
            path = path.replace(group, filler)
    return "/" + path.lstrip("/")


@pytest.fixture
def world(city_tree, make_worker):
    """One person of each kind the pages care about, and path values that name real things."""
    trainee = make_worker(unit=city_tree["grid_a"], role_codes=(roles.TRAINEE, roles.MENTOR))
    # A superuser who also holds every staff role on a worker record, so pages that need a worker
    # (我的学习, 阅卷) and pages that need a role both open for them.
    superuser = make_worker(
        unit=city_tree["city"],
        role_codes=(roles.HR, roles.MANAGER, roles.TRAINER, roles.JUDGE),
    ).user
    superuser.is_superuser = superuser.is_staff = True
    superuser.save(update_fields=["is_superuser", "is_staff"])
    competition = Competition.objects.create(name="测试技能比武", organiser_unit=None)
    round_ = Round.objects.create(
        competition=competition, order=1, name="情景模拟", kind=RoundKind.SCENARIO, max_score=Decimal("30")
    )
    Entry.objects.create(competition=competition, worker=trainee)
    quiz = make_quiz()
    return {
        "users": {"superuser": superuser, "trainee": trainee.user},
        "path": {
            "employee_no": trainee.employee_no,
            "month": "2026-11",
            "fmt": "xlsx",
            "period": "2026",
            "year": 2026,
            "code": "1.1",
            "by_prefix": {
                ("competitions/", "pk"): competition.pk,
                ("competitions/rounds/", "round_id"): round_.pk,
                ("quizzes/", "pk"): quiz.pk,
            },
        },
    }


def test_discovery_finds_the_parameters_views_read():
    names = discovered_parameter_names()
    # a sample of what the views read today, through .get, a helper's default and a form
    assert {"q", "page", "year", "month", "unit", "period", "quarter", "phase"} <= names


@pytest.mark.django_db
def test_no_page_answers_junk_parameters_with_a_server_error(world):
    names = sorted(discovered_parameter_names())
    routes = list(site_routes())
    assert len(routes) > 100
    queries = [{name: junk for name in names} for junk in JUNK]
    queries.append({name: ["2026", "abc", "-1"] for name in names})  # repeated keys
    failures = []
    for who, user in world["users"].items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for route, _pattern in routes:
            path = fill_route(route, world["path"])
            for query in queries:
                response = client.get(path, query)
                if response.status_code >= 500:
                    sample = query[names[0]]
                    failures.append(f"{who} {path} ({sample!r}) → {response.status_code}")
                    break
    assert not failures, "\n".join(failures)


def test_route_filling_has_no_placeholders_left():
    for route, _ in site_routes():
        path = fill_route(route, {"employee_no": "wg1", "by_prefix": {("competitions/", "pk"): 7}})
        assert "<" not in path and "^" not in path and "(" not in path, route
    assert (
        fill_route("competitions/<int:pk>/board/", {"by_prefix": {("competitions/", "pk"): 7}})
        == "/competitions/7/board/"
    )
    assert fill_route("quizzes/<int:pk>/", {}) == "/quizzes/99999/"
