"""A bank exported to XLSX or GIFT and imported again is unchanged."""

import io

import pytest
from django.core.management import call_command

from assessments.models import Question, QuestionVersion, Quiz
from assessments.services import questions_import, quiz_export_bank
from tests.assessments.helpers import ESSAY, SAMPLE, make_quiz

pytestmark = pytest.mark.django_db

FIELDS = ("qtype", "stem", "options", "answer", "explanation", "points", "indicator_code", "difficulty", "category")


def contents(quiz):
    return [
        tuple(getattr(slot.question, f) for f in FIELDS)
        for slot in quiz.slots.select_related("question").order_by("order")
    ]


def single_blank_bank():
    questions = [q for q in SAMPLE if q["qtype"] != "填空"] + [
        dict(
            qtype="填空",
            stem="报警电话：{110}？含特殊字符 ~ = # :",
            answer="110|幺幺零",
            points=1,
            indicator_code="3.2",
        ),
        {**ESSAY, "explanation": "要点：关阀\n开窗"},
    ]
    questions[0] = {**questions[0], "explanation": "一般问题24小时响应，72小时办结"}
    return questions


@pytest.mark.parametrize("fmt", ["xlsx", "gift"])
def test_round_trip_into_a_new_quiz_is_identical(tmp_path, fmt):
    source = make_quiz("源题库", single_blank_bank())
    path = tmp_path / f"bank.{fmt}"
    assert quiz_export_bank(quiz=source, target=str(path), fmt=fmt) == []
    questions_import(path=path, quiz_title="导回题库")
    assert contents(Quiz.objects.get(title="导回题库")) == contents(source)


@pytest.mark.parametrize("fmt", ["xlsx", "gift"])
def test_round_trip_into_the_same_quiz_changes_nothing(tmp_path, fmt):
    source = make_quiz("源题库", single_blank_bank())
    path = tmp_path / f"bank.{fmt}"
    quiz_export_bank(quiz=source, target=str(path), fmt=fmt)
    versions = QuestionVersion.objects.count()
    summary = questions_import(path=path, quiz_title="源题库")
    assert (summary.created, summary.updated, summary.removed) == (0, 0, 0)
    assert QuestionVersion.objects.count() == versions and Question.objects.count() == len(single_blank_bank())


def test_multi_blank_questions_go_to_xlsx_and_are_noted_in_gift(tmp_path):
    quiz = make_quiz("多空", SAMPLE)
    notes = quiz_export_bank(quiz=quiz, target=str(tmp_path / "b.gift"), fmt="gift")
    assert notes == ["第4题为多空填空题，GIFT 无法表达，已跳过（请用 XLSX 导出）"]
    quiz_export_bank(quiz=quiz, target=str(tmp_path / "b.xlsx"), fmt="xlsx")
    questions_import(path=tmp_path / "b.xlsx", quiz_title="多空导回")
    assert contents(Quiz.objects.get(title="多空导回")) == contents(quiz)


def test_export_command(tmp_path):
    make_quiz("命令导出", SAMPLE)
    out = io.StringIO()
    call_command("export_questions", "--quiz", "命令导出", "--output", str(tmp_path / "x.xlsx"), stdout=out)
    assert "已导出 4 道题" in out.getvalue()
    assert (tmp_path / "x.xlsx").stat().st_size > 0
