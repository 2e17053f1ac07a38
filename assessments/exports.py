"""Exports of assessments that run as background jobs (lms.exports): the trainer's quiz results, the
competency scores of a unit's subtree (XLSX) and the annual assessment reports of a unit (one PDF)."""

from __future__ import annotations

from lms.exports import DeferredAudit, ExportError, ExportResult, register_export
from lms.spreadsheets import XLSX_CONTENT_TYPE

QUIZ_RESULTS = "assessments.quiz_results"
COMPETENCY_SCORES = "assessments.competency_scores"
COMPETENCY_REPORTS = "assessments.competency_reports"
PDF_CONTENT_TYPE = "application/pdf"


def run_quiz_results(job, output, progress) -> ExportResult:
    from assessments import selectors, services
    from assessments.models import Quiz

    user = job.requested_by
    # Checked again here: the job may run a while after it was asked for.
    if not selectors.is_results_viewer(user):
        raise ExportError("仅培训管理员可以导出成绩")
    quiz = Quiz.objects.filter(pk=job.params.get("quiz")).first()
    if quiz is None:
        raise ExportError("测验已不存在")
    audit = DeferredAudit()
    services.quiz_results_export(actor=user, quiz=quiz, target=output, progress=progress, record_audit=audit)
    return ExportResult(file_name=f"{quiz.title}-成绩.xlsx", content_type=XLSX_CONTENT_TYPE, audit=audit.entries)


def may_start(user) -> bool:
    from assessments import selectors

    return selectors.is_results_viewer(user)


def _job_unit_and_period(job, *, yearly: bool = False):
    """The unit (inside the requester's org scope, checked again now) and the period of a job."""
    from lms.access import org_scope_q
    from lms.models import OrgUnit
    from lms.periods import Period, PeriodError, parse_period

    unit = OrgUnit.objects.filter(org_scope_q(job.requested_by), pk=job.params.get("unit")).first()
    if unit is None:
        raise ExportError("单位不存在或不在您的管理范围内")
    try:
        period = parse_period(str(job.params.get("period", "")))
    except PeriodError as error:
        raise ExportError(str(error)) from None
    if yearly and period.quarter is not None:
        period = Period(period.year)
    return unit, period


def run_competency_scores(job, output, progress) -> ExportResult:
    """One row per worker of the unit's subtree: 工号, 姓名, 所属网格, 综合, 5 primaries, 18 indicators, 等级."""
    from assessments import analysis
    from lms.access import scope_label
    from lms.spreadsheets import Sheet, table_write

    user = job.requested_by
    if not analysis.is_analysis_viewer(user):
        raise ExportError("仅管理者、培训管理员和人事可以导出能力得分")
    unit, period = _job_unit_and_period(job)
    workers = analysis.export_workers(user, unit)
    total = workers.count()
    headers = analysis.export_headers()
    # Score columns (综合 … the last indicator) are written as numbers with two decimals; blank = 暂无数据.
    scores = frozenset(range(3, len(headers) - 1))
    sheet = Sheet(
        title=f"能力得分{period.code}", headers=headers, rows=analysis.export_rows(workers, period), money=scores
    )
    table_write(output, [sheet], fmt="xlsx", progress=progress, total=total)
    audit = DeferredAudit()
    audit(
        action="export",
        target_type="competency_scores",
        target_id=str(unit.pk),
        detail={"period": period.code, "unit": unit.full_name, "rows": total, "scope": scope_label(user)},
    )
    return ExportResult(
        file_name=f"能力得分-{unit.name}-{period.code}.xlsx", content_type=XLSX_CONTENT_TYPE, audit=audit.entries
    )


def run_competency_reports(job, output, progress) -> ExportResult:
    """The annual reports of every worker of the unit's subtree, one page each, in one PDF (HR)."""
    from assessments import analysis, reports

    user = job.requested_by
    if not analysis.is_report_hr(user):
        raise ExportError("仅人事可以批量生成年度评估报告")
    unit, period = _job_unit_and_period(job, yearly=True)
    workers = list(analysis.export_workers(user, unit))
    if not workers:
        raise ExportError("该单位下没有人员")
    # Two halves of the bar: gathering each worker's figures, then laying the pages out.
    total = 2 * len(workers)
    sheets = []
    for number, worker in enumerate(workers, start=1):
        sheets.append(reports.report_sheet(worker, period))
        progress(number, total)
    reports.render_reports(sheets, output, progress=lambda done: progress(len(workers) + done, total))
    audit = DeferredAudit()
    audit(
        action="export",
        target_type="competency_reports",
        target_id=str(unit.pk),
        detail={"year": period.year, "unit": unit.full_name, "workers": len(workers)},
    )
    return ExportResult(
        file_name=f"能力评估报告-{unit.name}-{period.year}.pdf", content_type=PDF_CONTENT_TYPE, audit=audit.entries
    )


def may_export_scores(user) -> bool:
    from assessments import analysis

    return analysis.is_analysis_viewer(user)


def may_export_reports(user) -> bool:
    from assessments import analysis

    return analysis.is_report_hr(user)


def register() -> None:
    register_export(QUIZ_RESULTS, label="成绩导出", run=run_quiz_results, may_start=may_start)
    register_export(COMPETENCY_SCORES, label="能力得分导出", run=run_competency_scores, may_start=may_export_scores)
    register_export(
        COMPETENCY_REPORTS, label="年度评估报告（批量）", run=run_competency_reports, may_start=may_export_reports
    )
