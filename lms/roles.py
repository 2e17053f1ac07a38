"""The six roles. Each is a Django group named by its Chinese label, so a worker can hold several
and Wagtail's admin permissions attach to the group."""

from __future__ import annotations

import functools

TRAINEE = "trainee"
MENTOR = "mentor"
TRAINER = "trainer"
JUDGE = "judge"
HR = "hr"
MANAGER = "manager"

ROLE_CHOICES: list[tuple[str, str]] = [
    (TRAINEE, "网格员"),
    (MENTOR, "导师"),
    (TRAINER, "培训管理员"),
    (JUDGE, "评委"),
    (HR, "人事"),
    (MANAGER, "管理者"),
]
LABEL_BY_CODE = dict(ROLE_CHOICES)
CODE_BY_LABEL = {label: code for code, label in ROLE_CHOICES}

# Roles that see the workers of their own org subtree (everyone else sees only themself).
SUBTREE_ROLES = frozenset({TRAINER, HR, MANAGER})
# Roles that may see 身份证号 and 手机号 unmasked (besides the person themself).
PII_ROLES = frozenset({HR})
# Roles that enter the Wagtail admin.
ADMIN_ROLES = frozenset({TRAINER})
# Roles that may read the interactive API docs at /api/v1/docs (superusers too).
API_DOCS_ROLES = frozenset({TRAINER, HR, MANAGER, JUDGE})


def user_role_codes(user) -> set[str]:
    """Role codes of a user, read once per request object."""
    if user is None or not user.is_authenticated:
        return set()
    cached = getattr(user, "_grid_role_codes", None)
    if cached is None:
        cached = {CODE_BY_LABEL[label] for label in _group_names(user.pk) if label in CODE_BY_LABEL}
        user._grid_role_codes = cached
    return cached


def _group_names(user_id: int) -> list[str]:
    """The user's group names in plain SQL: the navigation asks on every page (lms/sql.py).

    Buys: courses bench, every page (~190 lesson pages/s): ORM twin +600 Python calls."""
    from lms import sql

    return [name for (name,) in sql.fetch_all(_group_names_sql(), [user_id])]


@functools.cache
def _group_names_sql() -> str:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from lms import sql

    membership = get_user_model().groups.through
    g, m = sql.columns(Group, "g"), sql.columns(membership, "m")
    return (
        f"SELECT {g.name} FROM {sql.table(Group)} g JOIN {sql.table(membership)} m ON {m.group} = {g.pk} "
        f"WHERE {m.user} = %s"
    )


def has_role(user, *codes: str) -> bool:
    return bool(user_role_codes(user) & set(codes))


def forget_cached_roles(user) -> None:
    if hasattr(user, "_grid_role_codes"):
        del user._grid_role_codes
