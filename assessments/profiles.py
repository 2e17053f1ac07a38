"""A worker's competency profile for a period: the stored scores, read (docs/rules.md, 7.1 "能力评分").

Who may see whose profile goes through lms.access (`visible_worker`). A profile always reflects
every piece of evidence committed so far: evidence marks its worker and periods stale in its own
transaction, and reading a stale worker's profile recomputes that worker first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.urls import reverse

from assessments.defaults import DEFAULT_PLAN_SOURCES
from assessments.models import (
    CompetencyModel,
    CompetencyScore,
    CompetencyStale,
    Evidence,
    Indicator,
    PeriodPlan,
    ScoreKind,
    level_for,
)
from assessments.services.scores import competency_recompute, source_lines
from lms.access import scope_queryset, worker_of
from lms.models import Worker
from lms.periods import Period

CENT = Decimal("0.01")
OVERALL_NAME = "综合"


@dataclass
class Score:
    """One line of a profile."""

    code: str  # "3.2", "3", or "" for overall
    name: str  # 应急处置规范性 / 问题处置能力 / 综合
    score: Decimal | None  # two decimals, None = 暂无数据
    level: str | None  # 优秀/良好/合格/待提升 or None
    evidence_count: int  # evidence rows counted (primary/overall: sum over their indicators)
    uuid: UUID | None = None  # indicators only


@dataclass
class Profile:
    worker: Worker
    period: Period
    overall: Score
    primaries: list[Score]  # in code order
    indicators: list[Score]  # in model order


@dataclass
class SourceLine:
    """One source of one indicator's explanation."""

    source: str  # 测试…业务指标
    method: str  # 衰减平均/最新/平均/最高
    decay: Decimal
    min_count: int
    plan_weight: Decimal  # the plan's % weight
    weight: Decimal | None  # the re-normalised % actually used (None when not counted)
    value: Decimal | None  # the source's value (two decimals) or None
    count: int  # evidence rows of this source in the period
    counted: bool
    note: str  # "本期无证据" / "不足 5 条，未计入" / ""


@dataclass
class EvidenceLine:
    occurred_on: dt.date
    source: str
    score: Decimal
    label: str
    url: str | None  # the attempt or drill run the worker may open; None for the other sources


@dataclass
class Explanation:
    worker: Worker
    period: Period
    indicator: Score
    sources: list[SourceLine]
    evidence: list[EvidenceLine]


def visible_worker(viewer, employee_no: str | None) -> Worker | None:
    """The worker `viewer` asks for by 工号 (oneself when None), or None (→ 404) when it does not
    exist or lies outside what lms.access lets the viewer see (self, staff of the subtree, any
    registered provider such as a mentor's)."""
    if employee_no is None:
        return worker_of(viewer)
    queryset = Worker.objects.select_related("org_unit").filter(employee_no=employee_no)
    return scope_queryset(viewer, queryset, "").first()


def _refresh_if_stale(worker: Worker, periods: list[Period]) -> None:
    codes = {p.code: p for p in periods}
    stale = CompetencyStale.objects.filter(worker=worker, period__in=list(codes)).values_list("period", flat=True)
    for code in sorted(set(stale)):
        competency_recompute(periods=[codes[code]], worker_ids=[worker.pk])


def _indicators_of(period: Period) -> list[Indicator]:
    """The indicators of the model version the period was computed with (the active one before its
    first recompute), in model order."""
    version = PeriodPlan.objects.filter(period=period.code).values_list("model_version", flat=True).first()
    model = CompetencyModel.objects.filter(version=version).first() if version is not None else None
    model = model or CompetencyModel.objects.filter(is_active=True).first()
    return list(Indicator.objects.filter(model=model).order_by("order", "code")) if model else []


def _score(code: str, name: str, row: tuple | None, uuid: UUID | None = None) -> Score:
    if row is None:
        return Score(code=code, name=name, score=None, level=None, evidence_count=0, uuid=uuid)
    value = Decimal(row[0]).quantize(CENT)
    return Score(code=code, name=name, score=value, level=level_for(value), evidence_count=row[1], uuid=uuid)


def _primaries(indicators: list[Indicator]) -> list[tuple[str, str]]:
    names: dict[str, str] = {}
    for indicator in indicators:
        names.setdefault(indicator.primary_code, indicator.primary_name)
    return sorted(
        names.items(), key=lambda item: [int(part) if part.isdigit() else part for part in item[0].split(".")]
    )


def profile_for(worker: Worker, period: Period) -> Profile:
    """The worker's stored scores for `period` (a missing row is 暂无数据); a worker marked stale for
    the period is recomputed first."""
    _refresh_if_stale(worker, [period])
    indicators = _indicators_of(period)
    rows = {
        (kind, code): (score, count)
        for kind, code, score, count in CompetencyScore.objects.filter(worker=worker, period=period.code).values_list(
            "kind", "code", "score", "evidence_count"
        )
    }
    return Profile(
        worker=worker,
        period=period,
        overall=_score("", OVERALL_NAME, rows.get((ScoreKind.OVERALL, ""))),
        primaries=[_score(code, name, rows.get((ScoreKind.PRIMARY, code))) for code, name in _primaries(indicators)],
        indicators=[_score(i.code, i.name, rows.get((ScoreKind.INDICATOR, i.code)), uuid=i.uuid) for i in indicators],
    )


def _source_order(source: str) -> int:
    return DEFAULT_PLAN_SOURCES.index(source) if source in DEFAULT_PLAN_SOURCES else len(DEFAULT_PLAN_SOURCES)


def indicator_explanation(worker: Worker, period: Period, code: str) -> Explanation | None:
    """How the worker's score on indicator `code` for `period` comes about: each source of the
    period's plan with its method, count, value and the weight actually used (computed by the
    recompute's own SQL, so it agrees with the stored score), and the evidence rows. None for an
    unknown code."""
    profile = profile_for(worker, period)
    indicator = next((line for line in profile.indicators if line.code == code), None)
    if indicator is None:
        return None
    values = source_lines(worker_id=worker.pk, period=period, code=code)
    entries = sorted(
        PeriodPlan.objects.filter(period=period.code, indicator_code=code, weight__gt=0),
        key=lambda entry: _source_order(entry.source),
    )
    counted_weight = sum(
        (e.weight for e in entries if values.get(e.source, (0, 0))[0] >= max(e.min_count, 1)), Decimal(0)
    )
    sources = []
    for entry in entries:
        count, value_c = values.get(entry.source, (0, None))
        counted = count >= max(entry.min_count, 1)
        if count == 0:
            note = "本期无证据"
        elif not counted:
            note = f"不足 {entry.min_count} 条，未计入"
        else:
            note = ""
        sources.append(
            SourceLine(
                source=entry.source,
                method=entry.method,
                decay=entry.decay,
                min_count=entry.min_count,
                plan_weight=entry.weight,
                weight=(entry.weight * 100 / counted_weight).quantize(CENT) if counted else None,
                value=(Decimal(value_c) / 100).quantize(CENT) if count else None,
                count=count,
                counted=counted,
                note=note,
            )
        )
    return Explanation(
        worker=worker,
        period=period,
        indicator=indicator,
        sources=sources,
        evidence=_evidence_lines(worker, period, code),
    )


def _evidence_lines(worker: Worker, period: Period, code: str) -> list[EvidenceLine]:
    rows = list(
        Evidence.objects.filter(
            worker=worker, indicator__code=code, occurred_on__gte=period.start, occurred_on__lte=period.end
        ).order_by("occurred_on", "id")
    )
    labels = _reference_labels(rows)
    return [
        EvidenceLine(
            occurred_on=e.occurred_on,
            source=e.source,
            score=e.score,
            label=labels.get((e.source_type, e.source_id), (e.get_source_display(), None))[0],
            url=labels.get((e.source_type, e.source_id), (None, None))[1],
        )
        for e in rows
    ]


def _ids(rows: list[Evidence], source_type: str) -> list[int]:
    return [int(e.source_id) for e in rows if e.source_type == source_type and e.source_id.isdigit()]


def _reference_labels(rows: list[Evidence]) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(source_type, source_id) → (label, url) of the record each evidence row came from. Labels
    never name a resident: a survey response is shown by its month only."""
    from assessments.models import Answer, Observation, SelfAssessment, SurveyResponse
    from casebank.models import DrillAttempt

    labels: dict[tuple[str, str], tuple[str, str | None]] = {}
    for answer in Answer.objects.filter(pk__in=_ids(rows, "assessments.answer")).select_related("attempt__quiz"):
        attempt = answer.attempt
        labels[("assessments.answer", str(answer.pk))] = (
            f"测验《{attempt.quiz.title}》第{attempt.number}次作答 第{answer.position}题",
            reverse("assessments:attempt", args=[attempt.pk]),
        )
    for run in DrillAttempt.objects.filter(pk__in=_ids(rows, "casebank.drillattempt")).select_related("drill"):
        labels[("casebank.drillattempt", str(run.pk))] = (
            f"情景演练《{run.drill.title}》",
            reverse("casebank:drill_result", args=[run.pk]),
        )
    for observation in Observation.objects.filter(pk__in=_ids(rows, "assessments.observation")):
        labels[("assessments.observation", str(observation.pk))] = (
            f"观察评价（{observation.observed_on:%Y-%m-%d}）",
            None,
        )
    for response in SurveyResponse.objects.filter(pk__in=_ids(rows, "assessments.surveyresponse")):
        labels[("assessments.surveyresponse", str(response.pk))] = (
            f"群众评价（{response.month.year}年{response.month.month}月）",
            None,
        )
    for taken in SelfAssessment.objects.filter(pk__in=_ids(rows, "assessments.selfassessment")):
        labels[("assessments.selfassessment", str(taken.pk))] = (
            f"压力与倦怠自评（{taken.month.year}年{taken.month.month}月）",
            None,
        )
    from assessments.models import MetricRecord

    for record in MetricRecord.objects.filter(pk__in=_ids(rows, "assessments.metricrecord")):
        labels[("assessments.metricrecord", str(record.pk))] = (f"业务指标（{record.origin}）", None)
    return labels


def quarter_trend(worker: Worker, period: Period, count: int = 4) -> dict[str, list[Decimal | None]]:
    """Code → the worker's scores of the last `count` quarters ending with `period` (a year: its
    fourth quarter), oldest first; "" is overall. Stale quarters are recomputed first."""
    quarters = period.previous_quarters(count)
    _refresh_if_stale(worker, quarters)
    indicators = _indicators_of(period)
    codes = [""] + [code for code, _ in _primaries(indicators)] + [i.code for i in indicators]
    kinds = {"": ScoreKind.OVERALL, **{code: ScoreKind.PRIMARY for code, _ in _primaries(indicators)}}
    stored = {
        (p, kind, code): Decimal(score).quantize(CENT)
        for p, kind, code, score in CompetencyScore.objects.filter(
            worker=worker, period__in=[q.code for q in quarters]
        ).values_list("period", "kind", "code", "score")
    }
    return {
        code: [stored.get((q.code, kinds.get(code, ScoreKind.INDICATOR), code)) for q in quarters] for code in codes
    }
