from decimal import Decimal

import pytest

from certificates.models import Certificate
from courses import selectors, services
from courses.models import Enrolment, HoursEntry, LessonCompletion
from tests.courses.helpers import lessons_of, make_course, one_question_quiz, quiz_lesson, take_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee(make_worker, city_tree):
    return make_worker(unit=city_tree["grid_a"])


def enrol(worker, course):
    return Enrolment.objects.create(worker=worker, course=course)


def test_completing_a_lesson_credits_its_minutes_once(trainee):
    course = make_course(lessons=2, minutes=90)
    enrol(trainee, course)
    first = lessons_of(course)[0]
    assert services.lesson_complete(worker=trainee, lesson=first) is True
    assert services.lesson_complete(worker=trainee, lesson=first) is False
    entries = HoursEntry.objects.filter(worker=trainee)
    assert [(e.source, e.hours) for e in entries] == [("lesson", Decimal("1.50"))]


def test_lesson_of_a_course_not_enrolled_is_refused(trainee):
    course = make_course()
    with pytest.raises(services.CourseRefused, match="未报名"):
        services.lesson_complete(worker=trainee, lesson=lessons_of(course)[0])
    assert not LessonCompletion.objects.exists() and not HoursEntry.objects.exists()


def test_course_without_final_quiz_completes_with_its_hours(trainee):
    course = make_course(lessons=3, minutes=60, hours="4", issues_certificate=True)
    enrolment = enrol(trainee, course)
    for lesson in lessons_of(course):
        services.lesson_complete(worker=trainee, lesson=lesson)
    enrolment.refresh_from_db()
    assert enrolment.completed_on is not None
    # 3 lessons × 1 h, then the completion line adds the 1 h left of the course's 4.
    assert sorted(HoursEntry.objects.filter(worker=trainee).values_list("source", "hours")) == [
        ("course", Decimal("1.00")),
        ("lesson", Decimal("1.00")),
        ("lesson", Decimal("1.00")),
        ("lesson", Decimal("1.00")),
    ]
    assert selectors.annual_hours(trainee, enrolment.completed_on.year) == Decimal("4")
    assert (
        Certificate.objects.filter(worker=trainee, certificate_type__code="COURSE", source_label=course.title).count()
        == 1
    )


def test_optional_lessons_do_not_block_completion(trainee):
    course = make_course(lessons=2)
    optional = lessons_of(course)[1]
    optional.is_required = False
    optional.save_revision().publish()
    enrolment = enrol(trainee, course)
    services.lesson_complete(worker=trainee, lesson=lessons_of(course)[0])
    enrolment.refresh_from_db()
    assert enrolment.completed_on is not None


def test_final_quiz_must_be_passed(trainee):
    quiz = one_question_quiz("结业考试")
    course = make_course(lessons=1, minutes=60, hours="2", final_quiz=quiz)
    enrolment = enrol(trainee, course)
    services.lesson_complete(worker=trainee, lesson=lessons_of(course)[0])
    enrolment.refresh_from_db()
    assert enrolment.completed_on is None
    take_quiz(quiz, trainee, correct=False)
    enrolment.refresh_from_db()
    assert enrolment.completed_on is None
    take_quiz(quiz, trainee, correct=True)  # the attempt-graded hook completes the course
    enrolment.refresh_from_db()
    assert enrolment.completed_on is not None
    assert HoursEntry.objects.get(worker=trainee, source="course").hours == Decimal("1.00")


def test_lesson_with_quiz_completes_when_quiz_passed(trainee):
    quiz = one_question_quiz()
    course = make_course(lessons=0)
    lesson = quiz_lesson(course, quiz)
    enrol(trainee, course)
    with pytest.raises(services.CourseRefused, match="测验通过后"):
        services.lesson_complete(worker=trainee, lesson=lesson)
    take_quiz(quiz, trainee, correct=True)
    assert LessonCompletion.objects.filter(worker=trainee, lesson=lesson).exists()
    assert HoursEntry.objects.filter(worker=trainee, source="lesson", lesson=lesson).count() == 1


def test_resume_remembers_the_last_lesson(trainee, client):
    course = make_course(lessons=3)
    enrol(trainee, course)
    second = lessons_of(course)[1]
    client.force_login(trainee.user)
    assert client.get(second.url).status_code == 200
    assert Enrolment.objects.get(worker=trainee).last_lesson_id == second.pk
    page = client.get("/courses/my/").content.decode()
    assert "继续学习：" + second.title in page
