"""The search log of docs/rules.md §10: what is logged from the case page, the FAQ page and the API,
what was opened (by the searcher only), and the 180-day pruning."""

import datetime as dt

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from casebank import services
from casebank.models import CasePage, Faq, SearchLog, SearchScope
from casebank.tasks import search_log_prune_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee(city_tree, make_worker):
    return make_worker(unit=city_tree["grid_a"])


@pytest.fixture
def peer(city_tree, make_worker):
    return make_worker(unit=city_tree["grid_a"])


def only_log(**filters) -> SearchLog:
    logs = list(SearchLog.objects.filter(**filters))
    assert len(logs) == 1, logs
    return logs[0]


# --- what is logged ---------------------------------------------------------------------------------


def test_case_page_search_is_logged_with_user_and_result_count(client, trainee, small_library):
    client.force_login(trainee.user)
    html = client.get("/cases/", {"q": "  燃气   泄漏 "}).content.decode()
    log = only_log(user=trainee.user)
    assert log.scope == SearchScope.CASES and log.query == "燃气 泄漏" and log.query_length == 5
    assert log.result_count >= 1 and log.opened_case is None and log.opened_faq is None
    case = CasePage.objects.get(title="小区燃气泄漏的应急疏散")
    assert f"/cases/open/{log.pk}/{case.pk}/" in html  # the result link carries the log id


def test_zero_result_case_search_is_logged_with_zero(client, trainee, small_library):
    client.force_login(trainee.user)
    client.get("/cases/", {"q": "无人机巡查"})
    assert only_log(user=trainee.user).result_count == 0


def test_empty_query_and_browsing_are_not_logged(client, trainee, small_library):
    client.force_login(trainee.user)
    client.get("/cases/")
    client.get("/cases/", {"q": "   ", "category": "燃气安全"})
    client.get("/faq/", {"q": ""})
    client.get("/faq/", {"category": "燃气安全"})
    assert not SearchLog.objects.exists()


def test_query_longer_than_200_characters_keeps_no_text(client, trainee, small_library):
    client.force_login(trainee.user)
    client.get("/cases/", {"q": "燃" * 201})
    log = only_log(user=trainee.user)
    assert log.query == "" and log.query_length == 201
    client.get("/faq/", {"q": "气" * 200})
    exactly_200 = only_log(scope=SearchScope.FAQS)
    assert exactly_200.query == "气" * 200 and exactly_200.query_length == 200


def test_faq_page_search_is_logged_in_the_faq_scope(client, trainee, small_library):
    client.force_login(trainee.user)
    html = client.get("/faq/", {"q": "传销窝点"}).content.decode()
    log = only_log(scope=SearchScope.FAQS)
    assert log.user == trainee.user and log.query == "传销窝点" and log.result_count >= 1
    faq = Faq.objects.get(question="发现疑似传销窝点怎么办？")
    assert f"/faq/helpful/{log.pk}/{faq.pk}/" in html


def test_api_search_is_logged_and_returns_its_id(client, trainee, small_library):
    client.force_login(trainee.user)
    data = client.get("/api/v1/cases/search", {"q": "燃气"}).json()
    log = only_log(user=trainee.user)
    assert data["search_id"] == log.pk and log.result_count == data["count"] >= 1
    assert client.get("/api/v1/cases/search", {"q": ""}).json()["search_id"] is None
    assert SearchLog.objects.count() == 1


def test_filter_changes_within_a_minute_reuse_the_row_keeping_the_larger_count(client, trainee, small_library):
    client.force_login(trainee.user)
    client.get("/cases/", {"q": "燃气"})
    client.get("/cases/", {"q": "燃气", "category": "邻里纠纷"})  # narrowed to nothing
    client.get("/cases/", {"q": "燃气 ", "category": "燃气安全"})
    log = only_log(user=trainee.user)
    assert log.result_count >= 1
    # the FAQ page is another scope, a new query another row
    client.get("/faq/", {"q": "燃气"})
    client.get("/cases/", {"q": "燃气 泄漏"})
    assert SearchLog.objects.filter(user=trainee.user).count() == 3


def test_the_same_query_after_the_window_is_a_new_search(trainee):
    start = timezone.now()
    first = services.search_log_record(
        user=trainee.user, scope=SearchScope.CASES, query="噪音", result_count=2, now=start
    )
    again = services.search_log_record(
        user=trainee.user, scope=SearchScope.CASES, query="噪音", result_count=2, now=start + dt.timedelta(seconds=59)
    )
    later = services.search_log_record(
        user=trainee.user, scope=SearchScope.CASES, query="噪音", result_count=2, now=start + dt.timedelta(seconds=61)
    )
    assert first.pk == again.pk != later.pk


def test_other_users_same_query_is_its_own_row(trainee, peer):
    services.search_log_record(user=trainee.user, scope=SearchScope.CASES, query="噪音", result_count=1)
    services.search_log_record(user=peer.user, scope=SearchScope.CASES, query="噪音", result_count=1)
    assert SearchLog.objects.filter(query="噪音").count() == 2


# --- what was opened --------------------------------------------------------------------------------


def test_opening_a_result_records_the_case_and_shows_it_highlighted(client, trainee, small_library):
    client.force_login(trainee.user)
    client.get("/cases/", {"q": "燃气"})
    log = only_log(user=trainee.user)
    case = CasePage.objects.get(title="小区燃气泄漏的应急疏散")
    response = client.get(f"/cases/open/{log.pk}/{case.pk}/")
    assert response.status_code == 302 and response["Location"].startswith(case.url)
    assert "q=%E7%87%83%E6%B0%94" in response["Location"]
    log.refresh_from_db()
    assert log.opened_case == case


def test_a_peer_cannot_mark_anothers_search(client, trainee, peer, small_library):
    client.force_login(trainee.user)
    client.get("/cases/", {"q": "燃气"})
    log = only_log(user=trainee.user)
    case = CasePage.objects.get(title="小区燃气泄漏的应急疏散")
    faq = Faq.objects.get(question="闻到燃气味道第一步做什么？")
    client.force_login(peer.user)
    assert client.get(f"/cases/open/{log.pk}/{case.pk}/").status_code == 404
    assert client.post(f"/faq/helpful/{log.pk}/{faq.pk}/").status_code == 404
    response = client.post(
        f"/api/v1/cases/search/{log.pk}/opened", {"case_id": case.pk}, content_type="application/json"
    )
    assert response.status_code == 404 and response.json()["detail"] == "未找到这次检索"
    log.refresh_from_db()
    assert log.opened_case is None and log.opened_faq is None


def test_open_links_with_junk_ids_are_404_in_chinese(client, trainee, small_library):
    client.force_login(trainee.user)
    client.get("/cases/", {"q": "燃气"})
    log = only_log(user=trainee.user)
    for path in (
        f"/cases/open/{log.pk}/99999/",
        "/cases/open/99999/1/",
        f"/cases/open/{log.pk}/99999999999999999999999/",
        "/cases/open/99999999999999999999999/1/",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "页面不存在" in response.content.decode() or "未找到" in response.content.decode()
    assert client.get(f"/cases/open/{log.pk}/abc/").status_code == 404


def test_open_requires_login(client, trainee, small_library):
    log = services.search_log_record(user=trainee.user, scope=SearchScope.CASES, query="燃气", result_count=1)
    case = CasePage.objects.first()
    response = client.get(f"/cases/open/{log.pk}/{case.pk}/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_faq_helpful_records_the_faq(client, trainee, small_library):
    client.force_login(trainee.user)
    client.get("/faq/", {"q": "燃气 味道"})
    log = only_log(scope=SearchScope.FAQS)
    faq = Faq.objects.get(question="闻到燃气味道第一步做什么？")
    assert client.get(f"/faq/helpful/{log.pk}/{faq.pk}/").status_code == 405  # a click, not a link
    response = client.post(f"/faq/helpful/{log.pk}/{faq.pk}/", follow=True)
    assert "感谢反馈" in response.content.decode()
    log.refresh_from_db()
    assert log.opened_faq == faq


def test_api_client_reports_an_open(client, trainee, small_library):
    client.force_login(trainee.user)
    data = client.get("/api/v1/cases/search", {"q": "燃气"}).json()
    case_id = data["results"][0]["id"]
    url = f"/api/v1/cases/search/{data['search_id']}/opened"
    response = client.post(url, {"case_id": case_id}, content_type="application/json")
    assert response.status_code == 200 and response.json() == {"search_id": data["search_id"], "case_id": case_id}
    assert SearchLog.objects.get(pk=data["search_id"]).opened_case_id == case_id
    missing = client.post(url, {"case_id": 99999}, content_type="application/json")
    assert missing.status_code == 404 and missing.json()["detail"] == "未找到该案例"
    junk = client.post(url, {"case_id": "abc"}, content_type="application/json")
    assert junk.status_code == 422


# --- pruning ----------------------------------------------------------------------------------------


def _log_aged(user, days: float) -> SearchLog:
    return SearchLog.objects.create(
        user=user,
        query=f"{days}天前",
        query_length=4,
        result_count=0,
        created_at=timezone.now() - dt.timedelta(days=days),
    )


def test_prune_deletes_181_day_old_rows_and_keeps_179_day_old_ones(trainee):
    old = _log_aged(trainee.user, 181)
    kept = _log_aged(trainee.user, 179)
    assert services.search_log_prune() == 1
    assert not SearchLog.objects.filter(pk=old.pk).exists()
    assert SearchLog.objects.filter(pk=kept.pk).exists()


def test_prune_follows_the_setting(settings, trainee):
    settings.SEARCH_LOG_KEEP_DAYS = 30
    _log_aged(trainee.user, 31)
    kept = _log_aged(trainee.user, 29)
    assert services.search_log_prune() == 1
    assert list(SearchLog.objects.values_list("pk", flat=True)) == [kept.pk]


def test_the_task_runs_the_prune(trainee):
    _log_aged(trainee.user, 200)
    kept = _log_aged(trainee.user, 1)
    assert search_log_prune_task.name == "casebank.search_log_prune"
    assert search_log_prune_task() == 1
    assert list(SearchLog.objects.values_list("pk", flat=True)) == [kept.pk]


def test_beat_runs_the_prune_daily_after_migrate():
    task = PeriodicTask.objects.get(task="casebank.search_log_prune")
    assert task.enabled and task.crontab.hour == "3" and task.crontab.minute == "30"
    assert str(task.crontab.timezone) == "Asia/Shanghai"


def test_a_deleted_user_leaves_an_anonymous_row(trainee):
    log = services.search_log_record(user=trainee.user, scope=SearchScope.CASES, query="噪音", result_count=1)
    trainee.user.delete()
    log.refresh_from_db()
    assert log.user is None and log.query == "噪音"


def test_phone_and_id_numbers_are_not_kept_in_the_log(client, trainee, small_library):
    client.force_login(trainee.user)
    client.get("/cases/", {"q": "13812345678 家里燃气 110101199001011234"})
    log = only_log(user=trainee.user)
    assert "13812345678" not in log.query and "110101199001011234" not in log.query
    assert log.query == "〔号码〕 家里燃气 〔号码〕"
    client.get("/cases/", {"q": "3号楼 502室"})
    assert SearchLog.objects.filter(user=trainee.user, query="3号楼 502室").exists()


def test_demo_searches_fill_both_insight_tables_once(demo_library, city_tree, make_worker):
    from casebank import demo, selectors

    for number in range(1, 11):
        make_worker(unit=city_tree["grid_a"], employee_no=f"wg9{number:03d}")
    written = demo._searches()
    assert written == sum(times for _, times in demo.DEMO_SEARCHES)
    insights = selectors.search_insights(days=30)
    zero = {row["query"] for row in insights["zero_result"]}
    assert {"预付卡跑路", "快递柜", "外卖骑手"} <= zero and "燃气" not in zero
    assert SearchLog.objects.exclude(opened_case=None).exists()
    assert insights["no_click"]
    assert demo._searches() == 0  # a second demo load adds nothing
