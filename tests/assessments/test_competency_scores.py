"""Competency scores (docs/rules.md, 7.1 能力评分): each method, re-normalised weights, the ≥ 5
responses rule, period boundaries, primaries and overall, a plan change, stale marking, the
explanation agreeing with the stored score, the unit statistics and the command.

Every figure is computed by hand in a comment. The recompute is one SQL text for both databases:
these tests run on SQLite and, under DATABASE_URL=postgres://…, on PostgreSQL with the same figures.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessments.models import (
    CompetencyScore,
    CompetencyStale,
    CompetencyUnitStat,
    PeriodPlan,
    PlanEntry,
    ScoreKind,
    level_for,
)
from assessments.profiles import indicator_explanation, profile_for, quarter_trend
from assessments.services import (
    answer_save,
    attempt_start,
    attempt_submit,
    competency_recompute,
    competency_recompute_stale,
    evidence_record,
)
from assessments.services.scores import LEVEL_FLOORS
from lms.periods import Period
from tests.assessments.helpers import SAMPLE, make_quiz

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)  # 2026 and 2026-Q2 are open; 2025 and 2026-Q1 have ended
Y2026, Y2025 = Period(2026), Period(2025)
_refs = iter(range(1, 10**6))


@pytest.fixture
def worker(city_tree, make_worker):
    return make_worker(unit=city_tree["grid_a"])


def record(worker, source, code, score, day):
    evidence_record(
        worker=worker,
        source=source,
        indicator_code=code,
        score=Decimal(str(score)),
        occurred_on=day,
        reference=("tests.evidence", next(_refs)),
    )


def recompute(*periods, worker_ids=None):
    return competency_recompute(periods=list(periods), worker_ids=worker_ids, today=TODAY)


def stored(worker, period=Y2026, kind=ScoreKind.INDICATOR, code="3.2"):
    row = CompetencyScore.objects.filter(worker=worker, period=period.code, kind=kind, code=code).first()
    return None if row is None else row.score


def set_method(code, source, method):
    PlanEntry.objects.filter(model__is_active=True, indicator_code=code, source=source).update(method=method)


# --- methods --------------------------------------------------------------------------------------


def test_decay_average_in_date_order_not_entry_order(worker):
    # 3.2 is 测试 40 % + 演练 60 %; only 测试 has evidence, so it carries the whole weight.
    record(worker, "测试", "3.2", 100, dt.date(2026, 5, 1))  # entered first, dated last
    record(worker, "测试", "3.2", 60, dt.date(2026, 1, 10))
    record(worker, "测试", "3.2", 80, dt.date(2026, 3, 1))
    recompute(Y2026)
    # date order 60, 80, 100 with a = 0.65:
    # s1 = 60; s2 = 0.65·80 + 0.35·60 = 52 + 21 = 73; s3 = 0.65·100 + 0.35·73 = 65 + 25.55 = 90.55
    assert stored(worker) == Decimal("90.55")
    assert level_for(stored(worker)) == "优秀"
    row = CompetencyScore.objects.get(worker=worker, period="2026", kind=ScoreKind.INDICATOR, code="3.2")
    assert row.evidence_count == 3


def test_decay_same_day_follows_entry_order(worker):
    record(worker, "测试", "3.2", 50, dt.date(2026, 2, 1))
    record(worker, "测试", "3.2", 100, dt.date(2026, 2, 1))
    recompute(Y2026)
    # same date → entry (id) order 50, 100: 0.65·100 + 0.35·50 = 65 + 17.5 = 82.50
    assert stored(worker) == Decimal("82.50")


@pytest.mark.parametrize(
    "method, expected",
    [
        # date order 60 (1-10), 95 (2-01, entered last), 70 (3-01)
        # 衰减平均: s1 = 60; s2 = 0.65·95 + 0.35·60 = 61.75 + 21 = 82.75; s3 = 0.65·70 + 0.35·82.75 = 45.5 + 28.9625 = 74.4625 → 74.46
        ("衰减平均", "74.46"),
        ("最新", "70.00"),  # the latest date (3-01), not the latest entered (95)
        ("平均", "75.00"),  # (60 + 95 + 70) / 3 = 225 / 3
        ("最高", "95.00"),
    ],
)
def test_each_method(worker, method, expected):
    set_method("3.2", "测试", method)
    record(worker, "测试", "3.2", 60, dt.date(2026, 1, 10))
    record(worker, "测试", "3.2", 70, dt.date(2026, 3, 1))
    record(worker, "测试", "3.2", 95, dt.date(2026, 2, 1))
    recompute(Y2026)
    assert stored(worker) == Decimal(expected)


def test_rounding_is_half_up(worker):
    set_method("3.2", "测试", "平均")
    record(worker, "测试", "3.2", "80.00", dt.date(2026, 1, 10))
    record(worker, "测试", "3.2", "80.01", dt.date(2026, 1, 11))
    # (80.00 + 80.01) / 2 = 80.005 → 80.01 (half up; half-even would give 80.00)
    set_method("3.1", "业务指标", "衰减平均")
    record(worker, "业务指标", "3.1", "80.10", dt.date(2026, 1, 10))
    record(worker, "业务指标", "3.1", "80.00", dt.date(2026, 1, 11))
    # 0.65·80.00 + 0.35·80.10 = 52 + 28.035 = 80.035 → 80.04 (floats hold 80.0349999…: the ε rounds it up)
    recompute(Y2026)
    assert stored(worker) == Decimal("80.01")
    assert stored(worker, code="3.1") == Decimal("80.04")


# --- weights, minimum counts, periods -------------------------------------------------------------


def test_weights_renormalised_over_sources_with_evidence(worker):
    # 1.3 is 测试 50 %, 演练 20 %, 业务指标 30 %; no 演练 evidence
    record(worker, "测试", "1.3", 90, dt.date(2026, 2, 1))
    record(worker, "业务指标", "1.3", 60, dt.date(2026, 2, 1))
    recompute(Y2026)
    # (50·90 + 30·60) / (50 + 30) = (4500 + 1800) / 80 = 78.75
    assert stored(worker, code="1.3") == Decimal("78.75")
    explanation = indicator_explanation(worker, Y2026, "1.3")
    lines = {line.source: line for line in explanation.sources}
    # 50 / 80 = 62.50 %, 30 / 80 = 37.50 %
    assert (lines["测试"].weight, lines["测试"].value, lines["测试"].count) == (Decimal("62.50"), Decimal("90.00"), 1)
    assert (lines["业务指标"].weight, lines["业务指标"].value) == (Decimal("37.50"), Decimal("60.00"))
    assert (lines["演练"].weight, lines["演练"].value, lines["演练"].note) == (None, None, "本期无证据")
    assert explanation.indicator.score == Decimal("78.75")


def test_no_counted_evidence_is_no_data_not_zero(worker):
    record(worker, "测试", "3.2", 80, dt.date(2026, 2, 1))
    recompute(Y2026)
    profile = profile_for(worker, Y2026)
    line = next(i for i in profile.indicators if i.code == "1.1")
    assert (line.score, line.level, line.evidence_count) == (None, None, 0)
    assert not CompetencyScore.objects.filter(worker=worker, code="1.1").exists()


def test_survey_counts_only_from_five_responses(worker):
    # 1.2 is 测试 50 % + 群众评价 50 % (平均, at least 5 responses)
    record(worker, "测试", "1.2", 70, dt.date(2026, 2, 1))
    for day, stars in zip(range(1, 5), (100, 80, 80, 100), strict=True):
        record(worker, "群众评价", "1.2", stars, dt.date(2026, 3, day))
    recompute(Y2026)
    # 4 responses → 群众评价 not counted: 测试 alone = 70.00
    assert stored(worker, code="1.2") == Decimal("70.00")
    survey = next(s for s in indicator_explanation(worker, Y2026, "1.2").sources if s.source == "群众评价")
    # the 4 responses' mean is shown, but not used: (100 + 80 + 80 + 100) / 4 = 90
    assert (survey.count, survey.counted, survey.weight, survey.value) == (4, False, None, Decimal("90.00"))
    assert survey.note == "不足 5 条，未计入"
    record(worker, "群众评价", "1.2", 60, dt.date(2026, 3, 5))
    recompute(Y2026)
    # 5 responses: mean (100 + 80 + 80 + 100 + 60) / 5 = 420 / 5 = 84; (50·70 + 50·84) / 100 = 35 + 42 = 77.00
    assert stored(worker, code="1.2") == Decimal("77.00")
    evidence_count = CompetencyScore.objects.get(worker=worker, period="2026", code="1.2").evidence_count
    assert evidence_count == 6  # 1 test + 5 responses


def test_period_boundaries(worker):
    record(worker, "测试", "3.2", 90, dt.date(2025, 12, 31))
    record(worker, "测试", "3.2", 50, dt.date(2026, 1, 1))
    record(worker, "测试", "3.2", 70, dt.date(2026, 3, 31))
    record(worker, "测试", "3.2", 80, dt.date(2026, 4, 1))
    q1, q2, q4 = Period(2026, 1), Period(2026, 2), Period(2025, 4)
    recompute(Y2025, q4, Y2026, q1, q2)
    assert stored(worker, Y2025) == stored(worker, q4) == Decimal("90.00")  # 31 Dec only
    # 2026-Q1: 1 Jan 50, 31 Mar 70 → 0.65·70 + 0.35·50 = 45.5 + 17.5 = 63.00
    assert stored(worker, q1) == Decimal("63.00")
    assert stored(worker, q2) == Decimal("80.00")  # 1 Apr only
    # 2026: 50, 70, 80 → 63 then 0.65·80 + 0.35·63 = 52 + 22.05 = 74.05
    assert stored(worker, Y2026) == Decimal("74.05")
    trend = quarter_trend(worker, q2, count=4)
    # 2025-Q3, 2025-Q4, 2026-Q1, 2026-Q2 (2025-Q3 never computed: no data)
    assert trend["3.2"] == [None, Decimal("90.00"), Decimal("63.00"), Decimal("80.00")]
    assert trend[""] == trend["3"] == trend["3.2"]


def test_primaries_and_overall_ignore_no_data(worker):
    record(worker, "测试", "3.2", 90, dt.date(2026, 2, 1))
    record(worker, "业务指标", "3.1", "70.01", dt.date(2026, 2, 1))
    record(worker, "测试", "1.1", 66, dt.date(2026, 2, 1))
    record(worker, "测试", "1.1", 66, dt.date(2026, 2, 2))
    recompute(Y2026)
    profile = profile_for(worker, Y2026)
    primaries = {p.code: p for p in profile.primaries}
    assert list(primaries) == ["1", "2", "3", "4", "5"] and len(profile.indicators) == 18
    # primary 3 = mean of 3.2 (90.00) and 3.1 (70.01); 3.3 and 3.4 have no data: 160.01 / 2 = 80.005 → 80.01
    assert (primaries["3"].score, primaries["3"].level, primaries["3"].evidence_count) == (Decimal("80.01"), "良好", 2)
    # primary 1 = 1.1 only: 0.65·66 + 0.35·66 = 66.00
    assert primaries["1"].score == Decimal("66.00")
    assert primaries["2"].score is None and primaries["2"].level is None
    # overall = mean of primaries 1 and 3: (66.00 + 80.01) / 2 = 73.005 → 73.01; 4 evidence rows
    assert (profile.overall.score, profile.overall.level, profile.overall.evidence_count) == (
        Decimal("73.01"),
        "合格",
        4,
    )


def test_plan_change_keeps_ended_period_and_applies_to_open_one(worker):
    for year in (2025, 2026):
        record(worker, "测试", "3.2", 80, dt.date(year, 2, 1))
        record(worker, "演练", "3.2", 60, dt.date(year, 2, 2))
    recompute(Y2025, Y2026)
    # 测试 40 %, 演练 60 %: 0.4·80 + 0.6·60 = 32 + 36 = 68.00 in both years
    assert stored(worker, Y2025) == stored(worker, Y2026) == Decimal("68.00")
    PlanEntry.objects.filter(model__is_active=True, indicator_code="3.2", source="测试").update(weight=60)
    PlanEntry.objects.filter(model__is_active=True, indicator_code="3.2", source="演练").update(weight=40)
    recompute(Y2025, Y2026)
    # 2025 ended (today 2026-06-15): its plan is kept, 68.00; 2026 is open: 0.6·80 + 0.4·60 = 48 + 24 = 72.00
    assert stored(worker, Y2025) == Decimal("68.00")
    assert stored(worker, Y2026) == Decimal("72.00")
    assert PeriodPlan.objects.get(period="2025", indicator_code="3.2", source="测试").weight == 40
    assert PeriodPlan.objects.get(period="2026", indicator_code="3.2", source="测试").weight == 60


# --- stale marking, explanation, unit statistics --------------------------------------------------


def test_evidence_marks_year_and_quarter_stale_and_the_task_recomputes(worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record(worker, "测试", "3.2", 80, dt.date(2026, 5, 1))
    assert len(callbacks) == 1
    # the task (eager) recomputed both periods and cleared the markers
    assert not CompetencyStale.objects.filter(worker=worker).exists()
    assert CompetencyScore.objects.get(worker=worker, period="2026-Q2", code="3.2").score == Decimal("80.00")
    assert CompetencyScore.objects.get(worker=worker, period="2026", code="3.2").score == Decimal("80.00")


def test_stale_pairs_recomputed_grouped_by_period(worker, city_tree, make_worker):
    other = make_worker(unit=city_tree["grid_b"])
    record(worker, "测试", "3.2", 80, dt.date(2026, 5, 1))
    record(other, "测试", "3.2", 40, dt.date(2025, 8, 1))
    assert set(CompetencyStale.objects.values_list("worker_id", "period")) == {
        (worker.pk, "2026"),
        (worker.pk, "2026-Q2"),
        (other.pk, "2025"),
        (other.pk, "2025-Q3"),
    }
    # 2 workers × (indicator, primary, overall) × 2 periods = 12 rows
    assert competency_recompute_stale(today=TODAY) == 12
    assert not CompetencyStale.objects.exists()
    assert stored(other, Period(2025, 3)) == Decimal("40.00")


def test_profile_recomputes_a_stale_worker_first(worker):
    record(worker, "测试", "3.2", 80, dt.date(2026, 2, 1))
    assert profile_for(worker, Y2026).overall.score == Decimal("80.00")
    record(worker, "测试", "3.2", 100, dt.date(2026, 2, 2))
    # 0.65·100 + 0.35·80 = 65 + 28 = 93.00, without any recompute call
    assert profile_for(worker, Y2026).overall.score == Decimal("93.00")


def test_explanation_agrees_with_stored_score_and_links_evidence(worker):
    quiz = make_quiz(questions=[SAMPLE[1]])  # one 多选 on 1.3
    attempt = attempt_start(quiz=quiz, worker=worker)
    answer_save(answer=attempt.answers.get(), response="AB")  # 2 of 4 points → 50
    attempt_submit(attempt=attempt)
    today = timezone.localdate()
    period = Period(today.year)
    record(worker, "演练", "1.3", "73.33", today)
    record(worker, "业务指标", "1.3", 91, today)
    record(worker, "业务指标", "1.3", 64, today)
    explanation = indicator_explanation(worker, period, "1.3")
    lines = {line.source: line for line in explanation.sources}
    # 测试 50 (50 %), 演练 73.33 (20 %), 业务指标 0.65·64 + 0.35·91 = 41.6 + 31.85 = 73.45 (30 %):
    # (50·50 + 20·73.33 + 30·73.45) / 100 = (2500 + 1466.6 + 2203.5) / 100 = 61.701 → 61.70
    assert [lines[s].value for s in ("测试", "演练", "业务指标")] == [
        Decimal("50.00"),
        Decimal("73.33"),
        Decimal("73.45"),
    ]
    assert explanation.indicator.score == Decimal("61.70")
    recomputed = sum(line.plan_weight * line.value for line in explanation.sources if line.counted) / sum(
        line.plan_weight for line in explanation.sources if line.counted
    )
    assert recomputed.quantize(Decimal("0.01")) == stored(worker, period, code="1.3")
    test_line = next(e for e in explanation.evidence if e.source == "测试")
    assert test_line.url == f"/attempts/{attempt.pk}/" and quiz.title in test_line.label
    assert {e.url for e in explanation.evidence if e.source != "测试"} == {None}
    assert indicator_explanation(worker, period, "9.9") is None


def test_unit_statistics_per_own_unit(city_tree, make_worker):
    a1, a2 = make_worker(unit=city_tree["grid_a"]), make_worker(unit=city_tree["grid_a"])
    b = make_worker(unit=city_tree["grid_b"])
    record(a1, "测试", "3.2", 95, dt.date(2026, 2, 1))
    record(a2, "测试", "3.2", "59.99", dt.date(2026, 2, 1))
    record(b, "测试", "3.2", 80, dt.date(2026, 2, 1))
    recompute(Y2026)
    stat = CompetencyUnitStat.objects.get(org_unit=city_tree["grid_a"], period="2026", kind="indicator", code="3.2")
    # grid_a: 95 (优秀) and 59.99 (待提升): 2 scored, sum 154.99
    assert (stat.scored, stat.score_sum, stat.excellent, stat.good, stat.passing, stat.improve) == (
        2,
        Decimal("154.99"),
        1,
        0,
        0,
        1,
    )
    record(b, "测试", "3.2", 100, dt.date(2026, 2, 2))
    recompute(Y2026, worker_ids=[b.pk])  # only grid_b's statistics are rebuilt
    stat_b = CompetencyUnitStat.objects.get(org_unit=city_tree["grid_b"], period="2026", kind="overall", code="")
    # b: 0.65·100 + 0.35·80 = 65 + 28 = 93.00 → 优秀
    assert (stat_b.scored, stat_b.score_sum, stat_b.excellent) == (1, Decimal("93.00"), 1)
    assert CompetencyUnitStat.objects.filter(org_unit=city_tree["grid_a"], period="2026").count() == 3


def test_level_floors_match_level_for():
    for level, floor in LEVEL_FLOORS:
        assert level_for(Decimal(floor)) == level and level_for(Decimal(floor) - Decimal("0.01")) != level


# --- the command ------------------------------------------------------------------------------


def test_command_recomputes_a_year_and_its_quarters(worker):
    record(worker, "测试", "3.2", 80, dt.date(2026, 5, 1))
    out = io.StringIO()
    call_command("recompute_competency", "--period", "2026", stdout=out)
    assert "2026年、2026年第1季度、2026年第2季度、2026年第3季度、2026年第4季度" in out.getvalue()
    # 2026 and 2026-Q2 each: indicator, primary, overall = 6 rows
    assert "写入 6 条得分" in out.getvalue()
    out = io.StringIO()
    call_command("recompute_competency", "--period", "2026-Q2", stdout=out)
    assert "2026年第2季度" in out.getvalue() and "写入 3 条得分" in out.getvalue()


def test_command_default_is_this_year_and_quarter():
    from django.utils import timezone

    today = timezone.localdate()
    out = io.StringIO()
    call_command("recompute_competency", stdout=out)
    assert f"{today.year}年、{today.year}年第{(today.month - 1) // 3 + 1}季度" in out.getvalue()


@pytest.mark.parametrize("bad", ["2026-Q5", "26", "1999", "abc"])
def test_command_refuses_a_bad_period_with_exit_2(bad):
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("recompute_competency", "--period", bad, stderr=err)
    assert exit_info.value.code == 2
    assert "期间" in err.getvalue()
