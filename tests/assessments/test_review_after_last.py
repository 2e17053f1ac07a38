"""The review setting 最后一次作答后或截止后 (docs/rules.md §5): a quiz with several attempts sends
no correct answer or explanation — on the page or through the API — until the person has handed in
their last attempt or the quiz has closed."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from assessments.models import Quiz, ReviewWhen
from assessments.services import attempt_start, attempt_submit
from tests.assessments.helpers import SAMPLE, make_quiz

pytestmark = pytest.mark.django_db

EXPLANATION = "一般问题须在二十四小时内响应"
QUESTIONS = [SAMPLE[0] | {"explanation": EXPLANATION}, SAMPLE[2]]


@pytest.fixture
def trainee(city_tree, make_worker):
    return make_worker(unit=city_tree["grid_a"])


def page(client, attempt) -> str:
    response = client.get(f"/attempts/{attempt.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def api_detail(client, attempt) -> dict:
    response = client.get(f"/api/v1/attempts/{attempt.pk}")
    assert response.status_code == 200
    return response.json()


def assert_hidden(client, attempt):
    html = page(client, attempt)
    assert "正确答案" not in html and EXPLANATION not in html and "答案与解析在“最后一次作答后或截止后”公布" in html
    data = api_detail(client, attempt)
    assert all("right_answer" not in q and "explanation" not in q for q in data["questions"])
    assert EXPLANATION not in json.dumps(data, ensure_ascii=False)


def assert_shown(client, attempt):
    html = page(client, attempt)
    assert "正确答案" in html and EXPLANATION in html
    first = next(q for q in api_detail(client, attempt)["questions"] if q["type"] == "单选")
    assert (first["right_answer"], first["explanation"]) == ("B", EXPLANATION)


def test_a_new_quiz_waits_for_the_last_attempt_by_default():
    assert Quiz().review_answers == ReviewWhen.AFTER_LAST


def test_answers_appear_only_after_the_second_of_two_attempts(client, trainee):
    quiz = make_quiz(questions=QUESTIONS, attempts_allowed=2)
    client.force_login(trainee.user)
    first = attempt_submit(attempt=attempt_start(quiz=quiz, worker=trainee))
    assert_hidden(client, first)
    second = attempt_start(quiz=quiz, worker=trainee)
    assert_hidden(client, first)  # still hidden while the last attempt is open
    take = page(client, second)
    assert EXPLANATION not in take and "查看答案与解析" not in take
    assert "right_answer" not in json.dumps(api_detail(client, second))
    attempt_submit(attempt=second)
    assert_shown(client, first)
    assert_shown(client, second)


def test_answers_appear_after_the_close_date_with_attempts_left(client, trainee):
    quiz = make_quiz(questions=QUESTIONS, attempts_allowed=2, closes_at=timezone.now() + dt.timedelta(hours=1))
    client.force_login(trainee.user)
    first = attempt_submit(attempt=attempt_start(quiz=quiz, worker=trainee))
    assert_hidden(client, first)
    Quiz.objects.filter(pk=quiz.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    assert_shown(client, first)


def test_unlimited_attempts_reveal_only_at_the_close_and_a_single_attempt_at_once(client, trainee):
    client.force_login(trainee.user)
    unlimited = make_quiz(title="不限次数", questions=QUESTIONS)
    assert_hidden(client, attempt_submit(attempt=attempt_start(quiz=unlimited, worker=trainee)))
    single = make_quiz(title="只考一次", questions=QUESTIONS, attempts_allowed=1)
    assert_shown(client, attempt_submit(attempt=attempt_start(quiz=single, worker=trainee)))


def test_the_old_after_submit_setting_still_reveals_at_once(client, trainee):
    quiz = make_quiz(questions=QUESTIONS, attempts_allowed=2, review_answers=ReviewWhen.AFTER_SUBMIT)
    client.force_login(trainee.user)
    assert_shown(client, attempt_submit(attempt=attempt_start(quiz=quiz, worker=trainee)))


def test_a_peer_cannot_read_the_revealed_answers(client, trainee, city_tree, make_worker):
    quiz = make_quiz(questions=QUESTIONS, attempts_allowed=1)
    attempt = attempt_submit(attempt=attempt_start(quiz=quiz, worker=trainee))
    peer = make_worker(unit=city_tree["grid_a"])
    client.force_login(peer.user)
    assert client.get(f"/attempts/{attempt.pk}/").status_code == 404
    assert client.get(f"/api/v1/attempts/{attempt.pk}").status_code == 404
