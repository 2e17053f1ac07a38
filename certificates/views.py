"""Thin views: public verification, 我的证书, PDF download, and HR's certificate and allowance screens."""

from __future__ import annotations

import functools
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from lms import roles
from lms.access import get_scoped_object_or_404, scope_queryset, worker_of
from lms.models import Worker
from lms.private_media import private_file_response
from lms.selectors import visible_org_units
from lms.services import export_job_start

from . import exports, selectors, services
from .forms import AdjustmentForm, BulkIssueForm, ExternalCertificateForm, IncentiveForm, RevokeForm
from .models import AllowanceMonth, Certificate, CertificateType, IssuanceJob

# A scan is checked by content on upload (PDF, JPEG or PNG); it is sent with its extension's type.
SCAN_CONTENT_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


def _require_hr(request) -> None:
    if not exports.may_export(request.user):
        raise Http404("页面不存在")


# --- public -----------------------------------------------------------------------------------------


def verify(request, code: str):
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        return render(request, "certificates/verify.html", {"unknown": True, "code": code}, status=404)
    return render(request, "certificates/verify.html", {"v": selectors.verification_view(certificate)})


@login_required
def certificate_pdf(request, code: str):
    """The PDF: its holder, and HR of the holder's subtree; anyone not logged in is sent to log in
    (docs/rules.md §2: private files only through pages that check who is asking)."""
    certificate = get_object_or_404(selectors.certificates_downloadable_by(request.user), verification_code=code)
    name = services.certificate_pdf_ensure(certificate=certificate)
    return private_file_response(name, filename=f"证书-{certificate.serial_no}.pdf", content_type="application/pdf")


@login_required
def certificate_scan(request, code: str):
    """The archived scan of an external qualification: its holder, and HR of the holder's subtree."""
    certificate = get_object_or_404(selectors.certificates_downloadable_by(request.user), verification_code=code)
    return _scan_response(certificate)


def _scan_response(certificate: Certificate):
    if not certificate.scan:
        raise Http404("没有扫描件")
    extension = Path(certificate.scan.name).suffix.lower()
    return private_file_response(
        certificate.scan.name,
        filename=f"{certificate.serial_no}-扫描件{extension}",
        content_type=SCAN_CONTENT_TYPES.get(extension, "application/octet-stream"),
    )


# --- 我的证书 ----------------------------------------------------------------------------------------


@login_required
def mine(request):
    worker = worker_of(request.user)
    today = timezone.localdate()
    rows = []
    if worker is not None:
        for certificate in selectors.certificates_of(worker):
            status = certificate.status_on(today)
            rows.append(
                {
                    "c": certificate,
                    "status": status,
                    "status_label": selectors.STATUS_LABELS[status],
                    "external": certificate.source == Certificate.Source.EXTERNAL,
                    "share_url": request.build_absolute_uri(
                        reverse("certificates:verify", args=[certificate.verification_code])
                    ),
                }
            )
    return render(request, "certificates/mine.html", {"rows": rows, "worker": worker})


# --- HR: certificates -------------------------------------------------------------------------------


@login_required
def hr_index(request):
    _require_hr(request)
    search = request.GET.get("q", "").strip()
    type_code = request.GET.get("type", "").strip()
    page = Paginator(selectors.visible_certificates(request.user, search=search, type_code=type_code), 30).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    return render(
        request,
        "certificates/hr_index.html",
        {
            "page": page,
            "rows": [
                {"c": c, "status": c.status_on(today), "status_label": selectors.STATUS_LABELS[c.status_on(today)]}
                for c in page.object_list
            ],
            "search": search,
            "type_code": type_code,
            "types": CertificateType.objects.all(),
            "rates": selectors.certification_rates(request.user),
            "jobs": selectors.jobs_for(request.user)[:5],
        },
    )


@login_required
def hr_external_new(request):
    _require_hr(request)
    form = ExternalCertificateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        worker = (
            scope_queryset(request.user, Worker.objects.all(), worker_path="")
            .filter(employee_no=data["employee_no"])
            .first()
        )
        if worker is None:
            form.add_error("employee_no", "未找到该工号，或不在您的管辖范围内")
        else:
            try:
                certificate = services.certificate_record_external(
                    worker=worker,
                    type_code=data["certificate_type"].code,
                    serial_no=data["serial_no"].strip(),
                    issued_on=data["issued_on"],
                    valid_until=data["valid_until"],
                    issuer=data["issuer"],
                    scan=data["scan"],
                    recorded_by=request.user,
                )
            except services.CertificateError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, f"已登记 {worker.name} 的{certificate.certificate_type.name}（{certificate.serial_no}）"
                )
                return redirect("certificates:hr_index")
    return render(request, "certificates/hr_form.html", {"form": form, "title": "登记外部资格证书", "multipart": True})


@login_required
def hr_bulk_issue(request):
    _require_hr(request)
    form = BulkIssueForm(request.POST or None, org_units=visible_org_units(request.user))
    if request.method == "POST" and form.is_valid():
        numbers = form.employee_numbers()
        visible = scope_queryset(request.user, Worker.objects.all(), worker_path="")
        workers = list(visible.filter(employee_no__in=numbers))
        if form.cleaned_data["org_unit"] is not None:
            cohort = scope_queryset(
                request.user,
                Worker.objects.filter(user__groups__name=roles.LABEL_BY_CODE[roles.TRAINEE]),
                worker_path="",
                within=form.cleaned_data["org_unit"],
            )
            workers = list({w.pk: w for w in [*workers, *cohort]}.values())
        missing = sorted(set(numbers) - {w.employee_no for w in workers})
        if missing:
            form.add_error("employee_nos", f"以下工号不存在或不在您的管辖范围内：{'、'.join(missing[:20])}")
        else:
            try:
                job = services.issuance_job_create(
                    title=form.cleaned_data["title"],
                    type_code=form.cleaned_data["certificate_type"].code,
                    issued_on=form.cleaned_data["issued_on"],
                    workers=workers,
                    source_label=form.cleaned_data["source_label"],
                    created_by=request.user,
                )
            except services.CertificateError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("certificates:hr_job", pk=job.pk)
    return render(request, "certificates/hr_form.html", {"form": form, "title": "批量颁发证书"})


def _job(request, pk: int) -> IssuanceJob:
    _require_hr(request)
    return get_object_or_404(selectors.jobs_for(request.user), pk=pk)


@login_required
def hr_job(request, pk: int):
    job = _job(request, pk)
    return render(request, "certificates/hr_job.html", {"job": job})


@login_required
def hr_job_status(request, pk: int):
    return JsonResponse(selectors.issuance_job_progress(_job(request, pk)))


@login_required
def hr_job_batch(request, pk: int):
    job = _job(request, pk)
    if not job.batch_pdf:
        raise Http404("批量打印文件尚未生成")
    return private_file_response(job.batch_pdf, filename=f"批量打印证书-{job.pk}.pdf", content_type="application/pdf")


def _hr_certificate(request, code: str) -> Certificate:
    _require_hr(request)
    return get_scoped_object_or_404(
        request.user,
        Certificate.objects.select_related("worker__org_unit", "certificate_type", "replaced_by"),
        verification_code=code,
    )


@login_required
def hr_certificate_scan(request, code: str):
    """The scan HR recorded with an external qualification: HR of the holder's subtree only."""
    return _scan_response(_hr_certificate(request, code))


@login_required
def hr_certificate(request, code: str):
    certificate = _hr_certificate(request, code)
    form = RevokeForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "reissue":
                new = services.certificate_reissue(certificate=certificate, actor=request.user)
                messages.success(request, f"已换发新证书 {new.serial_no}，原证书已撤销")
                return redirect("certificates:hr_certificate", code=new.verification_code)
            if form.is_valid():
                services.certificate_revoke(
                    certificate=certificate,
                    reason=form.cleaned_data["reason"],
                    revoked_on=form.cleaned_data["revoked_on"],
                    actor=request.user,
                )
                messages.success(request, "证书已撤销")
                return redirect("certificates:hr_certificate", code=code)
        except services.CertificateError as exc:
            messages.error(request, str(exc))
    return render(
        request,
        "certificates/hr_certificate.html",
        {
            "c": certificate,
            "v": selectors.verification_view(certificate),
            "form": form,
        },
    )


# --- HR: allowances ---------------------------------------------------------------------------------


@login_required
def hr_allowances(request):
    _require_hr(request)
    may_run = selectors.may_run_allowance_month(request.user)
    if request.method == "POST":
        if not may_run:
            raise Http404("页面不存在")
        try:
            run = services.allowance_month_compute(
                month=selectors.parse_month(request.POST.get("month", "")), actor=request.user
            )
        except (ValueError, services.CertificateError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{run.label}津贴已计算，请核对后审批")
            return redirect("certificates:hr_allowance_month", month=run.key)
    return render(
        request,
        "certificates/hr_allowances.html",
        {
            "months": selectors.allowance_months_visible(request.user)[:24],
            "may_run": may_run,
            "scope": selectors.scope_name(request.user),
            "current": timezone.localdate().strftime("%Y-%m"),
            "start": selectors.allowance_start_month(),
        },
    )


class MonthNotFound(Exception):
    """A month in the address that is malformed or not computed: the list page says which."""


def _run(request, month: str) -> AllowanceMonth:
    _require_hr(request)
    try:
        first = selectors.parse_month(month)
    except ValueError as exc:
        raise MonthNotFound(str(exc)) from None
    run = AllowanceMonth.objects.filter(month=first).first()
    if run is None:
        raise MonthNotFound(f"{first.year}年{first.month}月津贴尚未计算")
    return run


def _month_view(view):
    """Send a bad or uncomputed month back to the month list with its reason, instead of an error page."""

    @functools.wraps(view)
    def wrapped(request, month: str, *args, **kwargs):
        try:
            return view(request, month, *args, **kwargs)
        except MonthNotFound as exc:
            messages.error(request, str(exc))
            return redirect("certificates:hr_allowances")

    return wrapped


@login_required
@_month_view
def hr_allowance_month(request, month: str):
    run = _run(request, month)
    may_run = selectors.may_run_allowance_month(request.user)
    adjustment_form = AdjustmentForm(request.POST if request.POST.get("action") == "adjust" else None, prefix="adj")
    incentive_form = IncentiveForm(request.POST if request.POST.get("action") == "incentive" else None, prefix="inc")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "recompute":
                if not may_run:
                    raise Http404("页面不存在")
                services.allowance_month_compute(month=run.month, actor=request.user)
                messages.success(request, "已重新计算")
                return redirect("certificates:hr_allowance_month", month=run.key)
            form = adjustment_form if action == "adjust" else incentive_form
            if action in {"adjust", "incentive"} and form.is_valid():
                data = form.cleaned_data
                worker = (
                    scope_queryset(request.user, Worker.objects.all(), worker_path="")
                    .filter(employee_no=data["employee_no"])
                    .first()
                )
                if worker is None:
                    form.add_error("employee_no", "未找到该工号，或不在您的管辖范围内")
                elif action == "adjust":
                    services.allowance_adjustment_add(
                        worker=worker,
                        corrects=selectors.parse_month(data["corrects"]),
                        month=run.month,
                        amount=data["amount"],
                        reason=data["reason"],
                        actor=request.user,
                    )
                    messages.success(request, "调整已录入")
                    return redirect("certificates:hr_allowance_month", month=run.key)
                else:
                    services.incentive_award(
                        worker=worker,
                        kind=data["kind"],
                        month=run.month,
                        reason=data["reason"],
                        amount=data["amount"],
                        actor=request.user,
                    )
                    messages.success(request, "奖励已录入")
                    return redirect("certificates:hr_allowance_month", month=run.key)
        except (ValueError, services.CertificateError) as exc:
            messages.error(request, str(exc))
    page = Paginator(selectors.allowance_lines_visible(request.user, run), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/hr_allowance_month.html",
        {
            "run": run,
            "page": page,
            "may_run": may_run,
            "totals": selectors.allowance_month_totals(request.user, run),
            "adjustments": selectors.allowance_adjustments_visible(request.user, run),
            "incentives": selectors.incentives_visible(request.user, run.month),
            "adjustment_form": adjustment_form,
            "incentive_form": incentive_form,
        },
    )


CONFIRM_OPS = {"approve": "审批并冻结", "discard": "舍弃"}


@login_required
@_month_view
def hr_allowance_confirm(request, month: str, op: str):
    """Approving or discarding a month is done on a page of its own that shows what it covers."""
    run = _run(request, month)
    if op not in CONFIRM_OPS or not selectors.may_run_allowance_month(request.user):
        raise Http404("页面不存在")
    totals = selectors.allowance_month_totals(request.user, run)
    if request.method == "POST":
        try:
            if op == "approve":
                try:
                    expected = Decimal(request.POST.get("expected_total", ""))
                except InvalidOperation:
                    raise services.CertificateError("核对的合计金额有误，请重新打开审批页面") from None
                services.allowance_month_approve(month=run.month, actor=request.user, expected_total=expected)
                messages.success(request, f"{run.label}津贴已审批，数据已冻结")
                return redirect("certificates:hr_allowance_month", month=run.key)
            services.allowance_month_discard(month=run.month, actor=request.user)
            messages.success(request, f"{run.label}津贴已舍弃")
            return redirect("certificates:hr_allowances")
        except services.CertificateError as exc:
            messages.error(request, str(exc))
            return redirect("certificates:hr_allowance_confirm", month=run.key, op=op)
    return render(
        request,
        "certificates/hr_allowance_confirm.html",
        {"run": run, "op": op, "op_label": CONFIRM_OPS[op], "totals": totals},
    )


# Exports run as background jobs (lms.exports): these views check who may export and start one.


def _start_export(request, kind: str, fmt: str, title: str, **params):
    if fmt not in exports.CONTENT_TYPES:
        raise Http404("不支持的格式")
    label = "Excel" if fmt == "xlsx" else "CSV"
    job = export_job_start(user=request.user, kind=kind, params={"fmt": fmt, **params}, title=f"{title}（{label}）")
    return redirect("export_job", pk=job.pk)


@login_required
@require_POST
@_month_view
def hr_allowance_export(request, month: str, fmt: str):
    run = _run(request, month)
    return _start_export(request, exports.ALLOWANCES, fmt, f"{run.label}津贴发放表", month=run.key)


@login_required
@require_POST
def hr_register_export(request, fmt: str):
    _require_hr(request)
    return _start_export(request, exports.REGISTER, fmt, "持证登记表")


@login_required
@require_POST
def hr_incentives_export(request, fmt: str):
    _require_hr(request)
    year = request.POST.get("year") or request.GET.get("year")
    year = int(year) if year and year.isdigit() else None
    return _start_export(
        request, exports.INCENTIVES, fmt, f"{year}年一次性奖励记录" if year else "一次性奖励记录", year=year
    )
