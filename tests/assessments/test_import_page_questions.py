"""题目 import page: into a quiz the trainer manages only, CSV and GIFT through the command's service."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.imports import QUESTIONS
from assessments.models import Quiz
from lms import roles
from lms.models import ImportJob
from tests.assessments.test_import_questions import GOOD, HEADER
from tests.lms.test_import_pages import csv_upload

pytestmark = pytest.mark.django_db

PAGE = reverse("import_start", args=[QUESTIONS])


@pytest.fixture
def quizzes(city_tree):
    return {
        "own": Quiz.objects.create(title="甲街道月考", audience=city_tree["street_a"]),
        "other": Quiz.objects.create(title="乙街道月考", audience=city_tree["street_b"]),
        "everyone": Quiz.objects.create(title="全市通考"),
    }


@pytest.fixture
def trainer_client(client, city_tree, make_worker):
    trainer = make_worker(unit=city_tree["street_a"], role_codes={roles.TRAINER})
    client.force_login(trainer.user)
    return client


def test_the_chooser_offers_only_quizzes_the_trainer_manages(trainer_client, quizzes):
    html = trainer_client.get(PAGE).content.decode()
    assert "甲街道月考" in html
    assert "乙街道月考" not in html and "全市通考" not in html
    # picking another street's quiz by id is refused and writes nothing
    response = trainer_client.post(
        PAGE, {"file": csv_upload(GOOD, name="q.csv", headers=HEADER), "target": quizzes["other"].pk}
    )
    assert response.status_code == 200 and "请从列表中选择测验" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_bad_rows_are_listed_and_a_clean_file_previews_then_fills_the_quiz(trainer_client, quizzes):
    bad = [
        GOOD[0],
        ["单选", "缺答案的题", "甲", "乙", "", "", "", "", "2", "", ""],
        ["判断", "x", "", "", "", "", "对", "", "0", "", ""],
    ]
    response = trainer_client.post(
        PAGE, {"file": csv_upload(bad, name="q.csv", headers=HEADER), "target": quizzes["own"].pk}
    )
    html = trainer_client.get(response["Location"]).content.decode()
    assert "第2行: " in html and "第3行: " in html and "第1行" not in html
    assert not quizzes["own"].slots.exists()

    response = trainer_client.post(
        PAGE, {"file": csv_upload(GOOD, name="q.csv", headers=HEADER), "target": quizzes["own"].pk}
    )
    job = ImportJob.objects.get(status=ImportJob.Status.READY)
    html = trainer_client.get(response["Location"]).content.decode()
    assert "确认后将：新增 5 条，更新 0 条，未变化 0 条，移出 0 条" in html
    assert not quizzes["own"].slots.exists()
    trainer_client.post(reverse("import_job_confirm", args=[job.pk]))
    assert quizzes["own"].slots.count() == 5
    job.refresh_from_db()
    assert job.result.startswith("更新测验“甲街道月考”：新增 5 题")


def test_gift_is_accepted_as_by_the_command(trainer_client, quizzes):
    gift = "::q1:: 火警电话是？ {=119 ~110 ~120}\n\n::q2:: 网格员应定期走访。 {T}\n"
    upload = SimpleUploadedFile("q.gift", gift.encode("utf-8"), content_type="text/plain")
    response = trainer_client.post(PAGE, {"file": upload, "target": quizzes["own"].pk})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.READY, job.errors
    assert "火警电话是？" in trainer_client.get(response["Location"]).content.decode()
    trainer_client.post(reverse("import_job_confirm", args=[job.pk]))
    assert quizzes["own"].slots.count() == 2


def test_a_city_trainer_manages_the_quizzes_open_to_everyone(client, city_tree, make_worker, quizzes):
    trainer = make_worker(unit=city_tree["city"], role_codes={roles.TRAINER})
    client.force_login(trainer.user)
    html = client.get(PAGE).content.decode()
    assert all(title in html for title in ("甲街道月考", "乙街道月考", "全市通考"))
