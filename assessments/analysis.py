"""Reads behind the competency screens: 能力分析 (heat map, level distribution, training needs,
headline figures), the recommendations on 能力画像 and the rows of the score export.

The heat map never reads per-worker rows: it adds up `CompetencyUnitStat` (per org unit, the sums of
the workers attached to it directly) over each row unit's subtree with one grouped query, so a city
of 100,000 workers costs the same few queries as a street (docs/rules.md, 第 12 节).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.http import Http404
from django.utils import timezone

from assessments.models import (
    Answer,
    AttemptState,
    CompetencyScore,
    CompetencyUnitStat,
    Indicator,
    Level,
    ScoreKind,
    level_for,
)
from lms import roles
from lms.access import org_scope_q, scope_queryset, scope_roots, sees_everything
from lms.models import OrgUnit, Worker
from lms.periods import Period

CENT = Decimal("0.01")
# A unit needs training on an indicator when MORE than this share of its scored workers are 待提升.
NEEDS_SHARE_NUMERATOR, NEEDS_SHARE_DENOMINATOR = 3, 10
ANALYSIS_ROLES = frozenset({roles.MANAGER, roles.TRAINER, roles.HR})
LEVELS = (Level.EXCELLENT, Level.GOOD, Level.PASS, Level.IMPROVE)
_LEVEL_FIELDS = {Level.EXCELLENT: "excellent", Level.GOOD: "good", Level.PASS: "passing", Level.IMPROVE: "improve"}
PRIMARY_NAMES = {
    "1": "政策理解能力",
    "2": "沟通协调能力",
    "3": "问题处置能力",
    "4": "信息管理能力",
    "5": "心理调适能力",
}


def mean_of(score_sum, scored: int) -> Decimal | None:
    """Two decimals, rounded half up; None without a scored worker."""
    if not scored:
        return None
    return (Decimal(score_sum) / Decimal(scored)).quantize(CENT, rounding=ROUND_HALF_UP)


def is_analysis_viewer(user) -> bool:
    return bool(user.is_superuser or roles.has_role(user, *ANALYSIS_ROLES))


def is_report_hr(user) -> bool:
    return bool(user.is_superuser or roles.has_role(user, roles.HR))


def indicators() -> list[Indicator]:
    """The active model's 18 indicators, in model order."""
    return list(Indicator.objects.filter(model__is_active=True).order_by("order", "code"))


# --- where the viewer stands ----------------------------------------------------------------------


@dataclass
class Standing:
    """The unit the analysis is about (None: the viewer's several top units) and the units it splits into."""

    unit: OrgUnit | None
    rows: list[OrgUnit]
    own_row: bool  # the unit's directly attached workers get a row of their own (本级)
    trail: list[OrgUnit] = field(default_factory=list)  # from the viewer's top unit down to `unit`


def standing_for(viewer, unit_id: int | None) -> Standing | None:
    """The analysis root: the given unit (404 outside the viewer's org scope), or where the viewer
    stands. None when the viewer has no org scope at all."""
    visible = OrgUnit.objects.filter(org_scope_q(viewer))
    if unit_id is not None:
        unit = visible.filter(pk=unit_id).first()
        if unit is None:
            raise Http404("未找到或无权查看")
    else:
        tops = scope_roots(viewer)
        if not tops:
            return None
        if len(tops) > 1:
            return Standing(unit=None, rows=tops, own_row=False)
        unit = tops[0]
    children = list(unit.children.order_by("path"))
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    trail = list(visible.filter(pk__in=ids).order_by("path"))
    return Standing(unit=unit, rows=children or [unit], own_row=bool(children), trail=trail)


# --- heat map -------------------------------------------------------------------------------------


@dataclass
class Cell:
    scored: int
    mean: Decimal | None
    improve: int = 0

    @property
    def level(self) -> str | None:
        return None if self.mean is None else level_for(self.mean)


@dataclass
class HeatRow:
    unit: OrgUnit
    label: str
    cells: list[Cell]  # one per indicator, in model order
    overall: Cell
    levels: dict[str, int]  # overall level → workers
    drillable: bool


@dataclass
class HeatMap:
    indicators: list[Indicator]
    rows: list[HeatRow]
    levels: dict[str, int]  # the whole unit's overall level distribution
    scored: int

    @property
    def level_shares(self) -> list[tuple[str, int, Decimal]]:
        return [
            (level, count, (Decimal(count * 100) / self.scored).quantize(Decimal("0.1")) if self.scored else Decimal(0))
            for level, count in self.levels.items()
        ]


_SUMS = {
    "scored": Sum("scored"),
    "score_sum": Sum("score_sum"),
    "excellent": Sum("excellent"),
    "good": Sum("good"),
    "passing": Sum("passing"),
    "improve": Sum("improve"),
}


def unit_sums(standing: Standing, period: Period) -> dict[int, dict[tuple[str, str], dict]]:
    """Row unit id → (kind, code) → the summed counters of its subtree, in one grouped query."""
    whens = [When(org_unit__path__startswith=unit.path, then=Value(unit.pk)) for unit in standing.rows]
    if standing.own_row:
        whens.insert(0, When(org_unit_id=standing.unit.pk, then=Value(standing.unit.pk)))
    where = (
        standing.unit.subtree_q("org_unit__")
        if standing.unit is not None
        else functools.reduce(operator.or_, [u.subtree_q("org_unit__") for u in standing.rows])
    )
    rows = (
        CompetencyUnitStat.objects.filter(where, period=period.code)
        .annotate(row=Case(*whens, output_field=IntegerField()))
        .values("row", "kind", "code")
        .annotate(**_SUMS)
        .order_by()
    )
    result: dict[int, dict] = defaultdict(dict)
    for row in rows:
        result[row["row"]][(row["kind"], row["code"])] = row
    return result


def _cell(sums: dict | None) -> Cell:
    if not sums:
        return Cell(scored=0, mean=None)
    return Cell(
        scored=sums["scored"] or 0,
        mean=mean_of(sums["score_sum"] or 0, sums["scored"] or 0),
        improve=sums["improve"] or 0,
    )


def heat_map(standing: Standing, period: Period) -> HeatMap:
    items = indicators()
    sums = unit_sums(standing, period)
    units = list(standing.rows)
    own = standing.unit if standing.own_row else None
    with_children = set(OrgUnit.objects.filter(parent__in=units).values_list("parent_id", flat=True).distinct())
    total_levels = dict.fromkeys(LEVELS, 0)
    rows = []
    for unit in ([own] if own is not None else []) + units:
        unit_sums_ = sums.get(unit.pk, {})
        overall = unit_sums_.get((ScoreKind.OVERALL, ""))
        levels = {level: (overall or {}).get(_LEVEL_FIELDS[level]) or 0 for level in LEVELS}
        if unit is own and not overall and not any(unit_sums_.values()):
            continue  # nobody attached to the unit itself has a score: no 本级 row
        for level, count in levels.items():
            total_levels[level] += count
        rows.append(
            HeatRow(
                unit=unit,
                label=f"{unit.name}（本级）" if unit is own else unit.name,
                cells=[_cell(unit_sums_.get((ScoreKind.INDICATOR, i.code))) for i in items],
                overall=_cell(overall),
                levels=levels,
                drillable=unit is not own and unit.pk in with_children,
            )
        )
    return HeatMap(indicators=items, rows=rows, levels=total_levels, scored=sum(total_levels.values()))


# --- training needs -------------------------------------------------------------------------------


def needs_training(improve: int, scored: int) -> bool:
    """More than 30% of the scored workers are 待提升 (exactly 30% is not)."""
    return scored > 0 and improve * NEEDS_SHARE_DENOMINATOR > scored * NEEDS_SHARE_NUMERATOR


@dataclass
class Need:
    unit: OrgUnit
    label: str
    indicator: Indicator
    improve: int
    scored: int
    courses: list  # CoursePage
    assignable: set[int]  # course ids the viewer may assign

    @property
    def share(self) -> Decimal:
        return (Decimal(self.improve * 100) / self.scored).quantize(Decimal("0.1"))


def courses_by_indicator(worker: Worker | None = None) -> dict[str, list]:
    """Published courses by the indicator codes they train (only those open to `worker`, if given)."""
    from courses.models import CoursePage
    from courses.selectors import course_audience_includes

    result: dict[str, list] = defaultdict(list)
    for course in CoursePage.objects.live().exclude(indicator_codes="").order_by("title"):
        if worker is not None and not course_audience_includes(course, worker):
            continue
        for code in course.indicators:
            result[code].append(course)
    return result


def training_needs(viewer, heat: HeatMap) -> list[Need]:
    from courses.selectors import courses_managed_by

    courses = courses_by_indicator()
    assignable = set(courses_managed_by(viewer).values_list("pk", flat=True)) if courses else set()
    needs = []
    for row in heat.rows:
        for indicator, cell in zip(heat.indicators, row.cells, strict=True):
            if needs_training(cell.improve, cell.scored):
                offered = courses.get(indicator.code, [])
                needs.append(
                    Need(
                        unit=row.unit,
                        label=row.label,
                        indicator=indicator,
                        improve=cell.improve,
                        scored=cell.scored,
                        courses=offered,
                        assignable={c.pk for c in offered if c.pk in assignable},
                    )
                )
    return needs


# --- headline figures -----------------------------------------------------------------------------


@dataclass
class Headline:
    period: Period
    quiz_answers: int
    quiz_full: int
    drill_runs: int
    drill_passed: int

    @property
    def policy_rate(self) -> Decimal | None:
        return mean_of(self.quiz_full * 100, self.quiz_answers)

    @property
    def drill_rate(self) -> Decimal | None:
        return mean_of(self.drill_passed * 100, self.drill_runs)


def _day_range(period: Period) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def headline_figures(viewer, unit: OrgUnit | None, period: Period) -> list[Headline]:
    """Per quarter of the period (a year: its four quarters; a quarter: the four ending with it):
    政策知晓率 = quiz answers on 1.x questions that scored full marks ÷ graded answers on 1.x questions;
    应急处置正确率 = completed runs of drills tagged 3.2 that passed ÷ completed runs of those drills
    (docs/rules.md, 第 12 节). Counted over the workers of `unit` the viewer may see."""
    from casebank.drills import DRILL_PASS_PERCENT
    from casebank.models import DrillAttempt, DrillAttemptState

    quarters = period.previous_quarters(4)
    answer_counts, drill_counts = {}, {}
    for q in quarters:
        start, end = _day_range(q)
        when = Q(attempt__submitted_at__gte=start, attempt__submitted_at__lt=end)
        answer_counts[f"a{q.year}{q.quarter}"] = Count("pk", filter=when)
        answer_counts[f"f{q.year}{q.quarter}"] = Count("pk", filter=when & Q(score__gte=_full_marks()))
        when = Q(finished_at__gte=start, finished_at__lt=end)
        drill_counts[f"a{q.year}{q.quarter}"] = Count("pk", filter=when)
        drill_counts[f"f{q.year}{q.quarter}"] = Count("pk", filter=when & Q(score__gte=DRILL_PASS_PERCENT))
    first, last = _day_range(quarters[0])[0], _day_range(quarters[-1])[1]
    answers = scope_queryset(
        viewer,
        Answer.objects.filter(
            attempt__state=AttemptState.GRADED,
            score__isnull=False,
            version__indicator_code__startswith="1.",
            attempt__submitted_at__gte=first,
            attempt__submitted_at__lt=last,
        ),
        "attempt__worker",
        within=unit,
    ).aggregate(**answer_counts)
    tagged = Indicator.objects.filter(code="3.2").values("pk")
    runs = scope_queryset(
        viewer,
        DrillAttempt.objects.filter(
            state=DrillAttemptState.COMPLETED,
            score__isnull=False,
            drill__in=_drills_tagged(tagged),
            finished_at__gte=first,
            finished_at__lt=last,
        ),
        within=unit,
    ).aggregate(**drill_counts)
    return [
        Headline(
            period=q,
            quiz_answers=answers[f"a{q.year}{q.quarter}"],
            quiz_full=answers[f"f{q.year}{q.quarter}"],
            drill_runs=runs[f"a{q.year}{q.quarter}"],
            drill_passed=runs[f"f{q.year}{q.quarter}"],
        )
        for q in quarters
    ]


def _full_marks():
    from django.db.models import F

    return F("version__points")


def _drills_tagged(indicator_ids):
    from casebank.models import DrillPage

    return DrillPage.objects.filter(indicators__in=indicator_ids).values("pk")


# --- 能力画像: what to study next ------------------------------------------------------------------


@dataclass
class Recommendation:
    code: str
    name: str
    score: Decimal
    level: str
    courses: list
    cases: list
    drills: list


def weakest(indicator_scores: list, count: int = 3) -> list:
    """The `count` lowest scored indicators (暂无数据 left out), lowest first, then by code."""
    scored = [s for s in indicator_scores if s.score is not None]
    return sorted(scored, key=lambda s: (s.score, [int(p) for p in s.code.split(".")]))[:count]


def recommendations(worker: Worker, indicator_scores: list, *, per_kind: int = 3) -> list[Recommendation]:
    """For the three weakest indicators: published courses open to the worker, public live cases and
    drills tagged with that indicator."""
    from casebank.models import CasePage, DrillPage

    weak = weakest(indicator_scores)
    if not weak:
        return []
    courses = courses_by_indicator(worker)
    result = []
    for score in weak:
        cases = (
            CasePage.objects.live()
            .public()
            .filter(indicators__code=score.code)
            .distinct()
            .order_by("-case_date", "-pk")[:per_kind]
        )
        drills = (
            DrillPage.objects.live()
            .public()
            .filter(indicators__code=score.code)
            .distinct()
            .order_by("title")[:per_kind]
        )
        result.append(
            Recommendation(
                code=score.code,
                name=score.name,
                score=score.score,
                level=score.level,
                courses=courses.get(score.code, [])[:per_kind],
                cases=list(cases),
                drills=list(drills),
            )
        )
    return result


# --- the export -----------------------------------------------------------------------------------


def export_codes() -> tuple[list[str], list[str]]:
    """The primaries' and indicators' codes, in model order."""
    items = indicators()
    primaries = list(dict.fromkeys(i.code.split(".", 1)[0] for i in items))
    return primaries, [i.code for i in items]


def export_headers() -> list[str]:
    items = indicators()
    primaries, _ = export_codes()
    names = {i.code.split(".", 1)[0]: i.primary_name for i in items}
    return (
        ["工号", "姓名", "所属网格", "综合"]
        + [f"{p} {names.get(p, PRIMARY_NAMES.get(p, ''))}" for p in primaries]
        + [f"{i.code} {i.name}" for i in items]
        + ["等级"]
    )


def export_workers(viewer, unit: OrgUnit | None):
    """The workers of `unit`'s subtree the viewer may see (the viewer's whole scope for None), by 工号."""
    qs = scope_queryset(viewer, Worker.objects.select_related("org_unit"), "", within=unit)
    if not sees_everything(viewer) and unit is None:
        qs = qs.filter(org_scope_q(viewer, "org_unit__"))
    return qs.order_by("employee_no")


def export_rows(workers, period: Period, *, chunk: int = 2000):
    """One row per worker: 工号, 姓名, 所属网格, 综合, 5 primaries, 18 indicators, 等级. Blank = 暂无数据.

    Reads the stored scores a chunk of workers at a time, so the rows stream however many there are."""
    primaries, codes = export_codes()
    batch: list[Worker] = []
    for worker in workers.iterator(chunk_size=chunk):
        batch.append(worker)
        if len(batch) >= chunk:
            yield from _rows_of(batch, period, primaries, codes)
            batch = []
    if batch:
        yield from _rows_of(batch, period, primaries, codes)


def _rows_of(batch: list[Worker], period: Period, primaries: list[str], codes: list[str]):
    scores: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for worker_id, code, score in CompetencyScore.objects.filter(
        worker_id__in=[w.pk for w in batch], period=period.code
    ).values_list("worker_id", "code", "score"):
        scores[worker_id][code] = score
    for worker in batch:
        mine = scores.get(worker.pk, {})
        overall = mine.get("")
        yield (
            [worker.employee_no, worker.name, worker.org_unit.full_name, overall]
            + [mine.get(p) for p in primaries]
            + [mine.get(c) for c in codes]
            + [level_for(overall) if overall is not None else "暂无数据"]
        )
