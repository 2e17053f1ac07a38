"""压力与倦怠自评: scoring with reversal, bands, once a month, its 自评 evidence, the support text in
the lowest band only, and who may see the item answers (docs/rules.md, "自评与业务指标")."""

import datetime as dt
from decimal import Decimal

import pytest
from wagtail.models import Site

from assessments.models import CompetencySettings, Evidence, SelfAssessment
from assessments.self_assessment import ITEMS
from assessments.services import SelfAssessmentRefused, self_assessment_score, self_assessment_submit
from assessments.services.self_assessment import band_for
from lms import roles

pytestmark = pytest.mark.django_db

# Items 1–12; 3, 6, 9, 12 are reverse-scored (6 − answer); 1–6 are 5.1, 7–12 are 5.2.
MIXED = [4, 5, 2, 3, 4, 4, 5, 4, 1, 3, 2, 5]
# all answers at the "worst" end: 1 on direct items, 5 on reversed ones → 1 after reversal
LOWEST = [5 if item.reverse else 1 for item in ITEMS]


def answers(values):
    return {str(n): v for n, v in enumerate(values, start=1)}


def post_data(values):
    return {f"item_{n}": str(v) for n, v in enumerate(values, start=1)}


@pytest.fixture
def people(city_tree, make_worker):
    return {
        "worker": make_worker(unit=city_tree["grid_a"], employee_no="wg8001"),
        "peer": make_worker(unit=city_tree["grid_a"], employee_no="wg8002"),
        "hr": make_worker(unit=city_tree["street_a"], employee_no="rs8001", role_codes=[roles.HR]),
        "hr_other": make_worker(unit=city_tree["street_b"], employee_no="rs8002", role_codes=[roles.HR]),
        "manager": make_worker(unit=city_tree["street_a"], employee_no="gl8001", role_codes=[roles.MANAGER]),
        "trainer": make_worker(unit=city_tree["city"], employee_no="px8001", role_codes=[roles.TRAINER]),
    }


def test_a_third_of_the_items_are_reversed_and_each_indicator_has_six():
    assert len(ITEMS) == 12 and sum(item.reverse for item in ITEMS) == 4
    assert [item.indicator_code for item in ITEMS].count("5.1") == 6


def test_scores_with_reversal_computed_by_hand():
    result = self_assessment_score(answers(MIXED))
    # 5.1: 4, 5, (6−2)=4, 3, 4, (6−4)=2 → sum 22, mean 22/6; (22/6 − 1)/4 × 100 = 400/6 = 66.666… → 66.67
    # 5.2: 5, 4, (6−1)=5, 3, 2, (6−5)=1 → sum 20, mean 20/6; (20/6 − 1)/4 × 100 = 350/6 = 58.333… → 58.33
    assert result.scores == {"5.1": Decimal("66.67"), "5.2": Decimal("58.33")}
    # mean (66.67 + 58.33) / 2 = 62.50 → 一般
    assert result.band == "一般"
    assert self_assessment_score(answers(LOWEST)).scores == {"5.1": Decimal("0.00"), "5.2": Decimal("0.00")}
    best = [1 if item.reverse else 5 for item in ITEMS]
    assert self_assessment_score(answers(best)).scores == {"5.1": Decimal("100.00"), "5.2": Decimal("100.00")}


@pytest.mark.parametrize(
    "coping, emotion, band",
    [
        ("70", "70", "良好"),
        ("100", "40", "良好"),  # mean 70
        ("69.99", "70", "一般"),  # mean 69.995
        ("50", "50", "一般"),
        ("49.99", "50", "需要关注"),  # mean 49.995
        ("0", "0", "需要关注"),
    ],
)
def test_bands_on_the_mean_of_the_two(coping, emotion, band):
    assert band_for(Decimal(coping), Decimal(emotion)) == band


def test_unanswered_or_out_of_scale_items_are_named():
    values = answers(MIXED)
    del values["3"]
    values["7"] = 9
    with pytest.raises(SelfAssessmentRefused, match="第3、7题未作答"):
        self_assessment_score(values)


def test_submit_writes_the_row_and_two_evidence_rows_once_a_month(people):
    worker = people["worker"]
    record = self_assessment_submit(worker=worker, answers=answers(MIXED), today=dt.date(2026, 3, 5))
    assert (record.month, record.score_coping, record.score_emotion, record.band) == (
        dt.date(2026, 3, 1),
        Decimal("66.67"),
        Decimal("58.33"),
        "一般",
    )
    evidence = {e.indicator.code: e for e in Evidence.objects.filter(worker=worker, source="自评")}
    assert {code: e.score for code, e in evidence.items()} == {"5.1": Decimal("66.67"), "5.2": Decimal("58.33")}
    assert {(e.source_type, e.source_id, e.occurred_on) for e in evidence.values()} == {
        ("assessments.selfassessment", str(record.pk), dt.date(2026, 3, 5))
    }
    with pytest.raises(SelfAssessmentRefused, match="本月（2026年3月）已经填写过"):
        self_assessment_submit(worker=worker, answers=answers(LOWEST), today=dt.date(2026, 3, 31))
    assert SelfAssessment.objects.filter(worker=worker).count() == 1
    assert Evidence.objects.filter(worker=worker).count() == 2
    self_assessment_submit(worker=worker, answers=answers(LOWEST), today=dt.date(2026, 4, 1))
    assert SelfAssessment.objects.filter(worker=worker).count() == 2
    assert Evidence.objects.filter(worker=worker, source="自评").count() == 4


def test_page_submit_shows_scores_and_band_without_support_text_above_the_lowest_band(client, people):
    client.force_login(people["worker"].user)
    page = client.get("/competency/self-assessment/")
    assert page.status_code == 200 and "压力与倦怠自评" in page.content.decode()
    response = client.post("/competency/self-assessment/", post_data(MIXED))
    record = SelfAssessment.objects.get(worker=people["worker"])
    assert response.status_code == 302 and response["Location"] == f"/competency/self-assessment/{record.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "66.67" in html and "58.33" in html and "一般" in html
    assert 'data-testid="support"' not in html
    again = client.post("/competency/self-assessment/", post_data(LOWEST))
    assert "每个自然月只能填写一次" in again.content.decode()
    assert SelfAssessment.objects.filter(worker=people["worker"]).count() == 1


def test_the_lowest_band_shows_the_staff_edited_support_text(client, people):
    settings = CompetencySettings.for_site(Site.objects.get(is_default_site=True))
    settings.support_text = "心理服务室：每周三 9:00–12:00，中心三楼 302 室"
    settings.save()
    client.force_login(people["worker"].user)
    response = client.post("/competency/self-assessment/", post_data(LOWEST), follow=True)
    html = response.content.decode()
    assert "需要关注" in html and 'data-testid="support"' in html
    assert "心理服务室：每周三 9:00–12:00，中心三楼 302 室" in html


def test_missing_answers_are_named_on_the_page_and_nothing_is_written(client, people):
    client.force_login(people["worker"].user)
    data = post_data(MIXED)
    del data["item_3"]
    data["item_5"] = "abc"
    html = client.post("/competency/self-assessment/", data).content.decode()
    assert "第3题：请选择一项" in html and "第5题：" in html
    assert not SelfAssessment.objects.exists() and not Evidence.objects.exists()


def test_result_page_is_the_workers_own(client, people):
    record = self_assessment_submit(worker=people["worker"], answers=answers(MIXED))
    for who in ("peer", "manager", "trainer", "hr"):
        client.force_login(people[who].user)
        assert client.get(f"/competency/self-assessment/{record.pk}/").status_code == 404, who


def test_answers_page_for_hr_of_the_subtree_only(client, people):
    self_assessment_submit(worker=people["worker"], answers=answers(MIXED))
    url = "/competency/self-assessment/workers/wg8001/"
    client.force_login(people["hr"].user)
    html = client.get(url).content.decode()
    assert "下班以后，我还是放不下工作上的事" in html and "66.67" in html
    assert "经常" in html  # item 1 answered 4 = 经常
    assert client.get(url + "?page=junk").status_code == 200
    lookup = client.get("/competency/self-assessment/workers/?employee_no=wg8001")
    assert lookup.status_code == 302 and lookup["Location"] == url
    for who in ("hr_other", "manager", "trainer", "peer", "worker"):
        client.force_login(people[who].user)
        assert client.get(url).status_code == 404, who
    client.force_login(people["hr_other"].user)
    html = client.get("/competency/self-assessment/workers/?employee_no=wg8001").content.decode()
    assert "不在您的管理范围内" in html
    client.force_login(people["manager"].user)
    assert client.get("/competency/self-assessment/workers/").status_code == 404


def test_user_without_worker_profile_gets_a_message(client, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x")
    client.force_login(user)
    response = client.get("/competency/self-assessment/")
    assert response.status_code == 200 and "没有人员档案" in response.content.decode()


def test_an_empty_post_names_every_item(client, people):
    client.force_login(people["worker"].user)
    html = client.post("/competency/self-assessment/", {}).content.decode()
    assert "第1题：请选择一项" in html and "第12题：请选择一项" in html
    assert not SelfAssessment.objects.exists()
