"""State changes of certificates and allowances. Other apps issue certificates with `certificate_issue`."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lms.importing import ImportRejected, Row, RowErrors, parse_date
from lms.models import AuditLog, OrgUnit, Worker
from lms.services import audit_log_record, notification_send

from . import rendering, selectors
from .models import (
    AllowanceAdjustment,
    AllowanceLine,
    AllowanceMonth,
    Certificate,
    CertificateType,
    Incentive,
    IssuanceJob,
    SerialCounter,
)

CENT = Decimal("0.01")
MAX_SCAN_BYTES = 10 * 1024 * 1024


class CertificateError(Exception):
    """A refused operation; the message is shown to the user as is."""


def new_verification_code() -> str:
    """192 random bits, URL-safe (32 characters).

    The first character is never '-': codes are typed as arguments of
    revoke_certificate, and argparse would read a leading dash as an option.
    """
    while True:
        code = secrets.token_urlsafe(24)
        if not code.startswith("-"):
            return code


def verify_url(code: str) -> str:
    base = (getattr(settings, "CERTIFICATE_VERIFY_BASE_URL", "") or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
    return base + reverse("certificates:verify", args=[code])


def default_issuer(ctype: CertificateType) -> str:
    return ctype.default_issuer or getattr(settings, "CERTIFICATE_ISSUER", "网格学院")


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _default_valid_until(ctype: CertificateType, issued_on: dt.date) -> dt.date | None:
    if not ctype.validity_months:
        return None
    return _add_months(issued_on, ctype.validity_months) - dt.timedelta(days=1)


def _reserve_serials(year: int, count: int) -> list[str]:
    """`count` fresh platform serial numbers GA-<year>-NNNNNN (row-locked counter)."""
    SerialCounter.objects.get_or_create(year=year)
    counter = SerialCounter.objects.select_for_update().get(year=year)
    start = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return [f"GA-{year}-{n:06d}" for n in range(start, start + count)]


def _check_issue_date(issued_on: dt.date) -> None:
    if issued_on > timezone.localdate():
        raise CertificateError(f"发证日期 {issued_on:%Y-%m-%d} 晚于今天，不能预先发证")


def _type(type_code: str) -> CertificateType:
    ctype = CertificateType.objects.filter(code=type_code).first()
    if ctype is None:
        codes = "、".join(CertificateType.objects.values_list("code", flat=True))
        raise CertificateError(f"未知证书类型“{type_code}”（可选：{codes}）")
    return ctype


def _notify_holder(certificate: Certificate) -> None:
    notification_send(
        recipient=certificate.worker.user,
        title=f"您获得了{certificate.certificate_type.name}",
        body=f"证书编号 {certificate.serial_no}，可在“我的证书”中下载。",
        url=reverse("certificates:mine"),
        dedupe_key=f"certificate:{certificate.pk}",
    )


# --- issuing ----------------------------------------------------------------------------------------


def certificate_issue(
    *,
    worker: Worker,
    type_code: str,
    issued_on: dt.date | None = None,
    issued_by=None,
    source_label: str = "",
    valid_until: dt.date | None = None,
) -> Certificate:
    """Issue one platform certificate (course completion, competition award, by HR by hand).

    The date defaults to today and may not be in the future. The PDF is rendered on first download.
    """
    ctype = _type(type_code)
    issued_on = issued_on or timezone.localdate()
    _check_issue_date(issued_on)
    valid_until = valid_until or _default_valid_until(ctype, issued_on)
    if valid_until is not None and valid_until < issued_on:
        raise CertificateError("有效期至不能早于发证日期")
    with transaction.atomic():
        certificate = Certificate.objects.create(
            worker=worker,
            certificate_type=ctype,
            serial_no=_reserve_serials(issued_on.year, 1)[0],
            verification_code=new_verification_code(),
            issued_on=issued_on,
            valid_until=valid_until,
            issuer=default_issuer(ctype),
            source=Certificate.Source.PLATFORM,
            source_label=source_label,
            issued_by=issued_by,
        )
        _notify_holder(certificate)
    return certificate


def scan_problem(uploaded) -> str | None:
    """Why an uploaded scan is refused: PDF, JPEG or PNG by content (magic bytes), at most 10 MB."""
    if uploaded.size > MAX_SCAN_BYTES:
        return "扫描件不能超过 10 MB"
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if head.startswith(b"%PDF-") or head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    return "扫描件须为 PDF、JPEG 或 PNG 文件（按文件内容识别）"


def certificate_record_external(
    *,
    worker: Worker,
    type_code: str,
    serial_no: str,
    issued_on: dt.date,
    valid_until: dt.date | None,
    issuer: str,
    scan=None,
    recorded_by=None,
) -> Certificate:
    """HR records an external qualification (证书编号 unique), with an optional scan."""
    ctype = _type(type_code)
    _check_issue_date(issued_on)
    if valid_until is not None and valid_until < issued_on:
        raise CertificateError("有效期至不能早于发证日期")
    if Certificate.objects.filter(serial_no=serial_no).exists():
        raise CertificateError(f"证书编号“{serial_no}”已登记")
    if scan is not None and (problem := scan_problem(scan)):
        raise CertificateError(problem)
    with transaction.atomic():
        certificate = Certificate(
            worker=worker,
            certificate_type=ctype,
            serial_no=serial_no,
            verification_code=new_verification_code(),
            issued_on=issued_on,
            valid_until=valid_until,
            issuer=issuer or default_issuer(ctype),
            source=Certificate.Source.EXTERNAL,
            issued_by=recorded_by,
        )
        if scan is not None:
            certificate.scan.save(f"{secrets.token_hex(8)}{Path(scan.name).suffix.lower()[:5]}", scan, save=False)
        certificate.save()
        audit_log_record(
            actor=recorded_by,
            action=AuditLog.Action.CHANGE,
            target_type="certificate",
            target_id=serial_no,
            detail={"worker": worker.employee_no, "type": ctype.code, "op": "record"},
        )
    return certificate


@dataclass
class CertificateImportSummary:
    created: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"导入完成：新增 {self.created} 本证书，已存在未变化 {self.unchanged} 本"


def certificates_import(*, rows: list[Row], actor=None) -> CertificateImportSummary:
    """`import_certificates`: validate every row, then write all in one transaction (or nothing)."""
    errors = RowErrors()
    types = {t.code: t for t in CertificateType.objects.all()}
    workers = {
        w.employee_no: w for w in Worker.objects.filter(employee_no__in={r.get("工号") for r in rows if r.get("工号")})
    }
    existing = {
        c.serial_no: c
        for c in Certificate.objects.filter(
            serial_no__in={r.get("证书编号") for r in rows if r.get("证书编号")}
        ).select_related("worker", "certificate_type")
    }
    today = timezone.localdate()
    seen: dict[str, int] = {}
    to_create: list[Certificate] = []
    summary = CertificateImportSummary()
    for row in rows:
        problems = []
        employee_no, code, serial_no = row.get("工号"), row.get("证书类型"), row.get("证书编号")
        worker = workers.get(employee_no)
        ctype = types.get(code)
        if not employee_no:
            problems.append("缺少工号")
        elif worker is None:
            problems.append(f"未知工号“{employee_no}”")
        if not code:
            problems.append("缺少证书类型")
        elif ctype is None:
            problems.append(f"未知证书类型“{code}”（可选：{'、'.join(types)}）")
        if not serial_no:
            problems.append("缺少证书编号")
        issued_on = valid_until = None
        try:
            issued_on = parse_date(row.get("发证日期"))
            if issued_on > today:
                problems.append(f"发证日期 {issued_on:%Y-%m-%d} 晚于今天")
        except ValueError:
            problems.append(f"发证日期“{row.get('发证日期')}”不是有效日期（例：2024-03-01）")
        if row.get("有效期至"):
            try:
                valid_until = parse_date(row.get("有效期至"))
            except ValueError:
                problems.append(f"有效期至“{row.get('有效期至')}”不是有效日期")
        if issued_on and valid_until and valid_until < issued_on:
            problems.append("有效期至早于发证日期")
        if serial_no in seen:
            problems.append(f"证书编号“{serial_no}”与第{seen[serial_no]}行重复")
        elif serial_no:
            seen[serial_no] = row.number
        held = existing.get(serial_no)
        if held is not None and worker is not None and ctype is not None:
            if held.worker_id != worker.pk:
                problems.append(f"证书编号“{serial_no}”已属于工号“{held.worker.employee_no}”的人员")
            elif held.certificate_type_id != ctype.pk:
                problems.append(f"证书编号“{serial_no}”已登记为{held.certificate_type.name}")
        if problems:
            for problem in problems:
                errors.add(row.number, problem)
            continue
        if held is not None:
            summary.unchanged += 1
            continue
        to_create.append(
            Certificate(
                worker=worker,
                certificate_type=ctype,
                serial_no=serial_no,
                verification_code=new_verification_code(),
                issued_on=issued_on,
                valid_until=valid_until,
                issuer=row.get("发证机关") or default_issuer(ctype),
                source=Certificate.Source.EXTERNAL,
                issued_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
        )
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise ImportRejected(["文件中没有数据行"])
    with transaction.atomic():
        Certificate.objects.bulk_create(to_create, batch_size=1000)
        summary.created = len(to_create)
        if to_create:
            audit_log_record(
                actor=actor,
                action=AuditLog.Action.IMPORT,
                target_type="certificate",
                detail={"created": len(to_create)},
            )
    return summary


# --- lifecycle --------------------------------------------------------------------------------------


def certificate_revoke(
    *, certificate: Certificate, reason: str, revoked_on: dt.date | None = None, actor=None
) -> Certificate:
    """Revoke from a date (default today, never in the future). Revoking twice is refused."""
    revoked_on = revoked_on or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError("请填写撤销原因")
    if revoked_on > timezone.localdate():
        raise CertificateError(f"撤销日期 {revoked_on:%Y-%m-%d} 晚于今天")
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.revoked_on is not None:
            raise CertificateError(
                f"证书 {certificate.serial_no} 已于 {certificate.revoked_on:%Y-%m-%d} 撤销，不能重复撤销"
            )
        if revoked_on < certificate.issued_on:
            raise CertificateError("撤销日期不能早于发证日期")
        certificate.revoked_on = revoked_on
        certificate.revoke_reason = reason[:200]
        certificate.save(update_fields=["revoked_on", "revoke_reason"])
        audit_log_record(
            actor=actor,
            action=AuditLog.Action.CHANGE,
            target_type="certificate",
            target_id=certificate.serial_no,
            detail={"op": "revoke", "date": revoked_on.isoformat(), "reason": certificate.revoke_reason},
        )
    return certificate


def certificate_reissue(*, certificate: Certificate, actor=None, reason: str = "换发新证") -> Certificate:
    """A new certificate (new serial and code, same type and validity); the old one is revoked today."""
    today = timezone.localdate()
    with transaction.atomic():
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if old.revoked_on is not None:
            raise CertificateError("已撤销的证书不能换发")
        ctype = old.certificate_type
        serial = (
            _reserve_serials(today.year, 1)[0]
            if old.source == Certificate.Source.PLATFORM
            else f"{old.serial_no}-R{secrets.token_hex(2).upper()}"
        )
        new = Certificate.objects.create(
            worker=old.worker,
            certificate_type=ctype,
            serial_no=serial,
            verification_code=new_verification_code(),
            issued_on=today,
            valid_until=old.valid_until if old.valid_until is None or old.valid_until >= today else None,
            issuer=old.issuer,
            source=old.source,
            source_label=old.source_label,
            issued_by=actor,
        )
        certificate_revoke(certificate=old, reason=reason, revoked_on=today, actor=actor)
        Certificate.objects.filter(pk=old.pk).update(replaced_by=new)
        _notify_holder(new)
    return new


def certificate_sheet(certificate: Certificate) -> rendering.CertificateSheet:
    return rendering.CertificateSheet(
        holder_name=certificate.worker.name,
        employee_no=certificate.worker.employee_no,
        type_name=certificate.certificate_type.name,
        type_code=certificate.certificate_type.code,
        serial_no=certificate.serial_no,
        issued_on=certificate.issued_on,
        valid_until=certificate.valid_until,
        issuer=certificate.issuer,
        source_label=certificate.source_label,
        verify_url=verify_url(certificate.verification_code),
    )


def _pdf_relpath(certificate_id: int) -> str:
    return f"certificates/pdf/{certificate_id // 1000:04d}/{certificate_id}.pdf"


def certificate_pdf_ensure(*, certificate: Certificate) -> Path:
    """The certificate's PDF file, rendered on first request and kept under MEDIA_ROOT."""
    relative = certificate.pdf_path or _pdf_relpath(certificate.pk)
    path = Path(settings.MEDIA_ROOT) / relative
    if not path.exists():
        rendering.render_batch([certificate_sheet(certificate)], [path])
    if certificate.pdf_path != relative:
        Certificate.objects.filter(pk=certificate.pk).update(pdf_path=relative)
        certificate.pdf_path = relative
    return path


def certificate_expiry_reminders_send(*, today: dt.date | None = None, days: int = 30) -> int:
    """Tell holders whose certificate expires within `days` (run daily by beat; once per expiry date)."""
    today = today or timezone.localdate()
    due = Certificate.objects.filter(
        revoked_on__isnull=True, valid_until__gte=today, valid_until__lte=today + dt.timedelta(days=days)
    ).select_related("worker__user", "certificate_type")
    sent = 0
    for certificate in due.iterator(chunk_size=500):
        if notification_send(
            recipient=certificate.worker.user,
            title=f"您的{certificate.certificate_type.name}将于{certificate.valid_until:%Y年%m月%d日}到期",
            body=f"证书编号 {certificate.serial_no}。到期后不再计发该证书津贴，请及时办理延续或复审并交人事登记。",
            url=reverse("certificates:mine"),
            dedupe_key=f"certificate-expiry:{certificate.pk}:{certificate.valid_until:%Y%m%d}",
        ):
            sent += 1
    return sent


# --- bulk issuance ----------------------------------------------------------------------------------


def issuance_job_create(
    *, title: str, type_code: str, issued_on: dt.date, workers: list[Worker], source_label: str = "", created_by=None
) -> IssuanceJob:
    """Queue a bulk issuance (a course cohort, a competition's winners); a Celery task runs it."""
    from lms.access import worker_of

    from .tasks import issuance_job_run_task

    ctype = _type(type_code)
    _check_issue_date(issued_on)
    if not workers:
        raise CertificateError("请至少选择一名人员")
    own = worker_of(created_by) if created_by is not None else None
    with transaction.atomic():
        job = IssuanceJob.objects.create(
            title=title,
            certificate_type=ctype,
            issued_on=issued_on,
            source_label=source_label,
            worker_ids=[w.pk for w in workers],
            total=len(workers),
            created_by=created_by,
            org_unit=own.org_unit if own else None,
        )
        issuance_job_run_task.delay_on_commit(job.pk)
    return job


def issuance_job_run(*, job_id: int) -> IssuanceJob:
    """Create the job's certificates, render one PDF each and the batch PDF, counting progress."""
    job = IssuanceJob.objects.select_related("certificate_type").get(pk=job_id)
    if job.status == IssuanceJob.Status.DONE:
        return job
    IssuanceJob.objects.filter(pk=job.pk).update(status=IssuanceJob.Status.RUNNING, done=0)
    try:
        ctype = job.certificate_type
        with transaction.atomic():
            if not job.certificates.exists():
                workers = list(Worker.objects.filter(pk__in=job.worker_ids).order_by("org_unit__path", "employee_no"))
                serials = _reserve_serials(job.issued_on.year, len(workers))
                Certificate.objects.bulk_create(
                    [
                        Certificate(
                            worker=w,
                            certificate_type=ctype,
                            serial_no=serial,
                            verification_code=new_verification_code(),
                            issued_on=job.issued_on,
                            valid_until=_default_valid_until(ctype, job.issued_on),
                            issuer=default_issuer(ctype),
                            source=Certificate.Source.PLATFORM,
                            source_label=job.source_label,
                            job=job,
                            issued_by=job.created_by,
                        )
                        for w, serial in zip(workers, serials, strict=True)
                    ],
                    batch_size=1000,
                )
        certificates = list(job.certificates.select_related("worker", "certificate_type").order_by("serial_no"))
        relpaths = [_pdf_relpath(c.pk) for c in certificates]
        batch_rel = f"certificates/batches/job-{job.pk}.pdf"
        done = 0
        step = max(1, len(certificates) // 50)
        last_saved = 0

        def progress(count: int) -> None:
            # Runs in this process while the worker processes render the next chunks. The holders
            # are told as their chunk is done (a PDF missing for any reason is rendered on download).
            nonlocal done, last_saved
            for certificate in certificates[done : done + count]:
                _notify_holder(certificate)
            done += count
            if done - last_saved >= step or done == len(certificates):
                IssuanceJob.objects.filter(pk=job.pk).update(done=done)
                last_saved = done

        rendering.render_many(
            [certificate_sheet(c) for c in certificates],
            [Path(settings.MEDIA_ROOT) / rel for rel in relpaths],
            Path(settings.MEDIA_ROOT) / batch_rel,
            progress=progress,
        )
        with transaction.atomic():
            for certificate, rel in zip(certificates, relpaths, strict=True):
                certificate.pdf_path = rel
            Certificate.objects.bulk_update(certificates, ["pdf_path"], batch_size=1000)
            IssuanceJob.objects.filter(pk=job.pk).update(
                status=IssuanceJob.Status.DONE,
                done=len(certificates),
                total=len(certificates),
                batch_pdf=batch_rel,
                finished_at=timezone.now(),
            )
    except Exception as exc:
        IssuanceJob.objects.filter(pk=job.pk).update(status=IssuanceJob.Status.FAILED, error=str(exc)[:2000])
        raise
    job.refresh_from_db()
    return job


# --- allowances -------------------------------------------------------------------------------------


def _month_not_future(month: dt.date) -> None:
    if month > timezone.localdate().replace(day=1):
        raise CertificateError(f"{month.year}年{month.month}月尚未开始，不能计算津贴")


def allowance_month_compute(*, month: dt.date, actor=None) -> AllowanceMonth:
    """Compute (or recompute a draft) month from the certificates as recorded. Approved months refuse."""
    month = month.replace(day=1)
    _month_not_future(month)
    amounts = selectors.allowance_amounts(month)
    with transaction.atomic():
        run, _ = AllowanceMonth.objects.get_or_create(month=month)
        run = AllowanceMonth.objects.select_for_update().get(pk=run.pk)
        if run.is_approved:
            raise CertificateError(f"{run.label}津贴已审批，不能重新计算；如需更正请在以后月份录入调整")
        run.lines.all().delete()
        AllowanceLine.objects.bulk_create(
            (
                AllowanceLine(
                    run=run,
                    worker_id=worker_id,
                    amount=entry.amount,
                    basis=entry.basis,
                    basis_text=entry.basis_text[:500],
                )
                for worker_id, entry in amounts.items()
            ),
            batch_size=2000,
        )
        run.total = sum((entry.amount for entry in amounts.values()), Decimal("0.00")).quantize(CENT)
        run.worker_count = len(amounts)
        run.computed_at = timezone.now()
        run.save(update_fields=["total", "worker_count", "computed_at"])
    return run


def allowance_month_approve(*, month: dt.date, actor=None) -> AllowanceMonth:
    """Approve (freeze) a computed month. An empty or uncomputed month is refused."""
    month = month.replace(day=1)
    with transaction.atomic():
        run = AllowanceMonth.objects.select_for_update().filter(month=month).first()
        label = f"{month.year}年{month.month}月"
        if run is None or run.computed_at is None:
            raise CertificateError(f"{label}津贴尚未计算，不能审批")
        if run.is_approved:
            raise CertificateError(f"{label}津贴已审批")
        if not run.lines.exists() and not run.adjustments.exists():
            raise CertificateError(f"{label}没有任何计发记录，不能审批空月份")
        run.status = AllowanceMonth.Status.APPROVED
        run.approved_at = timezone.now()
        run.approved_by = actor if getattr(actor, "is_authenticated", False) else None
        run.save(update_fields=["status", "approved_at", "approved_by"])
        audit_log_record(
            actor=actor,
            action=AuditLog.Action.CHANGE,
            target_type="allowance_month",
            target_id=run.key,
            detail={"op": "approve", "total": str(run.total)},
        )
    return run


def allowance_adjustment_add(
    *, worker: Worker, corrects: dt.date, month: dt.date, amount: Decimal, reason: str, actor=None
) -> AllowanceAdjustment:
    """Correct an approved month by an adjustment row paid in a later, still open month."""
    corrects, month = corrects.replace(day=1), month.replace(day=1)
    if not (reason or "").strip():
        raise CertificateError("请填写调整原因")
    try:
        amount = Decimal(amount).quantize(CENT)
    except (InvalidOperation, TypeError):
        raise CertificateError("调整金额须为数字") from None
    if amount == 0:
        raise CertificateError("调整金额不能为 0")
    if month <= corrects:
        raise CertificateError("调整须计入被更正月份之后的月份")
    _month_not_future(month)
    with transaction.atomic():
        target = AllowanceMonth.objects.filter(month=corrects).first()
        if target is None or not target.is_approved:
            raise CertificateError("只有已审批的月份需要通过调整更正；未审批的月份请直接重新计算")
        run, _ = AllowanceMonth.objects.get_or_create(month=month)
        if run.is_approved:
            raise CertificateError(f"{run.label}已审批，请计入尚未审批的月份")
        adjustment = AllowanceAdjustment.objects.create(
            run=run,
            corrects=target,
            worker=worker,
            amount=amount,
            reason=reason.strip()[:300],
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_log_record(
            actor=actor,
            action=AuditLog.Action.CHANGE,
            target_type="allowance_adjustment",
            target_id=adjustment.pk,
            detail={"worker": worker.employee_no, "amount": str(amount), "corrects": target.key, "month": run.key},
        )
    return adjustment


INCENTIVE_DEFAULTS = {Incentive.Kind.ANNUAL_EXCELLENT: Decimal("5000.00")}


def incentive_award(
    *,
    worker: Worker,
    kind: str,
    month: dt.date,
    reason: str,
    amount: Decimal | None = None,
    certificate=None,
    actor=None,
) -> Incentive:
    """Record a one-off award paid with a month's allowance (年度考核优秀 defaults to 5,000 元)."""
    month = month.replace(day=1)
    amount = amount if amount is not None else INCENTIVE_DEFAULTS.get(kind)
    if amount is None or Decimal(amount) <= 0:
        raise CertificateError("奖励金额须大于 0")
    if not (reason or "").strip():
        raise CertificateError("请填写奖励事由")
    run = AllowanceMonth.objects.filter(month=month).first()
    if run is not None and run.is_approved:
        raise CertificateError(f"{run.label}已审批，奖励请计入以后的月份")
    with transaction.atomic():
        incentive = Incentive.objects.create(
            worker=worker,
            kind=kind,
            amount=Decimal(amount).quantize(CENT),
            month=month,
            reason=reason.strip()[:300],
            certificate=certificate,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        notification_send(
            recipient=worker.user,
            title=f"您获得{incentive.get_kind_display()} {incentive.amount} 元",
            body=incentive.reason,
            dedupe_key=f"incentive:{incentive.pk}",
        )
    return incentive


# --- exports ----------------------------------------------------------------------------------------

ALLOWANCE_HEADERS = ["工号", "姓名", "所属网格", "计发证书", "月津贴(元)"]
PAYOUT_EXTRA_HEADERS = ["一次性奖励(元)", "奖励事由", "应发合计(元)"]


def _money(value: Decimal) -> str:
    return f"{Decimal(value).quantize(CENT):.2f}"


def _allowance_rows(run: AllowanceMonth, root: OrgUnit | None, with_incentives: bool):
    """(工号, 姓名, 所属网格, 计发证书, 月津贴 [, 奖励, 事由, 合计]) in 工号 order, streaming."""
    lines = run.lines.order_by("worker__employee_no")
    incentives_qs = Incentive.objects.filter(month=run.month)
    adjustments_qs = run.adjustments.all()
    if root is not None:
        lines = lines.filter(worker__org_unit__path__startswith=root.path)
        incentives_qs = incentives_qs.filter(worker__org_unit__path__startswith=root.path)
        adjustments_qs = adjustments_qs.filter(worker__org_unit__path__startswith=root.path)
    adjustments: dict[int, list] = {}
    for worker_id, amount, reason, corrects in adjustments_qs.values_list(
        "worker_id", "amount", "reason", "corrects__month"
    ):
        adjustments.setdefault(worker_id, []).append((amount, reason, corrects))
    incentives: dict[int, list] = {}
    if with_incentives:
        for worker_id, amount, kind, reason in incentives_qs.values_list("worker_id", "amount", "kind", "reason"):
            incentives.setdefault(worker_id, []).append((amount, Incentive.Kind(kind).label, reason))
    seen = set()
    lines_iter = lines.values_list(
        "worker_id", "worker__employee_no", "worker__name", "worker__org_unit__full_name", "basis_text", "amount"
    )
    extra_ids = set(adjustments) | set(incentives)

    def build(worker_id, employee_no, name, unit, basis_text, amount):
        parts = [basis_text] if basis_text else []
        for adj_amount, reason, corrects in adjustments.get(worker_id, []):
            amount += adj_amount
            parts.append(f"调整{corrects.year}年{corrects.month}月 {adj_amount:+.2f}元（{reason}）")
        row = [employee_no, name, unit, "；".join(parts), amount.quantize(CENT)]
        if with_incentives:
            items = incentives.get(worker_id, [])
            bonus = sum((i[0] for i in items), Decimal("0.00")).quantize(CENT)
            row += [
                bonus,
                "；".join(f"{label}：{reason}" for _, label, reason in items),
                (amount + bonus).quantize(CENT),
            ]
        return row

    for worker_id, employee_no, name, unit, basis_text, amount in lines_iter.iterator(chunk_size=5000):
        seen.add(worker_id)
        row = build(worker_id, employee_no, name, unit, basis_text, amount)
        if row[4] != 0 or (with_incentives and row[7] != 0):
            yield row
    missing = sorted(extra_ids - seen)
    if missing:
        for worker in Worker.objects.filter(pk__in=missing).select_related("org_unit").order_by("employee_no"):
            row = build(worker.pk, worker.employee_no, worker.name, worker.org_unit.full_name, "", Decimal("0.00"))
            if row[4] != 0 or (with_incentives and row[7] != 0):
                yield row


def _write_table(
    path_or_stream,
    fmt: str,
    headers: list[str],
    rows,
    money_columns: set[int],
    sheet_title: str,
    extra_sheets=(),
    progress=None,
    total: int = 0,
) -> int:
    """Write CSV (UTF-8 with BOM; money as plain two-decimal text) or XLSX (write-only; money as numbers).

    `progress(done, total)` is called after each row (`total` counted beforehand by the caller, an
    upper bound when rows are filtered while streaming) and finally with (rows, rows).
    """
    count = 0
    if fmt == "csv":
        own = isinstance(path_or_stream, (str, Path))
        handle = open(path_or_stream, "w", encoding="utf-8-sig", newline="") if own else path_or_stream
        try:
            if not own:
                handle.write("\ufeff")
            writer = csv.writer(handle)
            writer.writerow(headers)
            for row in rows:
                writer.writerow([_money(v) if i in money_columns else v for i, v in enumerate(row)])
                count += 1
                if progress is not None:
                    progress(count, max(total, count))
        finally:
            if own:
                handle.close()
        if progress is not None:
            progress(count, count)
        return count
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.append(headers)
    for row in rows:
        out = []
        for i, value in enumerate(row):
            if i in money_columns:
                cell = WriteOnlyCell(sheet, value=Decimal(value).quantize(CENT))
                cell.number_format = "0.00"
                out.append(cell)
            else:
                out.append(value)
        sheet.append(out)
        count += 1
        if progress is not None:
            progress(count, max(total, count))
    for title, sheet_headers, sheet_rows in extra_sheets:
        extra = workbook.create_sheet(title)
        extra.append(sheet_headers)
        for row in sheet_rows:
            extra.append(row)
    workbook.save(path_or_stream)
    if progress is not None:
        progress(count, count)
    return count


def _fmt(path_or_name) -> str:
    suffix = Path(str(path_or_name)).suffix.lower()
    if suffix not in {".csv", ".xlsx"}:
        raise CertificateError(f"不支持的导出格式“{suffix}”，请使用 .csv 或 .xlsx")
    return suffix[1:]


def allowances_export(
    *,
    month: dt.date,
    output,
    fmt: str | None = None,
    actor=None,
    root: OrgUnit | None = None,
    with_incentives: bool = False,
    ip_address=None,
    progress=None,
    record_audit=None,
) -> int:
    """One row per worker with a non-zero amount (adjustments included); writes an AuditLog row.

    `with_incentives` adds 一次性奖励 columns (HR's 发放表); the command's format stays the five
    columns of DESIGN.md. `progress(done, total)` follows the rows; `record_audit` stands in for
    `audit_log_record` (an export job keeps the row until the file is downloaded).
    """
    fmt = fmt or _fmt(output)
    month = month.replace(day=1)
    run = AllowanceMonth.objects.filter(month=month).first()
    if run is None:
        raise CertificateError(f"{month.year}年{month.month}月津贴尚未计算，请先运行 compute_allowances")
    headers = ALLOWANCE_HEADERS + (PAYOUT_EXTRA_HEADERS if with_incentives else [])
    money = {4, 5, 7} if with_incentives else {4}
    total = 0
    if progress is not None:
        # Lines are the bulk of the rows; workers with only an adjustment or award come on top.
        lines = run.lines.filter(worker__org_unit__path__startswith=root.path) if root is not None else run.lines.all()
        total = lines.count()
    count = _write_table(
        output,
        fmt,
        headers,
        _allowance_rows(run, root, with_incentives),
        money,
        f"{month:%Y-%m}津贴",
        progress=progress,
        total=total,
    )
    (record_audit or audit_log_record)(
        actor=actor,
        action=AuditLog.Action.EXPORT,
        target_type="allowance_month",
        target_id=run.key,
        detail={
            "rows": count,
            "format": fmt,
            "scope": root.full_name if root else "全部",
            "incentives": with_incentives,
            "status": run.status,
        },
        ip_address=ip_address,
    )
    return count


REGISTER_HEADERS = ["工号", "姓名", "所属网格", "证书类型", "证书编号", "发证机关", "发证日期", "有效期至", "状态"]


def register_export(
    *,
    output,
    fmt: str | None = None,
    actor=None,
    root: OrgUnit | None = None,
    ip_address=None,
    progress=None,
    record_audit=None,
) -> int:
    """持证登记表: who holds what and until when, with 持证率 by org unit (XLSX second sheet)."""
    from .models import STATUS_LABELS

    fmt = fmt or _fmt(output)
    today = timezone.localdate()
    qs = Certificate.objects.select_related("worker__org_unit", "certificate_type").order_by(
        "worker__employee_no", "issued_on"
    )
    if root is not None:
        qs = qs.filter(worker__org_unit__path__startswith=root.path)

    def rows():
        for c in qs.iterator(chunk_size=2000):
            yield [
                c.worker.employee_no,
                c.worker.name,
                c.worker.org_unit.full_name,
                c.certificate_type.name,
                c.serial_no,
                c.issuer,
                c.issued_on.isoformat(),
                c.valid_until.isoformat() if c.valid_until else "长期",
                STATUS_LABELS[c.status_on(today)],
            ]

    rate_rows = [
        [r["unit"].full_name, r["total"], r["holders"], float(r["rate"])]
        for r in selectors.certification_rates(root, today=today)
    ]
    count = _write_table(
        output,
        fmt,
        REGISTER_HEADERS,
        rows(),
        set(),
        "持证登记",
        extra_sheets=[("持证率", ["组织单元", "网格员人数", "持证人数", "持证率(%)"], rate_rows)],
        progress=progress,
        total=qs.count() if progress is not None else 0,
    )
    (record_audit or audit_log_record)(
        actor=actor,
        action=AuditLog.Action.EXPORT,
        target_type="certificate_register",
        detail={"rows": count, "format": fmt, "scope": root.full_name if root else "全部"},
        ip_address=ip_address,
    )
    return count


INCENTIVE_HEADERS = ["工号", "姓名", "所属网格", "类别", "事由", "发放月份", "金额(元)"]


def incentives_export(
    *,
    output,
    fmt: str | None = None,
    year: int | None = None,
    actor=None,
    root: OrgUnit | None = None,
    ip_address=None,
    progress=None,
    record_audit=None,
) -> int:
    fmt = fmt or _fmt(output)
    qs = Incentive.objects.select_related("worker__org_unit").order_by("month", "worker__employee_no")
    if year:
        qs = qs.filter(month__year=year)
    if root is not None:
        qs = qs.filter(worker__org_unit__path__startswith=root.path)
    rows = (
        [
            i.worker.employee_no,
            i.worker.name,
            i.worker.org_unit.full_name,
            i.get_kind_display(),
            i.reason,
            f"{i.month:%Y-%m}",
            i.amount,
        ]
        for i in qs.iterator(chunk_size=2000)
    )
    count = _write_table(
        output,
        fmt,
        INCENTIVE_HEADERS,
        rows,
        {6},
        "一次性奖励",
        progress=progress,
        total=qs.count() if progress is not None else 0,
    )
    (record_audit or audit_log_record)(
        actor=actor,
        action=AuditLog.Action.EXPORT,
        target_type="incentive",
        detail={"rows": count, "format": fmt, "year": year, "scope": root.full_name if root else "全部"},
        ip_address=ip_address,
    )
    return count
