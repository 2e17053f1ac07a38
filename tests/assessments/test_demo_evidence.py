"""The demo's two years of competency evidence: every kind, through real records, following each
worker's story (new hires start at their hire date, few surveys for some), loaded once."""

import datetime as dt
import io
import random
from collections import Counter

import pytest
from django.utils import timezone

from assessments import demo as assessments_demo
from assessments import demo_evidence
from assessments.models import (
    CompetencyScore,
    CompetencyStale,
    Evidence,
    MetricRecord,
    SelfAssessment,
    SurveyResponse,
)
from assessments.services import self_assessment_score
from casebank import demo as casebank_demo
from lms import roles
from lms.periods import periods_of
from tests.factories import org

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_worker):
    today = timezone.localdate()
    north = org("临江市/江北区/滨江街道/春晖社区/第一网格")
    south = org("临江市/江南区/南湖街道/南苑社区/第一网格")
    workers = {
        "wg0001": make_worker(
            unit=north, employee_no="wg0001", role_codes=[roles.TRAINEE, roles.MENTOR], hire_date=today
        ),
        "wg0002": make_worker(unit=north, employee_no="wg0002", hire_date=today - dt.timedelta(days=40)),
        "wg0010": make_worker(unit=north, employee_no="wg0010", hire_date=dt.date(2018, 5, 1)),
        "wg0011": make_worker(unit=south, employee_no="wg0011", hire_date=dt.date(2019, 5, 1)),
        "wg0012": make_worker(unit=south, employee_no="wg0012", hire_date=dt.date(today.year - 1, 6, 15)),
    }
    make_worker(unit=org("临江市"), employee_no="px001", role_codes=[roles.TRAINER])
    return workers


def test_two_years_of_evidence_loaded_once(world):
    """One load (the question bank, drills and evidence take a while), checked from several sides."""
    assessments_demo.load(io.StringIO())
    casebank_demo.load(io.StringIO(), with_compilation=False)
    out = io.StringIO()
    demo_evidence.load(out)
    assert "能力证据" in out.getvalue() and "用时" in out.getvalue()
    by_source = dict(Counter(Evidence.objects.values_list("source", "source_type")))
    assert set(by_source) == {
        ("测试", "assessments.answer"),
        ("演练", "casebank.drillattempt"),
        ("观察", "assessments.observation"),
        ("群众评价", "assessments.surveyresponse"),
        ("自评", "assessments.selfassessment"),
        ("业务指标", "assessments.metricrecord"),
    }
    # a metric's evidence carries its value and date
    record = MetricRecord.objects.filter(worker=world["wg0010"]).first()
    evidence = Evidence.objects.get(source_type="assessments.metricrecord", source_id=str(record.pk))
    assert (evidence.score, evidence.occurred_on, evidence.indicator.code) == (
        record.value,
        record.occurred_on,
        record.indicator_code,
    )
    # self-assessments are scored by the product's own rule, at most one a month
    for taken in SelfAssessment.objects.all():
        result = self_assessment_score(taken.answers)
        assert (taken.score_coping, taken.score_emotion, taken.band) == (
            result.scores["5.1"],
            result.scores["5.2"],
            result.band,
        )
    # both years and their quarters are recomputed: a worker with two years of evidence has an overall score
    assert "能力得分：重新计算" in out.getvalue()
    first_year = timezone.localdate().year - 1
    for period in (str(first_year), f"{first_year}-Q3"):
        assert CompetencyScore.objects.filter(worker=world["wg0010"], period=period, kind="overall").exists()
    assert not CompetencyStale.objects.exists()
    counts = (Evidence.objects.count(), MetricRecord.objects.count(), SurveyResponse.objects.count())
    again = io.StringIO()
    demo_evidence.load(again)
    assert "已存在" in again.getvalue()
    assert counts == (Evidence.objects.count(), MetricRecord.objects.count(), SurveyResponse.objects.count())
    _evidence_follows_the_hire_date_and_stays_in_the_two_years(world)
    _resident_surveys_reach_five_a_quarter_except_for_the_few(world)


def _evidence_follows_the_hire_date_and_stays_in_the_two_years(world):
    today = timezone.localdate()
    first_day = dt.date(today.year - 1, 1, 1)
    dates = Evidence.objects.values_list("occurred_on", flat=True)
    assert min(dates) >= first_day and max(dates) <= today
    for no in ("wg0002", "wg0012"):  # hired inside the window: nothing before the hire date
        hired = world[no].hire_date
        assert not Evidence.objects.filter(worker=world[no], occurred_on__lt=hired).exists()
        assert Evidence.objects.filter(worker=world[no]).exists()
    # wg0001, the demo mentor, has two years of evidence whatever the hire date says
    assert Evidence.objects.filter(worker=world["wg0001"], occurred_on__year=first_day.year).exists()


def _resident_surveys_reach_five_a_quarter_except_for_the_few(world):
    rng = random.Random(demo_evidence.SEED)
    workers = sorted(world.values(), key=lambda w: w.employee_no)
    abilities = demo_evidence.abilities_for(workers, dt.date(timezone.localdate().year - 1, 1, 1), rng)
    today = timezone.localdate()
    for worker in workers:
        per_quarter = Counter(
            periods_of(m)[1] for m in SurveyResponse.objects.filter(worker=worker).values_list("month", flat=True)
        )
        full = [q for q in per_quarter if q.start >= abilities[worker.pk].start and q.end < today]
        if abilities[worker.pk].few_surveys:
            assert all(per_quarter[q] < 5 for q in per_quarter), worker.employee_no
        else:
            assert all(per_quarter[q] >= 5 for q in full), worker.employee_no


def test_abilities_are_deterministic_and_carry_the_stories(world):
    workers = sorted(world.values(), key=lambda w: w.employee_no)
    first_day = dt.date(timezone.localdate().year - 1, 1, 1)
    one = demo_evidence.abilities_for(workers, first_day, random.Random(demo_evidence.SEED))
    two = demo_evidence.abilities_for(workers, first_day, random.Random(demo_evidence.SEED))
    assert one == two
    mentor, newcomer, late = one[world["wg0001"].pk], one[world["wg0002"].pk], one[world["wg0012"].pk]
    assert mentor.start == first_day and mentor.ramp == 0 and mentor.levels["4.2"] < mentor.levels["2.3"]
    assert newcomer.start == world["wg0002"].hire_date and newcomer.ramp > 0
    # a new hire improves: below their level on the hire date, at it once the ramp is made up
    assert late.at("2.1", late.start) < late.at("2.1", late.start + dt.timedelta(days=365)) == late.levels["2.1"]
