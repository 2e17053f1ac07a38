"""Partial credit for 填空 (docs/rules.md §5): an alternative listed in blank_credit earns that
percent of its blank's share; the full alternatives still earn all of it."""

from decimal import Decimal

import pytest

from assessments.models import Answer
from assessments.scoring import score_response
from assessments.services import answer_save, attempt_start, attempt_submit, shown_right_answer
from tests.assessments.helpers import make_quiz

CREDIT = {"110": "50", "幺幺零": "25"}


def score(response, answer="119|110|幺幺零", credit=CREDIT, points="4"):
    return score_response(qtype="填空", answer=answer, points=Decimal(points), response=response, blank_credit=credit)


def test_a_partial_alternative_earns_its_percent_of_the_blank():
    assert score(["119"]) == Decimal("4.00")
    assert score(["110"]) == Decimal("2.00")
    assert score(["幺幺零"]) == Decimal("1.00")
    assert score(["120"]) == Decimal("0.00")


def test_matching_folds_case_and_width_for_partial_alternatives_too():
    assert score([" １１０ "]) == Decimal("2.00")
    assert score(["cat"], answer="Frog|Cat", credit={"Cat": "50"}, points="1") == Decimal("0.50")


def test_each_blank_keeps_its_own_share():
    answer = "119|110;120"
    assert score(["110", "120"], answer=answer) == Decimal("3.00")  # half of 2 + all of 2
    assert score(["110", "x"], answer=answer) == Decimal("1.00")


def test_without_blank_credit_scoring_is_unchanged():
    assert score(["110"], credit=None) == Decimal("4.00")
    assert score(["110"], credit={}) == Decimal("4.00")


@pytest.mark.django_db
def test_an_attempt_scores_the_partial_alternative_and_shows_it_as_partial(city_tree, make_worker):
    worker = make_worker(unit=city_tree["grid_a"])
    quiz = make_quiz(
        questions=[
            dict(
                qtype="填空",
                stem="火警电话是？",
                answer="119|110",
                blank_credit={"110": "50"},
                points=Decimal("2"),
                indicator_code="3.2",
            )
        ],
        review_answers="after_submit",
    )
    attempt = attempt_start(quiz=quiz, worker=worker)
    answer_save(answer=attempt.answers.get(), response=["110"])
    result = attempt_submit(attempt=attempt)
    assert result.score == Decimal("1.00")
    assert shown_right_answer(Answer.objects.get(attempt=attempt)) == "119 或 110（得 50%）"
