"""The demo bank loads through the import service, covers all 18 indicators, and is idempotent."""

import io

import pytest
from django.core.management import call_command

from assessments import demo
from assessments.models import Attempt, Question, QuestionVersion, Quiz
from assessments.selectors import indicator_codes
from lms import demo as lms_demo

pytestmark = pytest.mark.django_db


def test_demo_bank_file_imports_cleanly_and_covers_every_indicator(tmp_path):
    out = io.StringIO()
    call_command("import_questions", str(demo.BANK_FILE), "--quiz", "题库检查", stdout=out)
    questions = Question.objects.all()
    assert questions.count() >= 150
    assert set(questions.values_list("indicator_code", flat=True)) == indicator_codes()
    assert set(questions.values_list("qtype", flat=True)) == {"单选", "多选", "判断", "填空", "简答"}


def test_demo_load_is_idempotent():
    lms_demo.load(io.StringIO())
    demo.load(io.StringIO())
    counts = (Question.objects.count(), QuestionVersion.objects.count(), Attempt.objects.count(), Quiz.objects.count())
    demo.load(io.StringIO())
    assert counts == (
        Question.objects.count(),
        QuestionVersion.objects.count(),
        Attempt.objects.count(),
        Quiz.objects.count(),
    )
    exam = Quiz.objects.get(title=demo.EXAM)
    assert exam.attempts.count() == 20 and exam.markers.count() == 2
    assert exam.attempts.filter(state="pending_marking").exists()
    first = exam.attempts.first()
    assert first.answers.count() == 18 + 12
    assert Quiz.objects.get(title=demo.BANK).is_draft
