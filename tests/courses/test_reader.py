"""The lesson reader and 我的课程 read less than whole pages: what they show must not change."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.services import evidence_record
from courses import selectors, services
from courses.models import Enrolment, Tier
from lms import roles
from tests.courses.helpers import lessons_of, make_course

pytestmark = pytest.mark.django_db


def test_reader_shows_course_position_neighbours_and_done(make_worker, city_tree, client):
    worker = make_worker(unit=city_tree["grid_a"])
    course = make_course("阅读器", lessons=3)
    first, second, third = lessons_of(course)
    Enrolment.objects.create(worker=worker, course=course)
    services.lesson_complete(worker=worker, lesson=first)
    client.force_login(worker.user)

    response = client.get(second.url)
    html = response.content.decode()
    assert (response.context["position"], response.context["count"]) == (2, 3)
    assert response.context["prev"].pk == first.pk and response.context["next"].pk == third.pk
    assert not response.context["done"]
    assert f'<a href="{course.url}">阅读器</a>' in html
    assert f'href="{first.url}"' in html and f'href="{third.url}"' in html
    assert client.get(first.url).context["done"]
    assert response.context["annual"] == selectors.annual_status(worker, timezone.localdate().year)
    assert response.context["annual"]["hours"] == Decimal("1.00")

    third.unpublish()
    response = client.get(second.url)
    assert response.context["count"] == 2 and response.context["next"] is None


def test_staff_reads_a_lesson_without_enrolment_and_nothing_is_recorded(make_worker, city_tree, client):
    trainer = make_worker(unit=city_tree["street_a"], role_codes=(roles.TRAINER,))
    course = make_course("不报名也能看", lessons=2)
    client.force_login(trainer.user)
    response = client.get(lessons_of(course)[1].url)
    assert response.status_code == 200 and response.context["enrolment"] is None
    assert response.context["course"].pk == course.pk and not Enrolment.objects.exists()


def test_resume_keeps_a_last_lesson_unpublished_since(make_worker, city_tree, client):
    worker = make_worker(unit=city_tree["grid_a"])
    course = make_course("撤下的课时", lessons=3)
    Enrolment.objects.create(worker=worker, course=course)
    second = lessons_of(course)[1]
    client.force_login(worker.user)
    client.get(second.url)
    second.unpublish()
    page = client.get("/courses/my/").content.decode()
    assert f'href="{second.url}"' in page and "继续学习：" + second.title in page


def test_no_recommendation_left_falls_back_to_the_tier_reason_even_with_scores(make_worker, city_tree):
    worker = make_worker(unit=city_tree["grid_a"], hire_date=timezone.localdate() - dt.timedelta(days=400))
    gas = make_course("燃气", tier=Tier.THEMATIC, indicator_codes="3.2")
    Enrolment.objects.create(worker=worker, course=gas)
    evidence_record(
        worker=worker,
        indicator_code="3.2",
        score=Decimal("40"),
        occurred_on=timezone.localdate(),
        source="观察",
        reference=worker,
    )
    assert selectors.recommended_courses(worker) == ([], "适合年度轮训阶段的课程")


def test_cached_recommendations_match_and_follow_a_new_enrolment_at_once(make_worker, city_tree):
    worker = make_worker(unit=city_tree["grid_a"], hire_date=timezone.localdate() - dt.timedelta(days=400))
    annual = make_course("年度", tier=Tier.ANNUAL)
    make_course("专题", tier=Tier.THEMATIC, enrolment_mode="self")
    assert selectors.recommended_courses_cached(worker, taken=set()) == selectors.recommended_courses(
        worker, taken=set()
    )
    Enrolment.objects.create(worker=worker, course=annual)
    courses, _ = selectors.recommended_courses_cached(worker, taken={annual.pk})
    assert annual not in courses and courses == selectors.recommended_courses(worker)[0]


def test_my_courses_rows_carry_the_addresses_and_fields_of_the_pages(make_worker, city_tree):
    worker = make_worker(unit=city_tree["grid_a"])
    course = make_course("网格 工作/入门", lessons=3, hours="6")
    lessons = lessons_of(course)
    Enrolment.objects.create(worker=worker, course=course, due_on=timezone.localdate() + dt.timedelta(days=3))
    services.lesson_complete(worker=worker, lesson=lessons[0])

    (row,) = selectors.my_courses(worker)["in_progress"]
    assert (row["course"].pk, row["course"].url, row["course"].title) == (course.pk, course.url, course.title)
    assert row["course"].hours == course.hours and row["course"].get_tier_display() == course.get_tier_display()
    assert [lesson.url for lesson in row["progress"]["lessons"]] == [lesson.url for lesson in lessons]
    assert row["progress"]["done"] == {lessons[0].pk} and row["resume"].url == lessons[1].url
    assert row["enrolment"].due_on == timezone.localdate() + dt.timedelta(days=3)


def test_page_urls_are_wagtails_own_and_follow_a_second_site(city_tree):
    from wagtail.models import Page, Site

    course = make_course("网格 工作/两个站点", lessons=1)
    (lesson,) = lessons_of(course)
    url = selectors.page_urls()
    assert url(course.url_path) == course.url and url(lesson.url_path) == lesson.url
    assert lesson.url.startswith("/courses/")
    Site.objects.create(hostname="other.example", port=80, root_page=course.get_parent(), site_name="另一站")
    url = selectors.page_urls()
    for page in (course, lesson):
        fresh = Page.objects.get(pk=page.pk)  # Wagtail keeps the site root paths on the instance
        assert url(page.url_path) == fresh.url and fresh.url.startswith("http://other.example/")
