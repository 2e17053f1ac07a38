"""Who may see which worker — the one scoping mechanism every app uses.

A manager, trainer or HR user sees the workers of their own org subtree; everyone sees themself;
other apps may widen a user's view through a registered provider (mentors see their mentees).
Any queryset of rows that belong to a worker is scoped with `scope_queryset`, and a single object
is fetched with `get_scoped_object_or_404`, so a peer asking for another's object by id gets 404.
Rows that belong to an org unit (issuance jobs, courses, sessions) are scoped with `org_scope_q`.

The "viewer" of every function here is a user, or `EVERYONE`: a command or scheduled job that has
no user and must see every worker says so by passing `EVERYONE`. Nothing else means everything:
`None` and anonymous users see nothing, and services that write personal data out refuse `None`
(`viewer_required`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from lms import roles

if TYPE_CHECKING:
    from lms.models import OrgUnit

ScopeProvider = Callable[[object, str], Q]
_providers: list[ScopeProvider] = []


class SystemScope:
    """The viewer of work done without a user (management commands, scheduled jobs): every worker.

    There is exactly one, `EVERYONE`; it is not a user, so it has no roles, writes no audit actor
    and cannot be mistaken for an anonymous request.
    """

    is_authenticated = False
    is_superuser = False

    def __repr__(self) -> str:
        return "lms.access.EVERYONE"


EVERYONE = SystemScope()


def register_scope_provider(provider: ScopeProvider) -> None:
    """Add a rule `provider(user, prefix) -> Q` that widens what a user may see.

    A provider should express its rows as `{prefix}pk__in=<subquery>` so that no join multiplies
    the scoped rows. It is only ever called with a signed-in user.
    """
    if provider not in _providers:
        _providers.append(provider)


def viewer_required(viewer):
    """`viewer` itself, or TypeError for None: an export must say whose view it writes out."""
    if viewer is None:
        raise TypeError("viewer 不能为空：传入发起导出的用户；命令行或定时任务导出全部人员请传 lms.access.EVERYONE")
    return viewer


def sees_everything(viewer) -> bool:
    return viewer is EVERYONE or bool(getattr(viewer, "is_superuser", False))


def actor_of(viewer):
    """The user to name in an audit row: the viewer, or None for `EVERYONE`."""
    return None if viewer is EVERYONE or viewer is None else viewer


def worker_of(user):
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.worker
    except Exception:  # RelatedObjectDoesNotExist: a login without a worker profile
        return None


def _nothing(prefix: str) -> Q:
    return Q(pk__in=[]) if prefix == "" else Q(**{f"{prefix}pk__in": []})


def self_q(user, prefix: str = "") -> Q:
    """Q over the rows of the user's own worker (nothing without one)."""
    worker = worker_of(user)
    if worker is None:
        return _nothing(prefix)
    return Q(**{f"{prefix}pk": worker.pk})


def worker_scope_q(viewer, prefix: str = "", *, within: OrgUnit | None = None) -> Q:
    """Q over rows whose worker sits at `prefix` (`""` for Worker itself, `"worker__"` otherwise).

    `within` narrows it to the workers of that unit's subtree (still only those the viewer may see).
    """
    if viewer is EVERYONE or getattr(viewer, "is_superuser", False):
        q = Q()
    elif viewer is None or not viewer.is_authenticated:
        return _nothing(prefix)
    else:
        q = self_q(viewer, prefix)
        worker = worker_of(viewer)
        if worker is not None and roles.user_role_codes(viewer) & roles.SUBTREE_ROLES:
            q |= worker.org_unit.subtree_q(f"{prefix}org_unit__")
        for provider in _providers:
            q |= provider(viewer, prefix)
    if within is not None:
        q &= within.subtree_q(f"{prefix}org_unit__")
    return q


def org_scope_q(viewer, prefix: str = "") -> Q:
    """Q over OrgUnit rows (at `prefix`) inside the viewer's subtree; nothing for roles without one."""
    if sees_everything(viewer):
        return Q()
    worker = worker_of(viewer)
    if worker is None or not (roles.user_role_codes(viewer) & roles.SUBTREE_ROLES):
        return Q(**{f"{prefix}pk__in": []})
    return worker.org_unit.subtree_q(prefix)


def scope_queryset(
    viewer, queryset: QuerySet, worker_path: str = "worker", *, within: OrgUnit | None = None
) -> QuerySet:
    """Restrict `queryset` to rows whose worker the viewer may see. `worker_path=""` for Worker itself."""
    prefix = f"{worker_path}__" if worker_path else ""
    return queryset.filter(worker_scope_q(viewer, prefix, within=within))


def get_scoped_object_or_404(user, queryset: QuerySet, worker_path: str = "worker", **lookup) -> Model:
    try:
        return scope_queryset(user, queryset, worker_path).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404("未找到或无权查看") from None


def scope_roots(viewer) -> list[OrgUnit]:
    """The topmost org units of the viewer's org scope: their own unit for a subtree role, the
    roots of the tree for `EVERYONE` and superusers, none for everyone else."""
    from lms.models import OrgUnit

    visible = OrgUnit.objects.filter(org_scope_q(viewer))
    return list(visible.exclude(parent__in=visible).order_by("path"))


def scope_breakdown(viewer) -> list[OrgUnit]:
    """The units a report splits the viewer's scope into: the children of a single top unit (the
    unit itself when it has none), or the top units themselves when there are several."""
    tops = scope_roots(viewer)
    if len(tops) != 1:
        return tops
    return list(tops[0].children.order_by("path")) or tops


def scope_label(viewer) -> str:
    """How an export names its scope in the audit log: 全部, or the top units' full names."""
    if sees_everything(viewer):
        return "全部"
    return "、".join(unit.full_name for unit in scope_roots(viewer)) or "本人"
