"""Who sees what: trainee only their own progress, trainers only their subtree's courses and reports."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from courses.models import Enrolment, HoursEntry
from lms import roles
from lms.models import AuditLog
from tests.courses.helpers import lessons_of, make_course
from tests.exports import export_through_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_worker, city_tree):
    return {
        "trainee": make_worker(unit=city_tree["grid_a"]),
        "peer": make_worker(unit=city_tree["grid_a"]),
        "mentor": make_worker(unit=city_tree["grid_a"], role_codes=(roles.MENTOR,)),
        "trainer": make_worker(unit=city_tree["street_a"], role_codes=(roles.TRAINER,)),
        "trainer_b": make_worker(unit=city_tree["street_b"], role_codes=(roles.TRAINER,)),
        "judge": make_worker(unit=city_tree["street_a"], role_codes=(roles.JUDGE,)),
        "hr": make_worker(unit=city_tree["street_a"], role_codes=(roles.HR,)),
        "manager": make_worker(unit=city_tree["street_a"], role_codes=(roles.MANAGER,)),
        "other": make_worker(unit=city_tree["grid_b"]),
    }


def test_my_courses_shows_only_my_own(people, client):
    course = make_course("只给张三")
    Enrolment.objects.create(worker=people["trainee"], course=course)
    HoursEntry.objects.create(
        worker=people["trainee"], source="external", hours=Decimal("7.5"), earned_on=timezone.localdate(), title="外训"
    )
    client.force_login(people["peer"].user)
    page = client.get("/courses/my/").content.decode()
    assert "只给张三" not in page.split("为你推荐")[0] and "7.5" not in page
    client.force_login(people["trainee"].user)
    page = client.get("/courses/my/").content.decode()
    assert "只给张三" in page and "7.5" in page


def test_lesson_of_a_course_not_enrolled_redirects_and_complete_is_refused(people, client):
    course = make_course()
    lesson = lessons_of(course)[0]
    client.force_login(people["peer"].user)
    assert client.get(lesson.url).status_code == 302
    response = client.post(f"/courses/lessons/{lesson.pk}/complete/", follow=True)
    assert "未报名" in response.content.decode()
    assert not HoursEntry.objects.exists()


def test_compliance_report_is_scoped(people, client, city_tree):
    for key in ("trainee", "other"):
        HoursEntry.objects.create(
            worker=people[key], source="external", hours=Decimal("40"), earned_on=timezone.localdate(), title="外训"
        )
    year = timezone.localdate().year
    for role in ("trainer", "hr", "manager"):
        client.force_login(people[role].user)
        page = client.get(f"/courses/compliance/?year={year}").content.decode()
        assert people["trainee"].employee_no in page and people["other"].employee_no not in page
        # asking for the other street's unit falls back to the user's own subtree
        page = client.get(f"/courses/compliance/?unit={city_tree['street_b'].pk}").content.decode()
        assert people["other"].employee_no not in page
    for role in ("trainee", "peer", "mentor", "judge"):
        client.force_login(people[role].user)
        assert client.get("/courses/compliance/").status_code == 403
        assert client.post("/courses/compliance.xlsx").status_code == 403


def test_compliance_export_runs_as_a_job_and_is_logged_on_download(people, client, city_tree):
    HoursEntry.objects.create(
        worker=people["trainee"], source="external", hours=Decimal("12"), earned_on=timezone.localdate(), title="外训"
    )
    client.force_login(people["trainer"].user)
    assert client.get(f"/courses/compliance.xlsx?unit={city_tree['street_a'].pk}").status_code == 405
    job, _, body = export_through_job(
        client, "/courses/compliance.xlsx", {"unit": city_tree["street_a"].pk, "year": timezone.localdate().year}
    )
    assert (job.done, job.total) == (job.total, job.total) and job.total >= 1
    rows = list(load_workbook(BytesIO(body)).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("工号", "姓名", "所属网格", "入职日期", f"{timezone.localdate().year}年学时")
    by_no = {row[0]: row for row in rows[1:]}
    assert by_no[people["trainee"].employee_no][4] == 12 and by_no[people["trainee"].employee_no][6] == "未达标"
    assert people["other"].employee_no not in by_no
    log = AuditLog.objects.get(action="export", target_type="training_compliance")
    assert log.actor == people["trainer"].user and log.detail["export_job"] == job.pk
    # another trainer (a peer of the same role) cannot see the job or fetch its file
    client.force_login(people["trainer_b"].user)
    for suffix in ("", "status/", "download/"):
        assert client.get(f"/exports/{job.pk}/{suffix}").status_code == 404


def test_compliance_export_of_a_unit_outside_the_scope_starts_nothing(people, client, city_tree):
    from lms.models import ExportJob

    client.force_login(people["trainer"].user)
    assert client.post("/courses/compliance.xlsx", {"unit": city_tree["street_b"].pk}).status_code == 404
    assert not ExportJob.objects.exists()


def test_trainer_sees_only_subtree_courses_in_admin(people, client, city_tree):
    mine = make_course("甲街道课程", owner=city_tree["street_a"])
    theirs = make_course("乙街道课程", owner=city_tree["street_b"])
    client.force_login(people["trainer"].user)
    listing = client.get(f"/admin/pages/{mine.get_parent().pk}/").content.decode()
    assert "甲街道课程" in listing and "乙街道课程" not in listing
    assert client.get(f"/admin/pages/{mine.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/{theirs.pk}/edit/").status_code in (302, 403)
    lesson = lessons_of(theirs)[0]
    assert client.get(f"/admin/pages/{lesson.pk}/edit/").status_code in (302, 403)
    assert client.get(f"/admin/pages/add/courses/lessonpage/{theirs.pk}/").status_code in (302, 403)
    client.force_login(people["trainer_b"].user)
    assert client.get(f"/admin/pages/{theirs.pk}/edit/").status_code == 200


def test_assign_view_only_for_own_courses(people, client, city_tree):
    mine = make_course("甲街道课程", owner=city_tree["street_a"])
    theirs = make_course("乙街道课程", owner=city_tree["street_b"])
    client.force_login(people["trainer"].user)
    assert client.get(f"/courses/{theirs.pk}/assign/").status_code == 404
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    response = client.post(f"/courses/{mine.pk}/assign/", {"workers": people["trainee"].employee_no, "due_on": due})
    assert response.status_code == 302
    assert Enrolment.objects.get(course=mine).worker == people["trainee"]
    response = client.post(f"/courses/{mine.pk}/assign/", {"workers": people["other"].employee_no, "due_on": due})
    assert "不在您的管理范围内" in response.content.decode()
    client.force_login(people["trainee"].user)
    assert client.get(f"/courses/{mine.pk}/assign/").status_code == 404


def test_training_record_download_is_my_own(people, client):
    HoursEntry.objects.create(
        worker=people["trainee"],
        source="external",
        hours=Decimal("3"),
        earned_on=timezone.localdate(),
        title="张三的外训",
    )
    client.force_login(people["peer"].user)
    rows = list(
        load_workbook(BytesIO(client.get("/courses/my/record.xlsx").content)).active.iter_rows(values_only=True)
    )
    assert rows[0][1] == people["peer"].employee_no and not any("张三的外训" in str(r) for r in rows)
    client.force_login(people["trainee"].user)
    rows = list(
        load_workbook(BytesIO(client.get("/courses/my/record.xlsx").content)).active.iter_rows(values_only=True)
    )
    assert any(r[2] == "张三的外训" for r in rows if len(r) > 2)


def test_trainer_edits_only_sessions_of_their_subtree(people, client, city_tree):
    from courses.models import TrainingSession

    start = timezone.now() + dt.timedelta(days=3)
    mine = TrainingSession.objects.create(
        title="甲街道面授",
        owner_unit=city_tree["street_a"],
        place="甲",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        capacity=10,
    )
    theirs = TrainingSession.objects.create(
        title="乙街道面授",
        owner_unit=city_tree["street_b"],
        place="乙",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        capacity=10,
    )
    client.force_login(people["trainer"].user)
    listing = client.get("/admin/snippets/courses/trainingsession/").content.decode()
    assert "甲街道面授" in listing and "乙街道面授" not in listing
    assert client.get(f"/admin/snippets/courses/trainingsession/edit/{mine.pk}/").status_code == 200
    assert client.get(f"/admin/snippets/courses/trainingsession/edit/{theirs.pk}/").status_code in (302, 403, 404)
    assert client.get(f"/admin/snippets/courses/trainingsession/delete/{theirs.pk}/").status_code in (302, 403, 404)


def test_unit_filters_stay_within_the_users_scope(people, city_tree):
    from courses import selectors, services

    year = timezone.localdate().year
    trainer = people["trainer"].user
    rows = selectors.compliance_rows(trainer, city_tree["street_b"], year)
    assert rows["total"] == 0  # another street's unit: nobody, not that street's people
    rows = selectors.compliance_rows(trainer, city_tree["city"], year)
    numbers = {r["worker"].employee_no for r in rows["rows"]}
    assert people["trainee"].employee_no in numbers and people["other"].employee_no not in numbers
    course = make_course(owner=city_tree["street_a"])
    assert services.course_assign(actor=trainer, course=course, org_units=[city_tree["street_b"]]) == 0
    assert services.course_assign(actor=trainer, course=course, org_units=[city_tree["city"]]) > 0
    assert not Enrolment.objects.filter(worker=people["other"]).exists()
