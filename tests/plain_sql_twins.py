"""The ORM twin of every plain SQL statement (see lms/sql.py): the ORM code each statement
replaces, and must equal. The equivalence tests (tests/*/test_plain_sql.py) compare them on
SQLite and PostgreSQL; tests/bench/test_bench_plain_sql.py times them against each other."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends import db as django_db_sessions
from django.db.models import Exists

from assessments.models import Answer, Attempt, AttemptState
from assessments.selectors import AutosaveTarget
from courses import selectors
from courses.models import Enrolment, LessonPage
from courses.selectors import (
    ZERO,
    CourseRow,
    EnrolmentRow,
    LessonReader,
    LessonRow,
    MyCourseRows,
    OutlineEntry,
    ReaderEnrolment,
)
from lms.models import Notification

# --- lms ------------------------------------------------------------------------------------------


def session_load(session_key: str) -> tuple[dict, str | None]:
    """lms.sessions: Django's own database session store (data, key left: None once not found)."""
    store = django_db_sessions.SessionStore(session_key)
    return store.load(), store.session_key


def user_with_worker(user_id):
    """lms.auth_backends.user_with_worker."""
    return get_user_model().objects.select_related("worker__org_unit").filter(pk=user_id).first()


def group_names(user_id: int) -> list[str]:
    """lms.roles._group_names."""
    return list(Group.objects.filter(user__id=user_id).values_list("name", flat=True))


def unread_notification_count(user) -> int:
    """lms.selectors.unread_notification_count."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count() if user.is_authenticated else 0


# --- courses --------------------------------------------------------------------------------------


def hours_overview(worker, *, today):
    """courses.selectors.hours_overview: its two statuses, each summing through the ORM."""
    return selectors.annual_status(worker, today.year), selectors.onboarding_status(worker, today=today)


def lesson_reader(lesson, worker, *, year: int) -> LessonReader:
    """courses.selectors.lesson_reader."""
    course = lesson.get_parent().specific
    done = selectors.completed_lesson_ids(worker, course) if worker else set()
    enrolment = selectors.enrolment_of(worker, course)
    return LessonReader(
        course=OutlineEntry(course.pk, course.title, course.url),
        lessons=[OutlineEntry(item.pk, item.title, item.url, item.pk in done) for item in course.lessons()],
        enrolment=(
            ReaderEnrolment(enrolment.pk, enrolment.course_id, enrolment.last_lesson_id, enrolment.completed_on)
            if enrolment
            else None
        ),
        year_hours=selectors.annual_hours(worker, year) if worker else ZERO,
    )


def _lesson_row(lesson: LessonPage) -> LessonRow:
    return LessonRow(lesson.pk, lesson.title, lesson.path, lesson.url, lesson.is_required, lesson.minutes)


def my_course_rows(worker) -> MyCourseRows:
    """courses.selectors.my_course_rows."""
    enrolments = list(
        Enrolment.objects.filter(worker=worker)
        .select_related("course", "last_lesson")
        .order_by("completed_on", "due_on", "id")
    )
    courses, lessons, done = {}, {}, set()
    for enrolment in enrolments:
        course = enrolment.course
        courses[course.pk] = CourseRow(course.pk, course.title, course.path, course.url, course.tier, course.hours)
        live = list(course.lessons())
        lessons[course.pk] = [_lesson_row(lesson) for lesson in live]
        done |= selectors.completed_lesson_ids(worker, course) & {lesson.pk for lesson in live}
    return MyCourseRows(
        enrolments=[
            EnrolmentRow(e.pk, e.course_id, e.required, e.due_on, e.completed_on, e.last_lesson_id) for e in enrolments
        ],
        courses=courses,
        lessons=lessons,
        resume={e.last_lesson_id: _lesson_row(e.last_lesson) for e in enrolments if e.last_lesson_id},
        done=done,
    )


def lesson_open(*, worker, lesson, enrolment) -> bool:
    """courses.services.lesson_open."""
    return bool(
        Enrolment.objects.filter(pk=enrolment.pk, worker=worker, completed_on__isnull=True)
        .exclude(last_lesson=lesson)
        .update(last_lesson=lesson)
    )


# --- assessments ----------------------------------------------------------------------------------


def autosave_target(user, attempt_id: int, question_id: int) -> AutosaveTarget | None:
    """assessments.selectors.autosave_target."""
    answer = (
        Answer.objects.select_related("attempt", "version")
        .filter(attempt_id=attempt_id, question_id=question_id, attempt__worker__user=user)
        .first()
    )
    if answer is None:
        return None
    return AutosaveTarget(
        answer_id=answer.pk,
        attempt_id=answer.attempt_id,
        state=answer.attempt.state,
        deadline=answer.attempt.deadline,
        qtype=answer.version.qtype,
        options=answer.version.options or {},
        answer_key=answer.version.answer,
        option_map=answer.option_map or {},
    )


def autosave_update(*, target: AutosaveTarget, value, now, flagged: bool | None) -> int:
    """The UPDATE of assessments.services.attempts.answer_autosave, without its FOR SHARE lock
    (which the ORM cannot express)."""
    fields = {"response": value, "saved_at": now}
    if flagged is not None:
        fields["flagged"] = bool(flagged)
    still_open = Attempt.objects.filter(pk=target.attempt_id, state=AttemptState.IN_PROGRESS)
    return Answer.objects.filter(Exists(still_open), pk=target.answer_id).update(**fields)
