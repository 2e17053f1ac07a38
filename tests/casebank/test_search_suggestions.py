"""A case search that finds nothing suggests something real (docs/rules.md §10): FAQ entries that
match the query, otherwise the most-read cases, from the categories the person reads if any."""

import re

import pytest

from casebank.models import CasePage, CaseRead

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee(city_tree, make_worker):
    return make_worker(unit=city_tree["grid_a"])


def suggestions(html: str) -> str:
    found = re.search(r'<section class="card" data-testid="suggestions">(.*?)</section>', html, re.S)
    assert found, "no suggestions section"
    return found.group(1)


def test_opening_a_case_counts_a_read(client, trainee, small_library):
    case = CasePage.objects.get(title="小区燃气泄漏的应急疏散")
    client.force_login(trainee.user)
    client.get(case.url)
    client.get(case.url)
    read = CaseRead.objects.get(case=case, user=trainee.user)
    assert read.times == 2


def test_nothing_found_suggests_the_most_read_cases(client, trainee, small_library, city_tree, make_worker):
    readers = [make_worker(unit=city_tree["grid_a"]) for _ in range(3)]
    popular = CasePage.objects.get(title="宠物狗扰邻的调解经过")
    second = CasePage.objects.get(title="楼上漏水引发的邻里纠纷调解")
    for reader in readers:
        client.force_login(reader.user)
        client.get(popular.url)
    client.force_login(readers[0].user)
    client.get(second.url)
    client.force_login(trainee.user)
    html = client.get("/cases/", {"q": "无人机航拍"}).content.decode()
    assert "找到 0 个案例" in html
    block = suggestions(html)
    assert "大家常看的案例" in block and "3 人看过" in block
    titles = re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', block)
    assert titles[:2] == [popular.title, second.title]
    assert len(titles) == CasePage.objects.live().count()  # the unread ones follow, newest first


def test_the_suggestions_keep_to_the_categories_the_person_reads(
    client, trainee, small_library, city_tree, make_worker
):
    gas = CasePage.objects.get(title="小区燃气泄漏的应急疏散")
    other = make_worker(unit=city_tree["grid_a"])
    client.force_login(other.user)
    client.get(CasePage.objects.get(title="宠物狗扰邻的调解经过").url)
    client.force_login(trainee.user)
    client.get(gas.url)
    block = suggestions(client.get("/cases/", {"q": "无人机航拍"}).content.decode())
    titles = re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', block)
    assert titles == [t for t in CasePage.objects.filter(category=gas.category).values_list("title", flat=True)]
    assert "宠物狗扰邻的调解经过" not in block


@pytest.mark.parametrize("query", ["疑似传销", "传销窝点"])  # 怎么办 alone: test_search_question_words.py
def test_nothing_found_among_cases_suggests_matching_faqs(client, trainee, small_library, query):
    client.force_login(trainee.user)
    html = client.get("/cases/", {"q": query}).content.decode()
    assert "找到 0 个案例" in html
    block = suggestions(html)
    assert "常见问题" in block and "发现疑似传销窝点怎么办？" in block and "大家常看的案例" not in block


def test_a_search_with_results_shows_no_suggestions(client, trainee, small_library):
    client.force_login(trainee.user)
    html = client.get("/cases/", {"q": "燃气"}).content.decode()
    assert 'data-testid="suggestions"' not in html and "小区燃气泄漏的应急疏散" in html


@pytest.mark.parametrize(
    "params",
    [
        {"q": "\x00"},
        {"q": "燃气\x00泄漏"},
        {"q": "'\"<script>"},
        {"q": "长" * 5000},
        {"q": "燃气", "category": "\x00"},
        {"q": "燃气", "indicator": "99999999999999999999"},
        {"q": "", "category": "不存在", "indicator": "x' OR 1=1"},
        {"q": "*", "category": "燃气安全"},
    ],
)
def test_junk_search_parameters_show_the_page(client, trainee, small_library, params):
    client.force_login(trainee.user)
    response = client.get("/cases/", params)
    assert response.status_code == 200
    faq = client.get("/faq/", params)
    assert faq.status_code == 200
    case = CasePage.objects.get(title="小区燃气泄漏的应急疏散")
    assert client.get(case.url, params).status_code == 200  # its ?q= only marks words


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_phone_sees_the_suggestions_and_opens_one(phone_page, live_server, city_tree, make_worker, small_library):
    from tests.browser import login

    worker = make_worker(unit=city_tree["grid_a"])
    page = phone_page
    login(page, live_server.url, worker.employee_no, "Test@12345")
    page.goto(live_server.url + CasePage.objects.get(title="小区燃气泄漏的应急疏散").url)
    page.goto(f"{live_server.url}/cases/")
    page.fill("input[name=q]", "无人机航拍")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_selector("[data-testid=suggestions] li.hit")
    first = page.locator("[data-testid=suggestions] li.hit h3 a").first
    assert first.inner_text() == "小区燃气泄漏的应急疏散"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    first.click()
    page.wait_for_selector("article h1")
    assert CaseRead.objects.get(user=worker.user).times == 2


def test_the_demo_reads_give_the_suggestions_real_counts(client, city_tree, make_worker, settings, tmp_path):
    from casebank import demo
    from tests.casebank.conftest import ensure_site

    workers = [make_worker(unit=city_tree["grid_a"], employee_no=f"wg{n:04d}") for n in range(1, 7)]
    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_site()
    demo.load(None, with_compilation=False)
    reads = CaseRead.objects.count()
    assert reads >= 6
    demo.load(None, with_compilation=False)
    assert CaseRead.objects.count() == reads  # loading again adds none
    client.force_login(workers[0].user)
    block = suggestions(client.get("/cases/", {"q": "宇宙飞船"}).content.decode())
    assert "人看过" in block
