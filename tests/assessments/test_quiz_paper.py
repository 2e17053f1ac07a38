"""What a quiz paper holds (docs/rules.md §5): random draws take only auto-scored types unless the
quiz allows 简答, and the quiz page's 题量 is the number every attempt really holds."""

import io
import random
import re
from decimal import Decimal

import pytest

from assessments import demo
from assessments.models import AttemptState, Quiz, QuizDrawRule, QuizQuestion
from assessments.papers import draws_assign
from assessments.selectors import quiz_question_count
from assessments.services import answer_save, attempt_start, attempt_submit, paper_freeze, question_save
from tests.assessments.helpers import ESSAY, SAMPLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee(city_tree, make_worker):
    return make_worker(unit=city_tree["grid_a"])


def question(n: int, *, qtype="判断", category="应急处置", difficulty="中", indicator="3.2"):
    content = dict(
        qtype=qtype,
        stem=f"第{n}题：燃气泄漏时先开窗通风。",
        answer="对" if qtype == "判断" else "关阀、开窗、疏散",
        points=Decimal("1"),
        indicator_code=indicator,
        difficulty=difficulty,
        category=category,
    )
    return question_save(**content)[0]


def page_count(client, quiz) -> int:
    page = client.get(f"/quizzes/{quiz.pk}/").content.decode()
    return int(re.search(r"<dt>题量</dt><dd>(\d+) 题</dd>", page).group(1))


def test_a_practice_draw_skips_essays_and_scores_at_once(client, trainee):
    for n in range(2):
        question(n)
    for n in range(2, 4):
        question(n, qtype="简答")
    quiz = Quiz.objects.create(title="每日练习", shuffle_questions=True)
    QuizDrawRule.objects.create(quiz=quiz, count=4, category="应急处置")
    attempt = attempt_start(quiz=quiz, worker=trainee, seed=1)
    drawn = list(attempt.answers.select_related("version"))
    assert [a.version.qtype for a in drawn] == ["判断", "判断"]
    for answer in drawn:
        answer_save(answer=answer, response="对")
    result = attempt_submit(attempt=attempt)
    assert result.state == AttemptState.GRADED and result.score == Decimal("2.00")
    client.force_login(trainee.user)
    assert page_count(client, quiz) == 2


def test_a_quiz_that_allows_essays_draws_them_and_fixed_essays_always_stay(trainee):
    for n in range(2):
        question(n)
    for n in range(2, 4):
        question(n, qtype="简答")
    fixed_essay, _ = question_save(**ESSAY | {"category": "固定"})
    quiz = Quiz.objects.create(title="结业考试", draw_essays=True)
    QuizQuestion.objects.create(quiz=quiz, question=fixed_essay, order=1)
    QuizDrawRule.objects.create(quiz=quiz, count=4, category="应急处置")
    attempt = attempt_start(quiz=quiz, worker=trainee, seed=1)
    assert sorted(attempt.answers.values_list("version__qtype", flat=True)) == ["判断", "判断", "简答", "简答", "简答"]
    quiz.draw_essays = False
    quiz.save()
    assert [q.qtype for q, _, _ in paper_freeze(quiz, random.Random(2))] == ["简答", "判断", "判断"]
    assert quiz_question_count(quiz) == 3


def test_overlapping_draws_give_every_attempt_the_number_the_page_shows(client, trainee):
    # Like the demo's final exam: a rule for indicator 3.2 and a later one for 应急处置/中, whose
    # questions are all 3.2. Drawing greedily, the first rule sometimes spent a question the
    # second needed and the attempt came out one short of the page's count.
    for n in range(3):
        question(n)
    for n in range(3, 6):
        question(n, category="问题处置")
    quiz = Quiz.objects.create(title="结业考试", attempts_allowed=None)
    QuizDrawRule.objects.create(quiz=quiz, order=1, count=1, indicator_code="3.2")
    QuizDrawRule.objects.create(quiz=quiz, order=2, count=3, category="应急处置", difficulty="中")
    client.force_login(trainee.user)
    assert page_count(client, quiz) == 4
    sizes = {len(paper_freeze(quiz, random.Random(seed))) for seed in range(40)}
    assert sizes == {4}
    attempt = attempt_start(quiz=quiz, worker=trainee, seed=3)
    assert attempt.answers.count() == page_count(client, quiz)


def test_the_page_counts_what_the_pools_and_the_cap_allow(client, trainee):
    for n in range(5):
        question(n, category=f"分类{n % 2}")
    quiz = Quiz.objects.create(title="练习", max_questions=3, shuffle_questions=True)
    QuizDrawRule.objects.create(quiz=quiz, order=1, count=2, category="分类0")
    QuizDrawRule.objects.create(quiz=quiz, order=2, count=2, category="分类1")
    client.force_login(trainee.user)
    assert page_count(client, quiz) == 3  # 4 drawn, at most 3 kept (the old page said 4)
    assert attempt_start(quiz=quiz, worker=trainee).answers.count() == 3
    quiz.max_questions = None
    quiz.save()
    QuizDrawRule.objects.create(quiz=quiz, order=3, count=5, category="分类0")  # only 3 questions in 分类0 in all
    assert quiz_question_count(quiz) == 5
    assert len(paper_freeze(quiz, random.Random(1))) == 5


def test_draws_assign_finds_the_largest_distinct_selection():
    draws = [(1, [1, 2, 3, 4]), (2, [1, 2]), (1, [3])]
    for seed in range(20):
        picked = draws_assign(draws, random.Random(seed))
        assert (picked[0], sorted(picked[1]), picked[2]) == ([4], [1, 2], [3])
    assert sum(map(len, draws_assign([(3, [1, 2]), (2, [2, 3])]))) == 3  # short pools: all there is


def test_the_demo_quizzes_show_the_number_their_attempts_hold(client, trainee):
    demo.load(io.StringIO())
    exam, practice = Quiz.objects.get(title=demo.EXAM), Quiz.objects.get(title=demo.PRACTICE)
    client.force_login(trainee.user)
    assert (page_count(client, exam), page_count(client, practice)) == (30, 20)
    for seed in range(12):
        assert len(paper_freeze(exam, random.Random(seed))) == 30
        paper = paper_freeze(practice, random.Random(seed))
        assert len(paper) == 20 and "简答" not in {q.qtype for q, _, _ in paper}
    assert exam.draw_essays and not practice.draw_essays
    assert exam.review_answers == "after_last"


def test_quiz_pages_answer_junk_ids_with_404(client, trainee):
    client.force_login(trainee.user)
    for url in ("/quizzes/99999999999999999999999/", "/attempts/99999999999999999999999/", "/quizzes/0/"):
        assert client.get(url).status_code == 404, url
    assert client.post("/quizzes/99999999999999999999999/start/").status_code == 404


def test_the_sample_helper_quiz_is_unchanged_by_draw_settings(trainee):
    # fixed questions only: no draw rules, so neither setting changes the paper
    quiz = Quiz.objects.create(title="固定试卷")
    for order, content in enumerate(SAMPLE + [ESSAY], start=1):
        QuizQuestion.objects.create(quiz=quiz, question=question_save(**content)[0], order=order)
    assert quiz_question_count(quiz) == 5 == attempt_start(quiz=quiz, worker=trainee).answers.count()


def test_trainers_set_draw_essays_and_the_review_in_the_quiz_editor(client, city_tree, make_worker):
    from django.urls import reverse

    from lms import roles

    trainer = make_worker(unit=city_tree["street_a"], role_codes={roles.TRAINER})
    client.force_login(trainer.user)
    html = client.get(reverse("wagtailsnippets_assessments_quiz:add")).content.decode()
    assert 'name="draw_essays"' in html and "随机抽题包含简答题" in html
    assert re.search(r'<option value="after_last"\s+selected>最后一次作答后或截止后</option>', html)
