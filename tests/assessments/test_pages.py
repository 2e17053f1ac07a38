"""Server-rendered pages: trainee list/take/review, home card, trainer statistics and exports."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from assessments.models import Attempt, ReviewWhen
from assessments.selectors import question_statistics
from assessments.services import answer_save, attempt_start, attempt_submit
from lms import roles
from lms.models import AuditLog
from tests.assessments.helpers import make_quiz
from tests.exports import export_through_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee(city_tree, make_worker):
    return make_worker(unit=city_tree["grid_a"])


def test_trainee_takes_a_quiz_through_the_pages(client, trainee):
    # one attempt: the default review ("最后一次作答后或截止后") shows the answers once it is handed in
    quiz = make_quiz(time_limit_minutes=15, attempts_allowed=1)
    client.force_login(trainee.user)
    home = client.get("/me/").content.decode()
    assert "测验与考试" in home and quiz.title in home
    assert quiz.title in client.get("/quizzes/").content.decode()
    response = client.post(f"/quizzes/{quiz.pk}/start/")
    attempt = Attempt.objects.get()
    assert response.url == f"/attempts/{attempt.pk}/"
    page = client.get(response.url).content.decode()
    assert 'id="countdown"' in page and page.count('class="card question"') == 4
    assert "ABD" not in page  # no answers on the screen
    attempt_submit(attempt=attempt)
    review = client.get(f"/attempts/{attempt.pk}/").content.decode()
    assert 'data-testid="result"' in review and "正确答案" in review


def test_review_hides_answers_when_the_quiz_says_so(client, trainee):
    quiz = make_quiz(review_answers=ReviewWhen.NEVER)
    attempt = attempt_start(quiz=quiz, worker=trainee)
    attempt_submit(attempt=attempt)
    client.force_login(trainee.user)
    review = client.get(f"/attempts/{attempt.pk}/").content.decode()
    assert "正确答案" not in review and "一般问题的响应时限" in review


def test_another_persons_attempt_page_is_404(client, trainee, city_tree, make_worker):
    attempt = attempt_start(quiz=make_quiz(), worker=trainee)
    for role in (roles.TRAINEE, roles.TRAINER, roles.MANAGER, roles.HR, roles.JUDGE, roles.MENTOR):
        other = make_worker(unit=city_tree["city"], role_codes={role})
        client.force_login(other.user)
        assert client.get(f"/attempts/{attempt.pk}/").status_code == 404


def graded_population(quiz, workers):
    """Workers answer more questions right the later they come, so the top group knows more."""
    for n, worker in enumerate(workers):
        attempt = attempt_start(quiz=quiz, worker=worker)
        for answer in attempt.answers.select_related("version").order_by("position"):
            right = answer.position <= n  # worker n gets the first n questions right
            if answer.version.qtype == "填空":
                answer_save(answer=answer, response=["2", "24"] if right else ["x", "x"])
            elif answer.version.qtype == "判断":
                answer_save(answer=answer, response="对" if right else "错")
            else:
                answer_save(
                    answer=answer,
                    response=answer.version.answer if right else "C" if answer.version.answer != "C" else "A",
                )
        attempt_submit(attempt=attempt)


def test_statistics_facility_and_discrimination(city_tree, make_worker):
    quiz = make_quiz()
    workers = [make_worker(unit=city_tree["grid_a"]) for _ in range(5)]
    graded_population(quiz, workers)
    trainer = make_worker(unit=city_tree["street_a"], role_codes={roles.TRAINER})
    stats = question_statistics(trainer.user, quiz)
    assert stats["attempts"] == 5 and stats["group_size"] == 1
    by_type = {row["qtype"]: row for row in stats["rows"]}
    # question 1 is right for workers 1..4 → facility 80%; top worker right, bottom wrong → D = 1
    assert by_type["单选"]["facility"] == Decimal("80.00") and by_type["单选"]["discrimination"] == Decimal("1.00")
    assert by_type["填空"]["facility"] == Decimal("20.00")  # only worker 4 reaches question 4
    other_trainer = make_worker(unit=city_tree["street_b"], role_codes={roles.TRAINER})
    assert question_statistics(other_trainer.user, quiz)["attempts"] == 0


def test_results_page_and_exports_for_trainers_only(client, city_tree, make_worker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    quiz = make_quiz()
    graded_population(quiz, [make_worker(unit=city_tree["grid_a"]) for _ in range(3)])
    trainer = make_worker(unit=city_tree["street_a"], role_codes={roles.TRAINER})
    client.force_login(trainer.user)
    assert "逐题分析" in client.get(f"/quizzes/{quiz.pk}/results/").content.decode()
    _, _, content = export_through_job(client, f"/quizzes/{quiz.pk}/results.xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("工号", "姓名", "所属网格") and len(rows) == 4
    assert (
        AuditLog.objects.filter(action=AuditLog.Action.EXPORT, target_type="quiz_results", actor=trainer.user).count()
        == 1
    )
    gift = client.get(f"/quizzes/{quiz.pk}/bank.gift").content.decode()
    assert "一般问题的响应时限是多少？" in gift
    for role in (roles.TRAINEE, roles.MANAGER, roles.HR, roles.JUDGE, roles.MENTOR):
        client.force_login(make_worker(unit=city_tree["city"], role_codes={role}).user)
        assert client.post(f"/quizzes/{quiz.pk}/results.xlsx").status_code == 404
        assert client.get(f"/quizzes/{quiz.pk}/results/").status_code == 404


def test_results_export_is_scoped_to_the_trainers_subtree(client, city_tree, make_worker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    quiz = make_quiz()
    graded_population(quiz, [make_worker(unit=city_tree["grid_a"]), make_worker(unit=city_tree["grid_b"])])
    trainer_b = make_worker(unit=city_tree["street_b"], role_codes={roles.TRAINER})
    client.force_login(trainer_b.user)
    rows = list(
        load_workbook(io.BytesIO(export_through_job(client, f"/quizzes/{quiz.pk}/results.xlsx")[2])).active.iter_rows(
            values_only=True
        )
    )
    assert len(rows) == 2 and rows[1][2].endswith("乙街道/二社区/一网格")


def test_answers_without_scores_when_only_answers_are_released(client, trainee):
    quiz = make_quiz(review_score=ReviewWhen.NEVER, review_answers=ReviewWhen.AFTER_SUBMIT)
    attempt = attempt_start(quiz=quiz, worker=trainee)
    attempt_submit(attempt=attempt)
    client.force_login(trainee.user)
    review = client.get(f"/attempts/{attempt.pk}/").content.decode()
    assert "成绩暂未公布" in review and "正确答案" in review and 'id="score"' not in review
