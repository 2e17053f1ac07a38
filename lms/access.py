"""Who may see which worker — the one scoping mechanism every app uses.

A manager, trainer or HR user sees the workers of their own org subtree; everyone sees themself;
other apps may widen a user's view through a registered provider (mentors see their mentees).
Any queryset of rows that belong to a worker is scoped with `scope_queryset`, and a single object
is fetched with `get_scoped_object_or_404`, so a peer asking for another's object by id gets 404.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from lms import roles

ScopeProvider = Callable[[object, str], Q]
_providers: list[ScopeProvider] = []


def register_scope_provider(provider: ScopeProvider) -> None:
    """Add a rule `provider(user, prefix) -> Q` that widens what a user may see.

    A provider should express its rows as `{prefix}pk__in=<subquery>` so that no join multiplies
    the scoped rows.
    """
    if provider not in _providers:
        _providers.append(provider)


def worker_of(user):
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.worker
    except Exception:  # RelatedObjectDoesNotExist: a login without a worker profile
        return None


def worker_scope_q(user, prefix: str = "") -> Q:
    """Q over rows whose worker sits at `prefix` (`""` for Worker itself, `"worker__"` otherwise)."""
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    worker = worker_of(user)
    q = Q(pk__in=[]) if prefix == "" else Q(**{f"{prefix}pk__in": []})
    if worker is not None:
        q |= Q(**{f"{prefix}pk": worker.pk})
        if roles.user_role_codes(user) & roles.SUBTREE_ROLES:
            q |= Q(**{f"{prefix}org_unit__path__startswith": worker.org_unit.path})
    for provider in _providers:
        q |= provider(user, prefix)
    return q


def org_scope_q(user, prefix: str = "") -> Q:
    """Q over OrgUnit rows (at `prefix`) inside the user's subtree; nothing for roles without one."""
    if user.is_superuser:
        return Q()
    worker = worker_of(user)
    if worker is None or not (roles.user_role_codes(user) & roles.SUBTREE_ROLES):
        return Q(pk__in=[])
    return Q(**{f"{prefix}path__startswith": worker.org_unit.path})


def scope_queryset(user, queryset: QuerySet, worker_path: str = "worker") -> QuerySet:
    """Restrict `queryset` to rows whose worker the user may see. `worker_path=""` for Worker itself."""
    prefix = f"{worker_path}__" if worker_path else ""
    return queryset.filter(worker_scope_q(user, prefix))


def get_scoped_object_or_404(user, queryset: QuerySet, worker_path: str = "worker", **lookup) -> Model:
    try:
        return scope_queryset(user, queryset, worker_path).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404("未找到或无权查看") from None
