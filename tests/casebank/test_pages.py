"""The phone pages: search with highlighted snippets, a case, FAQs, and running a drill by POSTs."""

import pytest

from casebank.models import CasePage, DrillAttempt, DrillAttemptState, DrillPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee(city_tree, make_worker):
    return make_worker(unit=city_tree["grid_a"])


def test_search_page_highlights_and_filters(client, trainee, small_library):
    client.force_login(trainee.user)
    html = client.get("/cases/", {"q": "闭水试验"}).content.decode()
    assert "楼上漏水引发的邻里纠纷调解" in html and "<mark>闭水" in html
    html = client.get("/cases/", {"q": "燃气", "category": "燃气安全"}).content.decode()
    assert "小区燃气泄漏的应急疏散" in html and "宠物狗" not in html
    html = client.get("/cases/", {"q": "长" * 500}).content.decode()
    assert "检索词过长" in html and "找到 0 个案例" in html
    html = client.get("/cases/").content.decode()
    assert "最新案例" in html and "如何处理高空抛物" in html


def test_case_page_shows_its_sections_with_the_words_marked(client, trainee, small_library):
    client.force_login(trainee.user)
    page = CasePage.objects.get(title="小区燃气泄漏的应急疏散")
    html = client.get(page.url, {"q": "燃气"}).content.decode()
    for heading in ("问题描述", "处置过程", "经验教训", "群众反馈"):
        assert heading in html
    assert "<mark>燃气</mark>" in html and "3.2 应急处置规范性" in html


def test_faq_page_search(client, trainee, small_library):
    client.force_login(trainee.user)
    html = client.get("/faq/", {"q": "传销窝点"}).content.decode()
    assert "发现疑似传销窝点怎么办？" in html
    html = client.get("/faq/", {"category": "燃气安全"}).content.decode()
    assert "闻到燃气味道第一步做什么？" in html and "发现疑似传销窝点怎么办？" not in html


def test_run_a_demo_drill_to_its_end_by_posts(client, trainee, small_library):
    client.force_login(trainee.user)
    drill = DrillPage.objects.get(slug="gas-leak")
    assert client.post(f"/drills/{drill.pk}/start/").status_code == 302
    attempt = DrillAttempt.objects.get(worker=trainee, drill=drill)
    for key in ("S1", "S2", "S3"):
        html = client.get(drill.url).content.decode()
        assert f'name="step" value="{key}"' in html
        response = client.post(f"/drills/runs/{attempt.pk}/step/", {"step": key, "choice": "0"})
    assert response["Location"] == f"/drills/runs/{attempt.pk}/"
    attempt.refresh_from_db()
    assert attempt.state == DrillAttemptState.COMPLETED and attempt.score == 100
    html = client.get(response["Location"]).content.decode()
    assert "<strong>100</strong> 分" in html


def test_home_card_links_cases_and_drills(client, trainee, small_library):
    client.force_login(trainee.user)
    html = client.get("/me/").content.decode()
    assert "案例与情景模拟" in html and "情景演练：居民投诉噪音扰民" in html
