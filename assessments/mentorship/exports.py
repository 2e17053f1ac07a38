"""The compliance board as an XLSX export job (lms.exports), with the requester's view when it runs."""

from __future__ import annotations

from lms import roles
from lms.exports import DeferredAudit, ExportError, ExportResult, register_export
from lms.spreadsheets import XLSX_CONTENT_TYPE, Sheet, table_write

COMPLIANCE = "mentorship.compliance"
HEADERS = ["导师工号", "导师", "徒弟工号", "徒弟", "所属组织", "月份", "帮带期", "应走访", "已确认走访", "状态"]


def may_export(user) -> bool:
    from . import selectors

    return selectors.is_staff(user) or roles.has_role(user, roles.MENTOR)


def compliance_write(*, viewer, month, output, progress=None, record_audit=None) -> int:
    """Write the board of `viewer` for `month` as XLSX; returns the number of rows."""
    from . import selectors

    rows = selectors.compliance_rows(selectors.board_terms(viewer), month)
    lines = [
        (
            r.term.mentor.employee_no,
            r.term.mentor.name,
            r.term.mentee.employee_no,
            r.term.mentee.name,
            r.term.mentee.org_unit.full_name,
            f"{month:%Y-%m}",
            f"{r.term.start:%Y-%m-%d} 至 {r.term.end:%Y-%m-%d}",
            r.required,
            r.confirmed_visits,
            r.status,
        )
        for r in rows
    ]
    table_write(
        output, [Sheet(title=f"{month:%Y-%m}", headers=HEADERS, rows=lines)], progress=progress, total=len(lines)
    )
    if record_audit is not None:
        record_audit(
            actor=viewer,
            action="export",
            target_type="mentorship.compliance",
            target_id=f"{month:%Y-%m}",
            detail={"rows": len(lines)},
        )
    return len(lines)


def run_compliance(job, output, progress) -> ExportResult:
    from . import selectors

    user = job.requested_by
    if not may_export(user):
        raise ExportError("您已无权导出导师制达标情况")
    try:
        month = selectors.parse_month(job.params.get("month", ""))
    except ValueError as exc:
        raise ExportError(str(exc)) from exc
    audit = DeferredAudit()
    compliance_write(viewer=user, month=month, output=output, progress=progress, record_audit=audit)
    return ExportResult(
        file_name=f"导师制走访达标-{month:%Y-%m}.xlsx", content_type=XLSX_CONTENT_TYPE, audit=audit.entries
    )


def register() -> None:
    register_export(COMPLIANCE, label="导师制走访达标", run=run_compliance, may_start=may_export)
