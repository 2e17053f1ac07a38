"""Extension points for other apps, registered in an AppConfig.ready(); assessments never imports them.

`register_attempt_graded(callback)`: `callback(attempt)` is called at the end of grading, inside the
grading transaction, so what it writes commits or rolls back with it.

`register_profile_section(provider)`: `provider(request, worker)` returns None or
`{"title", "template", "context", "order"}`, shown on the worker's competency profile page (which has
already checked that the viewer may see that worker); the template reads its context as `ctx`.

`register_quiz_gate(gate)`: `gate(quiz, worker) -> str | None` is asked whenever the quiz engine
decides whether a worker may start a quiz; a Chinese reason refuses (e.g. a competition paper is
only for the competition's entrants).

`register_quiz_list_filter(filter_)`: `filter_(queryset) -> queryset` narrows the general quiz list
(`selectors.quizzes_for`), e.g. to leave competition papers out of it.
"""

from __future__ import annotations

from collections.abc import Callable

_attempt_graded: list[Callable] = []
_quiz_gates: list[Callable] = []
_quiz_list_filters: list[Callable] = []


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


def register_quiz_gate(gate: Callable) -> None:
    if gate not in _quiz_gates:
        _quiz_gates.append(gate)


def quiz_gate_reason(quiz, worker) -> str | None:
    for gate in _quiz_gates:
        reason = gate(quiz, worker)
        if reason:
            return reason
    return None


def register_quiz_list_filter(filter_: Callable) -> None:
    if filter_ not in _quiz_list_filters:
        _quiz_list_filters.append(filter_)


def quiz_list_filtered(queryset):
    for filter_ in _quiz_list_filters:
        queryset = filter_(queryset)
    return queryset
