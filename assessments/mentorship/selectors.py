"""Reads of the mentorship app: month arithmetic, the monthly visit requirement, who sees which
term or session, the compliance board, mentor suggestions, sign-off proposals, the mentee's
feedback, the cohort report and the 优秀导师 list (docs/rules.md, 12. 导师制)."""

from __future__ import annotations

import calendar
import datetime as dt
import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from lms import roles
from lms.access import org_scope_q, sees_everything, worker_of
from lms.models import OrgLevel, Worker
from lms.months import parse_month  # noqa: F401  (re-exported: pages and the API read months through selectors)

from .models import (
    GuidanceSession,
    MentorFeedback,
    MentorshipTerm,
    SessionStatus,
    SessionType,
    SignOff,
    TermStatus,
)

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


def parse_term_status(text: str) -> str:
    """`?status=` of the term list: empty (all) or one of 进行中/已出师/已终止; ValueError in Chinese otherwise."""
    value = (text or "").strip()
    if value and value not in TermStatus.values:
        raise ValueError(f"状态“{value[:20]}”无效，应为{'、'.join(TermStatus.values)}之一，已显示全部")
    return value


def terms_listed(user, *, status: str = "", search: str = "") -> QuerySet[MentorshipTerm]:
    """The term list: `terms_visible`, newest first, narrowed to a status and to a mentor or mentee
    (工号 exactly or part of the name)."""
    qs = terms_visible(user).order_by("-start", "-id")
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(
            Q(mentor__employee_no=search)
            | Q(mentee__employee_no=search)
            | Q(mentor__name__contains=search)
            | Q(mentee__name__contains=search)
        )
    return qs


def term_for_viewer(user, term_id: int) -> MentorshipTerm | None:
    """A term the user may see (`terms_visible`); None → 404 for anyone else, a peer mentor included."""
    return terms_visible(user).select_related("mentor__org_unit").filter(pk=term_id).first()


def reassign_defaults(term: MentorshipTerm, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The change day and planned end the reassign form starts from: today (or the day after the
    start for a term not yet begun), and the term's planned end moved into the 3–6 months a new term needs."""
    today = today or timezone.localdate()
    on = today if today > term.start else term.start + dt.timedelta(days=1)
    planned_end = min(max(term.planned_end, add_months(on, 3)), add_months(on, 6))
    return on, planned_end


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
    counts = confirmed_visit_counts([t.pk for t in touching], first, last)
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


# --- reminders: visits due by a day of the month ------------------------------------------------------


def confirmed_visit_counts(term_ids, first: dt.date, last: dt.date) -> dict[int, int]:
    counts: dict[int, int] = {}
    for term_id in GuidanceSession.objects.filter(
        term__in=term_ids,
        type=SessionType.HOME_VISIT,
        status=SessionStatus.CONFIRMED,
        date__gte=first,
        date__lte=last,
    ).values_list("term_id", flat=True):
        counts[term_id] = counts.get(term_id, 0) + 1
    return counts


def visits_due_rows(month: dt.date, due_by: dt.date) -> list[ComplianceRow]:
    """Running terms of `month` with the home visits due by `due_by`: the monthly formula over the
    term's days of the month up to `due_by` (docs/rules.md 12, 提醒), against the month's confirmed visits."""
    first, last = month_bounds(month)
    terms = list(
        MentorshipTerm.objects.filter(status=TermStatus.ACTIVE, start__lte=due_by, planned_end__gte=first)
        .select_related("mentor__user", "mentee")
        .order_by("mentor__employee_no", "mentee__employee_no")
    )
    counts = confirmed_visit_counts([t.pk for t in terms], first, last)
    return [
        ComplianceRow(t, first, required_visits(t.start, min(t.end, due_by), first), counts.get(t.pk, 0)) for t in terms
    ]


# --- sign-off proposals -------------------------------------------------------------------------------


def may_decide_signoff(user, mentee: Worker) -> bool:
    """Trainers whose subtree holds the mentee decide sign-offs (superusers too)."""
    if sees_everything(user):
        return True
    worker = worker_of(user)
    if worker is None or not roles.has_role(user, roles.TRAINER):
        return False
    return mentee.org_unit.path.startswith(worker.org_unit.path)


def is_trainer(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or roles.has_role(user, roles.TRAINER)


def signoffs_to_decide(user) -> QuerySet[SignOff]:
    """Proposals of the mentees in a trainer's subtree (nothing for anyone else)."""
    qs = SignOff.objects.select_related("term__mentor", "term__mentee__org_unit")
    if not is_trainer(user):
        return qs.none()
    return qs.filter(org_scope_q(user, "term__mentee__org_unit__"))


def signoff_for_viewer(user, signoff_id: int) -> SignOff | None:
    """A proposal for its term's mentor or a trainer of the mentee's subtree; None (→ 404) otherwise."""
    worker = worker_of(user)
    mine = Q(term__mentor=worker) if worker is not None else Q(pk__in=[])
    qs = SignOff.objects.select_related("term__mentor", "term__mentee__org_unit", "decided_by__worker")
    if is_trainer(user):
        return qs.filter(mine | org_scope_q(user, "term__mentee__org_unit__"), pk=signoff_id).first()
    return qs.filter(mine, pk=signoff_id).first()


def term_of_mentor(user, term_id: int) -> MentorshipTerm | None:
    worker = worker_of(user)
    if worker is None:
        return None
    return MentorshipTerm.objects.select_related("mentee", "mentor").filter(pk=term_id, mentor=worker).first()


def term_of_mentee(user, term_id: int) -> MentorshipTerm | None:
    worker = worker_of(user)
    if worker is None:
        return None
    return MentorshipTerm.objects.select_related("mentee", "mentor").filter(pk=term_id, mentee=worker).first()


# --- the mentee's feedback ----------------------------------------------------------------------------

FEEDBACK_MIN_SHOWN = 3  # below this many responses a mentor sees no mean (one mentee must not be identified)


def two_places(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class FeedbackSummary:
    count: int
    mean: Decimal | None  # None below FEEDBACK_MIN_SHOWN responses

    @property
    def shown(self) -> bool:
        return self.mean is not None


def feedback_summary_for_mentor(worker: Worker) -> FeedbackSummary:
    """What a mentor sees of the feedback on them: the count and, from 3 responses, the mean stars."""
    agg = MentorFeedback.objects.filter(term__mentor=worker).aggregate(n=Count("pk"), mean=Avg("stars"))
    count = agg["n"] or 0
    mean = two_places(Decimal(str(agg["mean"]))) if count >= FEEDBACK_MIN_SHOWN else None
    return FeedbackSummary(count=count, mean=mean)


def feedback_visible(user) -> QuerySet[MentorFeedback]:
    """Individual feedback: trainers of the mentee's subtree only (the mentor and mentees: none)."""
    qs = MentorFeedback.objects.select_related("term__mentor", "term__mentee__org_unit")
    if not is_trainer(user):
        return qs.none()
    return qs.filter(org_scope_q(user, "term__mentee__org_unit__"))


def ended_terms_awaiting_feedback(worker: Worker) -> QuerySet[MentorshipTerm]:
    return (
        MentorshipTerm.objects.filter(mentee=worker, feedback__isnull=True)
        .exclude(status=TermStatus.ACTIVE)
        .select_related("mentor")
    )


# --- page parameters ----------------------------------------------------------------------------------


def parse_quarter(text: str):
    """`2026-Q1` → Period(2026, 1); ValueError with a Chinese message otherwise."""
    from lms.periods import PeriodError, parse_period

    try:
        period = parse_period(text)
    except PeriodError as exc:
        raise ValueError(str(exc).replace("期间", "季度")) from None
    if period.quarter is None:
        raise ValueError(f"季度“{text}”应写成 2026-Q1 这样的年份加季度")
    return period


def parse_year(text: str) -> int:
    value = (text or "").strip()
    if not (value.isdigit() and len(value) == 4 and 2000 <= int(value) <= 2100):
        raise ValueError(f"年份“{text}”应为 2000–2100 之间的四位数字")
    return int(value)


def report_units(user):
    """The units a staff user may pick for the cohort report: their subtree down to 社区."""
    from lms.models import OrgUnit

    return OrgUnit.objects.filter(org_scope_q(user), level__lte=OrgLevel.COMMUNITY).order_by("path")


# --- the cohort report ---------------------------------------------------------------------------------


@dataclass
class GroupFigure:
    """One group's figure: the mean over the workers that have one (two decimals), and how many do."""

    workers: int
    with_data: int
    mean: Decimal | None


@dataclass
class CohortReport:
    unit: object
    quarter: object
    terms: int
    mentees: int
    signed_off: int
    days: list[int]
    median_days: Decimal | None  # None: no sign-offs (暂无数据)
    baseline_days: int
    sooner_percent: Decimal | None  # (baseline − median) ÷ baseline × 100, one decimal
    mentee_scores: GroupFigure
    peer_scores: GroupFigure
    mentee_ratings: GroupFigure
    peer_ratings: GroupFigure
    peers: int = 0


def first_year(start: dt.date) -> tuple[dt.date, dt.date]:
    """A worker's first year: 12 calendar months from the day they joined (both ends inclusive)."""
    return start, add_months(start, 12) - dt.timedelta(days=1)


def _mean(values: list[Decimal]) -> Decimal | None:
    return two_places(sum(values, Decimal(0)) / len(values)) if values else None


def _group_figures(joined: dict[int, dt.date]) -> tuple[GroupFigure, GroupFigure]:
    """Overall competency score of the first-year period (the calendar year of joining) and the mean
    群众评价 evidence of the first 12 months, each averaged over the workers that have one."""
    from assessments.models import CompetencyScore, Evidence, EvidenceSource, ScoreKind

    ids = list(joined)
    scores = {}
    for worker_id, period, score in CompetencyScore.objects.filter(
        worker_id__in=ids, kind=ScoreKind.OVERALL, code=""
    ).values_list("worker_id", "period", "score"):
        if period == str(joined[worker_id].year):
            scores[worker_id] = score
    by_worker: dict[int, list[Decimal]] = {}
    for worker_id, day, score in Evidence.objects.filter(worker_id__in=ids, source=EvidenceSource.SURVEY).values_list(
        "worker_id", "occurred_on", "score"
    ):
        low, high = first_year(joined[worker_id])
        if low <= day <= high:
            by_worker.setdefault(worker_id, []).append(score)
    ratings = [sum(v, Decimal(0)) / len(v) for v in by_worker.values()]
    return (
        GroupFigure(len(ids), len(scores), _mean(list(scores.values()))),
        GroupFigure(len(ids), len(ratings), _mean(ratings)),
    )


def median_decimal(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return two_places(Decimal(str(statistics.median(values))))


def cohort_report(unit, quarter) -> CohortReport:
    """Terms started in `quarter` whose mentee sits in `unit`'s subtree: median days from start to
    sign-off against MENTOR_BASELINE_DAYS, and the mentees' first-year competency and resident ratings
    against the 网格员 of the subtree who joined in the same quarter and never had a mentor
    (docs/rules.md 12, 帮带成效)."""
    terms = list(
        MentorshipTerm.objects.filter(
            unit.subtree_q("mentee__org_unit__"), start__gte=quarter.start, start__lte=quarter.end
        ).select_related("mentor", "mentee")
    )
    days = sorted((t.actual_end - t.start).days for t in terms if t.status == TermStatus.GRADUATED and t.actual_end)
    median = median_decimal(days)
    baseline = settings.MENTOR_BASELINE_DAYS
    sooner = None
    if median is not None and baseline:
        sooner = ((Decimal(baseline) - median) * 100 / Decimal(baseline)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
    mentees: dict[int, dt.date] = {}
    for t in sorted(terms, key=lambda t: t.start):
        mentees.setdefault(t.mentee_id, t.mentee.hire_date or t.start)
    peers = {
        pk: hired
        for pk, hired in Worker.objects.filter(
            unit.subtree_q("org_unit__"),
            hire_date__gte=quarter.start,
            hire_date__lte=quarter.end,
            user__groups__name=roles.LABEL_BY_CODE[roles.TRAINEE],
        )
        .exclude(pk__in=MentorshipTerm.objects.values("mentee_id"))
        .values_list("pk", "hire_date")
        .distinct()
    }
    mentee_scores, mentee_ratings = _group_figures(mentees)
    peer_scores, peer_ratings = _group_figures(peers)
    return CohortReport(
        unit=unit,
        quarter=quarter,
        terms=len(terms),
        mentees=len(mentees),
        signed_off=len(days),
        days=days,
        median_days=median,
        baseline_days=baseline,
        sooner_percent=sooner,
        mentee_scores=mentee_scores,
        peer_scores=peer_scores,
        mentee_ratings=mentee_ratings,
        peer_ratings=peer_ratings,
        peers=len(peers),
    )


# --- 优秀导师 ----------------------------------------------------------------------------------------------


@dataclass
class MentorRecord:
    """One mentor's year: sign-offs (on time: actual end ≤ planned end), feedback on the terms that
    ended that year, and the months of their terms that year that kept the home-visit requirement."""

    worker: Worker
    terms: int
    signoffs: int
    on_time: int
    feedback_count: int
    feedback_mean: Decimal | None
    months: int
    months_kept: int
    rank: int = 0

    @property
    def all_kept(self) -> bool:
        return self.months > 0 and self.months_kept == self.months


def excellent_mentors(user, year: int, today: dt.date | None = None) -> list[MentorRecord]:
    """Mentors of the viewer's subtree with a term touching `year`, ranked by on-time sign-offs,
    then the feedback mean (none last), then the requirement kept in every month (docs/rules.md 12, 优秀导师).
    A month counts once it is over (or the term ended in it)."""
    today = today or timezone.localdate()
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    terms = list(
        MentorshipTerm.objects.filter(org_scope_q(user, "mentor__org_unit__"), start__lte=last)
        .filter(Q(actual_end__gte=first) | Q(actual_end__isnull=True, planned_end__gte=first))
        .select_related("mentor__org_unit")
    )
    if not terms:
        return []
    visits: dict[tuple[int, int], int] = {}
    for term_id, day in GuidanceSession.objects.filter(
        term__in=[t.pk for t in terms],
        type=SessionType.HOME_VISIT,
        status=SessionStatus.CONFIRMED,
        date__gte=first,
        date__lte=last,
    ).values_list("term_id", "date"):
        visits[(term_id, day.month)] = visits.get((term_id, day.month), 0) + 1
    stars: dict[int, list[int]] = {}
    for term_id, value in MentorFeedback.objects.filter(
        term__in=[t.pk for t in terms if t.actual_end and first <= t.actual_end <= last]
    ).values_list("term_id", "stars"):
        stars.setdefault(term_id, []).append(value)
    records: dict[int, MentorRecord] = {}
    for t in terms:
        r = records.setdefault(t.mentor_id, MentorRecord(t.mentor, 0, 0, 0, 0, None, 0, 0))
        r.terms += 1
        if t.status == TermStatus.GRADUATED and t.actual_end and first <= t.actual_end <= last:
            r.signoffs += 1
            r.on_time += t.actual_end <= t.planned_end
        month = max(t.start, first).replace(day=1)
        while month <= min(t.end, last):
            _, month_last = month_bounds(month)
            if min(month_last, t.end) < today:
                r.months += 1
                r.months_kept += visits.get((t.pk, month.month), 0) >= term_required_visits(t, month)
            month = month_last + dt.timedelta(days=1)
    given: dict[int, list[int]] = {}
    for t in terms:
        given.setdefault(t.mentor_id, []).extend(stars.get(t.pk, []))
    for mentor_id, values in given.items():
        records[mentor_id].feedback_count = len(values)
        records[mentor_id].feedback_mean = _mean([Decimal(v) for v in values])
    ranked = sorted(
        records.values(),
        key=lambda r: (
            -r.on_time,
            r.feedback_mean is None,
            -(r.feedback_mean or 0),
            not r.all_kept,
            r.worker.employee_no,
        ),
    )
    for index, r in enumerate(ranked, start=1):
        r.rank = index
    return ranked
