"""Trainers maintain the bank, quizzes and the competency model in the Wagtail admin."""

import pytest
from django.urls import reverse

from assessments.models import CompetencyModel, Question, QuestionVersion
from assessments.services import attempt_start
from lms import roles
from tests.assessments.helpers import SAMPLE, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer_client(client, city_tree, make_worker):
    trainer = make_worker(unit=city_tree["street_a"], role_codes={roles.TRAINER})
    client.force_login(trainer.user)
    return client


def test_trainer_sees_bank_quiz_and_model_screens(trainer_client):
    quiz = make_quiz()
    question = Question.objects.first()
    model = CompetencyModel.objects.get(is_active=True)
    for name, args in (
        ("wagtailsnippets_assessments_question:list", []),
        ("wagtailsnippets_assessments_question:edit", [question.pk]),
        ("wagtailsnippets_assessments_quiz:edit", [quiz.pk]),
        ("wagtailsnippets_assessments_competencymodel:edit", [model.pk]),
    ):
        response = trainer_client.get(reverse(name, args=args))
        assert response.status_code == 200, name
    assert (
        "应急处置规范性"
        in trainer_client.get(
            reverse("wagtailsnippets_assessments_competencymodel:edit", args=[model.pk])
        ).content.decode()
    )


def test_editing_a_used_question_in_the_admin_makes_a_new_version(trainer_client, city_tree, make_worker):
    quiz = make_quiz(questions=[SAMPLE[0]])
    attempt_start(quiz=quiz, worker=make_worker(unit=city_tree["grid_a"]))
    question = Question.objects.get()
    url = reverse("wagtailsnippets_assessments_question:edit", args=[question.pk])
    data = {
        "qtype": "单选",
        "difficulty": "易",
        "points": "2",
        "stem": question.stem,
        "options": '{"A": "2小时", "B": "24小时", "C": "72小时"}',
        "answer": "C",
        "explanation": "改了答案",
        "indicator_code": "3.3",
        "category": "政策法规",
        "marking_guide": "",
        "title": "",
        "stem_format": "plain",
        "answer_feedback": "{}",
        "blank_credit": "{}",
    }
    response = trainer_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(QuestionVersion.objects.filter(question=question).values_list("number", "answer")) == [
        (1, "B"),
        (2, "C"),
    ]


def test_trainees_cannot_enter_the_admin(client, city_tree, make_worker):
    client.force_login(make_worker(unit=city_tree["grid_a"]).user)
    response = client.get(reverse("wagtailsnippets_assessments_question:list"))
    assert response.status_code in (302, 403)
