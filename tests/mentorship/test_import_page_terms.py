"""师徒结对 import page: trainers and HR pair mentees of their own subtree through `terms_import`."""

import pytest
from django.urls import reverse

from assessments.mentorship.imports import MENTORSHIPS
from assessments.mentorship.models import MentorshipTerm
from lms.models import ImportJob
from tests.lms.test_import_pages import csv_upload

pytestmark = pytest.mark.django_db

PAGE = reverse("import_start", args=[MENTORSHIPS])
HEADERS = ("导师工号", "徒弟工号", "开始日期", "计划结束日期")


@pytest.mark.parametrize("who", ["trainer_a", "hr_a"])
def test_a_mentee_outside_the_uploaders_subtree_is_an_error_then_a_clean_file_pairs(client, people, who):
    p = {k: w.employee_no for k, w in people.items()}
    client.force_login(people[who].user)
    rows = [
        [p["mentor"], p["mentee"], "2026-03-01", "2026-07-01"],
        [p["mentor_b"], p["mentor_b"], "2026-03-01", "2026-07-01"],
    ]
    response = client.post(PAGE, {"file": csv_upload(rows, name="t.csv", headers=HEADERS)})
    html = client.get(response["Location"]).content.decode()
    assert f"徒弟“{p['mentor_b']}”不在您的管理范围内" in html and "第2行" in html and "第1行" not in html
    assert not MentorshipTerm.objects.exists()

    response = client.post(PAGE, {"file": csv_upload(rows[:1], name="t.csv", headers=HEADERS)})
    job = ImportJob.objects.get(status=ImportJob.Status.READY)
    assert "确认后将：新增 1 条，未变化 0 条" in client.get(response["Location"]).content.decode()
    client.post(reverse("import_job_confirm", args=[job.pk]))
    term = MentorshipTerm.objects.get()
    assert (term.mentee, term.created_by) == (people["mentee"], people[who].user)


def test_a_manager_may_not_import_terms(client, people):
    client.force_login(people["manager_a"].user)
    assert client.get(PAGE).status_code == 403
