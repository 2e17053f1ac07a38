"""Read queries of the core."""

from __future__ import annotations

import datetime as dt
import functools

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from lms import roles, sql
from lms.access import org_scope_q, scope_breakdown, scope_roots, worker_scope_q
from lms.models import AuditLog, ExportJob, LoginFailure, Notification, OrgLevel, OrgUnit, Worker


def login_block_reason(*, username: str, ip_address: str | None) -> str | None:
    """Why a login attempt is refused before checking the password, or None."""
    since = timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    minutes = max(1, settings.LOGIN_FAILURE_WINDOW_SECONDS // 60)
    recent = LoginFailure.objects.filter(created_at__gte=since)
    if username and recent.filter(username=username.strip().lower()).count() >= settings.LOGIN_FAILURES_PER_ACCOUNT:
        return f"该账号登录失败次数过多，已临时锁定，请 {minutes} 分钟后再试"
    if ip_address and recent.filter(ip_address=ip_address).count() >= settings.LOGIN_FAILURES_PER_IP:
        return f"当前网络登录失败次数过多，请 {minutes} 分钟后再试"
    return None


def unread_notification_count(user) -> int:
    """In every page's navigation, so plain SQL (lms/sql.py).

    Buys: courses bench, every page (~190 lesson pages/s): ORM twin +850 Python calls."""
    if not user.is_authenticated:
        return 0
    (count,) = sql.fetch_one(_unread_sql(), [user.pk])
    return count


@functools.cache
def _unread_sql() -> str:
    n = sql.columns(Notification)
    return f"SELECT COUNT(*) FROM {sql.table(Notification)} WHERE {n.recipient} = %s AND {n.read_at} IS NULL"


def notifications_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def visible_workers(user, *, search: str = "") -> QuerySet[Worker]:
    qs = Worker.objects.filter(worker_scope_q(user)).select_related("org_unit", "user")
    if search:
        qs = qs.filter(
            Q(name__contains=search) | Q(employee_no__contains=search) | Q(org_unit__full_name__contains=search)
        )
    return qs.order_by("org_unit__path", "employee_no")


def visible_org_units(user) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(org_scope_q(user))


def org_overview(user) -> dict:
    """辖区概览: the user's org scope broken down by its next level, with role head-counts."""
    tops = scope_roots(user)
    if not tops:
        return {"root": None, "roots": [], "rows": [], "total": 0}
    from django.db.models import Case, IntegerField, Value, When

    from lms.dashboard import role_holders_q

    workers = Worker.objects.filter(org_scope_q(user, "org_unit__")).order_by()
    year_start = timezone.localdate().replace(month=1, day=1)
    units = scope_breakdown(user)
    # One grouped pass over the scope's workers (a unit of each row by its path), not one per unit.
    row_of = Case(
        *[When(org_unit__path__startswith=unit.path, then=Value(unit.pk)) for unit in units],
        default=None,
        output_field=IntegerField(),
    )
    stats = {
        row["row"]: row
        for row in workers.annotate(row=row_of)
        .values("row")
        .annotate(
            total=Count("pk"),
            trainees=Count("pk", filter=role_holders_q((roles.TRAINEE,))),
            new_this_year=Count("pk", filter=Q(hire_date__gte=year_start)),
        )
    }
    empty = {"total": 0, "trainees": 0, "new_this_year": 0}
    rows = []
    for unit in units:
        found = stats.get(unit.pk, empty)
        rows.append({"unit": unit, **{name: found[name] for name in empty}})
    return {
        "root": tops[0] if len(tops) == 1 else None,
        "roots": tops,
        "rows": rows,
        "total": workers.count(),
        "grids": OrgUnit.objects.filter(org_scope_q(user), level=OrgLevel.GRID).count(),
    }


def recent_audit_entries(user, *, limit: int = 20) -> QuerySet[AuditLog]:
    """Audit rows of actions by people the user may see (HR's own trail included)."""
    visible_user_ids = Worker.objects.filter(worker_scope_q(user)).values("user_id")
    return AuditLog.objects.filter(actor_id__in=visible_user_ids).select_related("actor")[:limit]


def export_jobs_of(user) -> QuerySet[ExportJob]:
    """A user's own export jobs. Nobody else sees them, not a peer and not a superuser: the file is
    the requester's scope of personal data, and its download is audited under their name."""
    if user is None or not user.is_authenticated:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(requested_by=user).order_by("-created_at", "-id")


def dashboard_unit(viewer, unit_id: int | None) -> OrgUnit | None:
    """The unit 辖区概览 breaks down: `unit_id` if it lies in the viewer's org scope (Http404 if not,
    like any object out of scope), else the viewer's single top unit (None when there are several)."""
    from django.http import Http404

    if unit_id is not None:
        unit = OrgUnit.objects.filter(org_scope_q(viewer), pk=unit_id).first()
        if unit is None:
            raise Http404("未找到该单位，或不在您的辖区内")
        return unit
    tops = scope_roots(viewer)
    return tops[0] if len(tops) == 1 else None


def dashboard(viewer, *, unit: OrgUnit | None, period, today: dt.date) -> dict:
    """辖区概览's figures (lms.hooks.register_dashboard_figure) for the direct sub-units of `unit`,
    with a row for the people who sit at `unit` itself when there are any (docs/rules.md §15)."""
    from lms.charts import trend_chart_svg
    from lms.dashboard import RATE, DashboardLink, DashboardQuery, Figure
    from lms.hooks import collect_dashboard_figures

    units = tuple(unit.children.order_by("path")) if unit is not None else tuple(scope_roots(viewer))
    query = DashboardQuery(viewer=viewer, root=unit, units=units, period=period, today=today)
    results = collect_dashboard_figures(query)
    figures = [item for item in results if isinstance(item, Figure)]
    links = [item for item in results if isinstance(item, DashboardLink)]
    row_units = list(units)
    with_children = set(OrgUnit.objects.filter(parent__in=units).values_list("parent_id", flat=True).distinct())
    if unit is not None and any(figure.by_unit.get(unit.pk) for figure in figures):
        row_units.append(unit)

    def cells(row_unit):
        return [
            {"figure": figure, "value": figure.value(row_unit.pk), "url": figure.link(row_unit) if figure.link else ""}
            for figure in figures
        ]

    rows = [
        {
            "unit": row_unit,
            "label": "本级直属" if row_unit == unit else row_unit.name,
            "drill": row_unit != unit and row_unit.pk in with_children,
            "cells": cells(row_unit),
            "links": [{"label": link.label, "url": link.url(row_unit)} for link in links],
        }
        for row_unit in row_units
    ]
    trended = [figure for figure in figures if figure.kind == RATE and figure.trend is not None]
    chart = ""
    if trended:
        chart = trend_chart_svg(
            [q.short_label for q in query.trend],
            [(figure.label, [ratio.percent for ratio in figure.trend]) for figure in trended],
            title="近四个季度趋势（全辖区）",
        )
    return {
        "unit": unit,
        "period": period,
        "figures": figures,
        "rows": rows,
        "totals": [{"figure": figure, "value": figure.total} for figure in figures],
        "links": [{"label": link.label, "url": link.url(unit)} for link in links] if unit is not None else [],
        "trend": query.trend,
        "chart": chart,
        "ancestors": _ancestors_in_scope(viewer, unit),
    }


def _ancestors_in_scope(viewer, unit: OrgUnit | None) -> list[OrgUnit]:
    """The units above `unit` the viewer may open (the way back up a drill-down), top first."""
    if unit is None:
        return []
    ids = [int(part) for part in unit.path.strip("/").split("/") if part][:-1]
    return list(OrgUnit.objects.filter(org_scope_q(viewer), pk__in=ids).order_by("path"))
