"""Issuing certificates: one platform certificate, an external qualification recorded by HR, the
`import_certificates` file, and bulk issuance jobs with their PDFs."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from certificates import rendering
from certificates.models import Certificate, CertificateType, IssuanceJob
from certificates.services.common import (
    CertificateError,
    certificate_type_get,
    default_issuer,
    default_valid_until,
    holder_notify,
    issue_date_check,
    new_verification_code,
    platform_type_check,
    serials_reserve,
)
from certificates.services.documents import certificate_sheet, pdf_relpath
from lms.access import EVERYONE, scope_queryset, sees_everything
from lms.importing import ImportRejected, Row, RowErrors, parse_date
from lms.models import AuditLog, Worker
from lms.private_media import private_storage
from lms.services import audit_log_record

MAX_SCAN_BYTES = 10 * 1024 * 1024


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
    ctype = certificate_type_get(type_code)
    platform_type_check(ctype)
    issued_on = issued_on or timezone.localdate()
    issue_date_check(issued_on)
    valid_until = valid_until or default_valid_until(ctype, issued_on)
    if valid_until is not None and valid_until < issued_on:
        raise CertificateError("有效期至不能早于发证日期")
    with transaction.atomic():
        certificate = Certificate.objects.create(
            worker=worker,
            certificate_type=ctype,
            serial_no=serials_reserve(issued_on.year, 1)[0],
            verification_code=new_verification_code(),
            issued_on=issued_on,
            valid_until=valid_until,
            issuer=default_issuer(ctype),
            source=Certificate.Source.PLATFORM,
            source_label=source_label,
            issued_by=issued_by,
        )
        holder_notify(certificate)
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
    ctype = certificate_type_get(type_code)
    issue_date_check(issued_on)
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


def certificates_import(*, rows: list[Row], actor=None, viewer=EVERYONE) -> CertificateImportSummary:
    """`import_certificates`: validate every row, then write all in one transaction (or nothing).

    A page passes the uploader as `viewer`: only workers in their scope may be named."""
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
    outside = set()
    if not sees_everything(viewer):
        visible = scope_queryset(viewer, Worker.objects.filter(employee_no__in=list(workers)), worker_path="")
        outside = set(workers) - set(visible.values_list("employee_no", flat=True))
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
        elif employee_no in outside:
            problems.append(f"工号“{employee_no}”是您管理范围以外的人员")
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


# --- bulk issuance ----------------------------------------------------------------------------------


def issuance_job_create(
    *, title: str, type_code: str, issued_on: dt.date, workers: list[Worker], source_label: str = "", created_by=None
) -> IssuanceJob:
    """Queue a bulk issuance (a course cohort, a competition's winners); a Celery task runs it."""
    from certificates.tasks import issuance_job_run_task
    from lms.access import worker_of

    ctype = certificate_type_get(type_code)
    platform_type_check(ctype)
    issue_date_check(issued_on)
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
                serials = serials_reserve(job.issued_on.year, len(workers))
                Certificate.objects.bulk_create(
                    [
                        Certificate(
                            worker=w,
                            certificate_type=ctype,
                            serial_no=serial,
                            verification_code=new_verification_code(),
                            issued_on=job.issued_on,
                            valid_until=default_valid_until(ctype, job.issued_on),
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
        relpaths = [pdf_relpath(c.pk) for c in certificates]
        batch_rel = f"certificates/batches/job-{job.pk}.pdf"
        done = 0
        step = max(1, len(certificates) // 50)
        last_saved = 0

        def progress(count: int) -> None:
            # Runs in this process while the worker processes render the next chunks. The holders
            # are told as their chunk is done (a PDF missing for any reason is rendered on download).
            nonlocal done, last_saved
            for certificate in certificates[done : done + count]:
                holder_notify(certificate)
            done += count
            if done - last_saved >= step or done == len(certificates):
                IssuanceJob.objects.filter(pk=job.pk).update(done=done)
                last_saved = done

        storage = private_storage()
        rendering.render_many(
            [certificate_sheet(c) for c in certificates],
            [Path(storage.path(rel)) for rel in relpaths],
            Path(storage.path(batch_rel)),
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
