"""Observation ratings (观察): who may rate, every refusal, the evidence written, and the phone page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.models import Evidence, EvidenceSource, Observation, ObservationRating
from assessments.services import ObservationRefused, observation_record
from lms import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(city_tree, make_worker):
    return {
        "worker": make_worker(unit=city_tree["grid_a"]),
        "peer": make_worker(unit=city_tree["grid_a"]),
        "trainer": make_worker(unit=city_tree["street_a"], role_codes={roles.TRAINER}),
        "manager": make_worker(unit=city_tree["street_a"], role_codes={roles.MANAGER}),
        "other_manager": make_worker(unit=city_tree["street_b"], role_codes={roles.MANAGER}),
        "mentor": make_worker(unit=city_tree["grid_a"], role_codes={roles.TRAINEE, roles.MENTOR}),
    }


def today():
    return timezone.localdate()


def test_a_staff_member_of_the_subtree_rates_and_evidence_is_stars_times_20(people):
    worker, trainer = people["worker"], people["trainer"]
    observation = observation_record(
        rater=trainer.user,
        worker=worker,
        observed_on=today(),
        ratings={"2.1": 4, "5.2": 5, "3.2": 1},
        comment="入户沟通自然",
    )
    assert {(r.indicator_code, r.stars) for r in observation.ratings.all()} == {("2.1", 4), ("5.2", 5), ("3.2", 1)}
    evidence = {e.indicator.code: e for e in Evidence.objects.filter(worker=worker)}
    # 4 × 20 = 80, 5 × 20 = 100, 1 × 20 = 20
    assert {code: e.score for code, e in evidence.items()} == {
        "2.1": Decimal("80"),
        "5.2": Decimal("100"),
        "3.2": Decimal("20"),
    }
    for e in evidence.values():
        assert e.source == EvidenceSource.OBSERVATION
        assert e.occurred_on == today()
        assert (e.source_type, e.source_id) == ("assessments.observation", str(observation.pk))


def test_context_is_kept_as_type_and_id(people):
    context = people["peer"]  # any model instance; mentorship passes its guidance session
    observation = observation_record(
        rater=people["manager"].user, worker=people["worker"], observed_on=today(), ratings={"1.1": 3}, context=context
    )
    assert (observation.context_type, observation.context_id) == ("lms.worker", str(context.pk))


@pytest.mark.parametrize(
    "ratings, observed_on, message",
    [
        ({}, 0, "评分：请至少为一个能力指标打星"),
        ({"2.1": 0}, 0, "评分：指标 2.1 的星级应为 1–5"),
        ({"2.1": 6}, 0, "评分：指标 2.1 的星级应为 1–5"),
        ({"2.1": "三"}, 0, "评分：指标 2.1 的星级应为 1–5"),
        ({"2.1": True}, 0, "评分：指标 2.1 的星级应为 1–5"),
        ({"9.9": 3}, 0, "评分：未知能力指标“9.9”"),
        ({"2.1": 3}, 1, "观察日期：不能晚于今天"),
    ],
)
def test_refusals_name_the_field_and_write_nothing(people, ratings, observed_on, message):
    with pytest.raises(ObservationRefused) as refused:
        observation_record(
            rater=people["trainer"].user,
            worker=people["worker"],
            observed_on=today() + dt.timedelta(days=observed_on),
            ratings=ratings,
        )
    assert str(refused.value) == message
    assert not Observation.objects.exists() and not ObservationRating.objects.exists()
    assert not Evidence.objects.exists()


def test_one_bad_rating_among_good_ones_writes_nothing(people):
    with pytest.raises(ObservationRefused):
        observation_record(
            rater=people["trainer"].user, worker=people["worker"], observed_on=today(), ratings={"2.1": 4, "5.2": 9}
        )
    assert not Observation.objects.exists() and not Evidence.objects.exists()


def test_nobody_rates_themself(people):
    trainer = people["trainer"]
    with pytest.raises(ObservationRefused, match="被评人员：不能评价自己"):
        observation_record(rater=trainer.user, worker=trainer, observed_on=today(), ratings={"2.1": 5})


def test_a_peer_another_subtree_or_a_mentor_without_a_mentee_scope_may_not_rate(people):
    for who in ("peer", "other_manager", "mentor"):
        with pytest.raises(PermissionError):
            observation_record(rater=people[who].user, worker=people["worker"], observed_on=today(), ratings={"2.1": 5})
    assert not Observation.objects.exists()


def test_a_registered_scope_provider_lets_a_mentor_rate(people, monkeypatch):
    """The mentorship app widens worker_scope_q for mentors; whoever may see the worker may rate."""
    from django.db.models import Q

    from lms import access

    mentor, worker = people["mentor"], people["worker"]

    def mentees(user, prefix):
        if user.pk == mentor.user.pk:
            return Q(**{f"{prefix}pk__in": [worker.pk]})
        return Q(**{f"{prefix}pk__in": []})

    monkeypatch.setattr(access, "_providers", [mentees])
    observation = observation_record(rater=mentor.user, worker=worker, observed_on=today(), ratings={"2.1": 5})
    assert observation.rater == mentor.user
    with pytest.raises(PermissionError):  # not the peer, whom the provider does not reach
        observation_record(rater=mentor.user, worker=people["peer"], observed_on=today(), ratings={"2.1": 5})


# --- pages ----------------------------------------------------------------------------------------


def test_the_phone_page_lists_18_indicators_grouped_and_saves(client, people):
    worker = people["worker"]
    client.force_login(people["manager"].user)
    page = client.get(f"/competency/observe/{worker.employee_no}/").content.decode()
    assert page.count('class="stars indicator"') == 18
    for primary in ("政策理解能力", "沟通协调能力", "问题处置能力", "信息管理能力", "心理调适能力"):
        assert f"<h2>{primary}</h2>" in page
    assert f'value="{today().isoformat()}"' in page  # the date defaults to today
    response = client.post(
        f"/competency/observe/{worker.employee_no}/",
        {"observed_on": today().isoformat(), "r_2.1": "4", "r_5.2": "0", "r_3.3": "2", "comment": "按时办结"},
    )
    observation = Observation.objects.get()
    assert response.status_code == 302 and response.url == f"/competency/observations/{observation.pk}/"
    assert {r.indicator_code: r.stars for r in observation.ratings.all()} == {"2.1": 4, "3.3": 2}  # 0 = 不评
    confirmation = client.get(response.url).content.decode()
    assert "观察评价已保存" in confirmation
    assert 'data-testid="rating-2.1"' in confirmation and "4 星" in confirmation and ">80<" in confirmation
    assert ">40<" in confirmation  # 2 × 20


@pytest.mark.parametrize(
    "data, message",
    [
        ({"observed_on": "2026-13-40", "r_2.1": "4"}, "观察日期：请按“年-月-日”填写日期"),
        ({"observed_on": "TODAY"}, "评分：请至少为一个能力指标打星"),
        ({"observed_on": "TODAY", "r_2.1": "7"}, "评分：指标 2.1 的星级应为 1–5"),
        ({"observed_on": "TODAY", "r_8.8": "3"}, "评分：未知能力指标“8.8”"),
        ({"observed_on": "TOMORROW", "r_2.1": "3"}, "观察日期：不能晚于今天"),
    ],
)
def test_the_page_shows_a_chinese_error_and_saves_nothing(client, people, data, message):
    data = {
        k: {"TODAY": today().isoformat(), "TOMORROW": (today() + dt.timedelta(days=1)).isoformat()}.get(v, v)
        for k, v in data.items()
    }
    client.force_login(people["trainer"].user)
    response = client.post(f"/competency/observe/{people['worker'].employee_no}/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Observation.objects.exists()


def test_page_access(client, people, make_worker, city_tree):
    worker = people["worker"]
    url = f"/competency/observe/{worker.employee_no}/"
    for who in ("peer", "other_manager", "mentor"):
        client.force_login(people[who].user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"observed_on": today().isoformat(), "r_2.1": "5"}).status_code == 404
    client.force_login(worker.user)  # oneself: no page either
    assert client.get(url).status_code == 404
    assert client.get("/competency/observe/NOBODY/").status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    assert not Observation.objects.exists()


def test_who_may_open_an_observation(client, people):
    observation = observation_record(
        rater=people["trainer"].user, worker=people["worker"], observed_on=today(), ratings={"2.1": 5}
    )
    url = f"/competency/observations/{observation.pk}/"
    for who, status in (("trainer", 200), ("worker", 200), ("manager", 200), ("peer", 404), ("other_manager", 404)):
        client.force_login(people[who].user)
        assert client.get(url).status_code == status, who


def test_worker_detail_links_to_the_rating_page_for_staff(client, people):
    worker = people["worker"]
    client.force_login(people["manager"].user)
    page = client.get(f"/workers/{worker.employee_no}/").content.decode()
    assert f'href="/competency/observe/{worker.employee_no}/"' in page
    assert f'href="/competency/survey/card/{worker.employee_no}/"' in page
    client.force_login(worker.user)
    own = client.get(f"/workers/{worker.employee_no}/").content.decode()
    assert "/competency/observe/" not in own


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_trainer_rates_three_indicators_on_a_phone(phone_page, live_server, people, tmp_path):
    """Open the page from the worker's page, tap three star rows, save: five taps after the page loads."""
    from tests.browser import login

    worker, trainer = people["worker"], people["trainer"]
    page = phone_page
    login(page, live_server.url, trainer.employee_no, "Test@12345")
    page.goto(f"{live_server.url}/workers/{worker.employee_no}/")
    page.click("[data-testid=observe]")
    page.wait_for_selector("[data-testid=observation-form]")
    assert page.input_value("#observed_on") == today().isoformat()
    page.click("label[for='r-2.1-4']")
    page.click("label[for='r-2.3-5']")
    page.click("label[for='r-5.2-3']")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(tmp_path / "observe.png"), full_page=True)
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=observation]")
    assert "观察评价已保存" in page.inner_text("h1")
    observation = Observation.objects.get()
    assert {r.indicator_code: r.stars for r in observation.ratings.all()} == {"2.1": 4, "2.3": 5, "5.2": 3}
    # 4 × 20, 5 × 20, 3 × 20
    assert sorted(Evidence.objects.filter(worker=worker).values_list("score", flat=True)) == [
        Decimal("60"),
        Decimal("80"),
        Decimal("100"),
    ]
