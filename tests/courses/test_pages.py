import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.blocks import StructBlockValidationError

from assessments.services import evidence_record
from courses import selectors
from courses.models import (
    CaseRefBlock,
    CourseIndexPage,
    CoursePage,
    DrillRefBlock,
    Enrolment,
    EnrolmentMode,
    LessonPage,
    Tier,
)
from courses.services import course_index_ensure
from lms.models import HomePage
from tests.courses.helpers import lessons_of, make_course

pytestmark = pytest.mark.django_db


def test_page_tree_rules():
    index = course_index_ensure()
    assert course_index_ensure().pk == index.pk  # idempotent
    assert index.url == "/courses/" and index.get_parent().specific_class is HomePage
    assert CoursePage.can_create_at(index) and not LessonPage.can_create_at(index)
    course = make_course(lessons=1)
    assert LessonPage.can_create_at(course) and not CoursePage.can_create_at(course)
    assert not CourseIndexPage.can_create_at(HomePage.objects.first())  # max_count 1
    assert not LessonPage.can_create_at(lessons_of(course)[0])


def test_course_fields_are_validated():
    course = CoursePage(
        title="x",
        slug="x",
        indicator_codes="2.3;9.9",
        audience_roles="trainee;boss",
        tier=Tier.ONBOARDING,
        enrolment_mode=EnrolmentMode.SELF,
    )
    with pytest.raises(ValidationError) as raised:
        course.full_clean()
    errors = raised.value.message_dict
    assert "9.9" in str(errors["indicator_codes"]) and "boss" in str(errors["audience_roles"])
    assert "enrolment_mode" in errors


def test_case_and_drill_blocks_accept_only_casebank_pages():
    course = make_course(lessons=1)
    for block in (CaseRefBlock(), DrillRefBlock()):
        with pytest.raises(StructBlockValidationError) as raised:
            block.clean(block.to_python({"page": course.pk, "note": ""}))
        assert "请选择案例库中的" in str(raised.value.block_errors["page"])


def test_recommendations_follow_weakest_indicators_then_tier(make_worker, city_tree):
    worker = make_worker(unit=city_tree["grid_a"], hire_date=timezone.localdate() - dt.timedelta(days=400))
    annual = make_course("年度轮训", tier=Tier.ANNUAL)
    gas = make_course("燃气泄漏应急处置", tier=Tier.THEMATIC, enrolment_mode=EnrolmentMode.SELF, indicator_codes="3.2")
    talk = make_course("群众沟通", tier=Tier.THEMATIC, enrolment_mode=EnrolmentMode.SELF, indicator_codes="2.1")
    courses, reason = selectors.recommended_courses(worker)
    assert courses[0] == annual and "年度轮训" in reason
    today = timezone.localdate()
    evidence_record(worker=worker, indicator_code="3.2", score=Decimal("45"), occurred_on=today, source=worker)
    evidence_record(worker=worker, indicator_code="2.1", score=Decimal("88"), occurred_on=today, source=worker)
    courses, reason = selectors.recommended_courses(worker)
    assert courses[0] == gas and talk in courses and "3.2" in reason
    Enrolment.objects.create(worker=worker, course=gas)
    assert gas not in selectors.recommended_courses(worker)[0]


def test_lesson_and_my_courses_query_counts(make_worker, city_tree, client):
    worker = make_worker(unit=city_tree["grid_a"])
    courses = [make_course(f"课程{n}", lessons=6) for n in range(4)]
    for course in courses:
        Enrolment.objects.create(worker=worker, course=course)
    client.force_login(worker.user)
    lesson = lessons_of(courses[0])[2]
    client.get(lesson.url)
    with CaptureQueriesContext(connection) as lesson_queries:
        assert client.get(lesson.url).status_code == 200
    with CaptureQueriesContext(connection) as my_queries:
        assert client.get("/courses/my/").status_code == 200
    assert len(lesson_queries) <= 15, [q["sql"] for q in lesson_queries]
    assert len(my_queries) <= 15, [q["sql"] for q in my_queries]


def test_lesson_fast_path_falls_back_to_wagtail(make_worker, city_tree, client):
    worker = make_worker(unit=city_tree["grid_a"])
    course = make_course("快速通道", lessons=2)
    Enrolment.objects.create(worker=worker, course=course)
    lesson = lessons_of(course)[1]
    client.force_login(worker.user)
    assert client.get(lesson.url).context["lesson"] == lesson
    assert client.get(course.url + "no-such-lesson/").status_code == 404
    lesson.unpublish()
    assert client.get(lesson.url).status_code == 404
    reserved = CoursePage(title="x", slug="sessions")
    with pytest.raises(ValidationError):
        reserved.full_clean()
