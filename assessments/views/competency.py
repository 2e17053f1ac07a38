"""Competency pages: 能力画像 (a worker's profile and why each indicator has its score), 能力分析
(the manager's heat map, training needs and headline figures), the score export and the annual
assessment report PDF (docs/rules.md, 7.1 能力评分 and 第 12 节); and the staff page that recomputes the
stored scores of a period (the same service as `manage.py recompute_competency`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from assessments import analysis, charts
from assessments.exports import COMPETENCY_REPORTS, COMPETENCY_SCORES
from assessments.forms import RecomputeForm
from assessments.hooks import profile_sections
from assessments.services import competency_recompute_period
from lms import roles
from lms.access import org_scope_q, worker_of
from lms.downloads import name_download
from lms.models import OrgUnit, Worker
from lms.periods import Period, PeriodError, parse_period
from lms.services import export_job_start


def _current_year() -> Period:
    return Period(timezone.localdate().year)


def _period_param(request, name: str = "period") -> tuple[Period, str | None]:
    """The `?period=` of a page: the current year when absent; junk → the default and a Chinese message."""
    raw = (request.GET.get(name) or request.POST.get(name) or "").strip()
    if not raw:
        return _current_year(), None
    try:
        return parse_period(raw), None
    except PeriodError as error:
        return _current_year(), f"{error}；已显示{_current_year().label}。"


def _unit_param(request) -> tuple[int | None, str | None]:
    raw = (request.GET.get("unit") or request.POST.get("unit") or "").strip()
    if not raw:
        return None, None
    if not raw.isdigit() or len(raw) > 12:
        return None, f"单位参数“{raw[:20]}”无效，已显示您的辖区。"
    return int(raw), None


def _visible_worker(request, employee_no: str | None) -> Worker:
    from assessments.profiles import visible_worker

    worker = visible_worker(request.user, employee_no)
    if worker is None:
        raise Http404("未找到或无权查看")
    return worker


def may_download_report(user, worker: Worker) -> bool:
    """The worker themself, and HR of the worker's subtree (superusers too); nobody else."""
    if user.is_superuser:
        return True
    me = worker_of(user)
    if me is not None and me.pk == worker.pk:
        return True
    if not analysis.is_report_hr(user):
        return False
    return Worker.objects.filter(org_scope_q(user, "org_unit__"), pk=worker.pk).exists()


# --- 能力画像 -------------------------------------------------------------------------------------


@login_required
def profile(request, employee_no: str | None = None):
    from assessments.profiles import profile_for, quarter_trend

    worker = _visible_worker(request, employee_no)
    period, error = _period_param(request)
    current = profile_for(worker, period)
    earlier = _earlier(period)
    before = profile_for(worker, earlier)
    compare = [s.score for s in before.primaries] if before.overall.score is not None else None
    radar = charts.radar_svg(
        [charts.axis_label(s.name) for s in current.primaries],
        [s.score for s in current.primaries],
        compare=compare,
        title=f"{worker.name} {period.label}能力雷达图",
        current_label=period.label,
        compare_label=earlier.label,
    )
    trend = quarter_trend(worker, period)
    quarters = period.previous_quarters(4)
    rows = [
        {
            "score": score,
            "trend": trend.get(score.code, []),
            "trend_svg": mark_safe(charts.trend_svg(trend.get(score.code, [None] * len(quarters)))),
            "url": reverse("assessments:competency_indicator", args=[worker.employee_no, period.code, score.code]),
        }
        for score in current.indicators
    ]
    return render(
        request,
        "assessments/competency/profile.html",
        {
            "worker": worker,
            "is_self": worker_of(request.user) is not None and worker_of(request.user).pk == worker.pk,
            "profile": current,
            "period": period,
            "error": error,
            "radar": mark_safe(radar),
            "compared_with": earlier if compare is not None else None,
            "rows": rows,
            "quarters": quarters,
            "overall_trend": trend.get("", []),
            "recommendations": analysis.recommendations(worker, current.indicators),
            "periods": _period_choices(period),
            "report_year": period.year,
            "may_download_report": may_download_report(request.user, worker),
            "sections": profile_sections(request, worker),
        },
    )


def _earlier(period: Period) -> Period:
    if period.quarter is None:
        return Period(period.year - 1)
    return period.previous_quarters(2)[0]


def _period_choices(period: Period) -> list[Period]:
    """The current year and its quarters, the two years before, and the period shown."""
    today = timezone.localdate()
    choices = []
    for year in (today.year, today.year - 1, today.year - 2):
        choices.append(Period(year))
        choices += [Period(year, q) for q in range(1, 5) if Period(year, q).start <= today]
    if period not in choices:
        choices.insert(0, period)
    return choices


@login_required
def indicator(request, employee_no: str, period: str, code: str):
    """Why an indicator has its score: each source's value, count, weights, method and the evidence rows."""
    from assessments.profiles import indicator_explanation

    worker = _visible_worker(request, employee_no)
    try:
        parsed = parse_period(period)
    except PeriodError as error:
        return render(
            request, "assessments/competency/indicator.html", {"worker": worker, "error": str(error)}, status=404
        )
    explanation = indicator_explanation(worker, parsed, code)
    if explanation is None:
        return render(
            request,
            "assessments/competency/indicator.html",
            {"worker": worker, "error": f"没有编码为“{code[:20]}”的能力指标"},
            status=404,
        )
    counted = [s for s in explanation.sources if s.counted and s.value is not None and s.weight is not None]
    # A quiz attempt opens only for its own worker; other records (drill runs) are scoped pages.
    me = worker_of(request.user)
    own = me is not None and me.pk == worker.pk
    attempts = reverse("assessments:attempt", args=[0]).rsplit("0/", 1)[0]
    evidence = [(e, e.url if e.url and (own or not e.url.startswith(attempts)) else None) for e in explanation.evidence]
    return render(
        request,
        "assessments/competency/indicator.html",
        {
            "worker": worker,
            "period": parsed,
            "x": explanation,
            "counted": counted,
            "evidence": evidence,
            "back": reverse("assessments:competency_worker", args=[worker.employee_no])
            + "?"
            + urlencode({"period": parsed.code}),
        },
    )


@login_required
def report_pdf(request, employee_no: str, year: int):
    """年度个人能力评估报告 of one worker, built in memory for the worker or HR of their subtree."""
    from assessments import reports
    from lms.access import get_scoped_object_or_404

    worker = get_scoped_object_or_404(
        request.user, Worker.objects.select_related("org_unit"), worker_path="", employee_no=employee_no
    )
    if not may_download_report(request.user, worker):
        raise Http404("未找到或无权查看")
    try:
        period = parse_period(str(year))
    except PeriodError:
        raise Http404("年份无效") from None
    data = reports.report_pdf(worker, period)
    response = HttpResponse(data, content_type="application/pdf")
    name_download(
        response,
        f"{worker.name}-{worker.employee_no}-{period.year}年度能力评估报告.pdf",
        attachment=False,
        ascii_name=f"competency-report-{worker.employee_no}-{period.year}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- 能力分析 -------------------------------------------------------------------------------------


def _require_analysis_viewer(request) -> None:
    if not analysis.is_analysis_viewer(request.user):
        raise Http404("页面不存在")


@login_required
def analysis_page(request):
    _require_analysis_viewer(request)
    period, period_error = _period_param(request)
    unit_id, unit_error = _unit_param(request)
    standing = analysis.standing_for(request.user, unit_id)
    errors = [e for e in (period_error, unit_error) if e]
    if standing is None:
        return render(
            request, "assessments/competency/analysis.html", {"errors": errors, "period": period, "empty": True}
        )
    heat = analysis.heat_map(standing, period)
    return render(
        request,
        "assessments/competency/analysis.html",
        {
            "errors": errors,
            "period": period,
            "periods": _period_choices(period),
            "standing": standing,
            "heat": heat,
            "needs": analysis.training_needs(request.user, heat),
            "headlines": analysis.headline_figures(request.user, standing.unit, period),
            "may_export_reports": analysis.is_report_hr(request.user),
        },
    )


def _posted_unit(request) -> OrgUnit:
    unit_id, error = _unit_param(request)
    if unit_id is None:
        raise Http404(error or "请选择单位")
    unit = OrgUnit.objects.filter(org_scope_q(request.user), pk=unit_id).first()
    if unit is None:
        raise Http404("未找到或无权查看")
    return unit


def _back_to_analysis(unit: OrgUnit | None, period: Period):
    query = {"period": period.code}
    if unit is not None:
        query["unit"] = unit.pk
    return redirect(reverse("assessments:competency_analysis") + "?" + urlencode(query))


@login_required
@require_POST
def analysis_assign(request):
    """Assign a course training an indicator to a unit's grid workers (courses.services.course_assign)."""
    from courses.selectors import courses_managed_by
    from courses.services import CourseRefused, course_assign

    _require_analysis_viewer(request)
    unit = _posted_unit(request)
    period, _ = _period_param(request)
    back = request.POST.get("back_unit", "")
    back_unit = OrgUnit.objects.filter(org_scope_q(request.user), pk=back).first() if back.isdigit() else None
    course_id = request.POST.get("course", "")
    course = courses_managed_by(request.user).filter(pk=course_id).first() if course_id.isdigit() else None
    if course is None:
        messages.error(request, "只能指派本辖区主办的课程（培训管理员）")
        return _back_to_analysis(back_unit, period)
    try:
        created = course_assign(actor=request.user, course=course, org_units=[unit], role_codes=[roles.TRAINEE])
    except CourseRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"已向{unit.name}的网格员指派《{course.title}》，新增 {created} 人")
    return _back_to_analysis(back_unit, period)


@login_required
@require_POST
def scores_export(request):
    _require_analysis_viewer(request)
    unit = _posted_unit(request)
    period, error = _period_param(request)
    if error:
        messages.error(request, error)
        return _back_to_analysis(unit, period)
    job = export_job_start(
        user=request.user,
        kind=COMPETENCY_SCORES,
        params={"unit": unit.pk, "period": period.code},
        title=f"{unit.name} · {period.label}能力得分（Excel）",
    )
    return redirect("export_job", pk=job.pk)


@login_required
@require_POST
def reports_export(request):
    if not analysis.is_report_hr(request.user):
        raise Http404("页面不存在")
    unit = _posted_unit(request)
    period, error = _period_param(request)
    if error:
        messages.error(request, error)
        return _back_to_analysis(unit, period)
    year = Period(period.year)
    job = export_job_start(
        user=request.user,
        kind=COMPETENCY_REPORTS,
        params={"unit": unit.pk, "period": year.code},
        title=f"{unit.name} · {year.label}度个人能力评估报告（PDF）",
    )
    return redirect("export_job", pk=job.pk)


def home_section(request):
    """能力分析 card on the manager's, HR's and trainer's home page."""
    if not analysis.is_analysis_viewer(request.user):
        return None
    return {
        "title": "能力分析",
        "template": "assessments/competency/_home_card.html",
        "context": {"period": _current_year()},
        "order": 30,
    }


# --- recompute (staff) ----------------------------------------------------------------------------


def may_recompute(user) -> bool:
    return user.is_superuser or roles.has_role(user, roles.TRAINER, roles.HR)


@login_required
def recompute(request):
    """GET: the form; POST: recompute the period and come back with the result message."""
    if not may_recompute(request.user):
        raise Http404("页面不存在")
    form = RecomputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        summary = competency_recompute_period(period=form.cleaned_data["period"])
        messages.success(request, summary.message)
        return redirect("assessments:competency_recompute")
    return render(request, "assessments/competency_recompute.html", {"form": form})


def staff_section(request):
    """A card on 我的学习 (trainers) and 人事工作台 (HR) linking the recompute page."""
    if not may_recompute(request.user):
        return None
    return {"title": "能力评分", "template": "assessments/_home_competency_tools.html", "context": {}, "order": 60}
