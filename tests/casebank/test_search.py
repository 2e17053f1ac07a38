"""Chinese search: a labelled set of queries against the demo cases (recall@5 ≥ 0.9 on whichever
database runs the suite — CI runs it on SQLite and on PostgreSQL), one-character queries, ranking
rules, bad queries, and Wagtail's own search API finding Chinese words."""

import time

import pytest
from wagtail.search.backends import get_search_backend

from casebank import selectors, services
from casebank.models import CaseCategory, CasePage, Faq
from casebank.search.segment import query_terms, segment_for_index

pytestmark = pytest.mark.django_db

# query → titles of which at least one must come back in the top 5 (each query counts once)
LABELLED = [
    # two-character words, alone
    ("纠纷", ["楼上漏水引发的邻里纠纷调解", "公共楼道堆放杂物引起的邻里纠纷", "租户与房东押金纠纷"]),
    ("漏水", ["楼上漏水引发的邻里纠纷调解"]),
    ("传销", ["发现疑似传销窝点后的报告与配合"]),
    ("燃气", ["小区燃气泄漏的应急疏散"]),
    ("赡养", ["子女不赡养老人的调解"]),
    ("押金", ["租户与房东押金纠纷"]),
    ("瓷砖", ["如何处理高空抛物：3号楼连续掉落瓷砖的真相"]),
    ("低保", ["低保家庭动态复核中的精准服务"]),
    ("医保", ["政策咨询：居民医保缴费的解答"]),
    ("电梯", ["政策咨询：老旧小区加装电梯的流程"]),
    ("暴雨", ["暴雨天气地下室进水的应急处置"]),
    ("路灯", ["夜间路灯损坏导致老人摔倒"]),
    # two-character words inside long sentences
    ("楼上邻居家的卫生间一直漏水把我家天花板泡坏了该找谁", ["楼上漏水引发的邻里纠纷调解"]),
    ("我们小区有一套出租房里住了很多年轻人天天喊口号是不是传销", ["发现疑似传销窝点后的报告与配合"]),
    ("楼道里闻到很重的燃气味道第一步应该怎么处理", ["小区燃气泄漏的应急疏散"]),
    ("隔壁老人好几天没出门电话也打不通我很担心", ["独居老人突发疾病的紧急救助"]),
    ("晚上十二点以后楼上还在拖家具跳来跳去吵得睡不着", ["居民投诉楼上深夜噪音扰民"]),
    ("电动车推进楼道里充电会不会有危险", ["电动自行车楼道充电的消防隐患"]),
    ("老人被推销保健品骗走了积蓄家属该怎么办", ["独居老人遭遇保健品推销的劝阻"]),
    ("小区的消防通道总是被私家车占着救护车进不来", ["消防通道被占用的清理"]),
    # multi-word queries
    ("高空抛物 监控", ["高空抛物伤车事件中的劝导与取证"]),
    ("家暴 妇联", ["夫妻争吵中的家暴苗头及时干预"]),
    ("广场舞 音量", ["广场舞音响音量过大的协调"]),
    ("装修 噪音", ["装修施工噪音超时的处理"]),
    ("残疾人 无障碍", ["残疾人家庭无障碍改造的协调"]),
    ("流浪犬 疫苗", ["流浪犬伤人事件处理"]),
    ("智能手机 老人", ["空巢老人智能手机使用帮扶"]),
    ("垃圾 清运", ["楼道垃圾清运不及时的整改"]),
    ("数据分析 上报", ["利用网格平台数据发现问题高发点", "如何处理高空抛物：3号楼连续掉落瓷砖的真相"]),
    # one-character queries
    ("吵", ["两户人家因为孩子打架吵架的调解", "夫妻争吵中的家暴苗头及时干预"]),
    ("狗", ["宠物狗扰邻的调解经过"]),
    ("菜", ["小区绿化带被私自开荒种菜的处理"]),
    ("婆", ["婆媳矛盾升级后的家庭调解"]),
    ("犬", ["流浪犬伤人事件处理", "宠物狗扰邻的调解经过"]),
]


def test_labelled_queries_recall_at_5(demo_library):
    assert len(LABELLED) >= 30
    misses = []
    for query, expected in LABELLED:
        _, hits = selectors.search_cases(query, limit=5)
        titles = [h.title for h in hits]
        if not set(expected) & set(titles):
            misses.append((query, titles))
    recall = 1 - len(misses) / len(LABELLED)
    assert recall >= 0.9, misses
    # the aim is all of them; print what missed so a change in ranking is visible
    print(f"recall@5 = {recall:.3f}; misses: {misses}")


def test_one_character_query_filters_and_snippets_on_the_demo(demo_library):
    # one character finds the words that contain it, wherever it sits in them
    count, hits = selectors.search_cases("吵", limit=20)
    titles = [h.title for h in hits]
    assert "两户人家因为孩子打架吵架的调解" in titles  # 吵架
    assert "夫妻争吵中的家暴苗头及时干预" in titles  # 争吵: the character at the end of a word
    assert count == len(hits)
    # filters by category and by indicator
    _, hits = selectors.search_cases("老人", category="独居老人", limit=50)
    assert hits and {h.obj.category.name for h in hits} == {"独居老人"}
    _, hits = selectors.search_cases("老人", indicator="3.2", limit=50)
    assert hits and all("3.2" in set(h.obj.indicators.values_list("code", flat=True)) for h in hits)
    assert selectors.search_cases("老人", category="没有的类别")[0] == 0
    # a highlighted snippet around the word
    _, hits = selectors.search_cases("闭水试验")
    assert hits[0].title == "楼上漏水引发的邻里纠纷调解"
    assert "<mark>闭水</mark>" in hits[0].snippet_html or "<mark>闭水试验</mark>" in hits[0].snippet_html
    assert "闭水试验" in hits[0].snippet and "<" not in hits[0].snippet


def _case(title, problem, category="邻里纠纷", day="2026-01-05"):
    import datetime as dt

    page, _ = services.case_publish(
        data=services.CaseData(
            title=title,
            category=CaseCategory.objects.get(name=category),
            problem=problem,
            handling="网格员上门处理。",
            case_date=dt.date.fromisoformat(day),
        )
    )
    return page


def test_title_match_ranks_above_body_match():
    body_only = _case("一次普通的入户走访", "走访中居民提到与邻居的排水管纠纷，纠纷已经持续半年，纠纷双方都很激动。")
    in_title = _case("排水管纠纷的化解", "两户居民对排水管维修费用分担有不同意见。")
    _, hits = selectors.search_cases("纠纷")
    assert [h.id for h in hits[:2]] == [in_title.pk, body_only.pk]


def test_more_and_rarer_matches_rank_higher():
    common = _case("社区工作记录一", "居民反映问题，网格员处理。")
    rare = _case("社区工作记录二", "居民反映窨井盖缺失，网格员处理。")
    both = _case("社区工作记录三", "居民反映窨井盖缺失和路面塌陷，网格员处理。")
    _, hits = selectors.search_cases("居民 窨井盖 塌陷")
    assert [h.id for h in hits] == [both.pk, rare.pk, common.pk]


@pytest.mark.parametrize(
    "query", ["！！！？？。。，", "...---***", "   ", "纠" * 500, "邻里纠纷" * 125, '"OR" AND NOT (*)']
)
def test_bad_queries_answer_quickly_with_nothing(query):
    _case("邻里纠纷的调解", "两户居民因为漏水发生纠纷。")
    started = time.perf_counter()
    count, hits = selectors.search_cases(query)
    assert (count, hits) == (0, [])
    assert time.perf_counter() - started < 0.5


def test_wagtail_search_api_finds_chinese_words():
    _case("某小区邻里纠纷调解案例", "两户居民因为漏水吵架。")
    backend = get_search_backend()
    assert [p.title for p in backend.search("纠纷", CasePage)] == ["某小区邻里纠纷调解案例"]
    assert [p.title for p in CasePage.objects.live().search("吵")] == ["某小区邻里纠纷调解案例"]
    assert list(backend.search("！？", CasePage)) == []


def test_faqs_are_searched_with_the_same_engine(demo_library):
    assert Faq.objects.count() == 30
    _, hits = selectors.search_faqs("闻到燃气味道")
    assert hits[0].title == "闻到燃气味道第一步做什么？"
    _, hits = selectors.search_faqs("传销", category="传销线索")
    assert {h.obj.category.name for h in hits} == {"传销线索"} and len(hits) == 2


def test_an_edited_case_is_reindexed():
    page = _case("绿化带问题", "有居民在绿化带里种菜。")
    assert selectors.search_cases("种菜")[0] == 1
    page.problem = "有居民在绿化带里晾晒被褥。"
    page.save_revision().publish()
    assert selectors.search_cases("种菜")[0] == 0
    assert selectors.search_cases("被褥")[0] == 1


def test_segmentation_helpers():
    indexed = segment_for_index("邻里纠纷调解")
    assert set(indexed.split()) >= {"邻里", "纠纷", "调解", "邻", "里", "纠", "纷"}
    assert query_terms("怎么处理邻里纠纷？") == ["邻里", "纠纷", "邻里纠纷"]  # 怎么处理 is a question phrase
    assert query_terms("，。！") == [] and query_terms("字" * 201) == []
