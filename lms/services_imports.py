"""Import jobs: upload → check (a rolled-back run of the kind's service) → preview → confirm → apply.

A file of more than IMPORT_INLINE_ROWS rows (or larger than IMPORT_INLINE_BYTES) is checked and
applied by a Celery task while its page polls; a smaller one is checked and applied in the request.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from lms.importing import ImportRejected
from lms.imports import ImportContext, ImportKind, import_kind, summary_counts
from lms.models import ImportJob

logger = logging.getLogger(__name__)

IMPORT_FAILED_MESSAGE = "导入时发生内部错误，没有写入任何数据；请稍后重试，如仍失败请联系系统管理员"
PREVIEW_ROWS = 10


class ImportRefused(Exception):
    """The user may not start this import or pick this target; the message is shown as is."""


class _RolledBack(Exception):
    def __init__(self, summary):
        self.summary = summary


def import_job_start(*, user, kind: str, uploaded, target_id: int | None = None) -> ImportJob:
    """Keep the uploaded file privately for `user` and check it: at once for a small file, in a
    Celery task for a large one. Raises ImportRefused for a kind or target the user may not use."""
    from lms.tasks import import_job_check_task

    entry = _entry_for(user, kind)
    target = _target_for(entry, user, target_id)
    suffix = Path(uploaded.name).suffix.lower()
    if suffix not in entry.formats:
        raise ImportRefused(f"不支持的文件格式“{suffix or uploaded.name}”，请上传 {entry.formats_label} 文件")
    title = f"{entry.label}导入" + (f" · {target}" if target is not None else "")
    job = ImportJob(
        requested_by=user,
        kind=kind,
        title=title[:200],
        params={"target": target.pk} if target is not None else {},
        file_name=Path(uploaded.name).name[:200],
    )
    job.file.save(uploaded.name, File(uploaded), save=False)
    job.save()
    inline = uploaded.size <= settings.IMPORT_INLINE_BYTES
    if inline:
        try:
            inline = len(entry.rows(Path(job.file.path))) <= settings.IMPORT_INLINE_ROWS
        except ImportRejected:
            pass  # the check reports it
    if inline:
        return import_job_check(job_id=job.pk)
    transaction.on_commit(lambda: import_job_check_task.delay(job.pk))
    return job


def import_job_check(*, job_id: int) -> ImportJob:
    """Run the kind's service on the file and roll it back: READY with what would change, or
    REJECTED with every `第N行` error. Nothing is written either way."""
    job = ImportJob.objects.select_related("requested_by").get(pk=job_id)
    if job.status != ImportJob.Status.CHECKING:
        return job  # a redelivered task
    entry = import_kind(job.kind)
    try:
        context = _context(job, entry)
        rows = entry.rows(context.path)
        ImportJob.objects.filter(pk=job.pk).update(total=len(rows), done=0)
        try:
            with transaction.atomic():
                raise _RolledBack(entry.apply(context))
        except _RolledBack as run:
            summary = run.summary
        preview = {
            "summary": summary_counts(summary),
            "headers": list(entry.columns),
            # each row: its 第N行 number, then its cells under `headers`
            "rows": [[row.number, *(row.get(column) for column in entry.columns)] for row in rows[:PREVIEW_ROWS]],
        }
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.READY, preview=preview, total=len(rows), done=len(rows)
        )
    except Exception as error:
        _job_failure_record(job, error, stage="check")
    job.refresh_from_db()
    return job


def _job_failure_record(job: ImportJob, error: Exception, *, stage: str) -> None:
    """End a check or an apply that raised: REJECTED with its 第N行 lines, FAILED with a refusal's
    reason, or FAILED with a general Chinese message (the traceback goes to the log, not the page)."""
    if isinstance(error, ImportRejected):
        changes = {"status": ImportJob.Status.REJECTED, "errors": error.lines}
    elif isinstance(error, ImportRefused):
        changes = {"status": ImportJob.Status.FAILED, "result": str(error)}
    else:
        logger.error("import job %s (%s) %s failed", job.pk, job.kind, stage, exc_info=error)
        changes = {"status": ImportJob.Status.FAILED, "result": IMPORT_FAILED_MESSAGE}
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now(), **changes)


def import_job_confirm(*, job: ImportJob, user) -> ImportJob:
    """Apply a previewed file: at once when small, else in a Celery task. Confirming twice applies once."""
    from lms.tasks import import_job_apply_task

    if job.requested_by_id != user.pk:
        raise ImportRefused("只能确认本人上传的文件")
    with transaction.atomic():
        claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READY).update(
            status=ImportJob.Status.APPLYING, done=0
        )
    if not claimed:
        job.refresh_from_db()
        return job
    if job.total <= settings.IMPORT_INLINE_ROWS:
        return import_job_apply(job_id=job.pk)
    transaction.on_commit(lambda: import_job_apply_task.delay(job.pk))
    job.refresh_from_db()
    return job


def import_job_apply(*, job_id: int) -> ImportJob:
    """Write the file through the kind's service, in one transaction: DONE with its summary, or
    REJECTED when the data changed since the preview so that a row no longer holds (nothing written)."""
    job = ImportJob.objects.select_related("requested_by").get(pk=job_id)
    if job.status != ImportJob.Status.APPLYING:
        return job
    entry = import_kind(job.kind)
    try:
        context = _context(job, entry)
        with transaction.atomic():
            summary = entry.apply(context)
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.DONE, result=str(summary), done=job.total, finished_at=timezone.now()
            )
    except Exception as error:
        _job_failure_record(job, error, stage="apply")
    job.refresh_from_db()
    return job


def import_jobs_prune(*, now=None) -> int:
    """Delete import jobs older than EXPORT_JOB_KEEP_DAYS with their files (they hold personal data).
    A job still checking or applying after that long lost its worker; it goes too."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.EXPORT_JOB_KEEP_DAYS)
    count = 0
    for job in ImportJob.objects.filter(created_at__lt=cutoff):
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count


def import_template_write(*, entry: ImportKind, target) -> None:
    """The template XLSX: the kind's headers and one example row."""
    from lms.spreadsheets import Sheet, table_write

    table_write(target, [Sheet(f"{entry.label}导入", list(entry.columns), [list(entry.example)])], fmt="xlsx")


def _entry_for(user, kind: str) -> ImportKind:
    entry = import_kind(kind)
    if entry is None or not entry.may_start(user):
        raise ImportRefused("您没有这项导入的权限")
    return entry


def _target_for(entry: ImportKind, user, target_id):
    if entry.target is None:
        return None
    target = entry.target(user, target_id) if target_id else None
    if target is None:
        raise ImportRefused(f"请选择{entry.target_label}（只能选择您管理的）")
    return target


def _context(job: ImportJob, entry: ImportKind | None) -> ImportContext:
    """Permissions are checked again when the job runs: a role may have been taken away since."""
    if entry is None:
        raise ImportRefused(f"未知的导入类型“{job.kind}”")
    user = job.requested_by
    _entry_for(user, job.kind)
    target = _target_for(entry, user, job.params.get("target"))
    return ImportContext(path=Path(_local_path(job)), user=user, target=target)


def _local_path(job: ImportJob) -> str:
    try:
        return job.file.path
    except NotImplementedError:  # a storage without local paths: work on a temporary copy
        suffix = Path(job.file.name).suffix
        with job.file.open("rb") as source, tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as copy:
            copy.write(source.read())
        return copy.name
