"""Defining a competition in the Wagtail admin: trainers only, scoped to their subtree; a knowledge
round needs a quiz and a start time, a judged round's criteria add up to its maximum, weights > 0;
saving makes the quiz the contest paper and rebuilds the boards."""

from __future__ import annotations

from decimal import Decimal

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from assessments.competitions.models import Board, Competition, Criterion, Round, RoundKind
from assessments.models import Quiz
from lms import roles
from tests.factories import org

pytestmark = pytest.mark.django_db

ADD = "/admin/snippets/competitions/competition/add/"


def edit_url(competition) -> str:
    return f"/admin/snippets/competitions/competition/edit/{competition.pk}/"


def round_edit_url(round_) -> str:
    return f"/admin/snippets/competitions/round/edit/{round_.pk}/"


@pytest.fixture
def trainers(make_worker):
    district = org("临江市/江北区")
    return {
        "district": district,
        "city": make_worker(unit=org("临江市"), role_codes=(roles.TRAINER,), employee_no="PX001"),
        "north": make_worker(unit=district, role_codes=(roles.TRAINER,), employee_no="PX002"),
        "south": make_worker(unit=org("临江市/江南区"), role_codes=(roles.TRAINER,), employee_no="PX003"),
        "worker": make_worker(unit=district, employee_no="GW001"),
        "judge": make_worker(unit=district, role_codes=(roles.JUDGE,), employee_no="PW001"),
    }


def competition_form(name, unit, rounds):
    base = {
        "name": name,
        "description": "",
        "stage": "区复赛",
        "organiser_unit": str(unit.pk) if unit else "",
        "entry_mode": "open",
        "entry_closes_at": "",
        "quota_level": "4",
        "quota_per_unit": "2",
        "next_stage": "",
        "promote_top_n": "0",
        "promote_per_level": "",
        "team_level": "3",
        "first_prize_share": "10",
        "second_prize_share": "20",
        "third_prize_share": "30",
        "review_share": "34",
        "rounds": inline_formset(rounds),
    }
    return nested_form_data(base)


def round_row(**values):
    row = {
        "name": "情景模拟",
        "kind": RoundKind.SCENARIO,
        "order": "1",
        "weight": "1",
        "max_score": "30",
        "quiz": "",
        "starts_at": "",
        "duration_minutes": "30",
        "drill": "",
        "award_name": "",
    }
    row.update(values)
    return row


def test_only_trainers_and_superusers_reach_the_admin(client, trainers):
    for key in ("worker", "judge"):
        client.force_login(trainers[key].user)
        assert client.get(ADD).status_code in (302, 403)
    client.force_login(trainers["north"].user)
    assert client.get(ADD).status_code == 200


def test_trainer_creates_competition_with_rounds_and_the_quiz_becomes_the_paper(client, trainers):
    quiz = Quiz.objects.create(title="比武知识卷", is_draft=True)
    client.force_login(trainers["north"].user)
    data = competition_form(
        "江北区比武",
        trainers["district"],
        [
            round_row(
                name="知识竞赛",
                kind=RoundKind.KNOWLEDGE,
                quiz=str(quiz.pk),
                starts_at="2026-05-20 09:00",
                duration_minutes="40",
                weight="0.4",
                max_score="100",
            ),
            round_row(order="2", weight="0.6"),
        ],
    )
    data["rounds-1-indicator_codes"] = ["2.3"]  # a checkbox list posts one value per ticked box
    response = client.post(ADD, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    competition = Competition.objects.get(name="江北区比武")
    knowledge = competition.rounds.get(name="知识竞赛")
    quiz.refresh_from_db()
    assert not quiz.is_draft and quiz.opens_at == knowledge.starts_at and quiz.time_limit_minutes == 40
    assert competition.rounds.get(name="情景模拟").indicator_codes == ["2.3"]
    assert Board.objects.filter(competition=competition).count() == 2


def errors_of(response) -> str:
    return response.content.decode()


def test_knowledge_round_without_quiz_or_start_is_refused(client, trainers):
    client.force_login(trainers["north"].user)
    data = competition_form("缺试卷", trainers["district"], [round_row(name="知识", kind=RoundKind.KNOWLEDGE)])
    body = errors_of(client.post(ADD, data))
    assert "知识竞赛轮须选择试卷" in body and "知识竞赛轮须设置开赛时间" in body
    assert not Competition.objects.filter(name="缺试卷").exists()


def test_zero_weight_is_refused(client, trainers):
    client.force_login(trainers["north"].user)
    data = competition_form("零权重", trainers["district"], [round_row(weight="0")])
    client.post(ADD, data)
    assert not Competition.objects.filter(name="零权重").exists()


def test_trainer_cannot_organise_outside_their_subtree(client, trainers):
    client.force_login(trainers["south"].user)
    data = competition_form("越权", trainers["district"], [round_row()])
    client.post(ADD, data)
    assert not Competition.objects.filter(name="越权").exists()
    data = competition_form("全市越权", None, [round_row()])
    body = errors_of(client.post(ADD, data))
    assert "主办单位须在您的辖区内" in body and not Competition.objects.filter(name="全市越权").exists()


def test_peer_trainer_cannot_open_or_delete_another_districts_competition(client, trainers):
    competition = Competition.objects.create(name="江北区比武", organiser_unit=trainers["district"])
    round_ = Round.objects.create(competition=competition, name="实操", kind=RoundKind.PRACTICAL)
    client.force_login(trainers["south"].user)
    assert client.get(edit_url(competition)).status_code in (302, 403, 404)
    assert client.get(round_edit_url(round_)).status_code in (302, 403, 404)
    assert client.post(f"/admin/snippets/competitions/competition/delete/{competition.pk}/").status_code in (
        302,
        403,
        404,
    )
    assert Competition.objects.filter(pk=competition.pk).exists()
    assert "江北区比武" not in client.get("/admin/snippets/competitions/competition/").content.decode()
    for key in ("north", "city"):
        client.force_login(trainers[key].user)
        assert client.get(edit_url(competition)).status_code == 200


def criteria_form(round_, criteria, max_score="30"):
    return nested_form_data(
        {
            "competition": str(round_.competition_id),
            "name": round_.name,
            "kind": round_.kind,
            "order": "1",
            "weight": "1",
            "max_score": max_score,
            "quiz": "",
            "starts_at": "",
            "duration_minutes": "30",
            "drill": "",
            "award_name": "",
            "criteria": inline_formset(criteria),
        }
    )


def test_round_criteria_must_add_up_to_its_maximum(client, trainers):
    competition = Competition.objects.create(name="江北区比武", organiser_unit=trainers["district"])
    round_ = Round.objects.create(competition=competition, name="情景模拟", kind=RoundKind.SCENARIO, max_score=30)
    client.force_login(trainers["north"].user)
    bad = [
        {"name": "矛盾识别", "max_score": "10", "order": "1", "descriptors": ""},
        {"name": "调解方法", "max_score": "10", "order": "2", "descriptors": ""},
    ]
    body = errors_of(client.post(round_edit_url(round_), criteria_form(round_, bad)))
    assert "评分项满分合计 20，应等于本轮满分 30" in body and not Criterion.objects.exists()
    good = [*bad, {"name": "沟通表达", "max_score": "10", "order": "3", "descriptors": "0分：无\n3分：好"}]
    assert client.post(round_edit_url(round_), criteria_form(round_, good)).status_code == 302
    assert sum(c.max_score for c in round_.criteria.all()) == Decimal("30")
    # the competition form then refuses a maximum that no longer matches the stored criteria
    data = competition_form("江北区比武", trainers["district"], [round_row(id=str(round_.pk), max_score="40")])
    data["rounds-INITIAL_FORMS"] = "1"
    body = errors_of(client.post(edit_url(competition), data))
    assert "评分项满分合计 30，应等于本轮满分 40" in body
    round_.refresh_from_db()
    assert round_.max_score == Decimal("30")
