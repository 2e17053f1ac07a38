"""Aiken question files (.txt): single-answer choice questions, problems by question and line."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.bank_aiken import parse_aiken, write_aiken
from assessments.imports import QUESTIONS
from assessments.models import Quiz
from assessments.services import questions_import
from lms import roles
from lms.importing import ImportRejected
from lms.models import ImportJob
from tests.assessments.helpers import SAMPLE

GOOD = """居民反映楼道堆物影响通行，
网格员首先应当？
A. 直接清理
B) 上门了解情况并劝导
C．报警
D）不予理会
ANSWER: B

火警电话是？
A. 110
B. 119
answer：b
"""


def test_questions_options_and_answers_are_read():
    records, errors = parse_aiken(GOOD)
    assert not errors
    first, second = records
    assert (first.qtype, first.stem, first.answer) == ("单选", "居民反映楼道堆物影响通行，\n网格员首先应当？", "B")
    assert first.options == {"A": "直接清理", "B": "上门了解情况并劝导", "C": "报警", "D": "不予理会"}
    assert (second.stem, second.options, second.answer, str(second.points)) == (
        "火警电话是？",
        {"A": "110", "B": "119"},
        "B",
        "1",
    )


def test_problems_name_the_question_and_its_line():
    text = """第一题没有答案行
A. 甲
B. 乙

第二题答案不在选项中
A. 甲
B. 乙
ANSWER: E

第三题选项跳了字母
A. 甲
C. 丙
ANSWER: A

第四题只有一个选项
A. 甲
ANSWER: A
"""
    records, errors = parse_aiken(text)
    assert records == []
    assert errors.lines() == [
        "第1题（第一题没有答案行，第1行）：缺少“ANSWER: 字母”行",
        "第2题（第二题答案不在选项中，第5行）：答案“E”不在给出的选项中（已给选项：A、B）",
        "第3题（第三题选项跳了字母，第10行）：选项应从 A 起按顺序排列，现为 A、C",
        "第4题（第四题只有一个选项，第15行）：选择题至少需要两个选项",
    ]


def test_a_file_that_ends_without_an_answer_is_reported():
    _, errors = parse_aiken("最后一题\nA. 甲\nB. 乙\n")
    assert errors.lines() == ["第1题（最后一题，第1行）：缺少“ANSWER: 字母”行"]


@pytest.mark.django_db
def test_import_is_all_or_nothing_and_idempotent(tmp_path):
    path = tmp_path / "aiken.txt"
    path.write_text(GOOD + "\n坏题\nA. 甲\nB. 乙\nANSWER: AB\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as refused:
        questions_import(path=path, quiz_title="Aiken")
    assert refused.value.lines == ["第3题（坏题，第14行）：单选题只能有一个答案，却给了“AB”"]
    assert not Quiz.objects.exists()
    path.write_text(GOOD, encoding="utf-8")
    assert questions_import(path=path, quiz_title="Aiken").created == 2
    summary = questions_import(path=path, quiz_title="Aiken")
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)


def test_write_aiken_round_trips_single_choice_and_notes_the_rest():
    text, notes = write_aiken([type("Q", (), q) for q in SAMPLE])
    assert notes == [
        "第2题为多选题，Aiken 只能表达单选题，已跳过",
        "第3题为判断题，Aiken 只能表达单选题，已跳过",
        "第4题为填空题，Aiken 只能表达单选题，已跳过",
    ]
    (record,), errors = parse_aiken(text)
    assert not errors
    assert (record.stem, record.options, record.answer) == (SAMPLE[0]["stem"], SAMPLE[0]["options"], "B")


@pytest.mark.django_db
def test_the_upload_page_takes_aiken(client, city_tree, make_worker):
    quiz = Quiz.objects.create(title="甲街道月考", audience=city_tree["street_a"])
    client.force_login(make_worker(unit=city_tree["street_a"], role_codes={roles.TRAINER}).user)
    page = reverse("import_start", args=[QUESTIONS])
    assert ".txt" in client.get(page).content.decode()
    upload = SimpleUploadedFile("题库.txt", GOOD.encode("utf-8"), content_type="text/plain")
    response = client.post(page, {"file": upload, "target": quiz.pk})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.READY, job.errors
    assert "火警电话是？" in client.get(response["Location"]).content.decode()
    client.post(reverse("import_job_confirm", args=[job.pk]))
    assert quiz.slots.count() == 2


@pytest.mark.django_db
def test_the_import_command_reads_aiken(tmp_path):
    from django.core.management import call_command

    path = tmp_path / "aiken.txt"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import_questions", str(path), "--quiz", "命令导入")
    assert Quiz.objects.get(title="命令导入").slots.count() == 2
