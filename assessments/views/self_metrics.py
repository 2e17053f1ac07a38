"""Pages of 自评与业务指标: the worker's 压力与倦怠自评, HR's answers page, and the 业务指标 import
for HR and trainers (docs/rules.md, "自评与业务指标")."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from assessments import selectors, services
from assessments.forms import SelfAssessmentForm
from assessments.models import CompetencySettings, SelfAssessment
from assessments.self_assessment import BAND_ATTENTION, INDICATORS, ITEMS, SCALE_LABELS
from lms import roles
from lms.access import worker_of


def _answer_rows(record: SelfAssessment) -> list[dict]:
    rows = []
    for item in ITEMS:
        value = record.answers.get(str(item.number))
        rows.append(
            {
                "item": item,
                "value": value,
                "label": SCALE_LABELS.get(value, "—"),
                "indicator": INDICATORS[item.indicator_code],
            }
        )
    return rows


def _support_text(request) -> str:
    return CompetencySettings.for_request(request).support_text


# --- the worker's questionnaire ---------------------------------------------------------------------


@login_required
def self_assessment(request):
    worker = worker_of(request.user)
    if worker is None:
        return render(request, "assessments/competency/self_assessment.html", {"no_worker": True})
    this_month = selectors.self_assessments_of(worker).filter(month=timezone.localdate().replace(day=1)).first()
    form = SelfAssessmentForm(request.POST) if request.method == "POST" else SelfAssessmentForm()
    if request.method == "POST" and this_month is None and form.is_valid():
        try:
            record = services.self_assessment_submit(worker=worker, answers=form.answers())
        except services.SelfAssessmentRefused as refused:
            form.add_error(None, str(refused))
        else:
            return redirect("assessments:self_assessment_result", pk=record.pk)
    elif request.method == "POST" and this_month is not None:
        messages.error(request, "您本月已经填写过压力与倦怠自评，每个自然月只能填写一次，下月 1 日起可再次填写")
    return render(
        request,
        "assessments/competency/self_assessment.html",
        {
            "form": form,
            "this_month": this_month,
            "history": selectors.self_assessments_of(worker)[:12],
            "scale": list(SCALE_LABELS.items()),
        },
    )


@login_required
def self_assessment_result(request, pk: int):
    """One's own result: the two scores and the band; where to get support in the lowest band."""
    worker = worker_of(request.user)
    record = get_object_or_404(SelfAssessment, pk=pk, worker=worker) if worker is not None else None
    if record is None:
        raise Http404("未找到")
    return render(
        request,
        "assessments/competency/self_assessment_result.html",
        {
            "record": record,
            "answers": _answer_rows(record),
            "support_text": _support_text(request) if record.band == BAND_ATTENTION else "",
        },
    )


# --- HR: a worker's answers -------------------------------------------------------------------------


@login_required
def self_assessment_lookup(request):
    if not roles.has_role(request.user, roles.HR):
        raise Http404("页面不存在")
    employee_no = request.GET.get("employee_no", "").strip()
    if employee_no:
        worker = selectors.self_assessment_answer_viewers_worker(request.user, employee_no)
        if worker is not None:
            return redirect("assessments:self_assessment_answers", employee_no=worker.employee_no)
        messages.error(request, f"未找到工号“{employee_no[:20]}”，或不在您的管理范围内")
    return render(request, "assessments/competency/self_assessment_lookup.html", {"employee_no": employee_no})


@login_required
def self_assessment_answers(request, employee_no: str):
    """HR of the worker's subtree only; managers, trainers, mentors and peers get 404."""
    worker = selectors.self_assessment_answer_viewers_worker(request.user, employee_no)
    if worker is None:
        raise Http404("未找到或无权查看")
    page = Paginator(selectors.self_assessments_of(worker), 6).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/competency/self_assessment_answers.html",
        {
            "worker": worker,
            "page": page,
            "records": [{"record": r, "answers": _answer_rows(r)} for r in page.object_list],
        },
    )


# --- 业务指标 import --------------------------------------------------------------------------------


@login_required
def metrics_import(request):
    """The 业务指标 import is one of the 批量导入 pages (lms.imports); this address stays for bookmarks."""
    from assessments.imports import METRICS

    return redirect("import_start", kind=METRICS)


# --- home cards -------------------------------------------------------------------------------------


def trainee_home_section(request):
    user = request.user
    worker = worker_of(user)
    if worker is None:
        return None
    latest = selectors.self_assessments_of(worker).first()
    month = timezone.localdate().replace(day=1)
    return {
        "title": "压力与倦怠自评",
        "template": "assessments/competency/_home_self.html",
        "context": {
            "latest": latest,
            "done_this_month": latest is not None and latest.month == month,
            "url": reverse("assessments:self_assessment"),
            "may_import": selectors.may_import_metrics(user),
        },
        "order": 60,
    }


def hr_home_section(request):
    if not roles.has_role(request.user, roles.HR):
        return None
    return {
        "title": "自评与业务指标",
        "template": "assessments/competency/_home_hr.html",
        "context": {},
        "order": 60,
    }
