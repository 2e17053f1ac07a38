"""The resident survey (群众评价): public links, the form's refusals, once a month per device, the burst
rule and its review, the evidence written, the QR card and who may open what."""

import datetime as dt
import re
import subprocess
from decimal import Decimal

import pytest
from django.core import signing
from django.utils import timezone

from assessments.models import Evidence, EvidenceSource, SurveyResponse, SurveyStatus
from assessments.services import surveys
from assessments.views.surveys import DEVICE_COOKIE
from lms import roles
from lms.models import Notification
from tests.browser import login

pytestmark = pytest.mark.django_db

GOOD = {"policy": "5", "patience": "4", "closure": "3", "calm": "2", "aware": "是", "comment": "很耐心"}
PHONE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)"


@pytest.fixture
def people(city_tree, make_worker):
    return {
        "worker": make_worker(unit=city_tree["grid_a"]),
        "peer": make_worker(unit=city_tree["grid_a"]),
        "trainer": make_worker(unit=city_tree["street_a"], role_codes={roles.TRAINER}),
        "manager": make_worker(unit=city_tree["street_a"], role_codes={roles.MANAGER}),
        "other_manager": make_worker(unit=city_tree["street_b"], role_codes={roles.MANAGER}),
    }


def link(worker):
    return surveys.survey_url(worker)


def answer(client, worker, data=GOOD, *, ip="10.0.0.1", ua=PHONE_UA):
    return client.post(link(worker), data, REMOTE_ADDR=ip, HTTP_USER_AGENT=ua)


def evidence_of(worker):
    return Evidence.objects.filter(worker=worker, source=EvidenceSource.SURVEY)


def submit(worker, *, device, ip="10.0.0.1", ua=PHONE_UA, now=None, answers=None):
    return surveys.survey_submit(
        worker=worker,
        answers=answers or GOOD,
        comment="",
        device_id=device,
        address=ip,
        user_agent=ua,
        now=now,
    )


# --- the form -------------------------------------------------------------------------------------


def test_a_resident_answers_without_logging_in_and_five_evidence_rows_are_written(client, people):
    worker = people["worker"]
    form = client.get(link(worker), REMOTE_ADDR="10.0.0.1", HTTP_USER_AGENT=PHONE_UA)
    page = form.content.decode()
    assert form.status_code == 200 and worker.name in page
    assert page.count('class="star-row"') == 4 and "您是否了解近期的惠民政策" in page
    assert DEVICE_COOKIE in form.cookies
    response = answer(client, worker)
    assert response.status_code == 302 and response.url.endswith("/thanks/")
    assert "感谢您的评价" in client.get(response.url).content.decode()
    survey = SurveyResponse.objects.get()
    assert survey.status == SurveyStatus.COUNTED
    assert survey.answers == {"policy": 5, "patience": 4, "closure": 3, "calm": 2, "aware": "是"}
    assert survey.comment == "很耐心"
    assert survey.month == timezone.localdate().replace(day=1)
    scores = {e.indicator.code: e.score for e in evidence_of(worker)}
    # 5×20, 4×20, 3×20, 2×20; 是 → 100
    assert scores == {
        "1.2": Decimal("100"),
        "2.1": Decimal("80"),
        "3.3": Decimal("60"),
        "5.2": Decimal("40"),
        "1.4": Decimal("100"),
    }
    for e in evidence_of(worker):
        assert e.occurred_on == timezone.localdate(survey.submitted_at)
        assert (e.source_type, e.source_id) == ("assessments.surveyresponse", str(survey.pk))


def test_no_scores_zero_evidence_for_the_yes_no_item(people):
    submit(people["worker"], device="d-no", answers={**GOOD, "aware": "否"})
    assert evidence_of(people["worker"]).get(indicator__code="1.4").score == Decimal("0")


def test_the_raw_address_is_never_stored(people):
    response = submit(people["worker"], device="device-1", ip="203.0.113.77").response
    stored = " ".join(str(v) for v in SurveyResponse.objects.values().get(pk=response.pk).values())
    assert "203.0.113.77" not in stored and "device-1" not in stored
    assert len(response.address_key) == 64 and len(response.device_key) == 64


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"patience": "6"}, "patience", "的评分应为 1–5 星"),
        ({"patience": "0"}, "patience", "的评分应为 1–5 星"),
        ({"policy": "abc"}, "policy", "的评分应为 1–5 星"),
        ({"closure": ""}, "closure", "请为“您向网格员反映的问题，办得及时吗？”选择星级"),
        ({"aware": "也许"}, "aware", "请选择“是”或“否”"),
        ({"aware": ""}, "aware", "请回答“您是否了解近期的惠民政策？”"),
        ({"comment": "长" * 201}, "comment", "意见建议不能超过 200 字"),
    ],
)
def test_a_bad_answer_shows_the_form_again_and_saves_nothing(client, people, change, field, message):
    response = answer(client, people["worker"], {**GOOD, **change})
    assert response.status_code == 400
    page = response.content.decode()
    assert f'data-testid="error-{field}"' in page and message in page
    assert not SurveyResponse.objects.exists() and not Evidence.objects.exists()


def test_a_comment_of_200_characters_is_accepted_and_the_comment_is_optional(client, people):
    assert answer(client, people["worker"], {**GOOD, "comment": "好" * 200}).status_code == 302
    assert answer(client, people["peer"], {k: v for k, v in GOOD.items() if k != "comment"}).status_code == 302
    assert SurveyResponse.objects.count() == 2


# --- links ----------------------------------------------------------------------------------------


def test_a_forged_link_is_invalid(client, people):
    worker = people["worker"]
    genuine = surveys.survey_token(worker)
    forged = signing.dumps(people["peer"].pk, salt="another-salt")
    tampered = genuine[:-3] + ("aaa" if genuine[-3:] != "aaa" else "bbb")
    for token in (forged, tampered, "nonsense", signing.dumps("x", salt=surveys.TOKEN_SALT)):
        response = client.get(f"/s/{token}/")
        assert response.status_code == 404 and "链接无效" in response.content.decode(), token
        assert client.post(f"/s/{token}/", GOOD).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_a_link_of_a_removed_worker_is_invalid(client, people):
    worker = people["peer"]
    url = link(worker)
    worker.user.delete()  # cascades to the worker
    assert client.get(url).status_code == 404


def test_an_expired_link(client, people, settings, monkeypatch):
    worker = people["worker"]
    settings.SURVEY_LINK_MAX_AGE_DAYS = 400
    made = timezone.now() - dt.timedelta(days=401)
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(int(made.timestamp())))
    old = link(worker)
    monkeypatch.undo()
    response = client.get(old)
    assert response.status_code == 410 and "链接已过期" in response.content.decode()
    assert client.post(old, GOOD).status_code == 410
    assert not SurveyResponse.objects.exists()
    settings.SURVEY_LINK_MAX_AGE_DAYS = 402  # the same link within a longer validity still works
    assert client.get(old).status_code == 200


# --- once a month ---------------------------------------------------------------------------------


def test_the_same_cookie_answers_once_a_month_even_from_another_address(client, people):
    worker = people["worker"]
    assert answer(client, worker, ip="10.0.0.1").status_code == 302
    again = answer(client, worker, ip="10.9.9.9", ua="Another browser")  # same cookie jar
    assert again.status_code == 200 and "本月已经评价过，感谢您的参与" in again.content.decode()
    assert "本月已经评价过" in client.get(link(worker), REMOTE_ADDR="10.8.8.8").content.decode()
    assert SurveyResponse.objects.count() == 1 and evidence_of(worker).count() == 5


def test_the_same_address_and_browser_answers_once_a_month_even_without_the_cookie(client, people):
    worker = people["worker"]
    assert answer(client, worker).status_code == 302
    client.cookies.clear()
    again = answer(client, worker)
    assert "本月已经评价过，感谢您的参与" in again.content.decode()
    assert SurveyResponse.objects.count() == 1
    client.cookies.clear()  # same address, another browser: a different resident behind one router
    assert answer(client, worker, ua="Mozilla/5.0 (Linux; Android 14)").status_code == 302
    assert SurveyResponse.objects.count() == 2


def test_the_rule_is_per_worker(client, people):
    assert answer(client, people["worker"]).status_code == 302
    assert answer(client, people["peer"]).status_code == 302
    assert SurveyResponse.objects.count() == 2


def test_a_new_month_is_allowed(people):
    worker = people["worker"]
    may_31 = timezone.make_aware(dt.datetime(2026, 5, 31, 20, 0))
    june_1 = timezone.make_aware(dt.datetime(2026, 6, 1, 9, 0))
    assert submit(worker, device="phone", now=may_31).status == "counted"
    assert submit(worker, device="phone", now=may_31 + dt.timedelta(hours=1)).status == "duplicate"
    assert submit(worker, device="phone", now=june_1).status == "counted"
    assert list(SurveyResponse.objects.order_by("month").values_list("month", flat=True)) == [
        dt.date(2026, 5, 1),
        dt.date(2026, 6, 1),
    ]
    # evidence dated the submission day
    assert set(evidence_of(worker).values_list("occurred_on", flat=True)) == {dt.date(2026, 5, 31), dt.date(2026, 6, 1)}


# --- bursts ---------------------------------------------------------------------------------------


def burst(worker, count, *, start, ip="10.1.1.1"):
    """`count` answers for `worker` from one address, a minute apart, each from its own phone."""
    return [
        submit(worker, device=f"phone-{i}", ip=ip, ua=f"UA {i}", now=start + dt.timedelta(minutes=i))
        for i in range(count)
    ]


def test_ten_from_one_address_count_the_eleventh_is_held_and_staff_are_told_once_a_day(people):
    worker = people["worker"]
    start = timezone.now() - dt.timedelta(minutes=30)
    outcomes = burst(worker, 12, start=start)
    assert [o.status for o in outcomes] == ["counted"] * 10 + ["held"] * 2
    assert evidence_of(worker).count() == 10 * 5  # nothing for the held ones
    held = SurveyResponse.objects.filter(status=SurveyStatus.HELD)
    assert held.count() == 2
    notified = set(Notification.objects.values_list("recipient__username", flat=True))
    assert notified == {people["trainer"].employee_no, people["manager"].employee_no}  # not street B, not peers
    assert Notification.objects.count() == 2  # two held answers, one message each per day
    # another address is not affected
    assert submit(worker, device="elsewhere", ip="10.2.2.2", now=start + dt.timedelta(minutes=13)).status == "counted"


def test_the_hour_is_a_sliding_window(people):
    worker = people["worker"]
    start = timezone.now() - dt.timedelta(hours=3)
    burst(worker, 10, start=start)  # minutes 0..9
    # at minute 59 all 10 fall within the last hour: held
    assert submit(worker, device="m59", ip="10.1.1.1", ua="m59", now=start + dt.timedelta(minutes=59)).status == "held"
    # at minute 61 the hour (minute 1, minute 61] holds minutes 2..9 (8) and 59 (1) = 9 < 10: counted
    assert submit(worker, device="m61", ip="10.1.1.1", ua="m61", now=start + dt.timedelta(minutes=61)).status == (
        "counted"
    )


def test_release_writes_evidence_with_the_answers_date_and_reject_does_not(client, people):
    worker = people["worker"]
    start = timezone.now() - dt.timedelta(days=3)
    outcomes = burst(worker, 12, start=start)
    first, second = outcomes[10].response, outcomes[11].response
    manager = people["manager"]
    client.force_login(manager.user)
    page = client.get("/competency/survey/review/").content.decode()
    assert f'data-testid="held-{first.pk}"' in page and f'data-testid="held-{second.pk}"' in page

    assert client.post(f"/competency/survey/review/{first.pk}/", {"action": "release"}).status_code == 302
    first.refresh_from_db()
    assert first.status == SurveyStatus.RELEASED and first.reviewed_by == manager.user
    released = Evidence.objects.filter(source_type="assessments.surveyresponse", source_id=str(first.pk))
    assert released.count() == 5
    assert {e.occurred_on for e in released} == {timezone.localdate(first.submitted_at)}

    assert client.post(f"/competency/survey/review/{second.pk}/", {"action": "reject"}).status_code == 302
    second.refresh_from_db()
    assert second.status == SurveyStatus.REJECTED
    assert not Evidence.objects.filter(source_id=str(second.pk), source_type="assessments.surveyresponse").exists()
    assert evidence_of(worker).count() == 11 * 5

    # decided answers cannot be decided again
    client.post(f"/competency/survey/review/{first.pk}/", {"action": "reject"})
    first.refresh_from_db()
    assert first.status == SurveyStatus.RELEASED
    with pytest.raises(surveys.SurveyReviewRefused):
        surveys.survey_response_reject(reviewer=manager.user, response=first)


def test_review_page_scoping(client, people, make_worker, city_tree):
    worker = people["worker"]
    held = burst(worker, 11, start=timezone.now() - dt.timedelta(minutes=20))[-1].response
    url = f"/competency/survey/review/{held.pk}/"
    # another street's manager sees none of it and cannot decide it
    client.force_login(people["other_manager"].user)
    assert f"held-{held.pk}" not in client.get("/competency/survey/review/").content.decode()
    assert client.post(url, {"action": "release"}).status_code == 404
    # workers (the rated one and a peer) have no review page
    for who in ("worker", "peer"):
        client.force_login(people[who].user)
        assert client.get("/competency/survey/review/").status_code == 404
        assert client.post(url, {"action": "release"}).status_code == 404
    held.refresh_from_db()
    assert held.status == SurveyStatus.HELD
    # the trainer of the street sees it; a junk worker filter gets a Chinese notice, not a 500
    client.force_login(people["trainer"].user)
    page = client.get("/competency/survey/review/?worker=%3Cjunk%3E").content.decode()
    assert "不在您的辖区内或不存在" in page and f"held-{held.pk}" in page
    assert client.get("/competency/survey/review/?page=abc").status_code == 200
    assert client.post(url, {"action": "explode"}).status_code == 302
    held.refresh_from_db()
    assert held.status == SurveyStatus.HELD


def test_the_managers_overview_shows_held_answers_of_the_subtree_only(client, people):
    burst(people["worker"], 11, start=timezone.now() - dt.timedelta(minutes=20))
    client.force_login(people["manager"].user)
    assert 'data-testid="survey-review-link"' in client.get("/overview/").content.decode()
    client.force_login(people["other_manager"].user)
    assert 'data-testid="survey-review-link"' not in client.get("/overview/").content.decode()


# --- the card -------------------------------------------------------------------------------------


def test_the_worker_opens_their_card_with_the_months_count_and_averages(client, people):
    worker = people["worker"]
    submit(worker, device="a", answers={**GOOD, "patience": "5", "aware": "是"})
    submit(worker, device="b", ip="10.0.0.2", answers={**GOOD, "patience": "2", "aware": "否"})
    client.force_login(worker.user)
    assert client.get("/competency/survey/card/").url == f"/competency/survey/card/{worker.employee_no}/"
    page = client.get(f"/competency/survey/card/{worker.employee_no}/").content.decode()
    assert 'data-testid="survey-count">2<' in page
    assert "3.50 星" in page  # 2.1: (5 + 2) / 2
    assert "50.00% 回答“是”" in page  # 1 of 2
    assert "/s/" in page and "<svg" in page
    assert "很耐心" not in page and "10.0.0.2" not in page  # no comments, nothing about who answered


def test_card_month_parameter_is_validated(client, people):
    worker = people["worker"]
    client.force_login(worker.user)
    for junk in ("2026-13", "abc", "1999-01", "2026-5x"):
        response = client.get(f"/competency/survey/card/{worker.employee_no}/?month={junk}")
        assert response.status_code == 400 and "格式不对" in response.content.decode()
    assert client.get(f"/competency/survey/card/{worker.employee_no}/?month=2026-01").status_code == 200


def test_card_access(client, people):
    worker = people["worker"]
    url = f"/competency/survey/card/{worker.employee_no}/"
    for who, status in (("worker", 200), ("manager", 200), ("trainer", 200), ("peer", 404), ("other_manager", 404)):
        client.force_login(people[who].user)
        assert client.get(url).status_code == status, who
        if status == 404:
            assert client.get(url + "card.pdf").status_code == 404, who
    client.logout()
    assert client.get(url).status_code == 302
    assert client.get(url + "card.pdf").status_code == 302


def test_the_card_pdf_is_a6_with_name_grid_and_link(client, people, tmp_path):
    worker = people["worker"]
    client.force_login(worker.user)
    response = client.get(f"/competency/survey/card/{worker.employee_no}/card.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    # A6 is 105 × 148 mm = 297.64 × 419.53 pt
    assert re.search(r"Pages:\s+1\n", info) and "297.638 x 419.528 pts" in info
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert worker.name in text and worker.org_unit.name in text and "扫描" in text


def test_trainee_home_links_to_my_card(client, people):
    client.force_login(people["worker"].user)
    assert 'href="/competency/survey/card/"' in client.get("/me/").content.decode()


# --- on a phone -----------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_resident_scans_the_card_answers_on_a_phone_and_21_grows(phone_page, live_server, people, tmp_path):
    worker = people["worker"]
    before = Evidence.objects.filter(worker=worker, indicator__code="2.1", source=EvidenceSource.SURVEY).count()
    page = phone_page
    page.goto(live_server.url + link(worker))  # no login
    assert page.inner_text("[data-testid=survey-worker]") == worker.name
    # submitting with an item missing shows the form again with a Chinese message
    page.click("label[for=policy-5]")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=error-patience]")
    assert "选择星级" in page.inner_text("[data-testid=error-patience]")
    assert page.is_checked("#policy-5")  # what was answered is kept
    page.click("label[for=patience-4]")
    page.click("label[for=closure-5]")
    page.click("label[for=calm-3]")
    page.click("label[for=aware-1]")  # 是
    page.fill("#comment", "上门很及时")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(tmp_path / "survey-form.png"), full_page=True)
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=thanks]")
    assert "感谢您的评价" in page.inner_text("[data-testid=thanks]")
    after = Evidence.objects.filter(worker=worker, indicator__code="2.1", source=EvidenceSource.SURVEY)
    assert after.count() == before + 1
    assert after.get().score == Decimal("80")  # 4 stars × 20
    # the same phone coming back this month
    page.goto(live_server.url + link(worker))
    assert "本月已经评价过，感谢您的参与" in page.inner_text("[data-testid=already]")
    # the worker's profile explains 2.1 with the new 群众评价 answer (one of the five it needs)
    login(page, live_server.url, worker.employee_no, "Test@12345")
    year = timezone.localdate().year
    page.goto(f"{live_server.url}/competency/{worker.employee_no}/{year}/2.1/")
    row = "[data-testid='source-群众评价']"
    assert page.inner_text(f"{row} td[data-label='证据条数']").strip() == str(before + 1)
    assert "不足 5 条" in page.inner_text(row)
