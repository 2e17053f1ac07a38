"""能力分析: the heat map from per-unit sums, the level distribution, the training-needs threshold,
the headline figures, assigning a course to a unit, the score export and who may see any of it."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import analysis
from assessments.models import CompetencyScore, CompetencyUnitStat, ScoreKind
from lms import roles
from lms.periods import Period
from tests.exports import export_through_job
from tests.factories import org

URL = "/competency/analysis/"


def stat(unit, code, scored, score_sum, *, period="2026", kind=ScoreKind.INDICATOR, **levels):
    return CompetencyUnitStat.objects.create(
        org_unit=unit, period=period, kind=kind, code=code, scored=scored, score_sum=Decimal(score_sum), **levels
    )


@pytest.fixture
def tree(city_tree):
    district = org("测试市/甲区")
    community = org("测试市/甲区/甲街道/一社区")
    return {**city_tree, "district": district, "community": community}


@pytest.fixture
def sums(tree):
    """3.2 and overall sums of four grids' workers (per unit, as the recompute writes them)."""
    stat(tree["grid_a"], "3.2", 3, "150.00", improve=2, passing=1)
    stat(tree["grid_a2"], "3.2", 7, "560.50", improve=1, good=6)
    stat(tree["grid_b"], "3.2", 4, "200.00", improve=2, passing=2)
    # 甲街道 itself (staff attached to the street) has one scored worker
    stat(tree["street_a"], "3.2", 1, "95.00", excellent=1)
    stat(tree["grid_a"], "", 3, "210.00", kind=ScoreKind.OVERALL, excellent=1, passing=1, improve=1)
    stat(tree["grid_a2"], "", 7, "581.00", kind=ScoreKind.OVERALL, good=7)
    stat(tree["grid_b"], "", 4, "250.00", kind=ScoreKind.OVERALL, passing=2, improve=2)
    # Not counted: another period, another city
    stat(tree["grid_a"], "3.2", 50, "5000.00", period="2025")
    stat(org("别的市/丙区/丙街道/三社区/三网格"), "3.2", 9, "900.00")


def login(client, worker):
    client.force_login(worker.user)
    return client


def test_heat_map_mean_is_the_subtree_sum_over_the_scored_count(client, tree, sums, make_worker):
    manager = make_worker(unit=tree["district"], role_codes=[roles.MANAGER])
    response = login(client, manager).get(URL, {"period": "2026"})
    assert response.status_code == 200
    heat = response.context["heat"]
    rows = {row.unit.pk: row for row in heat.rows}
    column = [i.code for i in heat.indicators].index("3.2")
    # 甲街道 = its own worker + 一网格 + 二网格: (95.00 + 150.00 + 560.50) / (1 + 3 + 7) = 805.50 / 11 = 73.227… → 73.23
    street_a = rows[tree["street_a"].pk].cells[column]
    assert (street_a.mean, street_a.scored, street_a.level) == (Decimal("73.23"), 11, "合格")
    # 乙街道 = 200.00 / 4 = 50.00 (2025 and 别的市 are not counted)
    street_b = rows[tree["street_b"].pk].cells[column]
    assert (street_b.mean, street_b.scored, street_b.level) == (Decimal("50.00"), 4, "待提升")
    # Overall of 甲街道: (210 + 581) / (3 + 7) = 79.10; level counts added up: 1 优秀, 7 良好, 1 合格, 1 待提升
    overall = rows[tree["street_a"].pk].overall
    assert overall.mean == Decimal("79.10")
    assert heat.levels == {"优秀": 1, "良好": 7, "合格": 3, "待提升": 3}  # + 乙街道's 2 合格, 2 待提升
    # A cell with no scored worker is 暂无数据, not 0
    assert rows[tree["street_b"].pk].cells[0].mean is None
    html = response.content.decode()
    assert "73.23" in html and "50.00" in html and "11人" in html


def test_heat_map_reads_a_few_queries_whatever_the_size(client, tree, sums, make_worker, django_assert_max_num_queries):
    manager = make_worker(unit=tree["district"], role_codes=[roles.MANAGER])
    standing = analysis.standing_for(manager.user, None)
    with django_assert_max_num_queries(3):  # the grouped sums, the children check, the indicators
        analysis.heat_map(standing, Period(2026))


def test_drill_down_and_the_units_own_row(client, tree, sums, make_worker):
    manager = make_worker(unit=tree["district"], role_codes=[roles.MANAGER])
    login(client, manager)
    html = client.get(URL).content.decode()
    assert f"?unit={tree['street_a'].pk}&amp;period=" in html  # a street has children: drillable
    response = client.get(URL, {"unit": tree["street_a"].pk, "period": "2026"})
    rows = response.context["heat"].rows
    # 甲街道 splits into 一社区 and its own directly attached worker (本级 row)
    assert [r.label for r in rows] == ["甲街道（本级）", "一社区"]
    column = [i.code for i in response.context["heat"].indicators].index("3.2")
    # 一社区: (150.00 + 560.50) / 10 = 71.05
    assert rows[1].cells[column].mean == Decimal("71.05")
    assert rows[0].cells[column].mean == Decimal("95.00")
    grid_level = client.get(URL, {"unit": tree["community"].pk, "period": "2026"}).context["heat"].rows
    assert [r.label for r in grid_level] == ["一网格", "二网格"]
    assert not any(r.drillable for r in grid_level)


def test_training_needs_threshold_is_more_than_30_percent(client, tree, sums, make_worker):
    assert not analysis.needs_training(3, 10)  # exactly 30%
    assert analysis.needs_training(31, 100)
    assert not analysis.needs_training(0, 0)
    manager = make_worker(unit=tree["district"], role_codes=[roles.MANAGER])
    needs = login(client, manager).get(URL, {"period": "2026"}).context["needs"]
    listed = {(n.unit.pk, n.indicator.code) for n in needs}
    # 甲街道 3.2: 待提升 2 + 1 = 3 of 11 (27.3%) → not listed; 乙街道: 2 of 4 (50%) → listed;
    # overall is not an indicator and is never listed
    assert listed == {(tree["street_b"].pk, "3.2")}


def test_training_need_exactly_30_percent_is_not_listed(client, tree, make_worker):
    stat(tree["grid_b"], "2.1", 10, "640.00", improve=3, passing=7)  # 3/10 = 30%
    stat(tree["grid_a"], "2.1", 10, "600.00", improve=4, passing=6)  # 4/10 = 40%
    manager = make_worker(unit=tree["district"], role_codes=[roles.MANAGER])
    needs = login(client, manager).get(URL, {"period": "2026"}).context["needs"]
    assert {(n.unit.pk, n.indicator.code) for n in needs} == {(tree["street_a"].pk, "2.1")}
    assert needs[0].share == Decimal("40.0")


def test_assign_a_course_to_the_unit_in_need(client, tree, sums, make_worker):
    from courses.models import Enrolment
    from tests.courses.helpers import make_course

    course = make_course("应急处置实务", owner=tree["district"], indicator_codes="3.2")
    make_course("别处的课", owner=org("别的市"), indicator_codes="3.2")
    trainer = make_worker(unit=tree["district"], role_codes=[roles.TRAINER])
    grid_worker = make_worker(unit=tree["grid_b"])
    elsewhere = make_worker(unit=tree["grid_a"])
    login(client, trainer)
    needs = client.get(URL, {"period": "2026"}).context["needs"]
    need = next(n for n in needs if n.unit == tree["street_b"])
    assert [c.title for c in need.courses] == ["别处的课", "应急处置实务"]
    assert need.assignable == {course.pk}  # only courses of the trainer's own subtree
    response = client.post(
        reverse("assessments:competency_assign"), {"course": course.pk, "unit": tree["street_b"].pk, "period": "2026"}
    )
    assert response.status_code == 302
    assert list(Enrolment.objects.filter(course=course).values_list("worker_id", flat=True)) == [grid_worker.pk]
    assert not Enrolment.objects.filter(worker=elsewhere).exists()


def test_a_manager_cannot_assign_and_units_outside_scope_are_404(client, tree, sums, make_worker):
    from courses.models import Enrolment
    from tests.courses.helpers import make_course

    course = make_course("应急处置实务", owner=tree["district"], indicator_codes="3.2")
    make_worker(unit=tree["grid_b"])
    manager = make_worker(unit=tree["district"], role_codes=[roles.MANAGER])
    login(client, manager)
    html = client.get(URL, {"period": "2026"}).content.decode()
    assert "应急处置实务" in html and "指派给" not in html
    client.post(reverse("assessments:competency_assign"), {"course": course.pk, "unit": tree["street_b"].pk})
    assert not Enrolment.objects.exists()
    peer = make_worker(unit=tree["street_a"], role_codes=[roles.TRAINER])
    login(client, peer)
    response = client.post(reverse("assessments:competency_assign"), {"course": course.pk, "unit": tree["street_b"].pk})
    assert response.status_code == 404
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("role", [roles.MANAGER, roles.TRAINER, roles.HR])
def test_each_staff_role_sees_its_own_subtree(client, tree, sums, make_worker, role):
    viewer = make_worker(unit=tree["street_a"], role_codes=[role])
    login(client, viewer)
    response = client.get(URL, {"period": "2026"})
    assert response.status_code == 200
    assert response.context["standing"].unit == tree["street_a"]
    # Another street (a peer's subtree) and a unit above are 404
    assert client.get(URL, {"unit": tree["street_b"].pk}).status_code == 404
    assert client.get(URL, {"unit": tree["district"].pk}).status_code == 404
    assert client.post(reverse("assessments:competency_export"), {"unit": tree["street_b"].pk}).status_code == 404


def test_trainees_and_judges_get_404(client, tree, make_worker):
    for role in (roles.TRAINEE, roles.JUDGE, roles.MENTOR):
        login(client, make_worker(unit=tree["street_a"], role_codes=[role]))
        assert client.get(URL).status_code == 404
        assert client.post(reverse("assessments:competency_export"), {"unit": tree["street_a"].pk}).status_code == 404
        assert client.post(reverse("assessments:competency_reports"), {"unit": tree["street_a"].pk}).status_code == 404
    client.logout()
    assert client.get(URL).status_code == 302  # to the login page


@pytest.mark.parametrize(
    "query, message",
    [
        ({"period": "2026-Q9"}, "格式不对"),
        ({"period": "1999"}, "2000–2100"),
        ({"period": "<script>"}, "格式不对"),
        ({"unit": "abc"}, "单位参数"),
        ({"unit": "1" * 40}, "单位参数"),
    ],
)
def test_junk_parameters_show_a_chinese_message(client, tree, make_worker, query, message):
    login(client, make_worker(unit=tree["street_a"], role_codes=[roles.MANAGER]))
    response = client.get(URL, query)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_unknown_unit_id_is_404(client, tree, make_worker):
    login(client, make_worker(unit=tree["street_a"], role_codes=[roles.MANAGER]))
    assert client.get(URL, {"unit": "999999"}).status_code == 404


def test_headline_figures_per_quarter(client, tree, make_worker):
    from assessments.services import answer_save, attempt_start, attempt_submit
    from casebank.models import DrillAttempt, DrillAttemptState
    from tests.assessments.helpers import make_quiz
    from tests.casebank.conftest import ensure_site
    from tests.casebank.helpers import make_drill

    judge_question = dict(qtype="判断", answer="对", points=Decimal("1"), category="政策")
    quiz = make_quiz(
        "政策测验",
        questions=[
            dict(judge_question, stem="第一题", indicator_code="1.1"),
            dict(judge_question, stem="第二题", indicator_code="1.3"),
            dict(judge_question, stem="第三题", indicator_code="3.4"),  # not a 1.x question
        ],
    )
    inside = make_worker(unit=tree["grid_a"])
    outside = make_worker(unit=tree["grid_b"])
    q1 = timezone.make_aware(dt.datetime(2026, 2, 10, 10))
    q2 = timezone.make_aware(dt.datetime(2026, 5, 10, 10))

    def take(worker, responses, when):
        attempt = attempt_start(quiz=quiz, worker=worker, now=when)
        for answer in attempt.answers.order_by("position"):
            answer_save(answer=answer, response=responses[answer.version.stem], now=when)
        attempt_submit(attempt=attempt, now=when)

    take(inside, {"第一题": "对", "第二题": "错", "第三题": "对"}, q1)  # 1.x: 1 full of 2
    take(inside, {"第一题": "对", "第二题": "对", "第三题": "错"}, q2)  # 1.x: 2 full of 2
    take(outside, {"第一题": "错", "第二题": "错", "第三题": "错"}, q1)  # another street: not counted
    ensure_site()
    drill = make_drill(indicators=("3.2",))
    other = make_drill(indicators=("2.3",), slug="other-drill")
    for worker, page, score, when in [
        (inside, drill, "60.00", q1),  # passes (≥ 60)
        (inside, drill, "59.99", q1),  # fails
        (inside, drill, "100.00", q2),
        (inside, other, "10.00", q2),  # not tagged 3.2
        (outside, drill, "0.00", q2),  # another street
    ]:
        DrillAttempt.objects.create(
            drill=page, worker=worker, state=DrillAttemptState.COMPLETED, score=Decimal(score), finished_at=when
        )
    DrillAttempt.objects.create(drill=drill, worker=inside, state=DrillAttemptState.IN_PROGRESS, started_at=q2)
    manager = make_worker(unit=tree["street_a"], role_codes=[roles.MANAGER])
    response = login(client, manager).get(URL, {"period": "2026"})
    figures = {h.period.code: h for h in response.context["headlines"]}
    assert list(figures) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    # Q1: 政策知晓率 1/2 = 50.00%; 应急处置正确率 1 passed of 2 runs = 50.00%
    assert (figures["2026-Q1"].quiz_full, figures["2026-Q1"].quiz_answers) == (1, 2)
    assert figures["2026-Q1"].policy_rate == Decimal("50.00")
    assert (figures["2026-Q1"].drill_passed, figures["2026-Q1"].drill_runs) == (1, 2)
    # Q2: 2/2 = 100.00%; 1/1 = 100.00%
    assert figures["2026-Q2"].policy_rate == Decimal("100.00")
    assert figures["2026-Q2"].drill_rate == Decimal("100.00")
    assert figures["2026-Q3"].policy_rate is None and figures["2026-Q3"].drill_rate is None
    assert "暂无数据" in response.content.decode()


def test_score_export_has_one_row_per_worker_of_the_subtree(client, tree, make_worker):
    from openpyxl import load_workbook

    first = make_worker(unit=tree["grid_a"], employee_no="A001", name="甲一")
    make_worker(unit=tree["grid_a2"], employee_no="A002", name="甲二")
    make_worker(unit=tree["grid_b"], employee_no="B001", name="乙一")  # another street
    for kind, code, score in [
        (ScoreKind.OVERALL, "", "72.50"),
        (ScoreKind.PRIMARY, "3", "65.00"),
        (ScoreKind.INDICATOR, "3.2", "65.00"),
    ]:
        CompetencyScore.objects.create(worker=first, period="2026", kind=kind, code=code, score=Decimal(score))
    CompetencyScore.objects.create(worker=first, period="2025", kind=ScoreKind.OVERALL, code="", score=Decimal(99))
    manager = make_worker(unit=tree["street_a"], role_codes=[roles.MANAGER], employee_no="M001")
    login(client, manager)
    job, response, body = export_through_job(
        client, reverse("assessments:competency_export"), {"unit": tree["street_a"].pk, "period": "2026"}
    )
    assert (job.done, job.total) == (3, 3)
    rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    header = rows[0]
    assert header[:5] == ("工号", "姓名", "所属网格", "综合", "1 政策理解能力")
    assert header[9] == "1.1 政策学习主动性" and header[-1] == "等级" and len(header) == 4 + 5 + 18 + 1
    by_no = {row[0]: row for row in rows[1:]}
    assert sorted(by_no) == ["A001", "A002", "M001"]  # 乙街道's worker is outside the unit
    row = by_no["A001"]
    assert row[1] == "甲一" and row[2] == tree["grid_a"].full_name
    assert (
        row[3] == 72.5 and row[header.index("3 问题处置能力")] == 65 and row[header.index("3.2 应急处置规范性")] == 65
    )
    assert row[header.index("3.1 问题发现敏锐度")] is None  # 暂无数据 is a blank cell
    assert row[-1] == "合格"
    assert by_no["A002"][3] is None and by_no["A002"][-1] == "暂无数据"
    # The download is audited under the downloader's name
    from lms.models import AuditLog

    entry = AuditLog.objects.get(target_type="competency_scores")
    assert entry.actor == manager.user and entry.detail["rows"] == 3
