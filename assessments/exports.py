"""The trainer's quiz results export as a background job (lms.exports)."""

from __future__ import annotations

from lms.exports import DeferredAudit, ExportError, ExportResult, register_export
from lms.spreadsheets import XLSX_CONTENT_TYPE

QUIZ_RESULTS = "assessments.quiz_results"


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
    return ExportResult(file_name=f"quiz-{quiz.pk}-results.xlsx", content_type=XLSX_CONTENT_TYPE, audit=audit.entries)


def may_start(user) -> bool:
    from assessments import selectors

    return selectors.is_results_viewer(user)


def register() -> None:
    register_export(QUIZ_RESULTS, label="成绩导出", run=run_quiz_results, may_start=may_start)
