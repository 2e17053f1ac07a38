"""Extension points for other apps.

`register_attempt_graded(callback)` in an AppConfig.ready(); `callback(attempt)` is called at the
end of grading, inside the grading transaction, so what it writes commits or rolls back with it.

`register_profile_section(provider)`: `provider(request, worker)` returns None or
`{"title", "template", "context", "order"}`, shown on the worker's competency profile page (which has
already checked that the viewer may see that worker); the template reads its context as `ctx`.
"""

from __future__ import annotations

from collections.abc import Callable

_attempt_graded: list[Callable] = []


def register_attempt_graded(callback: Callable) -> None:
    if callback not in _attempt_graded:
        _attempt_graded.append(callback)


def attempt_graded(attempt) -> None:
    for callback in _attempt_graded:
        callback(attempt)


_profile_sections: list[Callable] = []


def register_profile_section(provider: Callable) -> None:
    if provider not in _profile_sections:
        _profile_sections.append(provider)


def profile_sections(request, worker) -> list[dict]:
    sections = [section for provider in _profile_sections if (section := provider(request, worker))]
    return sorted(sections, key=lambda s: s.get("order", 100))
