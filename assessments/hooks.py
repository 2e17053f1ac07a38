"""Extension point for other apps: run a callback when an attempt has been graded.

`register_attempt_graded(callback)` in an AppConfig.ready(); `callback(attempt)` is called at the
end of grading, inside the grading transaction, so what it writes commits or rolls back with it.
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
