"""Read queries for courses: progress, hours, requirements, compliance, recommendations."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.urls import get_script_prefix
from django.utils import timezone
from wagtail.models import Page, Site

from courses.models import (
    COURSE_INDEX_SLUG,
    CoursePage,
    Enrolment,
    EnrolmentMode,
    HoursEntry,
    LessonCompletion,
    LessonPage,
    Tier,
    TrainingSession,
)
from lms import roles, sql
from lms.access import org_scope_q, scope_queryset
from lms.models import OrgUnit, Worker

ZERO = Decimal("0")


def plain(value) -> str:
    """28.00 → "28", 1.50 → "1.5": hours as people write them."""
    return f"{Decimal(value).normalize():f}"


def onboarding_hours_required() -> Decimal:
    return Decimal(settings.COURSES_ONBOARDING_HOURS)


def annual_hours_required() -> Decimal:
    return Decimal(settings.COURSES_ANNUAL_HOURS)


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """The year-hours rule: an entry counts in the calendar year of its earned_on, 1 January to
    31 December inclusive. Every count of a year's hours, ORM or plain SQL, takes its bounds here."""
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def hours_between(worker, start: dt.date, end: dt.date) -> Decimal:
    """Hours earned on days start…end inclusive."""
    total = HoursEntry.objects.filter(worker=worker, earned_on__range=(start, end)).aggregate(s=Sum("hours"))["s"]
    return total or ZERO


def annual_hours(worker, year: int) -> Decimal:
    return hours_between(worker, *year_bounds(year))


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
        "hours": hours,
        "required": required,
        "deadline": deadline,
        "met": met,
        "state": "达标" if met else ("进行中" if today <= deadline else "未达标"),
        "percent": min(100, int(hours * 100 / required)) if required else 100,
    }


def hours_overview(worker, *, today: dt.date | None = None) -> tuple[dict, dict | None]:
    """(annual status of this year, onboarding status or None) from one plain SQL aggregate; its
    ORM twin is annual_status + onboarding_status, two aggregates.

    Buys: courses bench, 我的课程 ~180 req/s at 8 queries: ORM twin +1 query, +1,950 Python calls."""
    today = today or timezone.localdate()
    hire = worker.hire_date
    onboarding_window = (hire, onboarding_deadline(hire)) if hire else year_bounds(today.year)
    year_hours, onboarding_hours = sql.fetch_one(
        _hours_overview_sql(),
        [*map(sql.date_param, year_bounds(today.year)), *map(sql.date_param, onboarding_window), worker.pk],
    )
    field = HoursEntry._meta.get_field("hours")
    annual = annual_status(worker, today.year, hours=sql.decimal_value(year_hours, field, default=ZERO))
    onboarding = None
    if hire:
        onboarding = onboarding_status(
            worker, today=today, hours=sql.decimal_value(onboarding_hours, field, default=ZERO)
        )
    return annual, onboarding


@functools.cache
def _hours_overview_sql() -> str:
    h = sql.columns(HoursEntry)
    between = f"{h.earned_on} BETWEEN %s AND %s"
    return (
        f"SELECT SUM(CASE WHEN {between} THEN {h.hours} END), SUM(CASE WHEN {between} THEN {h.hours} END) "
        f"FROM {sql.table(HoursEntry)} WHERE {h.worker} = %s"
    )


def annual_status(worker, year: int, *, hours: Decimal | None = None) -> dict:
    hours = annual_hours(worker, year) if hours is None else hours
    required = annual_hours_required()
    return {
        "year": year,
        "hours": hours,
        "required": required,
        "met": hours >= required,
        "short": max(ZERO, required - hours),
        "percent": min(100, int(hours * 100 / required)) if required else 100,
    }


# --- indicators -----------------------------------------------------------------------------------


def indicator_names() -> dict[str, str]:
    """Code → name of the active competency model's indicators; empty while assessments has none."""
    from assessments.selectors import active_indicators

    return dict(active_indicators().values_list("code", "name"))


def indicator_labels(codes: list[str], names: dict[str, str] | None = None) -> list[str]:
    """Indicator codes as people read them, "2.3 矛盾调解能力"; a code the active model does not
    name is shown as it is."""
    names = indicator_names() if names is None and codes else names or {}
    return [f"{code} {names[code]}" if code in names else code for code in codes]


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
        LessonCompletion.objects.filter(worker=worker, lesson__in=LessonPage.objects.child_of(course)).values_list(
            "lesson_id", flat=True
        )
    )


@dataclass
class OutlineEntry:
    """A course or lesson as the lesson reader's breadcrumb and pager show it."""

    pk: int
    title: str
    url: str
    done: bool = False


@dataclass
class ReaderEnrolment:
    """What the lesson reader needs of the learner's enrolment."""

    pk: int
    course_id: int
    last_lesson_id: int | None
    completed_on: dt.date | None


@dataclass
class LessonReader:
    course: OutlineEntry
    lessons: list[OutlineEntry]
    enrolment: ReaderEnrolment | None
    year_hours: Decimal


def lesson_reader(lesson: LessonPage, worker, *, year: int) -> LessonReader:
    """The lesson reader's course, the course's live lessons in order (each with `done` for this
    worker), the worker's enrolment and their hours in `year`, in two plain SQL queries. ORM twin:
    the parent course, course.lessons(), completed_lesson_ids, enrolment_of and annual_hours.

    Buys: courses bench, lesson page ~190 req/s at 8 queries: ORM twin +4 queries, +12,300 Python calls."""
    course_path = lesson.path[: -lesson.steplen]
    rows = sql.fetch_all(
        _reader_outline_sql(),
        [
            worker.pk if worker else None,
            course_path,
            course_path + "%",
            lesson.depth,
            ContentType.objects.get_for_model(LessonPage).pk,
        ],
    )
    url = page_urls()
    (course_id, course_title, course_url_path, _), lessons = rows[0], rows[1:]
    enrolment = None
    year_hours = ZERO
    if worker is not None:
        enrolment_id, last_lesson_id, completed_on, hours = sql.fetch_one(
            _reader_enrolment_sql(),
            [worker.pk, *map(sql.date_param, year_bounds(year)), worker.pk, course_id],
        )
        if enrolment_id is not None:
            enrolment = ReaderEnrolment(enrolment_id, course_id, last_lesson_id, sql.date_value(completed_on))
        year_hours = sql.decimal_value(hours, HoursEntry._meta.get_field("hours"), default=ZERO)
    return LessonReader(
        course=OutlineEntry(course_id, course_title, url(course_url_path)),
        lessons=[OutlineEntry(pk, title, url(url_path), bool(done)) for pk, title, url_path, done in lessons],
        enrolment=enrolment,
        year_hours=year_hours,
    )


@functools.cache
def _reader_outline_sql() -> str:
    """The course (its path) and its live lessons (children of that path), each with a done flag."""
    p, c = sql.columns(Page, "p"), sql.columns(LessonCompletion, "c")
    done = f"EXISTS(SELECT 1 FROM {sql.table(LessonCompletion)} c WHERE {c.lesson} = {p.pk} AND {c.worker} = %s)"
    return (
        f"SELECT {p.pk}, {p.title}, {p.url_path}, {done} FROM {sql.table(Page)} p "
        f"WHERE {p.path} = %s OR ({p.path} LIKE %s AND {p.depth} = %s AND {p.live} AND {p.content_type} = %s) "
        f"ORDER BY {p.path}"
    )


@functools.cache
def _reader_enrolment_sql() -> str:
    """The enrolment (a row of NULLs without one) and the hours between two dates, in one row."""
    e, h = sql.columns(Enrolment, "e"), sql.columns(HoursEntry, "h")
    hours = f"SELECT SUM({h.hours}) FROM {sql.table(HoursEntry)} h WHERE {h.worker} = %s AND {h.earned_on} BETWEEN %s AND %s"
    return (
        f"SELECT {e.pk}, {e.last_lesson}, {e.completed_on}, ({hours}) "
        f"FROM (SELECT 1) one LEFT JOIN {sql.table(Enrolment)} e ON {e.worker} = %s AND {e.course} = %s"
    )


def live_lesson(course_slug: str, lesson_slug: str) -> LessonPage | None:
    """The live lesson at /courses/<course_slug>/<lesson_slug>/, in one query. Lessons sit only in
    courses of the one course centre, whose slug is fixed, so the end of url_path names one page."""
    tail = f"/{COURSE_INDEX_SLUG}/{course_slug}/{lesson_slug}/"
    return LessonPage.objects.live().filter(slug=lesson_slug, url_path__endswith=tail).first()


def course_progress(worker, course, lessons: list | None = None, done: set | None = None) -> dict:
    lessons = list(course.lessons()) if lessons is None else lessons
    done = completed_lesson_ids(worker, course) if done is None else done
    required = [lesson for lesson in lessons if lesson.is_required]
    finished = sum(1 for lesson in required if lesson.pk in done)
    return {
        "lessons": lessons,
        "done": done,
        "required_count": len(required),
        "finished": finished,
        "percent": int(finished * 100 / len(required)) if required else 100,
        "next": next((lesson for lesson in lessons if lesson.pk not in done), None),
    }


@dataclass
class CourseRow:
    """A course as a row of 我的课程 shows it."""

    pk: int
    title: str
    path: str
    url: str
    tier: str
    hours: Decimal

    def get_tier_display(self) -> str:
        return Tier(self.tier).label


@dataclass
class LessonRow:
    pk: int
    title: str
    path: str
    url: str
    is_required: bool
    minutes: int


@dataclass
class EnrolmentRow:
    pk: int
    course_id: int
    required: bool
    due_on: dt.date | None
    completed_on: dt.date | None
    last_lesson_id: int | None


def page_urls() -> Callable[[str], str | None]:
    """Page.url for pages known only by their url_path, so 我的课程 and the lesson reader link
    pages without loading them: Wagtail's own get_url, run on a page carrying just that url_path
    (all get_url reads) and kept per process for the site root paths and script prefix in force."""
    key = (tuple(Site.get_site_root_paths()), get_script_prefix())
    return lambda url_path: _page_url(url_path, *key)


@functools.lru_cache(maxsize=4096)
def _page_url(url_path: str, site_root_paths: tuple, script_prefix: str) -> str | None:
    return Page(url_path=url_path).get_url()


@dataclass
class MyCourseRows:
    """What 我的课程 reads: the worker's enrolments in the page's order, their courses by id, each
    course's live lessons in order, the lesson each enrolment resumes at (by id; one unpublished
    since included) and the ids of the lessons the worker has done among those listed."""

    enrolments: list[EnrolmentRow]
    courses: dict[int, CourseRow]
    lessons: dict[int, list[LessonRow]]
    resume: dict[int, LessonRow]
    done: set[int]


def my_course_rows(worker) -> MyCourseRows:
    """我的课程's rows in two plain SQL queries: the enrolments with their courses, then those
    courses' live lessons with the worker's done flags (and, rarely, one ORM query for a resume
    lesson unpublished since: no benchmark reaches it). ORM twin: the enrolments with
    select_related course, course.lessons(), completed_lesson_ids, enrolment.last_lesson.

    Buys: courses bench, 我的课程 ~180 req/s at 8 queries: ORM twin +3 queries (2 courses), +28,000 Python calls."""
    url = page_urls()
    hours_field = CoursePage._meta.get_field("hours")
    enrolments, courses = [], {}
    for (
        pk,
        course_id,
        required,
        due_on,
        completed_on,
        last_lesson_id,
        title,
        path,
        url_path,
        tier,
        hours,
    ) in sql.fetch_all(_my_enrolments_sql(), [worker.pk]):
        enrolments.append(
            EnrolmentRow(
                pk, course_id, bool(required), sql.date_value(due_on), sql.date_value(completed_on), last_lesson_id
            )
        )
        courses[course_id] = CourseRow(
            course_id, title, path, url(url_path), tier, sql.decimal_value(hours, hours_field)
        )
    lessons: dict[int, list[LessonRow]] = {cid: [] for cid in courses}
    by_id: dict[int, LessonRow] = {}
    done: set[int] = set()
    if courses:
        p = sql.columns(Page, "p")
        under = " OR ".join([f"({p.path} LIKE %s AND {p.depth} = %s)"] * len(courses))
        params: list = [worker.pk]
        for course in courses.values():
            params += [course.path + "%", len(course.path) // Page.steplen + 1]
        for pk, title, path, url_path, is_required, minutes, is_done in sql.fetch_all(
            f"{_my_lessons_sql()} AND ({under}) ORDER BY {p.path}", params
        ):
            lesson = by_id[pk] = LessonRow(pk, title, path, url(url_path), bool(is_required), minutes)
            if is_done:
                done.add(pk)
            lessons[next(cid for cid, course in courses.items() if path.startswith(course.path))].append(lesson)
    wanted = {e.last_lesson_id for e in enrolments if e.last_lesson_id}
    if wanted - set(by_id):
        for pk, title, path, url_path, is_required, minutes in LessonPage.objects.filter(
            pk__in=wanted - set(by_id)
        ).values_list("pk", "title", "path", "url_path", "is_required", "minutes"):
            by_id[pk] = LessonRow(pk, title, path, url(url_path), is_required, minutes)
    return MyCourseRows(enrolments, courses, lessons, {pk: by_id[pk] for pk in wanted if pk in by_id}, done)


def my_courses(worker, *, today: dt.date | None = None) -> dict:
    """我的课程 in three lists, with each course's progress."""
    today = today or timezone.localdate()
    rows = my_course_rows(worker)
    groups = {"required": [], "in_progress": [], "completed": [], "course_ids": set(rows.courses)}
    for enrolment in rows.enrolments:
        course = rows.courses[enrolment.course_id]
        progress = course_progress(worker, course, rows.lessons[enrolment.course_id], rows.done)
        row = {
            "enrolment": enrolment,
            "course": course,
            "progress": progress,
            "overdue": bool(enrolment.due_on and not enrolment.completed_on and enrolment.due_on < today),
            "resume": rows.resume.get(enrolment.last_lesson_id) or progress["next"],
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


@functools.cache
def _my_enrolments_sql() -> str:
    e, p, c = sql.columns(Enrolment, "e"), sql.columns(Page, "p"), sql.columns(CoursePage, "c")
    return (
        f"SELECT {e.pk}, {e.course}, {e.required}, {e.due_on}, {e.completed_on}, {e.last_lesson}, "
        f"{p.title}, {p.path}, {p.url_path}, {c.tier}, {c.hours} FROM {sql.table(Enrolment)} e "
        f"JOIN {sql.table(Page)} p ON {p.pk} = {e.course} JOIN {sql.table(CoursePage)} c ON {c.pk} = {e.course} "
        f"WHERE {e.worker} = %s ORDER BY {e.completed_on}, {e.due_on}, {e.pk}"
    )


@functools.cache
def _my_lessons_sql() -> str:
    """Live lessons with the worker's done flag; the caller adds which courses' children, and the order."""
    p, lp, d = sql.columns(Page, "p"), sql.columns(LessonPage, "l"), sql.columns(LessonCompletion, "d")
    done = f"EXISTS(SELECT 1 FROM {sql.table(LessonCompletion)} d WHERE {d.lesson} = {p.pk} AND {d.worker} = %s)"
    return (
        f"SELECT {p.pk}, {p.title}, {p.path}, {p.url_path}, {lp.is_required}, {lp.minutes}, {done} "
        f"FROM {sql.table(Page)} p JOIN {sql.table(LessonPage)} l ON {lp.pk} = {p.pk} WHERE {p.live}"
    )


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
            return _labelled([c for _, _, c in ranked[:limit]]), "针对您的薄弱指标：" + "、".join(
                f"{code} {names[code]}" for code in weakest
            )
    tier = Tier.ONBOARDING if _is_new_hire(worker) else Tier.ANNUAL
    same_tier = [c for c in candidates if c.tier == tier]
    others = [c for c in candidates if c.tier == Tier.THEMATIC and c.enrolment_mode == EnrolmentMode.SELF]
    return _labelled((same_tier + others)[:limit]), f"适合{Tier(tier).label}阶段的课程"


def _labelled(courses: list[CoursePage], names: dict[str, str] | None = None) -> list[CoursePage]:
    """Give each course its `indicator_labels` for the list (one read of the names for all)."""
    if names is None and any(course.indicators for course in courses):
        names = indicator_names()
    for course in courses:
        course.indicator_labels = indicator_labels(course.indicators, names or {})
    return courses


def _is_new_hire(worker) -> bool:
    return bool(worker.hire_date and timezone.localdate() <= onboarding_deadline(worker.hire_date))


def ledger(worker, year: int | None = None):
    qs = HoursEntry.objects.filter(worker=worker)
    if year:
        qs = qs.filter(earned_on__range=year_bounds(year))
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
    return (
        TrainingSession.objects.filter(owner_unit_id__in=ancestors, ends_at__gte=now)
        .select_related("owner_unit")
        .order_by("starts_at")
    )


def report_units(user):
    return OrgUnit.objects.filter(org_scope_q(user)).order_by("path")


def required_role_codes() -> list[str]:
    """The roles the annual hours requirement applies to (docs/rules.md §4, 年度要求)."""
    return list(settings.COURSES_REQUIRED_ROLES)


def annual_requirement_q(worker_path: str = "") -> Q:
    """Workers (at `worker_path` of the queried model, "" for Worker itself) whose active account
    holds a role of COURSES_REQUIRED_ROLES: the people the annual requirement applies to, and the
    only ones the compliance report, its export, the reminder and the dashboard count. An
    uncorrelated IN (lms.dashboard.role_holders_q), so a person holding two required roles is still
    one row and the database hashes the role members once per query."""
    from lms.dashboard import role_holders_q

    prefix = f"{worker_path}__" if worker_path else ""
    return role_holders_q(required_role_codes(), prefix) & Q(**{f"{prefix}user__is_active": True})


COMPLIANCE_MET = "met"
COMPLIANCE_SHORT = "short"
COMPLIANCE_STATUS_CHOICES = [("", "全部"), (COMPLIANCE_MET, "达标"), (COMPLIANCE_SHORT, "未达标")]


def grid_label(org_unit: OrgUnit, within: OrgUnit) -> str:
    """Where a worker sits, named so it cannot be mistaken for another unit's 第一网格: the two
    levels above and at the worker's unit under `within` (社区/网格 for a grid worker)."""
    below = org_unit.full_name.split("/")[len(within.full_name.split("/")) :]
    return "/".join(below[-2:]) or org_unit.name


def compliance_rows(
    user, unit: OrgUnit, year: int, *, today: dt.date | None = None, status: str = "", search: str = ""
) -> dict:
    """The annual compliance of the people the requirement applies to (annual_requirement_q) in
    `unit`'s subtree, as far as the user may see: the summary covers all of them, `rows` those
    matching `status` (met/short) and `search` (工号 or a part of the name)."""
    today = today or timezone.localdate()
    workers = list(
        scope_queryset(user, Worker.objects.filter(annual_requirement_q()), worker_path="", within=unit)
        .select_related("org_unit")
        .order_by("org_unit__path", "employee_no")
    )
    ids = [w.pk for w in workers]
    per_year = dict(
        HoursEntry.objects.filter(worker_id__in=ids, earned_on__range=year_bounds(year))
        .values("worker_id")
        .annotate(s=Sum("hours"))
        .values_list("worker_id", "s")
    )
    required = annual_hours_required()
    onboarding_required = onboarding_hours_required()
    rows = []
    for worker in workers:
        hours = per_year.get(worker.pk) or ZERO
        onboarding = None
        if (
            worker.hire_date
            and worker.hire_date.year >= year - 1
            and onboarding_deadline(worker.hire_date).year >= year
        ):
            onboarding = onboarding_status(worker, today=today)
        rows.append(
            {
                "worker": worker,
                "grid": grid_label(worker.org_unit, unit),
                "hours": hours,
                "met": hours >= required,
                "short": max(ZERO, required - hours),
                "onboarding": onboarding,
            }
        )
    total = len(rows)
    trained = sum(1 for r in rows if r["hours"] > 0)
    met = sum(1 for r in rows if r["met"])
    onboarding_rows = [r for r in rows if r["onboarding"]]
    search = search.strip()
    listed = [
        r
        for r in rows
        if (not status or r["met"] == (status == COMPLIANCE_MET))
        and (not search or search in r["worker"].name or r["worker"].employee_no.lower().startswith(search.lower()))
    ]
    return {
        "unit": unit,
        "year": year,
        "rows": listed,
        "total": total,
        "trained": trained,
        "met": met,
        "short_count": total - met,
        "participation": round(trained * 100 / total, 1) if total else 0,
        "met_rate": round(met * 100 / total, 1) if total else 0,
        "required": required,
        "required_roles": [roles.LABEL_BY_CODE[code] for code in required_role_codes()],
        "onboarding_required": onboarding_required,
        "onboarding_short": [r for r in onboarding_rows if not r["onboarding"]["met"]],
        "onboarding_count": len(onboarding_rows),
    }


def visible_worker(user, employee_no: str):
    return scope_queryset(user, Worker.objects.filter(employee_no=employee_no), worker_path="").first()


# --- 辖区概览 (lms.hooks.register_dashboard_figure; docs/rules.md §15) ------------------------------


def _month_day_ordinal(field: str):
    """(year × 12 + month) × 100 + day of a date column: one month later is exactly +100 on the same
    day, and the onboarding deadline rule (hired 1/31 → 2/28) becomes `ordinal ≤ hire ordinal + 100`
    for any day on or after the hire date, on SQLite and PostgreSQL alike."""
    return (ExtractYear(field) * 12 + ExtractMonth(field)) * 100 + ExtractDay(field)


def _day_ordinal(day: dt.date) -> int:
    return (day.year * 12 + day.month) * 100 + day.day


def dashboard_figures(query) -> list:
    """参训率, 年度学时达标 and 入职培训按期完成 per row unit over the subtree's required people
    (annual_requirement_q): head-count with 达标 in one aggregate, 参训 and its trend from the
    ledger in another, onboarding in a third."""
    from lms.dashboard import RATE, DashboardLink, Figure, Ratio, grouped

    period, today = query.period, query.today
    required = Worker.objects.filter(query.scope_q(""), annual_requirement_q()).order_by()
    year_start = year_bounds(period.year)[0]
    # DISTINCT lists (one row a person) are hashed once per query by PostgreSQL, not rescanned per worker.
    met_ids = (
        HoursEntry.objects.filter(earned_on__range=(year_start, period.end))
        .values("worker_id")
        .annotate(total=Sum("hours"))
        .filter(total__gte=annual_hours_required())
        .values("worker_id")
    )
    rows = grouped(
        required.annotate(row=query.row_key(""))
        .values("row")
        .annotate(people=Count("pk"), met=Count("pk", filter=Q(pk__in=met_ids)))
    )
    # 参训: a line in the hours ledger in the period (the compliance report's 参训率 for a year). One
    # pass over the ledger of the period and the trend's quarters gives both, per row unit.
    trend = query.trend
    first, last = min(period.start, trend[0].start), max(period.end, trend[-1].end)
    ledger = (
        HoursEntry.objects.filter(query.scope_q("worker__"), annual_requirement_q("worker"))
        .filter(earned_on__range=(first, last))
        .order_by()
    )
    active = grouped(
        ledger.annotate(row=query.row_key("worker__"))
        .values("row")
        .annotate(
            people=Count("worker_id", distinct=True, filter=Q(earned_on__range=(period.start, period.end))),
            **{
                f"q{n}": Count("worker_id", distinct=True, filter=Q(earned_on__range=(q.start, q.end)))
                for n, q in enumerate(trend)
            },
        )
    )

    onboarding_hours = (
        HoursEntry.objects.filter(worker=OuterRef("pk"), earned_on__gte=OuterRef("hire_date"))
        .annotate(ordinal=_month_day_ordinal("earned_on"))
        .filter(ordinal__lte=OuterRef("hire_ordinal") + 100)
        .values("worker")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    cohort = grouped(
        required.filter(hire_date__range=(period.start, period.end))
        .annotate(hire_ordinal=_month_day_ordinal("hire_date"))
        .filter(hire_ordinal__lt=_day_ordinal(today) - 100)  # the deadline has passed
        .annotate(row=query.row_key(""), onboarding=Subquery(onboarding_hours))
        .values("row")
        .annotate(hires=Count("pk"), on_time=Count("pk", filter=Q(onboarding__gte=onboarding_hours_required())))
    )

    people = sum(r["people"] for r in rows.values())
    trend_ratios = [
        Ratio(sum(r[f"q{n}"] for r in active.values()), people) if query.started(q) else Ratio()
        for n, q in enumerate(trend)
    ]

    def compliance_url(unit) -> str:
        from django.urls import reverse

        return f"{reverse('courses:compliance')}?unit={unit.pk}&year={period.year}"

    required_hours, onboarding_required = plain(annual_hours_required()), plain(onboarding_hours_required())
    return [
        Figure(
            key="participation",
            label="参训率",
            kind=RATE,
            by_unit={key: Ratio(active.get(key, {}).get("people", 0), r["people"]) for key, r in rows.items()},
            definition="期间内有学时记录（线上课时、课程结业、面授、外部培训）的人占应参训人数的比例",
            order=10,
            trend=trend_ratios,
            link=compliance_url,
        ),
        Figure(
            key="annual_hours",
            label="年度学时达标",
            kind=RATE,
            by_unit={key: Ratio(r["met"], r["people"]) for key, r in rows.items()},
            definition=f"当年 1 月 1 日至期末累计学时不少于 {required_hours} 学时的比例",
            order=20,
            link=compliance_url,
        ),
        Figure(
            key="onboarding",
            label="入职培训按期完成",
            kind=RATE,
            by_unit={key: Ratio(r["on_time"], r["hires"]) for key, r in cohort.items()},
            definition=f"期间内入职、期限已过的新人中，入职一个月内完成 {onboarding_required} 学时的比例",
            order=30,
        ),
        DashboardLink(label="学时达标报表", url=compliance_url, order=10),
    ]
