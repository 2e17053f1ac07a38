"""Every state change of courses: setup, enrolment, progress, hours, sessions, reminders, exports."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from courses import selectors
from courses.models import (
    Attendance,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    EnrolmentMode,
    HoursEntry,
    LessonCompletion,
    LessonPage,
    Tier,
    TrainingSession,
)
from courses.selectors import plain
from lms import roles, sql
from lms.access import scope_queryset
from lms.models import AuditLog, OrgUnit, Worker
from lms.services import audit_log_record, notification_send
from lms.spreadsheets import Sheet, table_write

QR_WINDOW_SECONDS = 30


class CourseRefused(Exception):
    """A learner action that the rules refuse; the message is shown to the person."""


class CheckInRefused(Exception):
    pass


# --- setup ----------------------------------------------------------------------------------------


TRAINER_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def course_index_ensure() -> CourseIndexPage:
    """The course centre at /courses/ under the site's home page, and the trainers' page permissions on it."""
    from lms.models import HomePage

    with transaction.atomic():
        index = CourseIndexPage.objects.first()
        if index is None:
            home = HomePage.objects.first()
            index = CourseIndexPage(title="课程中心", slug="courses", intro="入职培训、年度轮训与专题培训")
            home.add_child(instance=index)
        trainer_page_permissions_grant(index=index)
    return index


def trainer_page_permissions_grant(*, index: CourseIndexPage) -> None:
    from django.contrib.auth.models import Permission
    from wagtail.models import GroupPagePermission

    from lms.services import role_groups_ensure

    group = role_groups_ensure()[roles.TRAINER]
    for codename in TRAINER_PAGE_PERMISSIONS:
        permission = Permission.objects.filter(content_type__app_label="wagtailcore", codename=codename).first()
        if permission is not None:
            GroupPagePermission.objects.get_or_create(group=group, page=index, permission=permission)


# --- enrolment ------------------------------------------------------------------------------------


def course_assign(
    *,
    actor,
    course: CoursePage,
    org_units: Iterable[OrgUnit] = (),
    role_codes: Iterable[str] = (),
    workers: Iterable[Worker] = (),
    due_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> int:
    """A trainer assigns a course (required) to everyone of some units (optionally only some roles)
    and to single workers, within the trainer's own scope. Returns how many were newly enrolled.
    Each new enrolment and its notice are written together (_required_enrolments_create)."""
    if not actor.is_superuser and not selectors.courses_managed_by(actor).filter(pk=course.pk).exists():
        raise CourseRefused("只能指派本辖区主办的课程")
    role_codes = set(role_codes)
    targets = scope_queryset(actor, Worker.objects.all(), worker_path="").select_related("user")
    chosen: dict[int, Worker] = {}
    for unit in org_units:
        qs = scope_queryset(actor, Worker.objects.select_related("user"), worker_path="", within=unit)
        if role_codes:
            labels = [roles.LABEL_BY_CODE[c] for c in role_codes]
            qs = qs.filter(user__groups__name__in=labels).distinct()
        chosen.update({w.pk: w for w in qs})
    workers = list(workers)
    allowed = set(targets.filter(pk__in=[w.pk for w in workers]).values_list("pk", flat=True))
    for worker in workers:
        if worker.pk not in allowed:
            raise CourseRefused(f"{worker.employee_no} 不在您的管理范围内")
        chosen[worker.pk] = worker
    with transaction.atomic():
        existing = dict(Enrolment.objects.filter(course=course, worker_id__in=chosen).values_list("worker_id", "pk"))
        new = [
            Enrolment(
                worker=w,
                course=course,
                source=Enrolment.Source.ASSIGNED,
                required=True,
                due_on=due_on,
                assigned_by=actor,
                enrolled_at=now or timezone.now(),
            )
            for pk, w in chosen.items()
            if pk not in existing
        ]
        _required_enrolments_create(course, new)
        if due_on and existing:  # re-assigning sets the new due date on open enrolments
            Enrolment.objects.filter(pk__in=existing.values(), completed_on__isnull=True).update(
                due_on=due_on, required=True
            )
    return len(new)


def _required_enrolments_create(course: CoursePage, enrolments: list[Enrolment]) -> None:
    """Write required enrolments and tell each worker, inside the caller's transaction: a
    新的必修课程 notice exists only with the enrolment it announces, and its link opens a course
    the worker is enrolled in (docs/rules.md §4, 指派). The notice is keyed by the enrolment, so
    an enrolment made again after one was removed is announced again."""
    Enrolment.objects.bulk_create(enrolments)
    for enrolment in enrolments:
        due_on = enrolment.due_on
        notification_send(
            recipient=enrolment.worker.user,
            title=f"新的必修课程：{course.title}",
            body=f"请于 {due_on:%Y年%m月%d日} 前完成。" if due_on else "",
            url=course.url or "",
            dedupe_key=f"course-assigned-{enrolment.pk}",
        )


def enrolment_self_create(*, worker: Worker, course: CoursePage, now: dt.datetime | None = None) -> Enrolment:
    """Self-enrolment in an open course, within its audience, prerequisites and capacity."""
    with transaction.atomic():
        locked = CoursePage.objects.select_for_update().get(pk=course.pk)
        existing = Enrolment.objects.filter(worker=worker, course=locked).first()
        if existing:
            return existing
        if not locked.live:
            raise CourseRefused("课程未发布")
        if locked.enrolment_mode != EnrolmentMode.SELF:
            raise CourseRefused("该课程由培训管理员指派，不能自主报名")
        if not selectors.course_audience_includes(locked, worker):
            raise CourseRefused("该课程不面向您所在的组织或角色")
        missing = [
            p.title
            for p in locked.prerequisites.all()
            if not Enrolment.objects.filter(worker=worker, course=p, completed_on__isnull=False).exists()
        ]
        if missing:
            raise CourseRefused("请先完成先修课程：" + "、".join(missing))
        if locked.capacity is not None and Enrolment.objects.filter(course=locked).count() >= locked.capacity:
            raise CourseRefused("报名人数已满")
        return Enrolment.objects.create(
            worker=worker,
            course=locked,
            source=Enrolment.Source.SELF,
            required=False,
            enrolled_at=now or timezone.now(),
        )


def onboarding_enrol(
    *, workers: Iterable[Worker], today: dt.date | None = None, actor=None, now: dt.datetime | None = None
) -> int:
    """Enrol recent hires (入职日期 within COURSES_ONBOARDING_RECENT_DAYS) in every live onboarding
    course, due at the end of their first month, and tell each of them (_required_enrolments_create)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    recent = [
        w
        for w in workers
        if w.hire_date
        and dt.timedelta(0) <= today - w.hire_date <= dt.timedelta(days=settings.COURSES_ONBOARDING_RECENT_DAYS)
    ]
    if not recent:
        return 0
    courses = list(CoursePage.objects.live().filter(tier=Tier.ONBOARDING))
    created = 0
    with transaction.atomic():
        for course in courses:
            have = set(Enrolment.objects.filter(course=course, worker__in=recent).values_list("worker_id", flat=True))
            new = [
                Enrolment(
                    worker=w,
                    course=course,
                    source=Enrolment.Source.ONBOARDING,
                    required=True,
                    due_on=selectors.onboarding_deadline(w.hire_date),
                    enrolled_at=now,
                )
                for w in recent
                if w.pk not in have
            ]
            _required_enrolments_create(course, new)
            created += len(new)
    return created


def on_workers_imported(*, workers, actor=None) -> None:
    onboarding_enrol(workers=workers, actor=actor)


# --- progress -------------------------------------------------------------------------------------


def _enrolment_for_lesson(worker: Worker, lesson: LessonPage, *, lock: bool = False) -> Enrolment:
    course = lesson.get_parent().specific
    qs = Enrolment.objects.filter(worker=worker, course_id=course.pk)
    if lock:
        qs = qs.select_for_update()
    enrolment = qs.select_related("course").first()
    if enrolment is None:
        raise CourseRefused("您未报名该课程，不能记录学习进度")
    return enrolment


def lesson_open(*, worker: Worker, lesson: LessonPage, enrolment) -> bool:
    """Remember where the learner is, so 继续学习 resumes here (True when that changed). `enrolment`
    is the learner's Enrolment or the lesson reader's ReaderEnrolment of the lesson's course (an
    enrolment completed, or another worker's, is left alone). One plain UPDATE in its own
    transaction (wrapping it in atomic() would only add BEGIN and COMMIT round trips); ORM twin:
    the same filter, excluding last_lesson=lesson, then update(last_lesson=lesson).

    Buys: courses bench, lesson page ~190 req/s (most views move the place): ORM twin +1,040 Python calls."""
    return bool(sql.execute(_lesson_open_sql(), [lesson.pk, enrolment.pk, worker.pk, lesson.pk]))


@functools.cache
def _lesson_open_sql() -> str:
    e = sql.columns(Enrolment)
    return (
        f"UPDATE {sql.table(Enrolment)} SET {e.last_lesson} = %s WHERE {e.pk} = %s AND {e.worker} = %s "
        f"AND {e.completed_on} IS NULL AND ({e.last_lesson} IS NULL OR {e.last_lesson} <> %s)"
    )


def lesson_complete(*, worker: Worker, lesson: LessonPage, now: dt.datetime | None = None) -> bool:
    """Mark a lesson done (a lesson with a quiz needs the quiz passed), credit its minutes once, and
    complete the course when everything is done. Returns True when newly completed."""
    from assessments.models import Quiz
    from assessments.selectors import quiz_passed

    now = now or timezone.now()
    with transaction.atomic():
        enrolment = _enrolment_for_lesson(worker, lesson, lock=True)
        for quiz in Quiz.objects.filter(pk__in=lesson.quiz_ids()):
            if not quiz_passed(worker, quiz):
                raise CourseRefused(f"本课时含随堂测验“{quiz.title}”，测验通过后自动完成")
        return _lesson_done(worker, lesson, enrolment, now)


def _lesson_done(worker, lesson, enrolment, now) -> bool:
    _, created = LessonCompletion.objects.get_or_create(worker=worker, lesson=lesson, defaults={"completed_at": now})
    if created and lesson.minutes:
        HoursEntry.objects.get_or_create(
            worker=worker,
            source=HoursEntry.Source.LESSON,
            lesson=lesson,
            defaults={
                "hours": lesson.hours,
                "earned_on": timezone.localdate(now),
                "title": f"{enrolment.course.title} · {lesson.title}",
                "course": enrolment.course,
            },
        )
    course_completion_check(worker=worker, enrolment=enrolment, now=now)
    return created


def course_completion_check(*, worker: Worker, enrolment: Enrolment, now: dt.datetime | None = None) -> bool:
    """Complete the course when every required lesson is done and the final quiz (if any) is passed.

    Completion records the date and credits the course's 学时: the lessons' minutes were credited
    as they were done, so the completion line adds what is left up to the course's hours.
    """
    from assessments.selectors import quiz_passed

    now = now or timezone.now()
    if enrolment.completed_on:
        return False
    course = enrolment.course
    progress = selectors.course_progress(worker, course)
    if progress["finished"] < progress["required_count"]:
        return False
    if course.final_quiz_id and not quiz_passed(worker, course.final_quiz):
        return False
    today = timezone.localdate(now)
    updated = Enrolment.objects.filter(pk=enrolment.pk, completed_on__isnull=True).update(completed_on=today)
    if not updated:
        return False
    enrolment.completed_on = today
    lesson_ids = [lesson.pk for lesson in progress["lessons"]]
    credited = HoursEntry.objects.filter(
        worker=worker, source=HoursEntry.Source.LESSON, lesson_id__in=lesson_ids
    ).aggregate(s=Sum("hours"))["s"] or Decimal(0)
    HoursEntry.objects.get_or_create(
        worker=worker,
        source=HoursEntry.Source.COURSE,
        course=course,
        defaults={
            "hours": max(Decimal(0), course.hours - credited),
            "earned_on": today,
            "title": f"{course.title} 结业",
        },
    )
    if course.issues_certificate:
        from certificates.services import certificate_issue

        certificate_issue(worker=worker, type_code="COURSE", issued_on=today, source_label=course.title)
    notification_send(
        recipient=worker.user,
        title=f"恭喜完成课程：{course.title}",
        url=course.url or "",
        dedupe_key=f"course-completed-{course.pk}",
    )
    return True


def on_attempt_graded(attempt) -> None:
    """A passed quiz completes the lessons that contain it and may complete courses whose final quiz it is
    (called by assessments inside its grading transaction)."""
    if not attempt.passed:
        return
    worker = attempt.worker
    enrolments = list(Enrolment.objects.filter(worker=worker, completed_on__isnull=True).select_related("course"))
    for enrolment in enrolments:
        for lesson in enrolment.course.lessons():
            if attempt.quiz_id in lesson.quiz_ids():
                _lesson_done(worker, lesson, enrolment, attempt.graded_at or timezone.now())
        if enrolment.course.final_quiz_id == attempt.quiz_id:
            course_completion_check(worker=worker, enrolment=enrolment, now=attempt.graded_at)


# --- hours recorded by a trainer ------------------------------------------------------------------


def hours_record_external(*, actor, worker: Worker, hours: Decimal, earned_on: dt.date, title: str) -> HoursEntry:
    """外部培训学时 recorded by a trainer for a worker of their subtree."""
    if not (actor.is_superuser or roles.has_role(actor, roles.TRAINER)):
        raise CourseRefused("只有培训管理员可以登记外部培训学时")
    if not scope_queryset(actor, Worker.objects.filter(pk=worker.pk), worker_path="").exists():
        raise CourseRefused("该人员不在您的管理范围内")
    hours = Decimal(hours)
    if hours <= 0 or hours > 200:
        raise CourseRefused("学时应大于 0 且不超过 200")
    if earned_on > timezone.localdate():
        raise CourseRefused("日期不能晚于今天")
    with transaction.atomic():
        entry = HoursEntry.objects.create(
            worker=worker,
            source=HoursEntry.Source.EXTERNAL,
            hours=hours,
            earned_on=earned_on,
            title=title,
            recorded_by=actor,
        )
        audit_log_record(
            actor=actor,
            action=AuditLog.Action.CHANGE,
            target_type="hours_entry",
            target_id=entry.pk,
            detail={"worker": worker.employee_no, "hours": str(hours)},
        )
    return entry


# --- in-person sessions ---------------------------------------------------------------------------


def session_sign_up(*, worker: Worker, session: TrainingSession, now: dt.datetime | None = None) -> Attendance:
    now = now or timezone.now()
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if locked.has_ended(now):
            raise CheckInRefused("本场课堂已结束，不能再报名")
        attendance = Attendance.objects.filter(session=locked, worker=worker).first()
        if attendance:
            if attendance.signed_up_at is None:
                attendance.signed_up_at = now
                attendance.save(update_fields=["signed_up_at"])
            return attendance
        if Attendance.objects.filter(session=locked).count() >= locked.capacity:
            raise CheckInRefused("本场名额已满")
        return Attendance.objects.create(session=locked, worker=worker, signed_up_at=now)


def qr_window(now: dt.datetime) -> int:
    return int(now.timestamp()) // QR_WINDOW_SECONDS


def qr_token(session_id: int, phase: str, window: int) -> str:
    message = f"courses-session:{session_id}:{phase}:{window}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:24]


def qr_current_token(session: TrainingSession, phase: str, now: dt.datetime | None = None) -> str:
    return qr_token(session.pk, phase, qr_window(now or timezone.now()))


def qr_token_valid(session: TrainingSession, phase: str, token: str, now: dt.datetime) -> bool:
    """The code of the current 30-second window or the one before (so a scan at the edge still works)."""
    window = qr_window(now)
    return any(hmac.compare_digest(qr_token(session.pk, phase, w), token or "") for w in (window, window - 1))


def session_check(
    *, worker: Worker, session: TrainingSession, phase: str, token: str, now: dt.datetime | None = None
) -> Attendance:
    """Check in (`phase="in"`) or out (`"out"`) with the code on the trainer's screen.

    Hours are credited once, when both check-in and check-out are recorded.
    """
    now = now or timezone.now()
    if phase not in ("in", "out"):
        raise CheckInRefused("二维码无效")
    if not qr_token_valid(session, phase, token, now):
        raise CheckInRefused("二维码已过期或不属于本场课堂，请扫描现场屏幕上的最新二维码")
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if now < locked.starts_at - dt.timedelta(minutes=30) or now > locked.ends_at + dt.timedelta(minutes=30):
            raise CheckInRefused("不在本场课堂的签到时间内")
        attendance = Attendance.objects.filter(session=locked, worker=worker).first()
        if phase == "in":
            if attendance and attendance.checked_in_at:
                raise CheckInRefused(f"您已于 {timezone.localtime(attendance.checked_in_at):%H:%M} 签到，无需重复签到")
            if attendance is None:
                if Attendance.objects.filter(session=locked).count() >= locked.capacity:
                    raise CheckInRefused("本场名额已满，未报名人员不能签到")
                attendance = Attendance(session=locked, worker=worker)
            attendance.checked_in_at = now
            attendance.save()
            return attendance
        if attendance is None or attendance.checked_in_at is None:
            raise CheckInRefused("您尚未签到，不能签退")
        if attendance.checked_out_at:
            raise CheckInRefused(f"您已于 {timezone.localtime(attendance.checked_out_at):%H:%M} 签退")
        attendance.checked_out_at = now
        attendance.save(update_fields=["checked_out_at"])
        _credit_session(attendance, locked)
    return attendance


def _credit_session(attendance: Attendance, session: TrainingSession, recorded_by=None) -> None:
    HoursEntry.objects.get_or_create(
        worker=attendance.worker,
        source=HoursEntry.Source.SESSION,
        session=session,
        defaults={
            "hours": session.hours,
            "earned_on": timezone.localdate(session.starts_at),
            "title": f"面授：{session.title}",
            "course": session.course,
            "recorded_by": recorded_by,
        },
    )


def attendance_record(*, actor, session: TrainingSession, worker: Worker, checked_in_at, checked_out_at) -> Attendance:
    """A trainer records attendance by hand (e.g. a phone without network); credits the hours once."""
    if not selectors.sessions_managed_by(actor).filter(pk=session.pk).exists():
        raise CheckInRefused("只能登记本辖区课堂的出勤")
    if not scope_queryset(actor, Worker.objects.filter(pk=worker.pk), worker_path="").exists():
        raise CheckInRefused("该人员不在您的管理范围内")
    if checked_out_at <= checked_in_at:
        raise CheckInRefused("签退时间应晚于签到时间")
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        attendance = Attendance.objects.filter(session=locked, worker=worker).first()
        if attendance is None:
            if Attendance.objects.filter(session=locked).count() >= locked.capacity:
                raise CheckInRefused("本场名额已满")
            attendance = Attendance(session=locked, worker=worker)
        attendance.checked_in_at = attendance.checked_in_at or checked_in_at
        attendance.checked_out_at = attendance.checked_out_at or checked_out_at
        attendance.save()
        _credit_session(attendance, locked, recorded_by=actor)
        audit_log_record(
            actor=actor,
            action=AuditLog.Action.CHANGE,
            target_type="attendance",
            target_id=attendance.pk,
            detail={"session": locked.pk, "worker": worker.employee_no},
        )
    return attendance


# --- reminders ------------------------------------------------------------------------------------


def reminders_send(*, today: dt.date | None = None) -> dict[str, int]:
    """Due in 7 days, overdue, and (from 1 October) annual hours still short. Each reminder once."""
    today = today or timezone.localdate()
    sent = {"due": 0, "overdue": 0, "annual": 0}
    open_required = Enrolment.objects.filter(
        required=True, completed_on__isnull=True, due_on__isnull=False
    ).select_related("worker__user", "course")
    for enrolment in open_required.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=7)):
        if notification_send(
            recipient=enrolment.worker.user,
            title=f"必修课程“{enrolment.course.title}”将于 {enrolment.due_on:%m月%d日} 到期",
            body="请尽快完成剩余课时。",
            url=enrolment.course.url or "",
            dedupe_key=f"course-due-{enrolment.pk}-{enrolment.due_on:%Y%m%d}",
        ):
            sent["due"] += 1
    for enrolment in open_required.filter(due_on__lt=today):
        if notification_send(
            recipient=enrolment.worker.user,
            title=f"必修课程“{enrolment.course.title}”已逾期",
            body=f"完成期限为 {enrolment.due_on:%Y年%m月%d日}，请尽快补学。",
            url=enrolment.course.url or "",
            dedupe_key=f"course-overdue-{enrolment.pk}-{enrolment.due_on:%Y%m%d}",
        ):
            sent["overdue"] += 1
    if today >= dt.date(today.year, 10, 1):
        required = selectors.annual_hours_required()
        trainees = Worker.objects.filter(selectors.annual_requirement_q()).select_related("user")
        totals = dict(
            HoursEntry.objects.filter(earned_on__range=selectors.year_bounds(today.year))
            .values("worker_id")
            .annotate(s=Sum("hours"))
            .values_list("worker_id", "s")
        )
        for worker in trainees:
            hours = totals.get(worker.pk) or Decimal(0)
            if hours < required and notification_send(
                recipient=worker.user,
                title=f"{today.year}年度培训学时尚差 {plain(required - hours)} 学时",
                body=f"年度轮训要求 {plain(required)} 学时，您已完成 {plain(hours)} 学时，请在年底前补足。",
                url="/courses/my/",
                dedupe_key=f"annual-hours-short-{today.year}",
            ):
                sent["annual"] += 1
    return sent


# --- exports --------------------------------------------------------------------------------------


def compliance_export(
    *,
    actor,
    unit: OrgUnit,
    year: int,
    target,
    status: str = "",
    search: str = "",
    progress=None,
    record_audit=audit_log_record,
) -> int:
    """The compliance report as XLSX, the rows the page lists (the same people, the same filters);
    logs the export.

    `progress(done, total)` is called as rows are written; `record_audit` is where the audit row
    goes (an export job keeps it until the file is downloaded, see lms.exports).
    """
    report = selectors.compliance_rows(actor, unit, year, status=status, search=search)
    headers = [
        "工号",
        "姓名",
        "所属网格",
        "入职日期",
        f"{year}年学时",
        "年度要求",
        "年度是否达标",
        "尚差学时",
        "入职培训学时",
        "入职培训状态",
    ]

    def rows():
        for row in report["rows"]:
            worker, onboarding = row["worker"], row["onboarding"]
            yield [
                worker.employee_no,
                worker.name,
                worker.org_unit.full_name,
                worker.hire_date.isoformat() if worker.hire_date else "",
                float(row["hours"]),
                float(report["required"]),
                "达标" if row["met"] else "未达标",
                float(row["short"]),
                float(onboarding["hours"]) if onboarding else None,
                onboarding["state"] if onboarding else "",
            ]

    table_write(target, [Sheet("学时达标", headers, rows())], progress=progress, total=len(report["rows"]))
    record_audit(
        actor=actor,
        action=AuditLog.Action.EXPORT,
        target_type="training_compliance",
        target_id=unit.pk,
        detail={"year": year, "rows": len(report["rows"]), "status": status, "q": search},
    )
    return len(report["rows"])


def training_record_export(*, worker: Worker, target) -> int:
    """A worker's own training record (学时台账 and completed courses) as XLSX."""
    entries = list(selectors.ledger(worker))
    enrolments = Enrolment.objects.filter(worker=worker).select_related("course").order_by("enrolled_at")
    rows = [
        ["工号", worker.employee_no, "姓名", worker.name],
        [],
        ["日期", "来源", "内容", "学时"],
        *([e.earned_on.isoformat(), e.get_source_display(), e.title, float(e.hours)] for e in entries),
        [],
        ["课程", "层级", "报名日期", "结业日期"],
        *(
            [
                enrolment.course.title,
                enrolment.course.get_tier_display(),
                timezone.localdate(enrolment.enrolled_at).isoformat(),
                enrolment.completed_on.isoformat() if enrolment.completed_on else "未结业",
            ]
            for enrolment in enrolments
        ),
    ]
    table_write(target, [Sheet("培训记录", None, rows)])
    return len(entries)
