"""Question words (怎么办, 请问, 是不是 …) never count as search words; a query made only of them
shows the reader's usual reading — the most-read cases and the FAQs of the categories they read —
instead of "找到 0 个案例", on the case library, the FAQ page and in the API (docs/rules.md §10)."""

import re

import pytest

from casebank import selectors
from casebank.models import CasePage, Faq
from casebank.search.segment import is_question_only, query_terms

pytestmark = pytest.mark.django_db

QUESTION_ONLY = [
    "怎么办",
    "请问怎么办呢？",
    "该怎么处理",
    "怎样处理",
    "如何",
    "为什么",
    "是不是",
    "能不能",
    "有没有",
    "找谁",
    "吗",
]


@pytest.fixture
def trainee(city_tree, make_worker):
    return make_worker(unit=city_tree["grid_a"])


@pytest.mark.parametrize("query", QUESTION_ONLY)
def test_question_words_alone_are_no_search_words(query):
    assert query_terms(query) == [] and is_question_only(query)


@pytest.mark.parametrize(
    "query, terms",
    [
        ("燃气泄漏怎么处理", ["燃气", "泄漏", "燃气泄漏"]),
        ("请问是不是传销", ["传销"]),
        ("低保能不能补办", ["低保", "补办"]),
        ("吵", ["吵"]),
    ],
)
def test_question_words_drop_out_of_a_real_query(query, terms):
    assert query_terms(query) == terms and not is_question_only(query)


@pytest.mark.parametrize("query", ["", "？？！", "长" * 201])
def test_empty_punctuation_and_long_queries_are_not_question_only(query):
    assert not is_question_only(query)


def _suggestions(html):
    found = re.search(r'<section class="card" data-testid="suggestions">(.*?)</section>', html, re.S)
    assert found, "no suggestions section"
    return found.group(1)


def test_question_words_alone_show_the_readers_usual_cases_and_faqs(client, trainee, small_library):
    gas = CasePage.objects.get(title="小区燃气泄漏的应急疏散")
    client.force_login(trainee.user)
    client.get(gas.url)
    html = client.get("/cases/", {"q": "怎么办"}).content.decode()
    assert "找到 0 个案例" not in html
    block = _suggestions(html)
    assert "只有提问用语" in block
    titles = re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', block)
    # the categories the worker reads: 燃气安全 only
    assert titles == list(CasePage.objects.filter(category=gas.category).values_list("title", flat=True))
    faqs = list(Faq.objects.filter(category=gas.category).values_list("question", flat=True))
    assert faqs and all(question in block for question in faqs)
    assert "发现疑似传销窝点怎么办？" not in block  # a FAQ of a category the worker does not read


def test_a_reader_of_nothing_yet_gets_every_category(client, trainee, small_library):
    client.force_login(trainee.user)
    block = _suggestions(client.get("/cases/", {"q": "请问"}).content.decode())
    titles = re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', block)
    assert len(titles) == min(selectors.SUGGESTIONS, CasePage.objects.live().count())
    assert [f.question for f in selectors.popular_faqs(trainee.user)] == list(
        Faq.objects.order_by("category__order", "order", "pk").values_list("question", flat=True)[
            : selectors.SUGGESTIONS
        ]
    )


def test_the_faq_page_lists_the_faqs_for_question_words_alone(client, trainee, small_library):
    client.force_login(trainee.user)
    html = client.get("/faq/", {"q": "怎么办"}).content.decode()
    assert 'data-testid="question-only"' in html and "没有找到相关问题" not in html
    assert all(q in html for q in Faq.objects.values_list("question", flat=True))


def test_the_api_suggests_cases_for_question_words_alone(client, trainee, small_library):
    client.force_login(trainee.user)
    data = client.get("/api/v1/cases/search", {"q": "怎么办？"}).json()
    assert data["count"] == 0 and data["results"] == []
    assert len(data["suggestions"]) == min(selectors.SUGGESTIONS, CasePage.objects.live().count())
    assert set(data["suggestions"][0]) == {"id", "title", "url", "snippet"}
    data = client.get("/api/v1/cases/search", {"q": "燃气泄漏怎么办"}).json()
    assert data["count"] >= 1 and data["suggestions"] == []
    assert data["results"][0]["title"] == "小区燃气泄漏的应急疏散"


def test_anonymous_readers_get_no_api_answer(client):
    assert client.get("/api/v1/cases/search", {"q": "怎么办"}).status_code in (401, 403)
