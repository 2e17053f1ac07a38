"""A quiz's results as XLSX, for the people the exporter may see."""

from __future__ import annotations

from django.utils import timezone

from assessments import selectors
from assessments.models import Quiz
from lms.models import AuditLog
from lms.services import audit_log_record
from lms.spreadsheets import Sheet, table_write

RESULT_HEADERS = [
    "工号",
    "姓名",
    "所属网格",
    "第几次",
    "状态",
    "开始时间",
    "提交时间",
    "得分",
    "满分",
    "得分率(%)",
    "是否通过",
]


def quiz_results_export(*, actor, quiz: Quiz, target, progress=None, record_audit=None) -> int:
    """Write the results the actor may see to XLSX; logs the export. Returns the row count.

    `progress(done, total)` follows the rows; `record_audit` stands in for `audit_log_record` (an
    export job keeps the row until the file is downloaded).
    """
    attempts = (
        selectors.quiz_attempts_visible(actor, quiz)
        .select_related("worker__org_unit")
        .order_by("worker__org_unit__path", "worker__employee_no", "number")
    )

    def local(value) -> str:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    rows = (
        [
            attempt.worker.employee_no,
            attempt.worker.name,
            attempt.worker.org_unit.full_name,
            attempt.number,
            attempt.get_state_display(),
            local(attempt.started_at),
            local(attempt.submitted_at),
            attempt.score,
            attempt.max_score,
            attempt.percent,
            "" if attempt.passed is None else ("通过" if attempt.passed else "未通过"),
        ]
        for attempt in attempts.iterator(chunk_size=500)
    )
    sheet = Sheet("成绩", RESULT_HEADERS, rows)
    count = table_write(target, [sheet], progress=progress, total=attempts.count() if progress is not None else 0)
    (record_audit or audit_log_record)(
        actor=actor,
        action=AuditLog.Action.EXPORT,
        target_type="quiz_results",
        target_id=quiz.pk,
        detail={"rows": count},
    )
    return count
