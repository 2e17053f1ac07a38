import datetime as dt
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
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
from lms import roles
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
    evidence_record(
        worker=worker, indicator_code="3.2", score=Decimal("45"), occurred_on=today, source="观察", reference=worker
    )
    evidence_record(
        worker=worker, indicator_code="2.1", score=Decimal("88"), occurred_on=today, source="观察", reference=worker
    )
    courses, reason = selectors.recommended_courses(worker)
    assert courses[0] == gas and talk in courses and "3.2" in reason
    Enrolment.objects.create(worker=worker, course=gas)
    assert gas not in selectors.recommended_courses(worker)[0]


def test_lesson_and_my_courses_query_counts(make_worker, city_tree, client):
    """The courses bench's figures rest on these counts (8 per page): they must not rise."""
    worker = make_worker(unit=city_tree["grid_a"])
    courses = [make_course(f"课程{n}", lessons=6) for n in range(4)]
    for course in courses:
        Enrolment.objects.create(worker=worker, course=course)
    client.force_login(worker.user)
    lessons = lessons_of(courses[0])
    client.get(lessons[2].url)
    client.get("/courses/my/")  # recommendations and the catalogue are cached from here on
    with CaptureQueriesContext(connection) as lesson_queries:
        assert client.get(lessons[3].url).status_code == 200  # records the new place: one UPDATE
    with CaptureQueriesContext(connection) as my_queries:
        assert client.get("/courses/my/").status_code == 200
    assert len(lesson_queries) <= 8, [q["sql"] for q in lesson_queries]
    assert len(my_queries) <= 8, [q["sql"] for q in my_queries]


def test_the_lesson_route_serves_live_lessons_only(make_worker, city_tree, client):
    worker = make_worker(unit=city_tree["grid_a"])
    course = make_course("唯一路由", lessons=2)
    Enrolment.objects.create(worker=worker, course=course)
    first, second = lessons_of(course)
    client.force_login(worker.user)
    assert client.get(second.url).context["lesson"] == second
    assert client.get(course.url + "no-such-lesson/").status_code == 404
    assert client.get("/courses/no-such-course/" + second.slug + "/").status_code == 404
    assert client.get(course.url + second.slug + "/more/").status_code == 404
    second.unpublish()
    assert client.get(second.url).status_code == 404
    # Wagtail's own routing never serves a lesson: it reaches one only away from its address.
    from wagtail.views import serve

    request = RequestFactory().get(first.url)
    request.user = worker.user
    with pytest.raises(Http404):
        serve(request, unquote(first.url).lstrip("/"))


def test_draft_courses_and_draft_lessons_are_not_served(make_worker, city_tree, client):
    worker = make_worker(unit=city_tree["grid_a"])
    course = make_course("草稿课程", lessons=1)
    (lesson,) = lessons_of(course)
    Enrolment.objects.create(worker=worker, course=course)
    client.force_login(worker.user)
    draft = LessonPage(title="未发布的课时", slug="draft-lesson", live=False)
    course.add_child(instance=draft)
    assert client.get(draft.url).status_code == 404
    course.unpublish()
    assert client.get(course.url).status_code == 404
    # As with Wagtail's routing, which checks only the page asked for: a lesson left live under a
    # course unpublished since is still read by those enrolled (the admin offers to unpublish both).
    assert client.get(lesson.url).status_code == 200


def test_a_redirect_from_an_old_lesson_address_is_followed(make_worker, city_tree, client):
    from wagtail.contrib.redirects.models import Redirect

    worker = make_worker(unit=city_tree["grid_a"])
    course = make_course("改过地址", lessons=1)
    (lesson,) = lessons_of(course)
    Enrolment.objects.create(worker=worker, course=course)
    client.force_login(worker.user)
    Redirect.add_redirect(f"{course.url}old-slug/", redirect_to=lesson, is_permanent=True)
    response = client.get(f"{course.url}old-slug/")
    assert response.status_code == 301 and response["Location"] == lesson.url


def test_wagtail_preview_shows_the_draft_lesson_and_records_nothing(make_worker, city_tree, client):
    trainer = make_worker(unit=city_tree["street_a"], role_codes=(roles.TRAINER,))
    course = make_course("预览", lessons=2)
    first, second = lessons_of(course)
    enrolment = Enrolment.objects.create(worker=trainer, course=course, last_lesson=first)
    second.title = "草稿标题"
    second.body = [("text", "<p>草稿正文</p>")]
    second.save_revision()
    client.force_login(trainer.user)
    response = client.get(f"/admin/pages/{second.pk}/view_draft/")
    html = response.content.decode()
    assert response.status_code == 200 and "草稿标题" in html and "草稿正文" in html
    assert "第 2/2 课时" in html and f'href="{course.url}"' in html
    enrolment.refresh_from_db()
    assert enrolment.last_lesson == first


def test_course_slugs_that_the_course_screens_use_are_reserved():
    """Every address courses.urls serves under /courses/ takes a first segment a course slug cannot."""
    from courses import urls
    from courses.models import RESERVED_COURSE_SLUGS

    firsts = {str(p.pattern).split("/")[1] for p in urls.urlpatterns if str(p.pattern).startswith("courses/")}
    literal = {segment for segment in firsts if not segment.startswith("<")}
    assert literal <= RESERVED_COURSE_SLUGS
    assert firsts - literal == {"<int:pk>", "<str:course_slug>"}  # digits are refused below; the lesson route
    for slug in sorted(RESERVED_COURSE_SLUGS) + ["2026"]:
        with pytest.raises(ValidationError) as raised:
            CoursePage(title="x", slug=slug).full_clean()
        assert "系统保留" in str(raised.value.message_dict["slug"])


def test_the_course_centre_stays_at_courses():
    index = course_index_ensure()
    index.slug = "kecheng"
    with pytest.raises(ValidationError):
        index.full_clean()
