"""The demo courses load with real content, workers at different stages, and load again unchanged."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone

from courses import demo, selectors
from courses.models import Attendance, CoursePage, Enrolment, HoursEntry, LessonPage, TrainingSession
from lms import demo as lms_demo
from lms.models import Worker

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
