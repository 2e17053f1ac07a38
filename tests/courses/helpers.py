"""Builders for course tests: pages go through Wagtail's tree API like the admin does."""

from __future__ import annotations

from decimal import Decimal

from assessments.models import Quiz
from assessments.services import answer_save, attempt_start, attempt_submit
from courses.models import CoursePage, LessonPage, Tier
from courses.services import course_index_ensure
from tests.assessments.helpers import make_quiz

ONE_QUESTION = [
    dict(qtype="判断", stem="红色对象每周上门走访。", answer="对", points=Decimal("1"), indicator_code="3.4")
]


def ensure_page_tree() -> None:
    """Transactional tests start from a flushed database, without the page tree the migrations
    created: rebuild root, home page and site as lms's migration does."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale, Page, Site

    from lms.models import HomePage

    if HomePage.objects.exists():
        return
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    home = root.add_child(instance=HomePage(title="网格学院", slug="home"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "网格学院"}
    )


def make_course(
    title="社区治理入门", *, lessons=3, minutes=60, hours="4", owner=None, tier=Tier.ANNUAL, **fields
) -> CoursePage:
    index = course_index_ensure()
    course = CoursePage(title=title, hours=Decimal(hours), owner_unit=owner, tier=tier, **fields)
    index.add_child(instance=course)
    for n in range(1, lessons + 1):
        course.add_child(
            instance=LessonPage(title=f"{title} 第{n}课", minutes=minutes, body=[("text", f"<p>第{n}课正文</p>")])
        )
    return course


def lessons_of(course) -> list[LessonPage]:
    return list(course.lessons())


def quiz_lesson(course, quiz: Quiz, title="随堂测验课") -> LessonPage:
    lesson = LessonPage(title=title, minutes=30, body=[("text", "<p>先读</p>"), ("quiz", {"quiz": quiz, "note": ""})])
    course.add_child(instance=lesson)
    return lesson


def one_question_quiz(title="随堂测验") -> Quiz:
    return make_quiz(title=title, questions=ONE_QUESTION)


def take_quiz(quiz: Quiz, worker, *, correct=True):
    attempt = attempt_start(quiz=quiz, worker=worker)
    for answer in attempt.answers.all():
        answer_save(answer=answer, response="对" if correct else "错")
    return attempt_submit(attempt=attempt)
