"""Manual marking of 简答: the queue per role (trainer by subtree, judge by assignment), the mark
range, grading when the last answer is marked, evidence and notification."""

from decimal import Decimal

import pytest

from assessments.models import AttemptState, Evidence
from assessments.selectors import marking_queue
from assessments.services import MarkingRefused, answer_mark, answer_save, attempt_start, attempt_submit
from lms import roles
from lms.models import Notification
from tests.assessments.helpers import ESSAY, SAMPLE, make_quiz

pytestmark = pytest.mark.django_db

ESSAY2 = {**ESSAY, "stem": "简述入户走访的沟通要点。", "indicator_code": "2.1", "points": Decimal("5")}


@pytest.fixture
def submitted(city_tree, make_worker):
    quiz = make_quiz(questions=[SAMPLE[0], ESSAY, ESSAY2])
    trainee = make_worker(unit=city_tree["grid_a"])
    attempt = attempt_start(quiz=quiz, worker=trainee)
    for answer in attempt.answers.select_related("version"):
        answer_save(answer=answer, response="B" if answer.version.qtype == "单选" else "先关阀门再开窗")
    attempt_submit(attempt=attempt)
    essays = list(attempt.answers.filter(version__qtype="简答").order_by("position"))
    return quiz, attempt, essays


def test_queue_per_role(submitted, city_tree, make_worker):
    quiz, attempt, essays = submitted
    trainer_a = make_worker(unit=city_tree["street_a"], role_codes={roles.TRAINER})
    trainer_b = make_worker(unit=city_tree["street_b"], role_codes={roles.TRAINER})
    judge = make_worker(unit=city_tree["city"], role_codes={roles.JUDGE})
    judge_peer = make_worker(unit=city_tree["city"], role_codes={roles.JUDGE})
    quiz.markers.add(judge.user)
    ids = {a.pk for a in essays}
    assert {a.pk for a in marking_queue(trainer_a.user)} == ids
    assert list(marking_queue(trainer_b.user)) == []  # another street's trainer
    assert {a.pk for a in marking_queue(judge.user)} == ids
    assert list(marking_queue(judge_peer.user)) == []  # a judge not named on this quiz
    for role in (roles.TRAINEE, roles.MENTOR, roles.HR, roles.MANAGER):
        other = make_worker(unit=city_tree["city"], role_codes={role})
        assert list(marking_queue(other.user)) == []
        with pytest.raises(MarkingRefused):
            answer_mark(answer=essays[0], marker=other.user, score=1)


def test_marking_pages_scope(client, submitted, city_tree, make_worker):
    _, _, essays = submitted
    trainer_b = make_worker(unit=city_tree["street_b"], role_codes={roles.TRAINER})
    client.force_login(trainer_b.user)
    assert client.get(f"/marking/{essays[0].pk}/").status_code == 404
    trainer_a = make_worker(unit=city_tree["street_a"], role_codes={roles.TRAINER})
    client.force_login(trainer_a.user)
    page = client.get("/marking/")
    assert page.status_code == 200 and "简述燃气泄漏" not in page.content.decode()  # stems appear on the mark page
    mark_page = client.get(f"/marking/{essays[0].pk}/").content.decode()
    assert "关阀、开窗、疏散、报警" in mark_page and "先关阀门再开窗" in mark_page
    response = client.post(f"/marking/{essays[0].pk}/", {"score": "8", "comment": "要点齐全"})
    assert response.status_code == 302 and response.url.endswith(f"/marking/{essays[1].pk}/")
    too_high = client.post(f"/marking/{essays[1].pk}/", {"score": "6"})
    assert too_high.status_code == 200 and "5" in too_high.content.decode()


def test_attempt_is_graded_when_the_last_answer_is_marked(submitted, city_tree, make_worker):
    _, attempt, essays = submitted
    trainer = make_worker(unit=city_tree["street_a"], role_codes={roles.TRAINER})
    with pytest.raises(MarkingRefused, match="0 到 10"):
        answer_mark(answer=essays[0], marker=trainer.user, score="10.5")
    answer_mark(answer=essays[0], marker=trainer.user, score="7.5", comment="少了报警一步")
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.PENDING_MARKING
    answer_mark(answer=essays[1], marker=trainer.user, score=5)
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.GRADED and attempt.score == Decimal("14.50") and attempt.max_score == 17
    assert attempt.passed is True  # 14.5 / 17 = 85%
    assert Evidence.objects.get(worker=attempt.worker, indicator__code="3.2").score == Decimal("75.00")
    assert Evidence.objects.get(worker=attempt.worker, indicator__code="2.1").score == Decimal("100.00")
    assert Notification.objects.filter(recipient=attempt.worker.user, title__contains="已阅卷").count() == 1
    assert list(marking_queue(trainer.user)) == []


def test_nobody_marks_their_own_answers(city_tree, make_worker):
    quiz = make_quiz(questions=[ESSAY])
    trainer = make_worker(unit=city_tree["grid_a"], role_codes={roles.TRAINER, roles.TRAINEE})
    attempt = attempt_start(quiz=quiz, worker=trainer)
    attempt_submit(attempt=attempt)
    assert list(marking_queue(trainer.user)) == []
