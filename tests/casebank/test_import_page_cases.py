"""案例 import page: trainers upload the `import_cases` file; preview, then publish."""

import pytest
from django.urls import reverse

from casebank.imports import CASES, COLUMNS
from casebank.models import CasePage
from lms import roles
from lms.models import ImportJob
from tests.casebank.test_import_cases import ROWS
from tests.lms.test_import_pages import csv_upload

pytestmark = pytest.mark.django_db

PAGE = reverse("import_start", args=[CASES])


def as_row(record):
    return [";".join(record[c]) if isinstance(record[c], list) else record[c] for c in COLUMNS]


@pytest.fixture
def trainer_client(client, city_tree, make_worker):
    trainer = make_worker(unit=city_tree["city"], role_codes={roles.TRAINER})
    client.force_login(trainer.user)
    return client


def test_errors_then_a_clean_file_published_on_confirm(trainer_client):
    bad = dict(ROWS[1], 类别="不存在的类别")
    response = trainer_client.post(
        PAGE, {"file": csv_upload([as_row(ROWS[0]), as_row(bad)], name="c.csv", headers=COLUMNS)}
    )
    html = trainer_client.get(response["Location"]).content.decode()
    assert "第2行: " in html and "不存在的类别" in html and "第1行" not in html
    assert not CasePage.objects.exists()

    response = trainer_client.post(PAGE, {"file": csv_upload([as_row(r) for r in ROWS], name="c.csv", headers=COLUMNS)})
    job = ImportJob.objects.get(status=ImportJob.Status.READY)
    assert "确认后将：新增 2 条" in trainer_client.get(response["Location"]).content.decode()
    assert not CasePage.objects.exists()
    trainer_client.post(reverse("import_job_confirm", args=[job.pk]))
    assert set(CasePage.objects.live().values_list("title", flat=True)) == {r["标题"] for r in ROWS}


def test_hr_and_workers_may_not_import_cases(client, city_tree, make_worker):
    for role_codes in ({roles.HR}, {roles.TRAINEE}):
        client.force_login(make_worker(unit=city_tree["street_a"], role_codes=role_codes).user)
        assert client.get(PAGE).status_code == 403
