"""Read queries for courses: progress, hours, requirements, compliance, recommendations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone
from wagtail.models import Page

from courses.models import CoursePage, Enrolment, EnrolmentMode, HoursEntry, LessonCompletion, LessonPage, Tier, TrainingSession
from lms import roles
from lms.access import org_scope_q, scope_queryset, worker_of
from lms.models import OrgUnit, Worker

ZERO = Decimal("0")


def plain(value) -> str:
    """28.00 → "28", 1.50 → "1.5": hours as people write them."""
    return f"{Decimal(value).normalize():f}"


def onboarding_hours_required() -> Decimal:
    return Decimal(settings.COURSES_ONBOARDING_HOURS)


def annual_hours_required() -> Decimal:
    return Decimal(settings.COURSES_ANNUAL_HOURS)


def hours_between(worker, start: dt.date, end: dt.date) -> Decimal:
    """Hours earned on days start…end inclusive."""
    total = HoursEntry.objects.filter(worker=worker, earned_on__gte=start, earned_on__lte=end).aggregate(s=Sum("hours"))["s"]
    return total or ZERO


def annual_hours(worker, year: int) -> Decimal:
    return hours_between(worker, dt.date(year, 1, 1), dt.date(year, 12, 31))


def onboarding_deadline(hire_date: dt.date) -> dt.date:
    """The last day of the first month after 入职日期 (hired 1/31 → 2/28; hired 3/15 → 4/15)."""
    return hire_date + relativedelta(months=1)


def onboarding_status(worker, *, today: dt.date | None = None, hours: Decimal | None = None) -> dict | None:
    """Hours earned from 入职日期 to the end of the first month against the onboarding requirement."""
    if worker.hire_date is None:
        return None
    today = today or timezone.localdate()
    deadline = onboarding_deadline(worker.hire_date)
    if hours is None:
        hours = hours_between(worker, worker.hire_date, deadline)
    required = onboarding_hours_required()
    met = hours >= required
    return {
        "hours": hours, "required": required, "deadline": deadline, "met": met,
        "state": "达标" if met else ("进行中" if today <= deadline else "未达标"),
        "percent": min(100, int(hours * 100 / required)) if required else 100,
    }


def hours_overview(worker, *, today: dt.date | None = None) -> tuple[dict, dict | None]:
    """(annual status of this year, onboarding status or None) from one aggregate query."""
    today = today or timezone.localdate()
    sums = {"year": Sum("hours", filter=Q(earned_on__year=today.year))}
    if worker.hire_date:
        sums["onboarding"] = Sum("hours", filter=Q(earned_on__gte=worker.hire_date, earned_on__lte=onboarding_deadline(worker.hire_date)))
    totals = HoursEntry.objects.filter(worker=worker).aggregate(**sums)
    annual = annual_status(worker, today.year, hours=totals["year"] or ZERO)
    onboarding = onboarding_status(worker, today=today, hours=totals["onboarding"] or ZERO) if worker.hire_date else None
    return annual, onboarding


def annual_status(worker, year: int, *, hours: Decimal | None = None) -> dict:
    hours = annual_hours(worker, year) if hours is None else hours
    required = annual_hours_required()
    return {
        "year": year, "hours": hours, "required": required, "met": hours >= required,
        "short": max(ZERO, required - hours), "percent": min(100, int(hours * 100 / required)) if required else 100,
    }


# --- audience and enrolment -----------------------------------------------------------------------


def course_audience_includes(course: CoursePage, worker) -> bool:
    units = list(course.audience_units.all())
    if units and not any(worker.org_unit.path.startswith(unit.path) for unit in units):
        return False
    wanted = course.audience_role_codes
    return not wanted or bool(wanted & roles.user_role_codes(worker.user))


def enrolment_of(worker, course) -> Enrolment | None:
    if worker is None:
        return None
    return Enrolment.objects.filter(worker=worker, course_id=course.pk).first()


def completed_lesson_ids(worker, course) -> set[int]:
    return set(
        LessonCompletion.objects.filter(worker=worker, lesson__in=LessonPage.objects.child_of(course)).values_list("lesson_id", flat=True)
    )


def lesson_outline(lesson: LessonPage, worker) -> tuple[Page, list[Page]]:
    """(the lesson's course, the course's live lessons in order each with `done` for this worker).

    The lesson reader shows only titles and addresses of these, so they come from the page table
    alone, course and lessons in one query: the reader is the busiest page of the site.
    """
    course_path = lesson.path[: -lesson.steplen]
    done = LessonCompletion.objects.filter(lesson=OuterRef("pk"), worker=worker) if worker else LessonCompletion.objects.none()
    lessons = Q(path__startswith=course_path, depth=lesson.depth, live=True,
                content_type=ContentType.objects.get_for_model(LessonPage))
    rows = list(
        Page.objects.filter(Q(path=course_path) | lessons)
        .only("pk", "title", "path", "depth", "url_path").annotate(done=Exists(done)).order_by("path")
    )
    return rows[0], rows[1:]


def course_progress(worker, course, lessons: list | None = None, done: set | None = None) -> dict:
    lessons = list(course.lessons()) if lessons is None else lessons
    done = completed_lesson_ids(worker, course) if done is None else done
    required = [lesson for lesson in lessons if lesson.is_required]
    finished = sum(1 for lesson in required if lesson.pk in done)
    return {
        "lessons": lessons, "done": done, "required_count": len(required), "finished": finished,
        "percent": int(finished * 100 / len(required)) if required else 100,
        "next": next((lesson for lesson in lessons if lesson.pk not in done), None),
    }


# What a course row of 我的课程 shows of a course and of a lesson: loading whole pages (every Wagtail
# column, a lesson's body) cost more than the rest of the page together.
_ENROLMENT_FIELDS = tuple(f.name for f in Enrolment._meta.concrete_fields)
_ROW_COURSE_FIELDS = ("title", "path", "url_path", "tier", "hours")
_ROW_LESSON_FIELDS = ("pk", "path", "url_path", "title", "is_required", "minutes")


def my_courses(worker, *, today: dt.date | None = None) -> dict:
    """我的课程 in three lists, with each course's progress, in a fixed number of queries."""
    today = today or timezone.localdate()
    enrolments = list(
        Enrolment.objects.filter(worker=worker).select_related("course")
        .only(*_ENROLMENT_FIELDS, *(f"course__{name}" for name in _ROW_COURSE_FIELDS))
        .order_by("completed_on", "due_on", "pk")
    )
    course_ids = [e.course_id for e in enrolments]
    course_paths = {e.course_id: e.course.path for e in enrolments}
    lessons_by_course: dict[int, list] = {cid: [] for cid in course_ids}
    lessons_by_id = {}
    if course_ids:
        q = Q()
        for path in course_paths.values():
            q |= Q(path__startswith=path, depth=len(path) // 4 + 1)
        for lesson in LessonPage.objects.live().filter(q).only(*_ROW_LESSON_FIELDS).order_by("path"):
            lessons_by_id[lesson.pk] = lesson
            for cid, path in course_paths.items():
                if lesson.path.startswith(path):
                    lessons_by_course[cid].append(lesson)
    # The lesson to resume is nearly always one of those; one left unpublished since is fetched alone.
    elsewhere = {e.last_lesson_id for e in enrolments if e.last_lesson_id and e.last_lesson_id not in lessons_by_id}
    if elsewhere:
        lessons_by_id.update((lesson.pk, lesson) for lesson in LessonPage.objects.filter(pk__in=elsewhere).only(*_ROW_LESSON_FIELDS))
    done = set(LessonCompletion.objects.filter(worker=worker).values_list("lesson_id", flat=True))
    groups = {"required": [], "in_progress": [], "completed": [], "course_ids": set(course_ids)}
    for enrolment in enrolments:
        progress = course_progress(worker, enrolment.course, lessons_by_course.get(enrolment.course_id, []), done)
        row = {
            "enrolment": enrolment, "course": enrolment.course, "progress": progress,
            "overdue": bool(enrolment.due_on and not enrolment.completed_on and enrolment.due_on < today),
            "resume": lessons_by_id.get(enrolment.last_lesson_id) or progress["next"],
        }
        if enrolment.completed_on:
            groups["completed"].append(row)
        elif progress["finished"] or enrolment.last_lesson_id:
            groups["in_progress"].append(row)
        elif enrolment.required:
            groups["required"].append(row)
        else:
            groups["in_progress"].append(row)
    return groups


RECOMMENDATION_CACHE_SECONDS = 300
CATALOGUE_CACHE_SECONDS = 60


def recommended_courses_cached(worker, *, taken: set[int]) -> tuple[list[CoursePage], str]:
    """recommended_courses, kept five minutes per worker and set of enrolments: a new enrolment shows
    at once, a new competency score within five minutes, a course published or unpublished within
    six (the catalogue is kept one)."""
    from django.core.cache import cache

    key = f"courses:recommended:{worker.pk}:{hash(tuple(sorted(taken)))}"
    cached = cache.get(key)
    if cached is None:
        cached = recommended_courses(worker, taken=taken, catalogue=_live_courses_cached())
        cache.set(key, cached, RECOMMENDATION_CACHE_SECONDS)
    return cached


def _live_courses_cached() -> list[CoursePage]:
    """Live courses with their audience: the same for everyone, so read once a minute rather than
    for every worker whose recommendations are not in the cache."""
    from django.core.cache import cache

    courses = cache.get("courses:catalogue")
    if courses is None:
        courses = list(CoursePage.objects.live().prefetch_related("audience_units"))
        cache.set("courses:catalogue", courses, CATALOGUE_CACHE_SECONDS)
    return courses


def recommended_courses(
    worker, *, limit: int = 4, taken: set[int] | None = None, catalogue: list[CoursePage] | None = None
) -> tuple[list[CoursePage], str]:
    """Courses training the worker's weakest indicators once scores exist; until then their tier's
    courses. `catalogue`: the live courses with audience units prefetched, if already at hand."""
    from assessments.selectors import worker_indicator_summary

    if taken is None:
        taken = set(Enrolment.objects.filter(worker=worker).values_list("course_id", flat=True))
    if catalogue is None:
        live = CoursePage.objects.live().exclude(pk__in=taken).prefetch_related("audience_units")
    else:
        live = [c for c in catalogue if c.pk not in taken]
    candidates = [c for c in live if course_audience_includes(c, worker)]
    # Scores only rank candidates: with none left to recommend (every course taken), skip reading them.
    scored = [row for row in worker_indicator_summary(worker) if row["average"] is not None] if candidates else []
    if scored:
        weakest = [row["indicator"].code for row in sorted(scored, key=lambda r: r["average"])[:3]]
        ranked = []
        for course in candidates:
            hits = [code for code in course.indicators if code in weakest]
            if hits:
                ranked.append((min(weakest.index(code) for code in hits), -len(hits), course))
        ranked.sort(key=lambda item: (item[0], item[1], item[2].title))
        if ranked:
            names = {row["indicator"].code: row["indicator"].name for row in scored}
            return [c for _, _, c in ranked[:limit]], "针对您的薄弱指标：" + "、".join(f"{code} {names[code]}" for code in weakest)
    tier = Tier.ONBOARDING if _is_new_hire(worker) else Tier.ANNUAL
    same_tier = [c for c in candidates if c.tier == tier]
    others = [c for c in candidates if c.tier == Tier.THEMATIC and c.enrolment_mode == EnrolmentMode.SELF]
    return (same_tier + others)[:limit], f"适合{Tier(tier).label}阶段的课程"


def _is_new_hire(worker) -> bool:
    return bool(worker.hire_date and timezone.localdate() <= onboarding_deadline(worker.hire_date))


def ledger(worker, year: int | None = None):
    qs = HoursEntry.objects.filter(worker=worker)
    if year:
        qs = qs.filter(earned_on__year=year)
    return qs.order_by("-earned_on", "-id")


# --- staff views ----------------------------------------------------------------------------------


def is_course_staff(user) -> bool:
    return user.is_superuser or roles.has_role(user, roles.TRAINER)


def is_report_viewer(user) -> bool:
    return user.is_superuser or roles.has_role(user, roles.TRAINER, roles.MANAGER, roles.HR)


def courses_managed_by(user):
    """Courses a trainer may manage: those owned by a unit of their subtree (all for a superuser)."""
    qs = CoursePage.objects.all()
    if user.is_superuser:
        return qs
    if not roles.has_role(user, roles.TRAINER):
        return qs.none()
    return qs.filter(owner_unit__in=OrgUnit.objects.filter(org_scope_q(user)))


def sessions_managed_by(user):
    qs = TrainingSession.objects.select_related("owner_unit", "course")
    if user.is_superuser:
        return qs
    if not roles.has_role(user, roles.TRAINER):
        return qs.none()
    return qs.filter(owner_unit__in=OrgUnit.objects.filter(org_scope_q(user)))


def sessions_open_to(worker, *, now=None):
    """Upcoming sessions whose host unit is above or at the worker's unit (a street's 大讲堂 is for its grids)."""
    now = now or timezone.now()
    ancestors = [int(x) for x in worker.org_unit.path.strip("/").split("/") if x]
    return TrainingSession.objects.filter(owner_unit_id__in=ancestors, ends_at__gte=now).select_related("owner_unit").order_by("starts_at")


def report_units(user):
    return OrgUnit.objects.filter(org_scope_q(user)).order_by("path")


def compliance_rows(user, unit: OrgUnit, year: int, *, today: dt.date | None = None) -> dict:
    """Per worker of `unit`'s subtree (scoped to what the user may see): hours this year, onboarding."""
    today = today or timezone.localdate()
    workers = list(
        scope_queryset(user, Worker.objects.filter(org_unit__path__startswith=unit.path), worker_path="")
        .select_related("org_unit").order_by("org_unit__path", "employee_no")
    )
    ids = [w.pk for w in workers]
    per_year = dict(
        HoursEntry.objects.filter(worker_id__in=ids, earned_on__year=year).values("worker_id").annotate(s=Sum("hours")).values_list("worker_id", "s")
    )
    required = annual_hours_required()
    onboarding_required = onboarding_hours_required()
    rows = []
    for worker in workers:
        hours = per_year.get(worker.pk) or ZERO
        onboarding = None
        if worker.hire_date and worker.hire_date.year >= year - 1 and onboarding_deadline(worker.hire_date).year >= year:
            onboarding = onboarding_status(worker, today=today)
        rows.append({
            "worker": worker, "hours": hours, "met": hours >= required, "short": max(ZERO, required - hours),
            "onboarding": onboarding,
        })
    total = len(rows)
    trained = sum(1 for r in rows if r["hours"] > 0)
    met = sum(1 for r in rows if r["met"])
    onboarding_rows = [r for r in rows if r["onboarding"]]
    return {
        "unit": unit, "year": year, "rows": rows, "total": total, "trained": trained, "met": met,
        "participation": round(trained * 100 / total, 1) if total else 0,
        "met_rate": round(met * 100 / total, 1) if total else 0,
        "short": [r for r in rows if not r["met"]], "required": required, "onboarding_required": onboarding_required,
        "onboarding_short": [r for r in onboarding_rows if not r["onboarding"]["met"]],
        "onboarding_count": len(onboarding_rows),
    }


def visible_worker(user, employee_no: str):
    return scope_queryset(user, Worker.objects.filter(employee_no=employee_no), worker_path="").first()


def current_worker(request):
    return worker_of(request.user)
