"""Reads of the mentorship app: month arithmetic, the monthly visit requirement, who sees which
term or session, the compliance board and mentor suggestions (docs/rules.md, 12. 导师制)."""

from __future__ import annotations

import calendar
import datetime as dt
import statistics
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from lms import roles
from lms.access import org_scope_q, sees_everything, worker_of
from lms.models import OrgLevel, Worker
from lms.months import parse_month  # noqa: F401  (re-exported: pages and the API read months through selectors)

from .models import GuidanceSession, MentorshipTerm, SessionStatus, SessionType, TermStatus

# --- dates ----------------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole calendar months, clamped to the month's end (1月31日 + 1 = 2月28/29日)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_bounds(first: dt.date) -> tuple[dt.date, dt.date]:
    first = first.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def term_length_error(start: dt.date, planned_end: dt.date) -> str | None:
    """Why a planned end is not 3–6 calendar months after the start (None when it is)."""
    earliest, latest = add_months(start, 3), add_months(start, 6)
    if planned_end < earliest:
        return f"帮带期不足 3 个月：计划结束日期最早为 {earliest:%Y-%m-%d}"
    if planned_end > latest:
        return f"帮带期超过 6 个月：计划结束日期最晚为 {latest:%Y-%m-%d}"
    return None


# --- the monthly requirement -----------------------------------------------------------------------


def days_in_month(start: dt.date, end: dt.date, month: dt.date) -> int:
    """Days (inclusive) of [start, end] that fall in `month`."""
    first, last = month_bounds(month)
    low, high = max(start, first), min(end, last)
    return (high - low).days + 1 if low <= high else 0


def required_visits(start: dt.date, end: dt.date, month: dt.date, per_month: int | None = None) -> int:
    """⌈per_month × (days of the term in the month) ÷ (days in the month)⌉ — 0 for a month the
    term does not touch (docs/rules.md, 12)."""
    per_month = settings.MENTOR_VISITS_PER_MONTH if per_month is None else per_month
    days = days_in_month(start, end, month)
    if days == 0:
        return 0
    length = calendar.monthrange(month.year, month.month)[1]
    return -(-per_month * days // length)  # integer ceiling


def term_required_visits(term: MentorshipTerm, month: dt.date) -> int:
    return required_visits(term.start, term.end, month)


# --- who sees what ---------------------------------------------------------------------------------


def mentee_scope_q(user, prefix: str) -> Q:
    """Scope provider (lms.access): a mentor sees the mentees of their active terms — status 进行中
    and started — and nobody once the term has ended."""
    worker = worker_of(user)
    if worker is None or not roles.has_role(user, roles.MENTOR):
        return Q(**{f"{prefix}pk__in": []})
    today = timezone.localdate()
    mentees = MentorshipTerm.objects.filter(mentor=worker, status=TermStatus.ACTIVE, start__lte=today).values(
        "mentee_id"
    )
    return Q(**{f"{prefix}pk__in": mentees})


def is_staff(user) -> bool:
    """Trainers, managers and HR see the terms of their subtree; superusers all."""
    return sees_everything(user) or roles.has_role(user, *roles.SUBTREE_ROLES)


def may_create_terms(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or roles.has_role(user, roles.TRAINER, roles.HR)


def terms_visible(user) -> QuerySet[MentorshipTerm]:
    """Terms the user may see: their own (as mentor or mentee), and for staff those whose mentee
    sits in their subtree. Not widened by scope providers: a mentor never sees another mentor's term."""
    qs = MentorshipTerm.objects.select_related("mentor", "mentee", "mentee__org_unit")
    if sees_everything(user):
        return qs
    worker = worker_of(user)
    if worker is None:
        return qs.none()
    q = Q(mentor=worker) | Q(mentee=worker)
    if roles.has_role(user, *roles.SUBTREE_ROLES):
        q |= org_scope_q(user, "mentee__org_unit__")
    return qs.filter(q)


def sessions_visible(user) -> QuerySet[GuidanceSession]:
    return GuidanceSession.objects.select_related("term__mentor", "term__mentee").filter(
        term__in=terms_visible(user).values("pk")
    )


def session_for_viewer(user, session_id: int) -> GuidanceSession | None:
    return sessions_visible(user).filter(pk=session_id).first()


def session_of_mentee(user, session_id: int) -> GuidanceSession | None:
    """The session only if the user is the mentee of its term (anyone else: None → 404)."""
    worker = worker_of(user)
    if worker is None:
        return None
    return GuidanceSession.objects.select_related("term__mentor").filter(pk=session_id, term__mentee=worker).first()


def session_of_mentor(user, session_id: int) -> GuidanceSession | None:
    worker = worker_of(user)
    if worker is None:
        return None
    return GuidanceSession.objects.select_related("term__mentee").filter(pk=session_id, term__mentor=worker).first()


def active_terms_of_mentor(worker: Worker, on: dt.date | None = None) -> QuerySet[MentorshipTerm]:
    on = on or timezone.localdate()
    return MentorshipTerm.objects.filter(mentor=worker, status=TermStatus.ACTIVE, start__lte=on).select_related(
        "mentor", "mentee"
    )


def current_term_of_mentee(worker: Worker) -> MentorshipTerm | None:
    return (
        MentorshipTerm.objects.filter(mentee=worker, status=TermStatus.ACTIVE)
        .select_related("mentor")
        .order_by("start")
        .first()
    )


def pending_sessions_of_mentee(worker: Worker) -> QuerySet[GuidanceSession]:
    return GuidanceSession.objects.filter(term__mentee=worker, status=SessionStatus.PENDING).select_related(
        "term__mentor"
    )


def trainers_over(worker: Worker) -> QuerySet[Worker]:
    """Trainers whose subtree holds `worker` (their unit is the worker's unit or an ancestor)."""
    ids = [part for part in worker.org_unit.path.split("/") if part]
    prefixes = ["/" + "/".join(ids[:n]) + "/" for n in range(1, len(ids) + 1)]
    return Worker.objects.filter(
        org_unit__path__in=prefixes, user__groups__name=roles.LABEL_BY_CODE[roles.TRAINER], user__is_active=True
    ).select_related("user")


# --- the compliance board --------------------------------------------------------------------------


@dataclass
class ComplianceRow:
    term: MentorshipTerm
    month: dt.date
    required: int
    confirmed_visits: int

    @property
    def met(self) -> bool:
        return self.confirmed_visits >= self.required

    @property
    def status(self) -> str:
        return "达标" if self.met else "未达标"


def board_terms(user, *, mentor_view: bool = False) -> QuerySet[MentorshipTerm]:
    """The terms of a user's board: their subtree's for staff, else the terms they mentor."""
    if is_staff(user) and not mentor_view:
        return terms_visible(user)
    worker = worker_of(user)
    if worker is None:
        return MentorshipTerm.objects.none()
    return terms_visible(user).filter(mentor=worker)


def compliance_rows(terms: QuerySet[MentorshipTerm], month: dt.date) -> list[ComplianceRow]:
    """One row per term touching `month`: required home visits and the mentee-confirmed ones."""
    first, last = month_bounds(month)
    touching = [
        t
        for t in terms.filter(start__lte=last).filter(
            Q(actual_end__gte=first) | Q(actual_end__isnull=True, planned_end__gte=first)
        )
    ]
    counts: dict[int, int] = {}
    for term_id in GuidanceSession.objects.filter(
        term__in=[t.pk for t in touching],
        type=SessionType.HOME_VISIT,
        status=SessionStatus.CONFIRMED,
        date__gte=first,
        date__lte=last,
    ).values_list("term_id", flat=True):
        counts[term_id] = counts.get(term_id, 0) + 1
    rows = [ComplianceRow(t, first, term_required_visits(t, first), counts.get(t.pk, 0)) for t in touching]
    rows.sort(key=lambda r: (r.met, r.term.mentor.employee_no, r.term.mentee.employee_no, r.term.start))
    return rows


# --- mentor suggestions ----------------------------------------------------------------------------


@dataclass
class MentorSuggestion:
    worker: Worker
    same_street: bool
    load: int  # terms active on the busiest day of the proposed period
    years: int | None
    certificates: int
    median_days: float | None  # past mentees' median days to sign-off

    @property
    def spare(self) -> int:
        return settings.MENTOR_CAPACITY - self.load


def street_path(unit) -> str | None:
    """The path of the 街道 a unit sits in (None above street level)."""
    ids = [part for part in unit.path.split("/") if part]
    depth = OrgLevel.STREET - OrgLevel.CITY + 1
    if len(ids) < depth:
        return None
    return "/" + "/".join(ids[:depth]) + "/"


def peak_load(terms: list[tuple[dt.date, dt.date]], start: dt.date, end: dt.date) -> tuple[int, dt.date | None]:
    """The most of `terms` (start, end) active on one day of [start, end], and the first such day."""
    points = sorted({max(s, start) for s, e in terms if s <= end and e >= start} | {start})
    best, best_day = 0, None
    for day in points:
        count = sum(1 for s, e in terms if s <= day <= e)
        if count > best:
            best, best_day = count, day
    return best, best_day


def mentor_suggestions(
    user, mentee: Worker, start: dt.date, planned_end: dt.date, limit: int = 10
) -> list[MentorSuggestion]:
    """Mentors the user may assign to `mentee` with spare capacity over [start, planned_end]: same
    街道 first, then by years since hire, valid certificates and past mentees' median days to
    sign-off (fewer first)."""
    from certificates.models import Certificate

    candidates = list(
        Worker.objects.filter(org_scope_q(user, "org_unit__"), user__groups__name=roles.LABEL_BY_CODE[roles.MENTOR])
        .exclude(pk=mentee.pk)
        .select_related("org_unit")
        .distinct()
    )
    if not candidates:
        return []
    ids = [w.pk for w in candidates]
    spans: dict[int, list[tuple[dt.date, dt.date]]] = {}
    signoffs: dict[int, list[int]] = {}
    for mentor_id, s, planned, actual, status in MentorshipTerm.objects.filter(mentor_id__in=ids).values_list(
        "mentor_id", "start", "planned_end", "actual_end", "status"
    ):
        spans.setdefault(mentor_id, []).append((s, actual or planned))
        if status == TermStatus.GRADUATED and actual is not None:
            signoffs.setdefault(mentor_id, []).append((actual - s).days)
    today = timezone.localdate()
    valid = Q(issued_on__lte=today) & (Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    valid &= Q(revoked_on__isnull=True) | Q(revoked_on__gt=today)
    cert_counts: dict[int, int] = {}
    for worker_id in Certificate.objects.filter(valid, worker_id__in=ids).values_list("worker_id", flat=True):
        cert_counts[worker_id] = cert_counts.get(worker_id, 0) + 1
    street = street_path(mentee.org_unit)
    result = []
    for worker in candidates:
        load, _ = peak_load(spans.get(worker.pk, []), start, planned_end)
        if load >= settings.MENTOR_CAPACITY:
            continue
        years = None
        if worker.hire_date:
            years = (
                today.year
                - worker.hire_date.year
                - ((today.month, today.day) < (worker.hire_date.month, worker.hire_date.day))
            )
        past = signoffs.get(worker.pk)
        result.append(
            MentorSuggestion(
                worker=worker,
                same_street=street is not None and worker.org_unit.path.startswith(street),
                load=load,
                years=years,
                certificates=cert_counts.get(worker.pk, 0),
                median_days=statistics.median(past) if past else None,
            )
        )
    result.sort(
        key=lambda s: (
            not s.same_street,
            -(s.years or 0),
            -s.certificates,
            s.median_days is None,
            s.median_days or 0,
            s.worker.employee_no,
        )
    )
    return result[:limit]
