"""Guidance sessions: the mentor logs, the mentee confirms or disputes, the mentor rates; pages and
API; every refusal and who-sees-what rule (docs/rules.md 12, docs/api.md)."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.mentorship import services
from assessments.mentorship.models import GuidanceSession
from assessments.mentorship.services import MentorshipError
from assessments.models import Evidence
from lms.models import Notification

API = "/api/v1/mentorship/sessions"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def term(people, make_term):
    return make_term(people["mentor"], people["mentee"])


def log(people, term, **overrides):
    values = dict(
        mentor_user=people["mentor"].user,
        mentee=term.mentee,
        date=term.start + dt.timedelta(days=1),
        type="入户走访",
        minutes=45,
        place="幸福小区3栋",
        indicators=["2.1", "3.4"],
    )
    values.update(overrides)
    return services.session_log(**values)


def post_json(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


# --- logging ----------------------------------------------------------------------------------------


def test_log_by_service(people, term):
    session = log(people, term, indicators=["3.4", "2.1", "2.1"])
    assert (session.status, session.term, session.indicators) == ("待确认", term, ["2.1", "3.4"])


def test_log_refusals(people, term, today):
    with pytest.raises(MentorshipError, match="不能晚于今天"):
        log(people, term, date=today + dt.timedelta(days=1))
    with pytest.raises(MentorshipError, match="不在帮带期内"):
        log(people, term, date=term.start - dt.timedelta(days=1))
    with pytest.raises(MentorshipError, match="未知的能力指标"):
        log(people, term, indicators=["9.9"])
    with pytest.raises(LookupError):  # a stranger
        log(people, term, mentee=people["mentee2"])
    with pytest.raises(LookupError):  # a peer mentor for someone else's mentee
        log(people, term, mentor_user=people["mentor2"].user)
    assert not GuidanceSession.objects.exists()


def test_phone_page_logs_with_photo_in_private_storage(client, people, term, today, private_media):
    client.force_login(people["mentor"].user)
    page = client.get(reverse("mentorship:session_new"))
    assert page.status_code == 200 and f'value="{today:%Y-%m-%d}"' in page.content.decode()
    response = client.post(
        reverse("mentorship:session_new"),
        {
            "mentee": people["mentee"].employee_no,
            "date": today,
            "type": "入户走访",
            "minutes": 30,
            "place": "3栋",
            "indicators": ["2.1"],
            "notes": "示范入户沟通",
            "photo": SimpleUploadedFile("visit.png", PNG, content_type="image/png"),
        },
    )
    session = GuidanceSession.objects.get()
    assert response.status_code == 302 and response.url == reverse("mentorship:session", args=[session.pk])
    assert session.photo.name.startswith("mentorship/") and (private_media / session.photo.name).exists()
    photo_url = reverse("mentorship:session_photo", args=[session.pk])
    assert client.get(photo_url).status_code == 200
    client.force_login(people["mentee"].user)
    assert client.get(photo_url).status_code == 200
    client.force_login(people["mentor2"].user)
    assert client.get(photo_url).status_code == 404


def test_phone_page_refuses_future_and_outside_with_a_message(client, people, term, today):
    client.force_login(people["mentor"].user)
    base = {"mentee": people["mentee"].employee_no, "type": "入户走访", "minutes": 30, "place": "3栋"}
    page = client.post(reverse("mentorship:session_new"), {**base, "date": today + dt.timedelta(days=2)})
    assert page.status_code == 200 and "日期不能晚于今天" in page.content.decode()
    page = client.post(reverse("mentorship:session_new"), {**base, "date": term.start - dt.timedelta(days=3)})
    assert "日期不在帮带期内" in page.content.decode()
    page = client.post(
        reverse("mentorship:session_new"), {**base, "mentee": people["mentee2"].employee_no, "date": today}
    )
    assert page.status_code == 200 and "mentee" in page.context["form"].errors  # not among the choices
    assert not GuidanceSession.objects.exists()


def test_page_without_mentees(client, people):
    client.force_login(people["plain"].user)
    page = client.get(reverse("mentorship:session_new"))
    assert "没有正在带教的徒弟" in page.content.decode()


# --- API --------------------------------------------------------------------------------------------


def test_api_create_and_confirm(client, people, term, today):
    client.force_login(people["mentor"].user)
    body = {
        "mentee": people["mentee"].employee_no,
        "date": f"{today:%Y-%m-%d}",
        "type": "入户走访",
        "minutes": 40,
        "place": "5栋",
        "indicators": ["3.1"],
        "notes": "",
    }
    response = post_json(client, API, body)
    assert response.status_code == 201
    session_id = response.json()["id"]
    assert response.json() == {"id": session_id, "status": "待确认"}

    future = post_json(client, API, {**body, "date": f"{today + dt.timedelta(days=1):%Y-%m-%d}"})
    assert future.status_code == 400 and future.json() == {"detail": "日期不能晚于今天", "code": "invalid"}
    outside = post_json(client, API, {**body, "date": f"{term.start - dt.timedelta(days=1):%Y-%m-%d}"})
    assert outside.status_code == 400 and "不在帮带期内" in outside.json()["detail"]
    stranger = post_json(client, API, {**body, "mentee": people["mentee2"].employee_no})
    assert stranger.status_code == 404 and stranger.json()["code"] == "not_found"
    unknown = post_json(client, API, {**body, "mentee": "NOBODY"})
    assert unknown.status_code == 404
    bad_type = post_json(client, API, {**body, "type": "聊天"})
    assert bad_type.status_code == 422 and bad_type.json()["code"] == "validation_error"

    confirm = f"{API}/{session_id}/confirm"
    for who in ("mentor", "mentor2", "mentee2", "trainer_a"):  # only the mentee
        client.force_login(people[who].user)
        assert post_json(client, confirm).status_code == 404
    client.force_login(people["mentee"].user)
    response = post_json(client, confirm)
    assert (response.status_code, response.json()) == (200, {"status": "已确认"})
    assert post_json(client, confirm).json() == {"status": "已确认"}  # again: no change
    assert GuidanceSession.objects.get().confirmed_at is not None


def test_api_requires_login(client):
    assert post_json(client, API, {}).status_code == 401


# --- confirm, dispute, rate ----------------------------------------------------------------------------


def test_mentee_confirms_on_the_page_and_only_their_own(client, people, term, make_term):
    session = log(people, term)
    other_term = make_term(people["mentor2"], people["mentee2"])
    other = services.session_log(
        mentor_user=people["mentor2"].user,
        mentee=people["mentee2"],
        date=other_term.start,
        type="答疑辅导",
        minutes=20,
        place="社区",
    )
    client.force_login(people["mentee"].user)
    index = client.get(reverse("mentorship:index")).content.decode()
    assert f"confirm-{session.pk}" in index and f"confirm-{other.pk}" not in index
    assert client.post(reverse("mentorship:session_confirm", args=[other.pk])).status_code == 404
    assert client.get(reverse("mentorship:session", args=[other.pk])).status_code == 404
    assert client.post(reverse("mentorship:session_confirm", args=[session.pk])).status_code == 302
    session.refresh_from_db()
    other.refresh_from_db()
    assert (session.status, other.status) == ("已确认", "待确认")


def test_dispute_notifies_the_trainers_over_the_mentee(client, people, term, city_tree, make_worker):
    from lms import roles

    city_trainer = make_worker(unit=city_tree["city"], role_codes={roles.TRAINER})
    session = log(people, term)
    client.force_login(people["mentee"].user)
    url = reverse("mentorship:session_dispute", args=[session.pk])
    client.post(url, {"reason": ""})
    session.refresh_from_db()
    assert session.status == "待确认"  # a reason is required
    client.post(url, {"reason": "当天我在培训，没有入户"})
    session.refresh_from_db()
    assert (session.status, session.dispute_reason) == ("有异议", "当天我在培训，没有入户")
    recipients = set(Notification.objects.values_list("recipient", flat=True))
    assert recipients == {people["trainer_a"].user.pk, city_trainer.user.pk}  # not street B's trainer
    with pytest.raises(MentorshipError, match="已提出异议"):
        services.session_confirm(user=people["mentee"].user, session=session)
    client.force_login(people["mentor2"].user)
    assert client.post(url, {"reason": "x"}).status_code == 404


def test_mentor_rates_practised_indicators_as_an_observation(client, people, term):
    from assessments.models import Observation

    session = log(people, term, indicators=["2.1", "3.4"])
    client.force_login(people["mentee"].user)
    url = reverse("mentorship:session_rate", args=[session.pk])
    assert client.post(url, {"stars_2.1": "5"}).status_code == 404  # only the mentor
    client.force_login(people["mentor2"].user)
    assert client.post(url, {"stars_2.1": "5"}).status_code == 404
    with pytest.raises(MentorshipError, match="不是本次练习的指标"):
        services.session_rate(user=people["mentor"].user, session=session, ratings={"1.1": 3})
    with pytest.raises(MentorshipError, match="1–5"):
        services.session_rate(user=people["mentor"].user, session=session, ratings={"2.1": 6})
    client.force_login(people["mentor"].user)
    client.post(url, {"stars_2.1": "4", "stars_3.4": "5", "comment": "沟通自然"})
    observation = Observation.objects.get()
    assert (observation.worker, observation.rater, observation.observed_on) == (
        people["mentee"],
        people["mentor"].user,
        session.date,
    )
    assert (observation.context_type, observation.context_id) == ("mentorship.guidancesession", str(session.pk))
    rows = {e.indicator.code: e for e in Evidence.objects.filter(worker=people["mentee"])}
    # 4 stars × 20 = 80, 5 stars × 20 = 100
    assert {c: e.score for c, e in rows.items()} == {"2.1": Decimal("80.00"), "3.4": Decimal("100.00")}
    assert {e.source for e in rows.values()} == {"观察"} and rows["2.1"].occurred_on == session.date
    client.post(url, {"stars_2.1": "3"})  # a session is rated once
    assert Observation.objects.count() == 1 and Evidence.objects.filter(worker=people["mentee"]).count() == 2


def test_no_rating_after_the_term_ended(people, term, today):
    session = log(people, term, indicators=["2.1"])
    services.term_end(actor=people["trainer_a"].user, term=term, status="已出师", on=today)
    with pytest.raises(MentorshipError, match="帮带期已结束"):
        services.session_rate(user=people["mentor"].user, session=session, ratings={"2.1": 4})


# --- who sees which session --------------------------------------------------------------------------


def test_session_page_visibility(client, people, term, make_term):
    session = log(people, term)
    url = reverse("mentorship:session", args=[session.pk])
    for who, status in [
        ("mentor", 200),
        ("mentee", 200),
        ("trainer_a", 200),
        ("manager_a", 200),
        ("hr_a", 200),
        ("mentor2", 404),  # a peer mentor asking by id
        ("mentee2", 404),
        ("trainer_b", 404),  # staff of another street
        ("plain", 404),
    ]:
        client.force_login(people[who].user)
        assert client.get(url).status_code == status, who


def test_mentee_sees_only_their_own_records(client, people, term, make_term):
    mine = log(people, term)
    other_term = make_term(people["mentor"], people["mentee2"])
    other = services.session_log(
        mentor_user=people["mentor"].user,
        mentee=people["mentee2"],
        date=other_term.start,
        type="复盘总结",
        minutes=30,
        place="社区",
    )
    services.session_confirm(user=people["mentee2"].user, session=other)
    services.session_confirm(user=people["mentee"].user, session=mine)
    client.force_login(people["mentee"].user)
    page = client.get(reverse("mentorship:index"))
    shown = [s.pk for s in page.context["mentee_sessions"]]
    assert shown == [mine.pk]
    assert page.context["mentor_rows"] == []
