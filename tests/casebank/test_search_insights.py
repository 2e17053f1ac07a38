"""The trainers' 检索分析 page (docs/rules.md §10): zero-result and no-click queries over a window,
its one-click actions, and who may open it."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from casebank import selectors, services
from casebank.models import CaseCategory, CaseIndexPage, Faq, SearchLog, SearchScope, SynonymGroup
from lms import roles

pytestmark = pytest.mark.django_db

URL = "/cases/search-insights/"


@pytest.fixture
def people(city_tree, make_worker):
    return {
        "worker": make_worker(unit=city_tree["grid_a"]),
        "worker_b": make_worker(unit=city_tree["grid_b"]),
        "trainer_a": make_worker(unit=city_tree["street_a"], role_codes=(roles.TRAINER,)),
        "trainer_b": make_worker(unit=city_tree["street_b"], role_codes=(roles.TRAINER,)),
        "judge": make_worker(unit=city_tree["city"], role_codes=(roles.JUDGE,)),
        "mentor": make_worker(unit=city_tree["street_a"], role_codes=(roles.MENTOR,)),
        "hr": make_worker(unit=city_tree["city"], role_codes=(roles.HR,)),
        "manager": make_worker(unit=city_tree["city"], role_codes=(roles.MANAGER,)),
    }


def log(user, query, result_count, *, days_ago=0, case=None, faq=None, scope=SearchScope.CASES):
    return SearchLog.objects.create(
        user=user,
        scope=scope,
        query=query,
        query_length=len(query),
        result_count=result_count,
        opened_case=case,
        opened_faq=faq,
        created_at=timezone.now() - dt.timedelta(days=days_ago, minutes=1),
    )


def rows(page_rows) -> dict:
    return {row["query"]: (row["searches"], row["users"]) for row in page_rows}


@pytest.fixture
def library(db):
    """The case library page, one case and one FAQ: enough to open, quicker than small_library."""
    from casebank.demo_cases import CASES
    from casebank.demo_faqs import FAQS
    from tests.casebank.conftest import ensure_site

    ensure_site()
    services.casebank_defaults_ensure()
    categories = {c.name: c for c in CaseCategory.objects.all()}
    title, category, problem, handling, lessons, feedback, tags, codes, day = next(
        row for row in CASES if row[0] == "小区燃气泄漏的应急疏散"
    )
    case, _ = services.case_publish(
        data=services.CaseData(
            title=title,
            category=categories[category],
            problem=problem,
            handling=handling,
            lessons=lessons,
            feedback=feedback,
            tags=tags.split(";"),
            indicator_codes=[],
            case_date=dt.date.fromisoformat(day),
        )
    )
    category, question, answer = next(row for row in FAQS if row[1] == "闻到燃气味道第一步做什么？")
    faq, _ = services.faq_save(question=question, answer=answer, category=categories[category])
    return case, faq


@pytest.fixture
def searches(people, library):
    w, w2 = people["worker"].user, people["worker_b"].user
    case, faq = library
    log(w, "无人机", 0)
    log(w, "无人机", 0, days_ago=2)
    log(w2, "无人机", 0, days_ago=10)
    log(w2, "无人机", 0, days_ago=40)  # outside 30 days
    log(w, "电动车充电", 0, scope=SearchScope.FAQS)
    log(w, "燃气", 3)  # found, nothing opened
    log(w2, "燃气", 3, days_ago=1)
    log(w2, "燃气", 3, days_ago=1, case=case)  # opened: not a no-click
    log(w, "燃气 味道", 2, faq=faq, scope=SearchScope.FAQS)  # 有帮助: opened
    log(w, "", 0)  # over 200 characters, no text: not listed
    log(w, "老旧电梯", 1, days_ago=95)  # outside every window
    return case


@pytest.fixture(autouse=True)
def no_shipped_synonyms(db):
    """These tests start from an empty vocabulary, so each synonym written is the page's doing."""
    SynonymGroup.objects.all().delete()


def test_selector_groups_zero_result_and_no_click_queries(searches):
    insights = selectors.search_insights(days=30)
    assert rows(insights["zero_result"]) == {"无人机": (3, 2), "电动车充电": (1, 1)}
    assert list(insights["zero_result"])[0]["query"] == "无人机"  # most searched first
    assert rows(insights["no_click"]) == {"燃气": (2, 2)}
    assert rows(selectors.search_insights(days=90)["zero_result"])["无人机"] == (4, 2)
    assert rows(selectors.search_insights(days=7)["zero_result"]) == {"无人机": (2, 1), "电动车充电": (1, 1)}


def test_page_lists_both_tables_with_counts_and_no_names(client, people, searches):
    client.force_login(people["trainer_a"].user)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    zero = html.split('data-testid="zero-result"')[1].split('data-testid="no-click"')[0]
    no_click = html.split('data-testid="no-click"')[1]
    assert "<strong>无人机</strong>" in zero and "<strong>电动车充电</strong>" in zero and "<strong>燃气" not in zero
    assert re.search(r"<strong>燃气</strong>", no_click) and "无人机" not in no_click
    assert re.search(r'data-label="次数">3<', zero) and re.search(r'data-label="人数">2<', zero)
    assert "老旧电梯" not in html
    for person in people.values():
        assert person.name not in html and person.employee_no not in html
    assert "记录保留 180 天" in html or "保留 180 天" in html
    library = CaseIndexPage.objects.get()
    assert f"/admin/pages/add/casebank/casepage/{library.pk}/" in html
    assert "/cases/search-insights/faq/?q=%E6%97%A0%E4%BA%BA%E6%9C%BA" in html


def test_days_window_and_junk_days(client, people, searches):
    client.force_login(people["trainer_a"].user)
    html = client.get(URL, {"days": "90"}).content.decode()
    assert re.search(r'<strong>无人机</strong>.*?data-label="次数">4<', html, re.S)
    for junk in ("abc", "365", "", "-1", "%00", "\x00", "9" * 40):
        response = client.get(URL, {"days": junk})
        assert response.status_code == 200, junk
        html = response.content.decode()
        assert "统计范围" in html and "最近 30 天" in html, junk
        assert "msg-error" in html, junk
    html = client.get(URL, {"zero_page": "abc", "click_page": "99999"}).content.decode()
    assert "无人机" in html


def test_access_by_role(client, people, searches):
    assert client.get(URL).status_code == 302  # anonymous → login
    assert "/login/" in client.get(URL)["Location"]
    expectations = {
        "worker": 403,
        "worker_b": 403,
        "judge": 403,
        "mentor": 403,
        "hr": 403,
        "manager": 403,
        "trainer_a": 200,
        "trainer_b": 200,  # trainers share the one case library: the same page
    }
    pages = {}
    for name, status in expectations.items():
        client.force_login(people[name].user)
        response = client.get(URL)
        assert response.status_code == status, name
        if status == 403:
            assert "检索分析只对培训管理员开放" in response.content.decode()
            assert client.post(f"{URL}synonym/", {"query": "无人机", "word": "航拍"}).status_code == 403
            assert client.get(f"{URL}faq/", {"q": "无人机"}).status_code == 403
        else:
            pages[name] = response.context["zero_page"].object_list
    assert list(pages["trainer_a"]) == list(pages["trainer_b"])
    assert not SynonymGroup.objects.exists()


def test_superuser_sees_the_page(client, django_user_model, searches):
    admin = django_user_model.objects.create_superuser("root9", password="x")
    client.force_login(admin)
    assert client.get(URL).status_code == 200


def test_links_to_the_page_for_trainers_only(client, people, library):
    client.force_login(people["trainer_a"].user)
    assert URL in client.get("/cases/").content.decode()
    assert URL in client.get("/me/").content.decode()
    client.force_login(people["worker"].user)
    assert URL not in client.get("/cases/").content.decode()
    assert URL not in client.get("/me/").content.decode()


def test_admin_menu_has_the_page_for_trainers(client, people, library):
    client.force_login(people["trainer_a"].user)
    assert URL in client.get("/admin/").content.decode()


# --- one-click actions ------------------------------------------------------------------------------


def test_add_as_synonym_of_an_existing_word(client, people, searches):
    group = SynonymGroup.objects.create(words="燃气 煤气")
    client.force_login(people["trainer_a"].user)
    response = client.post(f"{URL}synonym/", {"query": "天然气", "word": "煤气", "days": "7"})
    assert response.status_code == 302 and response["Location"] == f"{URL}?days=7"
    group.refresh_from_db()
    assert group.word_list() == ["燃气", "煤气", "天然气"]
    html = client.get(response["Location"]).content.decode()
    assert "已把“天然气”和“煤气”放进同一个同义词组" in html


def test_add_as_synonym_starts_a_group_or_joins_the_querys_group(client, people, searches):
    client.force_login(people["trainer_a"].user)
    client.post(f"{URL}synonym/", {"query": "无人机", "word": "航拍器"})
    group = SynonymGroup.objects.get()
    assert group.word_list() == ["航拍器", "无人机"]
    client.post(f"{URL}synonym/", {"query": "无人机", "word": "飞行器"})
    group.refresh_from_db()
    assert group.word_list() == ["航拍器", "无人机", "飞行器"] and SynonymGroup.objects.count() == 1


@pytest.mark.parametrize(
    "query, word, message",
    [
        ("无人机", "很" * 21, "过长"),
        ("无人机", "", "同义词不能为空"),
        ("燃气 味道", "煤气", "不能有空格或分隔符"),
        ("无人机", "无人机", "不能与搜索词相同"),
        ("无人机", "航\x00拍", "无法保存的字符"),
    ],
)
def test_bad_synonym_gives_a_chinese_error_and_writes_nothing(client, people, searches, query, word, message):
    SynonymGroup.objects.create(words="燃气 煤气")
    before = list(SynonymGroup.objects.values_list("pk", "words"))
    client.force_login(people["trainer_a"].user)
    response = client.post(f"{URL}synonym/", {"query": query, "word": word, "days": "abc"}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "未加为同义词" in html and message in html
    assert list(SynonymGroup.objects.values_list("pk", "words")) == before


def test_synonym_needs_post(client, people, searches):
    client.force_login(people["trainer_a"].user)
    assert client.get(f"{URL}synonym/", {"query": "无人机", "word": "航拍"}).status_code == 405


def test_write_faq_prefills_saves_and_opens_the_admin_edit_page(client, people, searches):
    client.force_login(people["trainer_a"].user)
    html = client.get(f"{URL}faq/", {"q": " 电动车充电 "}).content.decode()
    assert 'value="电动车充电"' in html
    category = CaseCategory.objects.get(name="消防安全")
    response = client.post(
        f"{URL}faq/",
        {"question": "电动车能在楼道充电吗？", "category": category.pk, "answer": "不能。发现后劝导并上报。"},
    )
    faq = Faq.objects.get(question="电动车能在楼道充电吗？")
    assert faq.category == category and faq.answer == "不能。发现后劝导并上报。"
    assert response.status_code == 302 and response["Location"] == f"/admin/snippets/casebank/faq/edit/{faq.pk}/"
    assert selectors.search_faqs("电动车 充电")[0] >= 1  # indexed: the next search finds it


def test_write_faq_errors_are_chinese_and_an_existing_question_is_not_overwritten(client, people, searches):
    client.force_login(people["trainer_a"].user)
    existing = Faq.objects.get(question="闻到燃气味道第一步做什么？")
    answer, faq_count = existing.answer, Faq.objects.count()
    response = client.post(
        f"{URL}faq/", {"question": existing.question, "category": existing.category_id, "answer": "新的解答"}
    )
    assert response.status_code == 200 and "已有同样问题的常见问题" in response.content.decode()
    existing.refresh_from_db()
    assert existing.answer == answer
    response = client.post(f"{URL}faq/", {"question": "", "category": "abc", "answer": " "})
    html = response.content.decode()
    assert "请填写问题" in html and "请选择列表中的类别" in html and "请填写解答" in html
    response = client.post(f"{URL}faq/", {"question": "问" * 201, "category": "", "answer": "x"})
    assert "问题不超过 200 字" in response.content.decode() and "请选择类别" in response.content.decode()
    assert Faq.objects.count() == faq_count
