"""Property tests of the business rules (docs/rules.md §5, §7.1, §8, §9, §14.2).

Each file holds a short reference implementation written from the rule's text and compares it with
the project's code on random inputs (hypothesis).

Profiles (environment variable HYPOTHESIS_PROFILE, read when a test module imports `examples`):

- `props-dev` (default): random inputs, each test's own example count.
- `props-ci` (chosen automatically when CI=true): the same counts, derandomized, so a CI run is
  repeatable.
- `deep`: ten times the examples, random; for a look before a release
  (`HYPOTHESIS_PROFILE=deep .venv/bin/python -m pytest tests/properties`).

No profile writes hypothesis's example database (`database=None`), and hypothesis's other caches go
to the system's temporary directory: nothing lands in the repository.
The profiles are applied per test through `examples(n)`, never loaded globally, so other users of
hypothesis in the suite (schemathesis) keep their own settings.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

# Hypothesis also caches constants and Unicode tables in its home directory (`.hypothesis` in the
# working directory by default): keep those out of the repository too.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "grid-academy-hypothesis")

settings.register_profile("props-dev", database=None, deadline=None)
settings.register_profile("props-ci", database=None, deadline=None, derandomize=True, print_blob=True)
settings.register_profile("deep", database=None, deadline=None)

SCALE = {"deep": 10}


def profile_name() -> str:
    name = os.environ.get("HYPOTHESIS_PROFILE", "").strip()
    if name in ("props-dev", "props-ci", "deep"):
        return name
    return "props-ci" if os.environ.get("CI", "").lower() == "true" else "props-dev"


def examples(count: int, *, db: bool = False) -> settings:
    """Settings for one property: `count` examples (times the profile's scale). With `db`, the
    health checks that a database fixture and slow examples trip are off: each example makes its
    own rows inside a rolled-back transaction (see `rolled_back`)."""
    name = profile_name()
    suppress = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow] if db else []
    return settings(
        settings.get_profile(name),
        max_examples=count * SCALE.get(name, 1),
        suppress_health_check=suppress,
    )


class _Rollback(Exception):
    """Raised at the end of an example to undo its rows."""


class rolled_back:
    """`with rolled_back():` runs one example's body in a transaction that is always rolled back,
    so examples are independent of each other on SQLite and PostgreSQL alike."""

    def __enter__(self):
        from django.db import transaction

        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            try:
                raise _Rollback
            except _Rollback as rollback:
                self._atomic.__exit__(_Rollback, rollback, rollback.__traceback__)
            return False
        self._atomic.__exit__(exc_type, exc, tb)
        return False
