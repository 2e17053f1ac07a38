"""Extension points other apps use to add to the core screens without the core importing them.

An app registers, in its AppConfig.ready():

    register_home_section("trainee", my_section)

where `my_section(request)` returns None (nothing to show) or
`{"title": "我的课程", "template": "courses/_home_card.html", "context": {...}, "order": 10}`.
Pages: "trainee" (我的学习), "manager" (辖区概览), "hr" (人事工作台).

辖区概览's figures come from `register_dashboard_figure(provider)` (see lms.dashboard).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

_home_sections: dict[str, list[Callable]] = defaultdict(list)


def register_home_section(page: str, provider: Callable) -> None:
    if provider not in _home_sections[page]:
        _home_sections[page].append(provider)


def collect_home_sections(request, page: str) -> list[dict]:
    sections = []
    for provider in _home_sections[page]:
        section = provider(request)
        if section:
            sections.append(section)
    return sorted(sections, key=lambda s: s.get("order", 100))


_worker_imported: list[Callable] = []


def register_worker_imported(callback: Callable) -> None:
    """`callback(workers=[...], actor=...)` runs inside workers_import's transaction with the
    workers it created or updated (e.g. courses enrols recent hires in onboarding)."""
    if callback not in _worker_imported:
        _worker_imported.append(callback)


def worker_imported(*, workers: list, actor=None) -> None:
    for callback in _worker_imported:
        callback(workers=workers, actor=actor)


_dashboard_figures: list[Callable] = []


def register_dashboard_figure(provider: Callable) -> None:
    """`provider(query)` gets a `lms.dashboard.DashboardQuery` (viewer, unit, rows, period) and returns
    `lms.dashboard.Figure`s and `DashboardLink`s for 辖区概览, each figure from one aggregate query
    over the subtree grouped by `query.row_key(...)` — a constant number of queries however many
    people the subtree holds."""
    if provider not in _dashboard_figures:
        _dashboard_figures.append(provider)


def collect_dashboard_figures(query) -> list:
    results = []
    for provider in _dashboard_figures:
        results.extend(provider(query) or ())
    return sorted(results, key=lambda item: item.order)
