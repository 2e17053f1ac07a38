"""Competency scores (docs/rules.md §7.1 能力评分) against a reference written from the rule's text.

Reference, in exact fractions: only evidence dated within the period counts. Per indicator and
source, the rows in (date, entry order) give one value by the plan's method — 衰减平均
s₁ = x₁, sₖ = a·xₖ + (1 − a)·sₖ₋₁; 最新 the last; 平均 the mean; 最高 the highest — and a source with
fewer rows than its minimum does not count. An indicator is the weighted mean of its counted sources
(weights re-normalised among them; none counted → no score); a primary the mean of its indicators
with a score; overall the mean of the primaries with a score. Every level is rounded half up to
cents before the next one uses it.
The project's side: the set-based SQL recompute (`competency_recompute`) for one worker, whose stored
`CompetencyScore` rows are compared with the reference, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.properties import examples, rolled_back

YEAR = 2026
TODAY = dt.date(2027, 1, 15)  # the year and its quarters have ended
# Indicators with several sources each (default plan), over three primaries.
PLAN_SOURCES = {
    "1.2": ("测试", "群众评价"),
    "3.1": ("演练", "业务指标"),
    "3.2": ("测试", "演练"),
    "5.2": ("观察", "群众评价", "自评"),
}
METHODS = ("衰减平均", "最新", "平均", "最高")


def cents(value: Fraction) -> Fraction:
    rounded = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    # Decimal's 28 digits cannot turn a value just below a half into one above it for these inputs.
    return Fraction(rounded)


def bounds(quarter: int | None) -> tuple[dt.date, dt.date]:
    if quarter is None:
        return dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    first = dt.date(YEAR, 3 * quarter - 2, 1)
    last = dt.date(YEAR + 1, 1, 1) if quarter == 4 else dt.date(YEAR, 3 * quarter + 1, 1)
    return first, last - dt.timedelta(days=1)


def source_value(method: str, decay: Fraction, xs: list[Fraction]) -> Fraction:
    if method == "最新":
        return xs[-1]
    if method == "平均":
        return sum(xs, Fraction(0)) / len(xs)
    if method == "最高":
        return max(xs)
    value = xs[0]
    for x in xs[1:]:
        value = decay * x + (1 - decay) * value
    return value


def reference_scores(evidence, plan, quarter) -> dict[tuple[str, str], Fraction]:
    """(kind, code) → score for the period: ("indicator", "3.2"), ("primary", "3"), ("overall", "")."""
    first, last = bounds(quarter)
    scores: dict[tuple[str, str], Fraction] = {}
    for code, sources in PLAN_SOURCES.items():
        weighted, weights = Fraction(0), Fraction(0)
        for source in sources:
            weight, method, decay, minimum = plan[(code, source)]
            rows = sorted(
                (day, order, x)
                for order, (c, s, x, day) in enumerate(evidence)
                if c == code and s == source and first <= day <= last
            )
            if not rows or len(rows) < minimum or not weight:
                continue
            value = cents(source_value(method, decay, [x for _, _, x in rows]))
            weighted += weight * value
            weights += weight
        if weights:
            scores[("indicator", code)] = cents(weighted / weights)
    primaries: dict[str, list[Fraction]] = {}
    for (_, code), score in scores.items():
        primaries.setdefault(code.split(".")[0], []).append(score)
    for primary, values in primaries.items():
        scores[("primary", primary)] = cents(sum(values, Fraction(0)) / len(values))
    tops = [score for (kind, _), score in scores.items() if kind == "primary"]
    if tops:
        scores[("overall", "")] = cents(sum(tops, Fraction(0)) / len(tops))
    return scores


day_of_year = st.integers(min_value=0, max_value=364).map(lambda n: dt.date(YEAR, 1, 1) + dt.timedelta(days=n))
pairs = [(code, source) for code, sources in PLAN_SOURCES.items() for source in sources]


@st.composite
def evidence_and_plan(draw):
    # Few distinct days so that same-day rows (ordered by entry) happen often.
    days = draw(st.lists(day_of_year, min_size=1, max_size=6))
    evidence = draw(
        st.lists(
            st.tuples(
                st.sampled_from(pairs),
                st.integers(min_value=0, max_value=10000).map(lambda n: Fraction(n, 100)),
                st.sampled_from(days),
            ).map(lambda t: (t[0][0], t[0][1], t[1], t[2])),
            max_size=14,
        )
    )
    settings = {
        pair: (
            draw(st.sampled_from(METHODS)),
            draw(st.sampled_from(["0.65", "0.5", "0.3", "1"])),
            draw(st.integers(min_value=1, max_value=3)),
        )
        for pair in pairs
    }
    quarter = draw(st.sampled_from([None, 1, 2, 3, 4]))
    return evidence, settings, quarter


@pytest.mark.django_db
@examples(30, db=True)
@given(case=evidence_and_plan())
def test_stored_scores_of_a_worker_follow_the_rule(case):
    from assessments.models import CompetencyScore, PlanEntry
    from assessments.services import competency_defaults_ensure, competency_recompute, evidence_record
    from lms.periods import Period
    from tests.factories import WorkerFactory, org

    evidence, settings, quarter = case
    with rolled_back():
        competency_defaults_ensure()
        for (code, source), (method, decay, minimum) in settings.items():
            PlanEntry.objects.filter(model__is_active=True, indicator_code=code, source=source).update(
                method=method, decay=Decimal(decay), min_count=minimum
            )
        plan = {
            (e.indicator_code, e.source): (Fraction(e.weight), e.method, Fraction(e.decay), e.min_count)
            for e in PlanEntry.objects.filter(model__is_active=True, indicator_code__in=list(PLAN_SOURCES))
        }
        worker = WorkerFactory(org_unit=org("属性市/甲区/甲街道/一社区/一网格"))
        for number, (code, source, score, day) in enumerate(evidence):
            evidence_record(
                worker=worker,
                source=source,
                indicator_code=code,
                score=Decimal(score.numerator) / score.denominator,
                occurred_on=day,
                reference=("tests.properties", number),
            )
        period = Period(YEAR, quarter) if quarter else Period(YEAR)
        competency_recompute(periods=[period], worker_ids=[worker.pk], today=TODAY)
        stored = {
            (row.kind, row.code): Fraction(row.score)
            for row in CompetencyScore.objects.filter(worker=worker, period=period.code)
        }
        assert stored == reference_scores(evidence, plan, quarter)
