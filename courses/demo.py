"""Demo data of courses: the onboarding course (8 lessons), the annual refresher, two thematic
courses, in-person sessions with attendance, and workers at different stages of their training.

Idempotent: pages are found by slug, enrolments and hours are unique per worker, and progress goes
through the same services as the screens.
"""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

from django.utils import timezone

from courses import services
from courses.demo_data.content import ANNUAL, GAS, HIGH_THROW, ONBOARDING
from courses.models import Attendance, CoursePage, Enrolment, EnrolmentMode, LessonPage, Tier, TrainingSession
from lms.models import OrgUnit, Worker

EXAM = "入职结业考试"
# Veterans' annual study is spread over this many days before today.
ACTIVITY_DAYS = 60


def _rich(paragraphs: list[str]) -> str:
    parts = []
    for text in paragraphs:
        if text.startswith("## "):
            parts.append(f"<h3>{html.escape(text[3:])}</h3>")
        elif text.startswith("- "):
            items = "".join(f"<li>{html.escape(line[2:])}</li>" for line in text.split("\n"))
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append(f"<p>{html.escape(text)}</p>")
    return "".join(parts)


def _course(
    index, spec: dict, *, tier: str, owner: OrgUnit, mode=EnrolmentMode.ASSIGNED, final_quiz=None
) -> CoursePage:
    course = CoursePage.objects.filter(slug=spec["slug"]).first()
    if course is None:
        course = CoursePage(
            title=spec["title"],
            slug=spec["slug"],
            summary=spec["summary"],
            hours=Decimal(spec["hours"]),
            indicator_codes=spec["indicators"],
            tier=tier,
            owner_unit=owner,
            enrolment_mode=mode,
            capacity=spec.get("capacity"),
            final_quiz=final_quiz,
            issues_certificate=tier == Tier.ONBOARDING,
        )
        index.add_child(instance=course)
        for n, (title, minutes, paragraphs, callout) in enumerate(spec["lessons"], start=1):
            body = [("text", _rich(paragraphs))]
            if callout:
                style = {"要点": "rule", "注意": "warning"}.get(callout[0], "tip")
                body.append(
                    ("callout", {"style": style, "title": callout[0], "text": f"<p>{html.escape(callout[1])}</p>"})
                )
            course.add_child(instance=LessonPage(title=title, slug=f"lesson-{n}", minutes=minutes, body=body))
    elif final_quiz is not None and course.final_quiz_id is None:
        CoursePage.objects.filter(pk=course.pk).update(final_quiz=final_quiz)
    return course


def _complete(worker, course, count: int, when: dt.datetime) -> None:
    for lesson in list(course.lessons())[:count]:
        services.lesson_complete(worker=worker, lesson=lesson, now=when)


def load(stdout) -> None:
    from assessments.models import Quiz

    index = services.course_index_ensure()
    city = OrgUnit.objects.filter(parent__isnull=True, name="临江市").first()
    if city is None or not Worker.objects.filter(employee_no="wg0002").exists():
        stdout.write("课程：未找到演示城市，跳过。")
        return
    jiangbei = OrgUnit.objects.get(parent=city, name="江北区")
    exam = Quiz.objects.filter(title=EXAM).first()
    onboarding = _course(index, ONBOARDING, tier=Tier.ONBOARDING, owner=city, final_quiz=exam)
    annual = _course(index, ANNUAL, tier=Tier.ANNUAL, owner=city)
    gas = _course(index, GAS, tier=Tier.THEMATIC, owner=city, mode=EnrolmentMode.SELF)
    high = _course(index, HIGH_THROW, tier=Tier.THEMATIC, owner=jiangbei, mode=EnrolmentMode.SELF)
    if Enrolment.objects.exists():
        stdout.write(
            "课程：演示课程与学习记录已存在。"
            + ("" if exam else f"（结业考试“{EXAM}”尚未创建，再次运行 load_demo 后关联）")
        )
        return

    trainer = Worker.objects.get(employee_no="px001").user
    now = timezone.now()
    today = timezone.localdate()
    trainees = list(
        Worker.objects.filter(employee_no__startswith="wg").select_related("user", "org_unit").order_by("employee_no")
    )
    newcomers = [w for w in trainees if w.employee_no <= "wg0006"]
    veterans = [w for w in trainees if w.employee_no > "wg0006"]

    # Recent hires: enrolled in onboarding on their first day, as the worker import would have done,
    # then at different points of it.
    for worker in newcomers:
        first_day = timezone.make_aware(dt.datetime.combine(worker.hire_date, dt.time(9, 0)))
        services.onboarding_enrol(workers=[worker], today=worker.hire_date, now=first_day)
    stages = {"wg0001": 1, "wg0002": 2, "wg0003": 5, "wg0004": 8, "wg0005": 0, "wg0006": 3}
    for worker in newcomers:
        _complete(worker, onboarding, stages.get(worker.employee_no, 0), now)

    # Everyone else: the annual refresher, assigned by the city trainer (newcomers start with
    # onboarding), due at the end of the year, before any of the study below.
    services.course_assign(
        actor=trainer,
        course=annual,
        workers=veterans,
        due_on=dt.date(today.year, 12, 31),
        now=now - dt.timedelta(days=ACTIVITY_DAYS + 1),
    )
    for n, worker in enumerate(veterans):
        _complete(worker, annual, [4, 4, 3, 2, 1, 0, 0, 2][n % 8], now - dt.timedelta(days=n % ACTIVITY_DAYS))

    # Thematic self-enrolment, some weeks before the lessons are done.
    for worker in veterans[:40:2]:
        services.enrolment_self_create(worker=worker, course=gas, now=now - dt.timedelta(days=20))
    for worker in veterans[:24:4]:
        _complete(worker, gas, 3, now - dt.timedelta(days=5))
    for worker in [w for w in veterans if w.org_unit.path.startswith(jiangbei.path)][:15]:
        services.enrolment_self_create(worker=worker, course=high, now=now - dt.timedelta(days=10))

    # In-person sessions: a past city-wide 大讲堂 with attendance, a street session for newcomers,
    # and an upcoming practical session people can sign up for.
    day = lambda days, hour: timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour, 0)))  # noqa: E731
    lecture = TrainingSession.objects.create(
        title="网格员能力提升大讲堂·政策解读专场",
        course=annual,
        owner_unit=city,
        place="临江市民中心报告厅",
        starts_at=day(-12, 9),
        ends_at=day(-12, 17),
        capacity=300,
        hours=Decimal("8"),
        created_by=trainer,
    )
    for worker in veterans[:90]:
        services.attendance_record(
            actor=trainer,
            session=lecture,
            worker=worker,
            checked_in_at=lecture.starts_at,
            checked_out_at=lecture.ends_at,
        )
    intake = TrainingSession.objects.create(
        title="新网格员入职面授：走进网格",
        course=onboarding,
        owner_unit=city,
        place="临江市网格化管理中心培训室",
        starts_at=day(-2, 9),
        ends_at=day(-2, 17),
        capacity=30,
        hours=Decimal("8"),
        created_by=trainer,
    )
    for worker in newcomers:
        if worker.employee_no != "wg0005":
            services.attendance_record(
                actor=trainer,
                session=intake,
                worker=worker,
                checked_in_at=intake.starts_at,
                checked_out_at=intake.ends_at,
            )
    drill = TrainingSession.objects.create(
        title="燃气泄漏处置实操面授",
        course=gas,
        owner_unit=jiangbei,
        place="江北区应急救援训练基地",
        starts_at=day(6, 14),
        ends_at=day(6, 17),
        capacity=40,
        hours=Decimal("3"),
        created_by=trainer,
    )
    for worker in [w for w in trainees if w.org_unit.path.startswith(jiangbei.path)][:12]:
        Attendance.objects.get_or_create(session=drill, worker=worker, defaults={"signed_up_at": now})
    stdout.write(
        f"课程：4 门课程（入职培训 {onboarding.lessons().count()} 课时），"
        f"{Enrolment.objects.count()} 条选课记录，3 场面授课堂。"
        + ("" if exam else f"结业考试“{EXAM}”将在再次运行 load_demo 后关联。")
    )
