"""Quiz scoring (docs/rules.md §5 测验评分) against a reference written from the rule's text.

Reference, per question type:
- 单选、判断: full marks when the response is the answer, else 0.
- 多选: the exact set → full marks; by default a non-empty strict subset of the right options with
  no wrong option → half marks (a quiz may turn this off: all or nothing); any wrong option → 0.
- 填空: each blank an equal share of the points; a response matches an alternative after trimming,
  NFKC and ignoring case; an alternative listed in 部分得分 earns that percent of its blank's share.
- 简答: marked by a person, 0 to the points with at most two decimals.
Each question's score is rounded half up to cents; the attempt's score is their sum, its percent
the score over the maximum rounded half up to cents, and it passes when that percent reaches the
pass mark. The project's side is `assessments.scoring.score_response` and, through the database,
a whole attempt (start, save, submit, mark) with `Attempt.score`/`passed` and `quiz_passed`.
"""

from __future__ import annotations

import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from assessments.scoring import score_response
from tests.properties import examples, rolled_back

LETTERS = "ABCDEF"
CENT = Decimal("0.01")


# --- the reference --------------------------------------------------------------------------------


def cents(value: Fraction) -> Decimal:
    """Round half up to two decimals (exact: the value is a fraction)."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


def folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def reference_fraction(question: dict, response, partial: bool) -> Fraction | None:
    points = Fraction(question["points"])
    kind = question["qtype"]
    if kind == "简答":
        return None
    if kind in ("单选", "判断"):
        return points if response == question["answer"] else Fraction(0)
    if kind == "多选":
        chosen, right = set(response or ""), set(question["answer"])
        if chosen == right:
            return points
        if partial and chosen and chosen < right:
            return points / 2
        return Fraction(0)
    # 填空: blanks "a|b;c", partial alternatives in blank_credit {"b": "50"}
    blanks = [part.split("|") for part in question["answer"].split(";")]
    credit = {folded(alt): Fraction(Decimal(p)) / 100 for alt, p in question.get("blank_credit", {}).items()}
    share = points / len(blanks)
    total = Fraction(0)
    for index, alternatives in enumerate(blanks):
        given = folded(response[index]) if response is not None and index < len(response) else ""
        if given and given in {folded(alt) for alt in alternatives}:
            total += share * credit.get(given, Fraction(1))
    return total


def reference_score(question: dict, response, partial: bool) -> Decimal | None:
    value = reference_fraction(question, response, partial)
    return None if value is None else cents(value)


# --- random questions and responses ---------------------------------------------------------------

points_st = st.integers(min_value=1, max_value=2000).map(lambda n: Decimal(n) / 100)
WORDS = ["119", "110", "frog", "Cat", "ab", "x1", "燃气", "关阀", "二十四", "Ok2"]


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@st.composite
def variant_of(draw, text: str) -> str:
    """The same answer as a person might type it: other case, full-width, spaces around."""
    if draw(st.booleans()):
        text = text.upper() if draw(st.booleans()) else text.lower()
    if draw(st.booleans()):
        text = full_width(text)
    return draw(st.sampled_from(["", " ", "  "])) + text + draw(st.sampled_from(["", " ", "\u3000"]))


@st.composite
def question_and_response(draw, with_essay: bool = True):
    kinds = ["单选", "多选", "判断", "填空"] + (["简答"] if with_essay else [])
    kind = draw(st.sampled_from(kinds))
    points = draw(points_st)
    question = {"qtype": kind, "points": points, "stem": f"{kind}题"}
    if kind in ("单选", "多选"):
        letters = LETTERS[: draw(st.integers(min_value=2, max_value=6))]
        question["options"] = {letter: f"选项{letter}" for letter in letters}
        if kind == "单选":
            question["answer"] = draw(st.sampled_from(letters))
            response = draw(st.none() | st.sampled_from(letters))
        else:
            right = draw(st.sets(st.sampled_from(letters), min_size=1))
            question["answer"] = "".join(sorted(right))
            chosen = draw(st.sets(st.sampled_from(letters)) | st.sets(st.sampled_from(sorted(right))))
            response = "".join(sorted(chosen))
    elif kind == "判断":
        question["answer"] = draw(st.sampled_from(["对", "错"]))
        response = draw(st.none() | st.sampled_from(["对", "错"]))
    elif kind == "填空":
        count = draw(st.integers(min_value=1, max_value=3))
        words = draw(st.lists(st.sampled_from(WORDS), min_size=count, max_size=count + 3, unique_by=str.lower))
        blanks = [[words[i]] for i in range(count)] + []
        for extra in words[count:]:
            blanks[draw(st.integers(min_value=0, max_value=count - 1))].append(extra)
        question["answer"] = ";".join("|".join(alts) for alts in blanks)
        partial = draw(st.sets(st.sampled_from(words)))
        percent = st.integers(min_value=1, max_value=99).map(str) | st.sampled_from(["12.5", "33.3", "66.67"])
        question["blank_credit"] = {alt: draw(percent) for alt in sorted(partial)}
        response = [
            draw(st.sampled_from(alts).flatmap(variant_of) | st.sampled_from(["", "  ", "120", "dog"]))
            for alts in blanks
        ]
    else:
        question["answer"] = "关阀、开窗、疏散、报警"
        response = draw(st.text(max_size=20))
    return question, response


# --- score_response -------------------------------------------------------------------------------


@examples(400)
@given(case=question_and_response(), partial=st.booleans())
@example(  # a strict subset with no wrong option: half marks, rounded half up (0.05 / 2 → 0.03)
    case=({"qtype": "多选", "points": Decimal("0.05"), "answer": "ABC", "options": {}}, "AB"), partial=True
)
@example(case=({"qtype": "多选", "points": Decimal("4"), "answer": "ABC", "options": {}}, ""), partial=True)
def test_score_response_follows_the_rule(case, partial):
    question, response = case
    got = score_response(
        qtype=question["qtype"],
        answer=question["answer"],
        points=question["points"],
        response=response,
        partial_credit=partial,
        blank_credit=question.get("blank_credit"),
    )
    assert got == reference_score(question, response, partial)


# --- a whole attempt through the database ----------------------------------------------------------


def run_attempt(questions, responses, essay_marks, *, partial, pass_mark):
    from assessments.models import Attempt
    from assessments.selectors import quiz_passed
    from assessments.services import answer_save, attempt_start, attempt_submit
    from assessments.services.marking import answer_mark
    from tests.assessments.helpers import make_quiz
    from tests.factories import UserFactory, WorkerFactory, org

    worker = WorkerFactory(org_unit=org("属性市/甲区/甲街道/一社区/一网格"))
    quiz = make_quiz(questions=questions, multi_partial_credit=partial, pass_mark_percent=pass_mark)
    attempt = attempt_start(quiz=quiz, worker=worker, seed=0)
    answers = {a.question.stem: a for a in attempt.answers.select_related("question", "version")}
    for question, response in zip(questions, responses, strict=True):
        if response is not None and question["qtype"] != "简答":
            answer_save(answer=answers[question["stem"]], response=response)
    attempt_submit(attempt=attempt)
    marker = UserFactory(is_superuser=True, is_staff=True)
    for question, mark in zip(questions, essay_marks, strict=True):
        if question["qtype"] == "简答":
            answer_mark(answer=answers[question["stem"]], marker=marker, score=mark)
    attempt = Attempt.objects.get(pk=attempt.pk)
    return attempt, quiz_passed(worker, quiz)


@st.composite
def paper(draw):
    cases = draw(st.lists(question_and_response(), min_size=1, max_size=5))
    questions, responses, marks = [], [], []
    for number, (question, response) in enumerate(cases, start=1):
        question = {**question, "stem": f"第{number}题 {question['stem']}"}
        questions.append(question)
        responses.append(response)
        whole = int(question["points"] * 100)
        marks.append(Decimal(draw(st.integers(min_value=0, max_value=whole))) / 100)
    return questions, responses, marks


def reference_attempt(questions, responses, marks, *, partial, pass_mark):
    total = Decimal(0)
    for question, response, mark in zip(questions, responses, marks, strict=True):
        score = reference_score(question, response, partial)
        total += mark if score is None else score
    maximum = sum((q["points"] for q in questions), Decimal(0))
    percent = cents(Fraction(total) * 100 / Fraction(maximum))
    return total, percent >= pass_mark


@pytest.mark.django_db
@examples(25, db=True)
@given(
    case=paper(),
    partial=st.booleans(),
    pass_mark=st.integers(min_value=0, max_value=10000).map(lambda n: Decimal(n) / 100),
)
def test_an_attempts_score_and_verdict_follow_the_rule(case, partial, pass_mark):
    questions, responses, marks = case
    with rolled_back():
        attempt, quiz_verdict = run_attempt(questions, responses, marks, partial=partial, pass_mark=pass_mark)
        total, passed = reference_attempt(questions, responses, marks, partial=partial, pass_mark=pass_mark)
        assert attempt.score == total
        assert attempt.passed == passed
        assert quiz_verdict == passed  # one attempt: the quiz grade is that attempt's percent


@pytest.mark.django_db
def test_the_verdict_is_taken_on_the_percent_shown():
    """40 of 66.67 is 59.997 %, shown as 60.00 %: with a pass mark of 60 the attempt passes — the
    attempt's own verdict and the quiz's (by grade) used to disagree here (exact vs shown percent)."""
    questions = [
        {"qtype": "判断", "stem": "一", "answer": "对", "points": Decimal("40")},
        {"qtype": "判断", "stem": "二", "answer": "对", "points": Decimal("26.67")},
    ]
    with rolled_back():
        attempt, quiz_verdict = run_attempt(questions, ["对", "错"], [0, 0], partial=True, pass_mark=Decimal(60))
        assert attempt.percent == Decimal("60.00")
        assert attempt.passed is True
        assert quiz_verdict is True


@pytest.mark.django_db
def test_the_percent_rounds_half_up():
    """1 of 32 points is 3.125 %: shown as 3.13 % (half up, as every other figure), not 3.12 %."""
    questions = [
        {"qtype": "判断", "stem": "一", "answer": "对", "points": Decimal("1")},
        {"qtype": "判断", "stem": "二", "answer": "对", "points": Decimal("31")},
    ]
    with rolled_back():
        attempt, _ = run_attempt(questions, ["对", "错"], [0, 0], partial=True, pass_mark=Decimal("3.13"))
        assert attempt.percent == Decimal("3.13")
        assert attempt.passed is True
