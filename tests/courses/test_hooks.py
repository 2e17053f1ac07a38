"""The two extension points courses added to lms and assessments."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments import hooks as assessment_hooks
from lms import hooks as lms_hooks
from lms.importing import Row
from lms.services import workers_import
from tests.courses.helpers import one_question_quiz, take_quiz
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db


def test_attempt_graded_callbacks_run_inside_grading(make_worker, city_tree, monkeypatch):
    seen = []
    monkeypatch.setattr(assessment_hooks, "_attempt_graded", list(assessment_hooks._attempt_graded))
    assessment_hooks.register_attempt_graded(lambda attempt: seen.append((attempt.pk, attempt.state, attempt.passed)))
    worker = make_worker(unit=city_tree["grid_a"])
    attempt = take_quiz(one_question_quiz(), worker, correct=True)
    assert seen == [(attempt.pk, "graded", True)]


def test_worker_imported_callbacks_get_created_and_updated_workers(city_tree, monkeypatch):
    calls = []
    monkeypatch.setattr(lms_hooks, "_worker_imported", [])
    lms_hooks.register_worker_imported(lambda *, workers, actor: calls.append(sorted(w.employee_no for w in workers)))
    hired = (timezone.localdate() - dt.timedelta(days=2)).isoformat()

    def row(n, name):
        return Row(
            n,
            {
                "工号": f"H{n:04d}",
                "姓名": name,
                "身份证号": make_id_number(800 + n),
                "手机号": f"1380000{n:04d}",
                "所属网格": "测试市/甲区/甲街道/一社区/一网格",
                "入职日期": hired,
                "角色": "网格员",
            },
        )

    workers_import(rows=[row(1, "甲"), row(2, "乙")])
    workers_import(rows=[row(1, "甲"), row(2, "乙改")])
    workers_import(rows=[row(1, "甲"), row(2, "乙改")])
    assert calls == [["H0001", "H0002"], ["H0002"]]
