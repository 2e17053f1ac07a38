"""A 新的必修课程 notice exists only with the enrolment it announces, and its link opens a course the
worker is enrolled in and sees in 我的课程 (issue 14, defect 1)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.models import Enrolment, Tier
from lms import roles
from lms.models import Notification
from tests.courses.helpers import make_course

pytestmark = pytest.mark.django_db


def _notices(worker):
    return Notification.objects.filter(recipient=worker.user, title__startswith="新的必修课程")


def test_the_notice_opens_a_course_the_worker_is_enrolled_in(make_worker, city_tree, client):
    trainer = make_worker(unit=city_tree["city"], role_codes=(roles.TRAINER,))
    worker = make_worker(unit=city_tree["grid_a"])
    course = make_course("年度轮训", owner=city_tree["city"], lessons=2)
    due = timezone.localdate() + dt.timedelta(days=30)
    services.course_assign(actor=trainer.user, course=course, org_units=[city_tree["street_a"]], due_on=due)

    notice = _notices(worker).get()
    assert notice.title == "新的必修课程：年度轮训" and f"{due:%Y年%m月%d日}" in notice.body
    client.force_login(worker.user)
    page = client.get(notice.url).content.decode()
    assert "本课程由培训管理员指派" not in page
    assert "开始学习" in page and "已完成 0/2 个必修课时" in page
    lesson = course.lessons().first()
    assert client.get(lesson.url).status_code == 200  # not redirected with 请先报名该课程
    assert "年度轮训" in client.get(reverse("courses:my_courses")).content.decode()


def test_an_enrolment_made_again_is_announced_again(make_worker, city_tree):
    """The notice is keyed by the enrolment, not the course: enrolled again after a removal, the
    worker is told again, and every notice still names an enrolment that exists."""
    trainer = make_worker(unit=city_tree["city"], role_codes=(roles.TRAINER,))
    worker = make_worker(unit=city_tree["grid_a"])
    course = make_course("年度轮训", owner=city_tree["city"])
    services.course_assign(actor=trainer.user, course=course, workers=[worker])
    Enrolment.objects.filter(worker=worker, course=course).delete()
    Notification.objects.filter(recipient=worker.user).delete()
    assert services.course_assign(actor=trainer.user, course=course, workers=[worker]) == 1
    enrolment = Enrolment.objects.get(worker=worker, course=course)
    assert _notices(worker).get().dedupe_key == f"course-assigned-{enrolment.pk}"
    # assigning again adds neither an enrolment nor a notice
    assert services.course_assign(actor=trainer.user, course=course, workers=[worker]) == 0
    assert _notices(worker).count() == 1


def test_onboarding_enrolment_is_announced_with_it(make_worker, city_tree):
    onboarding = make_course("入职培训", tier=Tier.ONBOARDING)
    today = timezone.localdate()
    hire = make_worker(unit=city_tree["grid_a"], hire_date=today - dt.timedelta(days=2))
    veteran = make_worker(unit=city_tree["grid_a"], hire_date=today - dt.timedelta(days=400))
    assert services.onboarding_enrol(workers=[hire, veteran]) == 1
    enrolment = Enrolment.objects.get(worker=hire, course=onboarding)
    notice = _notices(hire).get()
    assert notice.url == onboarding.url and f"{enrolment.due_on:%Y年%m月%d日}" in notice.body
    assert not _notices(veteran).exists()


def test_no_notice_without_its_enrolment_when_the_assignment_fails(make_worker, city_tree, monkeypatch):
    """One transaction: a failure while writing leaves neither enrolments nor notices."""
    trainer = make_worker(unit=city_tree["city"], role_codes=(roles.TRAINER,))
    worker = make_worker(unit=city_tree["grid_a"])
    course = make_course("年度轮训", owner=city_tree["city"])

    def broken(**kwargs):
        raise RuntimeError("消息服务不可用")

    monkeypatch.setattr(services, "notification_send", broken)
    with pytest.raises(RuntimeError):
        services.course_assign(actor=trainer.user, course=course, workers=[worker])
    assert not Enrolment.objects.filter(course=course).exists()
