"""Thin views: trainee screens (我的课程, course, lesson reader, sessions, record) and trainer screens
(assign, sessions with QR check-in, attendance, external hours, compliance report)."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from courses import selectors, services
from courses.forms import AssignForm, AttendanceForm, ComplianceQueryForm, ExternalHoursForm
from courses.models import CoursePage, EnrolmentMode, LessonPage, TrainingSession
from courses.selectors import plain
from lms.access import worker_of
from lms.downloads import name_download
from lms.spreadsheets import XLSX_CONTENT_TYPE


def _worker_or_404(request):
    worker = worker_of(request.user)
    if worker is None:
        raise Http404("没有人员档案")
    return worker


# The largest id a database here stores. A page's id is looked up through its page_ptr link, which,
# unlike a plain integer id, Django passes to the database unchecked: a larger one would be a 500.
MAX_ID = 2**63 - 1


def _page_or_404(queryset, pk: int):
    if not 0 < pk <= MAX_ID:
        raise Http404("没有这个页面")
    return get_object_or_404(queryset, pk=pk)


def _login_redirect(request):
    from django.contrib.auth.views import redirect_to_login

    return redirect_to_login(request.get_full_path())


# --- trainee --------------------------------------------------------------------------------------


@login_required
def my_courses(request):
    worker = _worker_or_404(request)
    today = timezone.localdate()
    groups = selectors.my_courses(worker, today=today)
    recommended, reason = selectors.recommended_courses_cached(worker, taken=groups["course_ids"])
    annual, onboarding = selectors.hours_overview(worker, today=today)
    return render(
        request,
        "courses/my_courses.html",
        {
            "groups": groups,
            "annual": annual,
            "onboarding": onboarding,
            "recommended": recommended,
            "recommend_reason": reason,
            # The list shows title, time and place: no need to join the host unit in.
            "sessions": list(selectors.sessions_open_to(worker).select_related(None)[:5]),
        },
    )


def course_page(request, course: CoursePage):
    if not request.user.is_authenticated:
        return _login_redirect(request)
    worker = worker_of(request.user)
    enrolment = selectors.enrolment_of(worker, course)
    progress = selectors.course_progress(worker, course) if worker else None
    can_self_enrol = bool(
        worker
        and enrolment is None
        and course.enrolment_mode == EnrolmentMode.SELF
        and selectors.course_audience_includes(course, worker)
    )
    return TemplateResponse(
        request,
        "courses/course_page.html",
        {
            "page": course,
            "course": course,
            "enrolment": enrolment,
            "progress": progress,
            "can_self_enrol": can_self_enrol,
            "indicator_labels": selectors.indicator_labels(course.indicators),
            "seats_taken": course.enrolments.count() if course.capacity else None,
            "can_manage": selectors.courses_managed_by(request.user).filter(pk=course.pk).exists(),
        },
    )


def lesson(request, course_slug: str, lesson_slug: str):
    """/courses/<course>/<lesson>/, the one route of a lesson page: courses.urls puts it before
    Wagtail's catch-all, so Wagtail's tree walk (six more queries) never routes a lesson. The live
    lesson at that address is found in one query; anything else is a 404, which Wagtail's redirects
    then see. Course pages offer no Wagtail privacy settings (private_page_options; access is by
    enrolment), so no check of Wagtail's serve is skipped here."""
    found = selectors.live_lesson(course_slug, lesson_slug)
    if found is None:
        raise Http404("没有这个课时")
    return lesson_page(request, found)


def lesson_page(request, lesson: LessonPage):
    """The lesson reader, for the route above and for Wagtail's preview (LessonPage.serve_preview),
    which shows the lesson in its course without the viewer's progress and records nothing."""
    if not request.user.is_authenticated:
        return _login_redirect(request)
    preview = getattr(request, "is_preview", False)
    worker = worker_of(request.user)
    year = timezone.localdate().year
    reader = selectors.lesson_reader(lesson, worker, year=year)
    enrolment = None if preview else reader.enrolment
    if enrolment is None and not preview and not selectors.is_course_staff(request.user):
        messages.error(request, "请先报名该课程")
        return redirect(reader.course.url)
    if enrolment is not None and enrolment.last_lesson_id != lesson.pk and not enrolment.completed_on:
        services.lesson_open(worker=worker, lesson=lesson, enrolment=enrolment)
    siblings = reader.lessons
    index = next((i for i, s in enumerate(siblings) if s.pk == lesson.pk), 0)
    return TemplateResponse(
        request,
        "courses/lesson_page.html",
        {
            "page": lesson,
            "lesson": lesson,
            "course": reader.course,
            "enrolment": enrolment,
            "done": bool(siblings and siblings[index].done),
            "has_quiz": bool(lesson.quiz_ids()),
            "prev": siblings[index - 1] if index > 0 else None,
            "next": siblings[index + 1] if index + 1 < len(siblings) else None,
            "position": index + 1,
            "count": len(siblings),
            "annual": selectors.annual_status(worker, year, hours=reader.year_hours) if worker else None,
        },
    )


@login_required
@require_POST
def lesson_complete(request, pk: int):
    worker = _worker_or_404(request)
    lesson = _page_or_404(LessonPage.objects.live(), pk)
    try:
        services.lesson_complete(worker=worker, lesson=lesson)
        messages.success(request, f"已完成“{lesson.title}”，记入 {plain(lesson.hours)} 学时")
    except services.CourseRefused as refused:
        messages.error(request, str(refused))
        return redirect(lesson.url)
    following = lesson.get_next_siblings().live().specific().first()
    return redirect(following.url if following else lesson.get_parent().url)


@login_required
@require_POST
def course_enrol(request, pk: int):
    worker = _worker_or_404(request)
    course = _page_or_404(CoursePage.objects.live(), pk)
    try:
        services.enrolment_self_create(worker=worker, course=course)
        messages.success(request, "报名成功")
    except services.CourseRefused as refused:
        messages.error(request, str(refused))
    return redirect(course.url)


@login_required
def training_record(request):
    worker = _worker_or_404(request)
    buffer = io.BytesIO()
    services.training_record_export(worker=worker, target=buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    name_download(
        response,
        f"培训记录-{worker.name}-{worker.employee_no}.xlsx",
        ascii_name=f"training-record-{worker.employee_no}.xlsx",
    )
    return response


@login_required
def ledger(request):
    worker = _worker_or_404(request)
    year = timezone.localdate().year
    return render(
        request,
        "courses/ledger.html",
        {
            "entries": selectors.ledger(worker)[:200],
            "annual": selectors.annual_status(worker, year),
        },
    )


# --- sessions -------------------------------------------------------------------------------------


@login_required
def session_list(request):
    worker = worker_of(request.user)
    managed = list(selectors.sessions_managed_by(request.user)[:50])
    open_sessions = list(selectors.sessions_open_to(worker)) if worker else []
    mine = {}
    if worker:
        mine = {a.session_id: a for a in worker.session_attendances.filter(session__in=open_sessions)}
    return render(
        request,
        "courses/session_list.html",
        {
            "managed": managed,
            "open_sessions": [(s, mine.get(s.pk)) for s in open_sessions],
        },
    )


def _session_for(request, pk):
    """A session the user may see: one they manage, one open to them, or one they attended."""
    worker = worker_of(request.user)
    session = TrainingSession.objects.select_related("owner_unit", "course").filter(pk=pk).first()
    if session is None:
        raise Http404
    manages = selectors.sessions_managed_by(request.user).filter(pk=pk).exists()
    if not manages and not (worker and worker.org_unit.path.startswith(session.owner_unit.path)):
        raise Http404
    return session, manages, worker


@login_required
def session_detail(request, pk: int):
    session, manages, worker = _session_for(request, pk)
    attendance = session.attendances.filter(worker=worker).first() if worker else None
    attendances = list(session.attendances.select_related("worker__org_unit")) if manages else []
    return render(
        request,
        "courses/session_detail.html",
        {
            "session": session,
            "manages": manages,
            "attendance": attendance,
            "attendances": attendances,
            "taken": session.attendances.count(),
            "ended": session.has_ended(),
            "form": AttendanceForm(user=request.user) if manages else None,
        },
    )


@login_required
@require_POST
def session_sign_up(request, pk: int):
    session, _, worker = _session_for(request, pk)
    if worker is None:
        raise Http404
    try:
        services.session_sign_up(worker=worker, session=session)
        messages.success(request, "报名成功，请按时到场扫码签到")
    except services.CheckInRefused as refused:
        messages.error(request, str(refused))
    return redirect("courses:session_detail", pk=pk)


@login_required
def session_qr(request, pk: int):
    session, manages, _ = _session_for(request, pk)
    if not manages:
        raise Http404
    phase = "out" if request.GET.get("phase") == "out" else "in"
    return render(
        request, "courses/session_qr.html", {"session": session, "phase": phase, "window": services.QR_WINDOW_SECONDS}
    )


@login_required
def session_qr_svg(request, pk: int):
    session, manages, _ = _session_for(request, pk)
    if not manages:
        raise Http404
    phase = "out" if request.GET.get("phase") == "out" else "in"
    token = services.qr_current_token(session, phase)
    url = request.build_absolute_uri(reverse("courses:session_check", args=[session.pk]) + f"?phase={phase}&t={token}")
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=2)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@login_required
def session_check(request, pk: int):
    session, _, worker = _session_for(request, pk)
    if worker is None:
        raise Http404
    phase = request.POST.get("phase") or request.GET.get("phase") or "in"
    token = request.POST.get("t") or request.GET.get("t") or ""
    if request.method == "POST":
        try:
            services.session_check(worker=worker, session=session, phase=phase, token=token)
            messages.success(request, "签到成功" if phase == "in" else f"签退成功，已记入 {plain(session.hours)} 学时")
        except services.CheckInRefused as refused:
            messages.error(request, str(refused))
        return redirect("courses:session_detail", pk=pk)
    return render(request, "courses/session_check.html", {"session": session, "phase": phase, "token": token})


@login_required
@require_POST
def session_attendance(request, pk: int):
    session, manages, _ = _session_for(request, pk)
    if not manages:
        raise Http404
    form = AttendanceForm(request.POST, user=request.user)
    if form.is_valid():
        day = timezone.localdate(session.starts_at)
        tz = timezone.get_current_timezone()
        try:
            services.attendance_record(
                actor=request.user,
                session=session,
                worker=form.cleaned_data["worker"],
                checked_in_at=dt.datetime.combine(day, form.cleaned_data["checked_in"], tz),
                checked_out_at=dt.datetime.combine(day, form.cleaned_data["checked_out"], tz),
            )
            messages.success(request, "已登记出勤")
        except services.CheckInRefused as refused:
            messages.error(request, str(refused))
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("courses:session_detail", pk=pk)


# --- trainer / reports ----------------------------------------------------------------------------


@login_required
def course_assign(request, pk: int):
    course = _page_or_404(selectors.courses_managed_by(request.user), pk)
    form = AssignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.course_assign(
                actor=request.user,
                course=course,
                org_units=form.cleaned_data["org_units"],
                role_codes=form.cleaned_data["roles"],
                workers=form.cleaned_data["workers"],
                due_on=form.cleaned_data["due_on"],
            )
            messages.success(request, f"已指派，新增 {created} 人")
            return redirect(course.url)
        except services.CourseRefused as refused:
            messages.error(request, str(refused))
    return render(request, "courses/assign.html", {"course": course, "form": form})


@login_required
def hours_record(request):
    if not selectors.is_course_staff(request.user):
        raise PermissionDenied
    form = ExternalHoursForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.hours_record_external(actor=request.user, **form.cleaned_data)
            messages.success(request, "已登记外部培训学时")
            return redirect("courses:hours_record")
        except services.CourseRefused as refused:
            messages.error(request, str(refused))
    return render(request, "courses/hours_record.html", {"form": form})


COMPLIANCE_PAGE_SIZE = 50


def _report_query(request, data) -> ComplianceQueryForm:
    if not selectors.is_report_viewer(request.user):
        raise PermissionDenied
    form = ComplianceQueryForm(data, user=request.user)
    if form.value("unit") is None:
        raise Http404("没有可查看的组织")
    return form


@login_required
def compliance(request):
    form = _report_query(request, request.GET)
    for problem in form.problems():
        messages.warning(request, problem)
    unit, year, status, search = (form.value(name) for name in ("unit", "year", "status", "q"))
    report = selectors.compliance_rows(request.user, unit, year, status=status, search=search)
    page = Paginator(report["rows"], COMPLIANCE_PAGE_SIZE).get_page(form.value("page"))
    query = urlencode({"unit": unit.pk, "year": year, "status": status, "q": search})
    return render(
        request,
        "courses/compliance.html",
        {
            "report": report,
            "page": page,
            "query": query,
            "units": form.units.filter(level__lte=4)[:300],
            "unit": unit,
            "year": year,
            "status": status,
            "status_choices": selectors.COMPLIANCE_STATUS_CHOICES,
            "search": search,
        },
    )


@login_required
@require_POST
def compliance_xlsx(request):
    """Starts the export as a background job (lms.exports) and shows its progress page."""
    from courses.exports import COMPLIANCE
    from lms.services import export_job_start

    form = _report_query(request, request.POST)
    if "unit" in form.errors:
        raise Http404("该组织不在您的管理范围内")
    if form.errors:
        for problem in form.problems():
            messages.error(request, f"未导出：{problem}")
        return redirect("courses:compliance")
    unit, year, status, search = (form.value(name) for name in ("unit", "year", "status", "q"))
    job = export_job_start(
        user=request.user,
        kind=COMPLIANCE,
        params={"unit": unit.pk, "year": year, "status": status, "q": search},
        title=f"{unit.name} {year}年学时达标（Excel）",
    )
    return redirect("export_job", pk=job.pk)


# --- home card ------------------------------------------------------------------------------------


def home_section(request):
    worker = worker_of(request.user)
    if worker is None:
        return None
    today = timezone.localdate()
    groups = selectors.my_courses(worker, today=today)
    return {
        "title": "我的课程",
        "template": "courses/_home_card.html",
        "order": 10,
        "context": {
            "groups": groups,
            "annual": selectors.annual_status(worker, today.year),
            "is_staff": selectors.is_report_viewer(request.user),
        },
    }
