"""能力画像 and its 得分依据 page: the figures the engine computes from evidence, 暂无数据, the quarter
trend, recommendations, junk parameters and who may open whose profile."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import EvidenceSource
from assessments.services import evidence_record_many
from lms import roles

D = dt.date


def record(worker, source, code, score, day, ref):
    evidence_record_many(worker=worker, source=source, items=[(code, Decimal(score), day, ("test.ref", ref))])


@pytest.fixture
def scored(city_tree, make_worker):
    """One worker with evidence in 2026 on 1.1, 2.1 and 3.2 (default plan weights, docs/rules.md)."""
    worker = make_worker(unit=city_tree["grid_a"], employee_no="G0001", name="张网格")
    record(worker, EvidenceSource.TEST, "3.2", "70", D(2026, 2, 1), "t1")  # 3.2: 测试 40%
    record(worker, EvidenceSource.DRILL, "3.2", "50", D(2026, 3, 1), "d1")  # 3.2: 演练 60%
    record(worker, EvidenceSource.TEST, "1.1", "80", D(2026, 1, 10), "t2")  # 1.1: 测试 60% (业务指标 has none)
    record(worker, EvidenceSource.OBSERVATION, "2.1", "95", D(2026, 5, 6), "o1")  # 2.1: 观察 50% (群众评价 none)
    return worker


def page(client, user, url, **query):
    client.force_login(user)
    return client.get(url, query)


def test_profile_shows_the_engine_figures(client, scored):
    response = page(client, scored.user, "/competency/", period="2026")
    assert response.status_code == 200
    profile = response.context["profile"]
    scores = {s.code: s.score for s in profile.indicators}
    # 3.2 = 70 × 40% + 50 × 60% = 28 + 30 = 58.00 (both sources counted, weights as planned)
    assert scores["3.2"] == Decimal("58.00")
    # 1.1 and 2.1 have one source each, re-normalised to 100%
    assert scores["1.1"] == Decimal("80.00") and scores["2.1"] == Decimal("95.00")
    assert scores["4.1"] is None
    # overall = mean of the primaries with a score: (80 + 95 + 58) / 3 = 77.666… → 77.67
    assert profile.overall.score == Decimal("77.67")
    html = response.content.decode()
    assert "我的能力画像" in html
    assert "77.67" in html and "58.00" in html and "待提升" in html and "优秀" in html
    assert html.count("暂无数据") >= 15  # 15 indicators and 2 primaries without evidence
    assert "<svg" in html and "能力雷达图" in html
    assert 'data-testid="indicator-3.2"' in html
    assert reverse("assessments:competency_indicator", args=["G0001", "2026", "3.2"]) in html


def test_quarter_trend_shows_each_quarter(client, scored):
    response = page(client, scored.user, "/competency/", period="2026")
    row = next(r for r in response.context["rows"] if r["score"].code == "3.2")
    # Q1 holds both 3.2 items (58.00); Q2–Q4 have none
    assert row["trend"] == [Decimal("58.00"), None, None, None]
    row = next(r for r in response.context["rows"] if r["score"].code == "2.1")
    assert row["trend"] == [None, Decimal("95.00"), None, None]
    assert "近四个季度趋势" in row["trend_svg"]
    assert "趋势为2026年第1季度至2026年第4季度" in response.content.decode()


def test_a_quarter_counts_only_its_evidence(client, scored):
    response = page(client, scored.user, "/competency/", period="2026-Q2")
    profile = response.context["profile"]
    assert {s.code: s.score for s in profile.indicators if s.score is not None} == {"2.1": Decimal("95.00")}
    assert profile.overall.score == Decimal("95.00")


def test_recommendations_for_the_three_weakest(client, scored, city_tree):
    from casebank import services as cases
    from casebank.models import CaseCategory
    from tests.casebank.conftest import ensure_site
    from tests.casebank.helpers import make_drill
    from tests.courses.helpers import make_course

    ensure_site()
    make_course("应急处置实务", indicator_codes="3.2")
    draft = make_course("草稿课程", indicator_codes="3.2")
    draft.unpublish()
    elsewhere = make_course("只对别的街道", indicator_codes="3.2")
    elsewhere.audience_units.add(city_tree["street_b"])
    elsewhere.save()
    make_course("平台操作课", indicator_codes="4.4")
    make_drill(indicators=("3.2",))
    category, _ = CaseCategory.objects.get_or_create(name="应急处置")
    cases.case_publish(
        data=cases.CaseData(
            title="燃气泄漏处置", category=category, problem="闻到燃气味", handling="关阀开窗", indicator_codes=["3.2"]
        )
    )
    response = page(client, scored.user, "/competency/", period="2026")
    recs = response.context["recommendations"]
    assert [r.code for r in recs] == ["3.2", "1.1", "2.1"]  # 58, 80, 95: 暂无数据 is not "weak"
    first = recs[0]
    assert [c.title for c in first.courses] == ["应急处置实务"]
    assert [d.title for d in first.drills] == ["楼道堆物演练"]
    assert [c.title for c in first.cases] == ["燃气泄漏处置"]
    html = response.content.decode()
    for title in ("草稿课程", "只对别的街道", "平台操作课"):
        assert title not in html, html[html.find(title) - 300 : html.find(title) + 50]


def test_indicator_page_answers_why(client, scored):
    url = reverse("assessments:competency_indicator", args=["G0001", "2026", "3.2"])
    response = page(client, scored.user, url)
    assert response.status_code == 200
    x = response.context["x"]
    lines = {s.source: s for s in x.sources}
    assert set(lines) == {"测试", "演练"}  # 3.2's plan: 测试 40%, 演练 60%
    assert (lines["测试"].value, lines["测试"].count, lines["测试"].weight) == (Decimal("70.00"), 1, Decimal("40.00"))
    assert (lines["演练"].value, lines["演练"].plan_weight) == (Decimal("50.00"), Decimal("60.00"))
    html = response.content.decode()
    assert "58.00 = 测试 70.00 × 40% ＋ 演练 50.00 × 60%" in html
    assert "2026-02-01" in html and "2026-03-01" in html
    # 1.1: 业务指标 had no evidence, so 测试 carries 100%
    response = page(client, scored.user, reverse("assessments:competency_indicator", args=["G0001", "2026", "1.1"]))
    lines = {s.source: s for s in response.context["x"].sources}
    assert lines["测试"].weight == Decimal("100.00")
    assert lines["业务指标"].weight is None and lines["业务指标"].note == "本期无证据"
    assert "本期无证据" in response.content.decode()


def test_indicator_without_evidence_is_no_data_not_zero(client, scored):
    response = page(client, scored.user, reverse("assessments:competency_indicator", args=["G0001", "2026", "4.1"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "暂无数据" in html and "不按 0 分计算" in html


def test_quiz_attempt_links_only_for_the_worker(client, city_tree, make_worker):
    from tests.courses.helpers import one_question_quiz, take_quiz

    worker = make_worker(unit=city_tree["grid_a"], employee_no="G0002")
    attempt = take_quiz(one_question_quiz(), worker)  # a 3.4 question, answered right
    url = reverse("assessments:competency_indicator", args=["G0002", str(attempt.submitted_at.year), "3.4"])
    attempt_url = reverse("assessments:attempt", args=[attempt.pk])
    assert attempt_url in page(client, worker.user, url).content.decode()
    manager = make_worker(unit=city_tree["street_a"], role_codes=[roles.MANAGER])
    html = page(client, manager.user, url).content.decode()
    assert "随堂测验" in html and attempt_url not in html  # the manager cannot open the attempt


@pytest.mark.parametrize(
    "query, message",
    [({"period": "abc"}, "格式不对"), ({"period": "2026-Q5"}, "格式不对"), ({"period": "3000"}, "2000–2100")],
)
def test_junk_period_shows_a_message_and_the_current_year(client, scored, query, message):
    response = page(client, scored.user, "/competency/", **query)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["period"].code == "2026"  # today is in 2026 in this fixture's world or later
    assert response.context["period"].quarter is None


@pytest.mark.parametrize(
    "args, message",
    [
        (["G0001", "20x6", "3.2"], "格式不对"),
        (["G0001", "2026", "9.9"], "9.9"),
        (["G0001", "2026", "<b>"], "&lt;b&gt;"),
    ],
)
def test_junk_in_the_indicator_path_is_a_404_page_with_a_message(client, scored, args, message):
    response = page(client, scored.user, reverse("assessments:competency_indicator", args=args))
    assert response.status_code == 404
    assert message in response.content.decode()


@pytest.mark.parametrize("role", [roles.MANAGER, roles.TRAINER, roles.HR])
def test_staff_of_the_subtree_see_the_profile(client, scored, city_tree, make_worker, role):
    viewer = make_worker(unit=city_tree["street_a"], role_codes=[role])
    response = page(client, viewer.user, "/competency/G0001/", period="2026")
    assert response.status_code == 200
    assert "张网格的能力画像" in response.content.decode()
    url = reverse("assessments:competency_indicator", args=["G0001", "2026", "3.2"])
    assert page(client, viewer.user, url).status_code == 200


@pytest.mark.parametrize(
    "unit, role",
    [("grid_a", roles.TRAINEE), ("grid_a", roles.JUDGE), ("street_b", roles.MANAGER), ("street_b", roles.HR)],
)
def test_peers_and_other_subtrees_get_404(client, scored, city_tree, make_worker, unit, role):
    viewer = make_worker(unit=city_tree[unit], role_codes=[role])
    assert page(client, viewer.user, "/competency/G0001/").status_code == 404
    url = reverse("assessments:competency_indicator", args=["G0001", "2026", "3.2"])
    assert page(client, viewer.user, url).status_code == 404
    assert page(client, viewer.user, "/competency/NOSUCH/").status_code == 404


def test_anonymous_is_sent_to_login(client, scored):
    assert client.get("/competency/").status_code == 302
    assert client.get("/competency/G0001/").status_code == 302


def test_links_from_home_and_worker_detail(client, scored, city_tree, make_worker):
    html = page(client, scored.user, reverse("trainee_home")).content.decode()
    assert 'href="/competency/"' in html
    manager = make_worker(unit=city_tree["street_a"], role_codes=[roles.MANAGER])
    html = page(client, manager.user, reverse("worker_detail", args=["G0001"])).content.decode()
    assert 'href="/competency/G0001/"' in html
    html = page(client, manager.user, reverse("manager_home")).content.decode()
    assert 'href="/competency/analysis/"' in html


def test_profile_compares_with_the_year_before(client, scored):
    record(scored, EvidenceSource.TEST, "3.2", "40", D(2025, 6, 1), "old")
    response = page(client, scored.user, "/competency/", period="2026")
    assert response.context["compared_with"].code == "2025"
    assert 'class="before-line"' in str(response.context["radar"])
    response = page(client, scored.user, "/competency/", period="2025")
    assert response.context["compared_with"] is None  # nothing in 2024 to compare with
