"""The compliance report export (学时达标) as a background job (lms.exports)."""

from __future__ import annotations

from lms.exports import DeferredAudit, ExportError, ExportResult, register_export
from lms.spreadsheets import XLSX_CONTENT_TYPE

COMPLIANCE = "courses.compliance"


def run_compliance(job, output, progress) -> ExportResult:
    from courses import selectors, services

    user = job.requested_by
    # Checked again here: the job may run a while after it was asked for, and roles can change.
    if not selectors.is_report_viewer(user):
        raise ExportError("仅培训管理员、人事和管理者可以导出学时达标报表")
    unit = selectors.report_units(user).filter(pk=job.params.get("unit")).first()
    if unit is None:
        raise ExportError("该组织不在您的管辖范围内")
    year = int(job.params["year"])
    audit = DeferredAudit()
    services.compliance_export(
        actor=user,
        unit=unit,
        year=year,
        status=job.params.get("status", ""),
        search=job.params.get("q", ""),
        target=output,
        progress=progress,
        record_audit=audit,
    )
    return ExportResult(
        file_name=f"学时达标-{unit.name}-{year}.xlsx", content_type=XLSX_CONTENT_TYPE, audit=audit.entries
    )


def may_start(user) -> bool:
    from courses import selectors

    return selectors.is_report_viewer(user)


def register() -> None:
    register_export(COMPLIANCE, label="学时达标报表", run=run_compliance, may_start=may_start)
