"""HR's on-screen exports as background jobs (lms.exports): 津贴发放表, 持证登记表, 一次性奖励.

Each run re-checks that the requester is still HR and writes with the requester as the viewer
(lms.access), so with their scope as it is when the job runs; the bytes are those the writer in
services.py writes when called directly with the same viewer.
"""

from __future__ import annotations

from lms import roles
from lms.exports import DeferredAudit, ExportError, ExportResult, register_export
from lms.spreadsheets import CONTENT_TYPES

from . import selectors, services

ALLOWANCES = "certificates.allowances"
REGISTER = "certificates.register"
INCENTIVES = "certificates.incentives"


def may_export(user) -> bool:
    return user.is_superuser or roles.has_role(user, roles.HR)


def _fmt(job) -> str:
    fmt = job.params.get("fmt", "")
    if fmt not in CONTENT_TYPES:
        raise ExportError(f"不支持的导出格式“{fmt}”")
    return fmt


def _run(job, output, progress, *, name: str, write) -> ExportResult:
    user = job.requested_by
    if not may_export(user):
        raise ExportError("您已不是人事，不能导出该数据")
    fmt = _fmt(job)
    audit = DeferredAudit()
    try:
        write(output, fmt, audit)
    except services.CertificateError as exc:
        raise ExportError(str(exc)) from exc
    return ExportResult(file_name=f"{name}.{fmt}", content_type=CONTENT_TYPES[fmt], audit=audit.entries)


def run_allowances(job, output, progress) -> ExportResult:
    try:
        month = selectors.parse_month(job.params.get("month", ""))
    except ValueError as exc:
        raise ExportError(str(exc)) from exc
    return _run(
        job,
        output,
        progress,
        name=f"津贴发放表-{month:%Y-%m}",
        write=lambda out, fmt, audit: services.allowances_export(
            month=month,
            output=out,
            fmt=fmt,
            viewer=job.requested_by,
            with_incentives=True,
            progress=progress,
            record_audit=audit,
        ),
    )


def run_register(job, output, progress) -> ExportResult:
    return _run(
        job,
        output,
        progress,
        name="持证登记表",
        write=lambda out, fmt, audit: services.certificate_register_export(
            output=out,
            fmt=fmt,
            viewer=job.requested_by,
            progress=progress,
            record_audit=audit,
        ),
    )


def run_incentives(job, output, progress) -> ExportResult:
    return _run(
        job,
        output,
        progress,
        name="一次性奖励",
        write=lambda out, fmt, audit: services.incentives_export(
            output=out,
            fmt=fmt,
            year=job.params.get("year"),
            viewer=job.requested_by,
            progress=progress,
            record_audit=audit,
        ),
    )


def register() -> None:
    register_export(ALLOWANCES, label="津贴发放表", run=run_allowances, may_start=may_export)
    register_export(REGISTER, label="持证登记表", run=run_register, may_start=may_export)
    register_export(INCENTIVES, label="一次性奖励记录", run=run_incentives, may_start=may_export)
