"""State changes of the core: org tree, workers and roles, audit, notifications, login failures, export jobs."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction
from django.utils import timezone

from lms import roles
from lms.access import EVERYONE, sees_everything, worker_of
from lms.importing import ImportRejected, Row, RowErrors, parse_date
from lms.models import AuditLog, ExportJob, LoginFailure, Notification, OrgLevel, OrgUnit, Worker
from lms.validators import id_number_problem, phone_problem

User = get_user_model()
logger = logging.getLogger(__name__)


# --- roles ----------------------------------------------------------------------------------------


def role_groups_ensure() -> dict[str, Group]:
    """Create the six role groups (idempotent) and give the admin roles entry to Wagtail's admin."""
    groups = {}
    for code, label in roles.ROLE_CHOICES:
        group, _ = Group.objects.get_or_create(name=label)
        groups[code] = group
    access_admin = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin").first()
    if access_admin is not None:
        for code in roles.ADMIN_ROLES:
            groups[code].permissions.add(access_admin)
    return groups


def worker_roles_set(*, worker: Worker, role_codes: Iterable[str]) -> bool:
    """Give the worker exactly these roles. Returns whether anything changed."""
    wanted = set(role_codes)
    unknown = wanted - set(roles.LABEL_BY_CODE)
    if unknown:
        raise ValueError(f"未知角色：{', '.join(sorted(unknown))}")
    current = roles.user_role_codes(worker.user)
    if current == wanted:
        return False
    groups = role_groups_ensure()
    worker.user.groups.remove(*[groups[c] for c in current - wanted])
    worker.user.groups.add(*[groups[c] for c in wanted - current])
    roles.forget_cached_roles(worker.user)
    return True


# --- org tree -------------------------------------------------------------------------------------


def org_unit_create(*, name: str, parent: OrgUnit | None) -> OrgUnit:
    level = OrgLevel.CITY if parent is None else parent.level + 1
    if level > OrgLevel.GRID:
        raise ValueError("网格之下不能再建组织单元")
    with transaction.atomic():
        unit = OrgUnit.objects.create(name=name, parent=parent, level=level, path="", full_name="")
        unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
        unit.full_name = f"{parent.full_name}/{name}" if parent else name
        unit.save(update_fields=["path", "full_name"])
    return unit


def org_unit_get_or_create_path(*, names: list[str], cache: dict | None = None) -> OrgUnit:
    """The unit at `市/区/街道/社区/网格`, creating any missing level."""
    cache = {} if cache is None else cache
    parent: OrgUnit | None = None
    for depth in range(1, len(names) + 1):
        key = tuple(names[:depth])
        unit = cache.get(key)
        if unit is None:
            unit = OrgUnit.objects.filter(parent=parent, name=names[depth - 1]).first()
            if unit is None:
                unit = org_unit_create(name=names[depth - 1], parent=parent)
            cache[key] = unit
        parent = unit
    assert parent is not None
    return parent


# --- workers --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerRecord:
    """One validated row of a worker import."""

    employee_no: str
    name: str
    id_number: str
    phone: str
    org_path: tuple[str, ...]
    hire_date: dt.date | None
    role_codes: frozenset[str]


@dataclass
class WorkerImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"导入完成：新增 {self.created} 人，更新 {self.updated} 人，未变化 {self.unchanged} 人"


def _worker_record_from_row(row: Row, errors: RowErrors) -> WorkerRecord | None:
    problems = []
    employee_no = row.get("工号")
    name = row.get("姓名")
    id_number = row.get("身份证号").upper()
    phone = row.get("手机号")
    if not employee_no:
        problems.append("缺少工号")
    if not name:
        problems.append("缺少姓名")
    if not id_number:
        problems.append("缺少身份证号")
    elif problem := id_number_problem(id_number):
        problems.append(f"身份证号“{id_number}”无效：{problem}")
    if phone and (problem := phone_problem(phone)):
        problems.append(f"手机号“{phone}”无效：{problem}")
    path_text = row.get("所属网格")
    org_path = tuple(part.strip() for part in path_text.split("/")) if path_text else ()
    if not path_text:
        problems.append("缺少所属网格")
    elif len(org_path) != 5 or not all(org_path):
        problems.append(f"所属网格“{path_text}”应为“市/区/街道/社区/网格”五级路径")
    hire_date = None
    if row.get("入职日期"):
        try:
            hire_date = parse_date(row.get("入职日期"))
        except ValueError:
            problems.append(f"入职日期“{row.get('入职日期')}”不是有效日期（例：2024-03-01）")
    role_text = row.get("角色")
    role_codes = set()
    for label in [part.strip() for part in role_text.replace("；", ";").split(";") if part.strip()]:
        if label not in roles.CODE_BY_LABEL:
            problems.append(f"未知角色“{label}”（可选：{'、'.join(roles.LABEL_BY_CODE.values())}）")
        else:
            role_codes.add(roles.CODE_BY_LABEL[label])
    if not role_text:
        role_codes.add(roles.TRAINEE)
    for problem in problems:
        errors.add(row.number, problem)
    if problems:
        return None
    return WorkerRecord(employee_no, name, id_number, phone, org_path, hire_date, frozenset(role_codes))


def workers_validate(*, rows: list[Row], viewer=EVERYONE) -> list[WorkerRecord]:
    """Validate every row; raise ImportRejected listing each bad row, else return the records.

    `viewer` is the uploader of a page import: every row's 所属网格 and every existing 工号 must lie in
    their subtree (`EVERYONE` for the command)."""
    errors = RowErrors()
    records: list[WorkerRecord] = []
    first_row_of_no: dict[str, int] = {}
    first_row_of_id: dict[str, int] = {}
    for row in rows:
        record = _worker_record_from_row(row, errors)
        if record is None:
            continue
        if record.employee_no in first_row_of_no:
            errors.add(row.number, f"工号“{record.employee_no}”与第{first_row_of_no[record.employee_no]}行重复")
            continue
        if record.id_number in first_row_of_id:
            errors.add(row.number, f"身份证号与第{first_row_of_id[record.id_number]}行重复")
            continue
        first_row_of_no[record.employee_no] = row.number
        first_row_of_id[record.id_number] = row.number
        records.append((row.number, record))
    if rows and not errors:
        holders = dict(
            Worker.objects.filter(id_number__in=[r.id_number for _, r in records]).values_list(
                "id_number", "employee_no"
            )
        )
        for number, record in records:
            holder = holders.get(record.id_number)
            if holder is not None and holder != record.employee_no:
                errors.add(number, f"身份证号已属于工号“{holder}”的人员")
        if not sees_everything(viewer):
            _workers_scope_check(records=records, viewer=viewer, errors=errors)
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise ImportRejected(["文件中没有数据行"])
    return [record for _, record in records]


def _workers_scope_check(*, records: list[tuple[int, WorkerRecord]], viewer, errors: RowErrors) -> None:
    own = worker_of(viewer)
    if own is None:
        for number, _ in records:
            errors.add(number, "您没有管理范围，不能导入人员")
        return
    unit = own.org_unit
    prefix = tuple(unit.full_name.split("/"))
    numbers = [record.employee_no for _, record in records]
    outside = set(
        Worker.objects.filter(employee_no__in=numbers)
        .exclude(unit.subtree_q("org_unit__"))
        .values_list("employee_no", flat=True)
    )
    accounts = set(User.objects.filter(username__in=numbers, worker__isnull=True).values_list("username", flat=True))
    for number, record in records:
        if record.org_path[: len(prefix)] != prefix:
            errors.add(number, f"所属网格“{'/'.join(record.org_path)}”不在您的管理范围（{unit.full_name}）内")
        if record.employee_no in outside:
            errors.add(number, f"工号“{record.employee_no}”是您管理范围以外的人员")
        elif record.employee_no in accounts:
            errors.add(number, f"工号“{record.employee_no}”已是一个非人员的登录账号")


def workers_import(*, rows: list[Row], actor=None, viewer=EVERYONE) -> WorkerImportSummary:
    """Create or update workers from validated rows, all in one transaction.

    Re-importing the same file changes nothing; a changed row updates its worker. A page passes the
    uploader as `viewer` (and `actor`): rows outside their subtree are errors.
    """
    records = workers_validate(rows=rows, viewer=viewer)
    summary = WorkerImportSummary()
    org_cache: dict = {}
    with transaction.atomic():
        groups = role_groups_ensure()
        existing = {
            w.employee_no: w
            for w in Worker.objects.select_related("user", "org_unit").filter(
                employee_no__in=[r.employee_no for r in records]
            )
        }
        touched: list[Worker] = []
        for record in records:
            org_unit = org_unit_get_or_create_path(names=list(record.org_path), cache=org_cache)
            worker = existing.get(record.employee_no)
            if worker is None:
                user = User.objects.filter(username=record.employee_no).first()
                if user is None:
                    user = User(username=record.employee_no, first_name=record.name)
                    user.set_unusable_password()
                    user.save()
                worker = Worker.objects.create(
                    user=user,
                    employee_no=record.employee_no,
                    name=record.name,
                    id_number=record.id_number,
                    phone=record.phone,
                    org_unit=org_unit,
                    hire_date=record.hire_date,
                    must_change_password=not user.has_usable_password(),
                )
                user.groups.add(*[groups[c] for c in record.role_codes])
                summary.created += 1
                touched.append(worker)
                continue
            changed = []
            for field_name, value in (
                ("name", record.name),
                ("id_number", record.id_number),
                ("phone", record.phone),
                ("org_unit_id", org_unit.pk),
                ("hire_date", record.hire_date),
            ):
                if getattr(worker, field_name) != value:
                    setattr(worker, field_name, value)
                    changed.append(field_name)
            if changed:
                worker.save(update_fields=changed)
                if "name" in changed and worker.user.first_name != record.name:
                    worker.user.first_name = record.name
                    worker.user.save(update_fields=["first_name"])
            roles_changed = worker_roles_set(worker=worker, role_codes=record.role_codes)
            if changed or roles_changed:
                summary.updated += 1
                touched.append(worker)
            else:
                summary.unchanged += 1
        if touched:
            from lms.hooks import worker_imported

            worker_imported(workers=touched, actor=actor)
        if summary.created or summary.updated:
            audit_log_record(
                actor=actor,
                action=AuditLog.Action.IMPORT,
                target_type="worker",
                detail={"created": summary.created, "updated": summary.updated},
            )
    return summary


def worker_create(
    *,
    employee_no: str,
    name: str,
    org_unit: OrgUnit,
    role_codes: Iterable[str] = (roles.TRAINEE,),
    id_number: str = "",
    phone: str = "",
    hire_date: dt.date | None = None,
    password: str | None = None,
) -> Worker:
    """Create one worker with a login (used by demo data and tests; imports go through workers_import)."""
    with transaction.atomic():
        user = User(username=employee_no, first_name=name)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        worker = Worker.objects.create(
            user=user,
            employee_no=employee_no,
            name=name,
            id_number=id_number,
            phone=phone,
            org_unit=org_unit,
            hire_date=hire_date,
            must_change_password=not password,
        )
        worker_roles_set(worker=worker, role_codes=role_codes)
    return worker


def worker_password_set(*, user, password: str) -> None:
    """Set a chosen password and clear the first-login flag."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        Worker.objects.filter(user=user).update(must_change_password=False)


# --- personal data and audit ----------------------------------------------------------------------


def audit_log_record(
    *, actor, action: str, target_type: str, target_id: str | int = "", detail: dict | None = None, ip_address=None
) -> AuditLog:
    return AuditLog.objects.create(
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        detail=detail or {},
        ip_address=ip_address,
    )


def worker_pii_reveal(*, viewer, worker: Worker, ip_address=None) -> dict[str, str]:
    """The unmasked 身份证号 and 手机号, for a viewer allowed to see them; logs the view."""
    from lms.pii import may_view_unmasked

    if not may_view_unmasked(viewer, worker):
        raise PermissionError("无权查看完整个人信息")
    audit_log_record(
        actor=viewer,
        action=AuditLog.Action.VIEW_PII,
        target_type="worker",
        target_id=worker.employee_no,
        detail={"fields": ["身份证号", "手机号"]},
        ip_address=ip_address,
    )
    return {"id_number": worker.id_number, "phone": worker.phone}


# --- notifications --------------------------------------------------------------------------------


def notification_send(
    *, recipient, title: str, body: str = "", url: str = "", dedupe_key: str = ""
) -> Notification | None:
    """Send an in-app message. With a `dedupe_key`, the same reminder reaches a person only once."""
    if dedupe_key and Notification.objects.filter(recipient=recipient, dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            return Notification.objects.create(
                recipient=recipient, title=title, body=body, url=url, dedupe_key=dedupe_key
            )
    except IntegrityError:  # a concurrent sender won the race on the same dedupe_key
        return None


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


# --- login limits ---------------------------------------------------------------------------------


def login_failure_record(*, username: str, ip_address: str | None) -> None:
    LoginFailure.objects.create(username=username.strip().lower(), ip_address=ip_address)


def login_failures_clear(*, username: str) -> None:
    LoginFailure.objects.filter(username=username.strip().lower()).delete()


def login_failures_prune() -> int:
    """Drop failures older than the window (run daily by beat)."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    deleted, _ = LoginFailure.objects.filter(created_at__lt=cutoff).delete()
    return deleted


# --- export jobs ----------------------------------------------------------------------------------

EXPORT_FAILED_MESSAGE = "导出时发生内部错误，请稍后重试；如仍失败请联系系统管理员"
# The progress bar needs no more than this many writes per job, nor one more often than this.
_PROGRESS_STEPS = 50
_PROGRESS_SECONDS = 1.0


def export_job_start(*, user, kind: str, params: dict | None = None, title: str = "") -> ExportJob:
    """Queue an export of a registered kind for `user`; a Celery task writes the file.

    The caller has already checked that the user may run this export; the export itself computes
    with the user's scope when it runs.
    """
    from lms.exports import ExportError, export_kind
    from lms.tasks import export_job_run_task

    entry = export_kind(kind)
    if entry is None:
        raise ExportError(f"未知的导出类型“{kind}”")
    with transaction.atomic():
        job = ExportJob.objects.create(
            requested_by=user, kind=kind, title=(title or entry.label)[:200], params=params or {}
        )
        export_job_run_task.delay_on_commit(job.pk)
    return job


def export_job_run(*, job_id: int) -> ExportJob:
    """Write the job's file, counting progress. Any error ends the job as 失败 with a Chinese message.

    Deliberately not one transaction: the progress page must see the counters while the file is written.
    """
    from django.core.files import File

    from lms.exports import ExportError, export_kind

    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    if job.is_finished:  # a redelivered task (acks_late) must not write a second file
        return job
    started = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, started_at=started, done=0)
    saved = {"done": 0, "total": 0, "at": 0.0}

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        step = max(1, total // _PROGRESS_STEPS)
        if (
            total != saved["total"]
            or done >= total
            or done - saved["done"] >= step
            or now - saved["at"] >= _PROGRESS_SECONDS
        ):
            ExportJob.objects.filter(pk=job.pk).update(done=done, total=total)
            saved.update(done=done, total=total, at=now)

    entry = export_kind(job.kind)
    try:
        if entry is None:
            raise ExportError(f"未知的导出类型“{job.kind}”")
        with tempfile.TemporaryFile() as output:
            result = entry.run(job, output, progress)
            output.seek(0)
            job.file.save(result.file_name, File(output), save=False)
        # Writers report (rows, rows) last; a total counted beforehand may have been an estimate.
        final = saved["total"] or saved["done"]
        try:
            ExportJob.objects.filter(pk=job.pk).update(
                status=ExportJob.Status.DONE,
                file=job.file.name,
                file_name=result.file_name[:200],
                content_type=result.content_type[:100],
                audit=result.audit,
                finished_at=timezone.now(),
                done=final,
                total=final,
            )
        except Exception:
            job.file.delete(save=False)
            raise
    except ExportError as exc:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
    except Exception:
        # Tracebacks are for the log; the person who asked sees what to do next.
        logger.exception("export job %s (%s) failed", job.pk, job.kind)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=EXPORT_FAILED_MESSAGE, finished_at=timezone.now()
        )
    job.refresh_from_db()
    return job


def export_job_download_record(*, job: ExportJob, user, ip_address=None) -> None:
    """Log a download as the synchronous export logged itself: the writer's rows, by the downloader."""
    for entry in job.audit:
        audit_log_record(
            actor=user,
            action=entry["action"],
            target_type=entry["target_type"],
            target_id=entry.get("target_id", ""),
            detail={**entry.get("detail", {}), "export_job": job.pk},
            ip_address=ip_address,
        )


def export_jobs_prune(*, now=None) -> int:
    """Delete finished export jobs older than EXPORT_JOB_KEEP_DAYS, files included: the files hold
    personal data and nobody needs them once downloaded. Returns how many jobs went."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.EXPORT_JOB_KEEP_DAYS)
    old = ExportJob.objects.filter(created_at__lt=cutoff, status__in=[ExportJob.Status.DONE, ExportJob.Status.FAILED])
    count = 0
    for job in old.iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count
