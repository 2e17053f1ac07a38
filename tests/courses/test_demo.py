"""The demo courses load with real content, workers at different stages, and load again unchanged."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone

from courses import demo, selectors
from courses.models import (
    Attendance,
    CoursePage,
    Enrolment,
    HoursEntry,
    LessonCompletion,
    LessonPage,
    TrainingSession,
)
from lms import demo as lms_demo
from lms.models import Notification, Worker

pytestmark = pytest.mark.django_db

ONBOARDING_LESSONS = [
    "社区治理基础",
    "政策法规",
    "群众工作与沟通",
    "矛盾纠纷调解",
    "应急处置",
    "信息采集规范",
    "特殊人群服务",
    "心理调适",
]


def test_demo_courses_and_stages():
    lms_demo.load(io.StringIO())
    demo.load(io.StringIO())
    counts = (
        CoursePage.objects.count(),
        LessonPage.objects.count(),
        Enrolment.objects.count(),
        HoursEntry.objects.count(),
        TrainingSession.objects.count(),
        Attendance.objects.count(),
    )
    demo.load(io.StringIO())
    assert counts == (
        CoursePage.objects.count(),
        LessonPage.objects.count(),
        Enrolment.objects.count(),
        HoursEntry.objects.count(),
        TrainingSession.objects.count(),
        Attendance.objects.count(),
    )

    onboarding = CoursePage.objects.get(slug="onboarding")
    assert [lesson.title for lesson in onboarding.lessons()] == ONBOARDING_LESSONS
    for lesson in onboarding.lessons():
        text = "".join(str(block.value) for block in lesson.body if block.block_type == "text")
        assert len(text) > 400, lesson.title  # a few real paragraphs, not a placeholder
    assert {c.title for c in CoursePage.objects.filter(tier="thematic")} == {"燃气泄漏应急处置", "高空抛物治理"}
    assert CoursePage.objects.filter(tier="annual").exists()

    wg2 = Worker.objects.get(employee_no="wg0002")
    enrolment = Enrolment.objects.get(worker=wg2, course=onboarding)
    assert enrolment.required and enrolment.completed_on is None
    assert selectors.course_progress(wg2, onboarding)["finished"] == 2
    assert selectors.annual_hours(wg2, timezone.localdate().year) > Decimal("0")
    stages = {
        selectors.course_progress(Worker.objects.get(employee_no=f"wg000{n}"), onboarding)["finished"]
        for n in range(1, 7)
    }
    assert len(stages) >= 4
    assert Attendance.objects.filter(checked_out_at__isnull=False).count() >= 90
    assert Attendance.objects.filter(checked_in_at__isnull=True, signed_up_at__isnull=False).exists()


def test_every_course_notice_of_the_demo_has_its_enrolment():
    """Issue 14, defect 1: the demo once assigned the annual course to everyone, then deleted the
    newcomers' enrolments and left them a notice leading nowhere."""
    lms_demo.load(io.StringIO())
    demo.load(io.StringIO())
    notices = Notification.objects.filter(title__startswith="新的必修课程").select_related("recipient__worker")
    assert notices.count() == Enrolment.objects.filter(required=True).count()
    for notice in notices:
        course = next(c for c in CoursePage.objects.all() if c.url == notice.url)
        assert Enrolment.objects.filter(worker=notice.recipient.worker, course=course).exists(), notice.recipient
    for employee_no in ("wg0001", "wg0002"):
        worker = Worker.objects.get(employee_no=employee_no)
        titles = {n.title for n in notices if n.recipient_id == worker.user_id}
        enrolled = {e.course.title for e in Enrolment.objects.filter(worker=worker, required=True)}
        assert titles == {f"新的必修课程：{title}" for title in enrolled}


def test_demo_learning_follows_the_order_the_product_allows():
    """Issue 14, defect 11 (courses): nobody is enrolled before joining, studies or finishes a
    course before being enrolled in it, or attends a session before joining."""
    lms_demo.load(io.StringIO())
    demo.load(io.StringIO())
    enrolments = Enrolment.objects.select_related("worker", "course")
    for enrolment in enrolments:
        enrolled_on = timezone.localdate(enrolment.enrolled_at)
        assert enrolled_on >= enrolment.worker.hire_date, enrolment
        assert enrolment.completed_on is None or enrolment.completed_on >= enrolled_on, enrolment
        lessons = LessonPage.objects.child_of(enrolment.course)
        for completion in LessonCompletion.objects.filter(worker=enrolment.worker, lesson__in=lessons):
            assert completion.completed_at >= enrolment.enrolled_at, (enrolment, completion.lesson)
    studied = {(c.worker_id, c.lesson_id) for c in LessonCompletion.objects.all()}
    enrolled = {(e.worker_id, lesson.pk) for e in enrolments for lesson in LessonPage.objects.child_of(e.course)}
    assert studied <= enrolled
    for entry in HoursEntry.objects.select_related("worker"):
        assert entry.earned_on >= entry.worker.hire_date, entry
    for attendance in Attendance.objects.exclude(checked_in_at=None).select_related("worker"):
        assert timezone.localdate(attendance.checked_in_at) >= attendance.worker.hire_date
