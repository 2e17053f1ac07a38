"""业务指标: metrics from the grid platform, imported from a file by `import_metrics` or the import
page (docs/rules.md, "自评与业务指标"; docs/imports.md)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from assessments import selectors
from assessments.models import EvidenceSource, MetricRecord
from assessments.services.competency import evidence_record_many
from lms.access import EVERYONE, actor_of, scope_queryset
from lms.importing import ImportRejected, Row, RowErrors, parse_date
from lms.models import AuditLog, Worker
from lms.services import audit_log_record

REQUIRED_COLUMNS = ("工号", "指标代码", "数值", "日期", "来源")
ORIGIN_MAX = MetricRecord._meta.get_field("origin").max_length
CENT = Decimal("0.01")


@dataclass
class MetricImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    records: list[MetricRecord] = field(default_factory=list, repr=False)

    def __str__(self) -> str:
        return f"导入完成：新增 {self.created} 条业务指标，更新 {self.updated} 条，未变化 {self.unchanged} 条"


def _value(text: str) -> Decimal:
    value = Decimal(text.replace("％", "").replace("%", "").strip())
    if not value.is_finite():
        raise InvalidOperation(text)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def metrics_import(*, rows: list[Row], viewer=EVERYONE, today: dt.date | None = None) -> MetricImportSummary:
    """Validate every row, then write all MetricRecords and their 业务指标 evidence in one
    transaction, or nothing (ImportRejected with `第N行: 原因`).

    A row is identified by 工号 + 指标代码 + 日期 + 来源: the same value again is unchanged, another
    value updates the record and its evidence. `viewer` is the uploader: only workers in their
    scope may be named (`EVERYONE` for the command).
    """
    if viewer is None:
        raise TypeError("viewer 不能为空：页面传入上传人，命令行传入 lms.access.EVERYONE")
    today = today or timezone.localdate()
    scoped = viewer is not EVERYONE
    codes = selectors.indicator_codes()
    numbers = {r.get("工号") for r in rows if r.get("工号")}
    workers = Worker.objects.filter(employee_no__in=numbers)
    if scoped:
        workers = scope_queryset(viewer, workers, worker_path="")
    workers = {w.employee_no: w for w in workers}
    errors = RowErrors()
    seen: dict[tuple, int] = {}
    valid: list[tuple[Worker, str, Decimal, dt.date, str]] = []
    for row in rows:
        problems = []
        employee_no, code, origin = row.get("工号"), row.get("指标代码"), row.get("来源")
        worker = workers.get(employee_no)
        if not employee_no:
            problems.append("缺少工号")
        elif worker is None:
            problems.append(f"工号“{employee_no}”不存在或不在您的管理范围内" if scoped else f"未知工号“{employee_no}”")
        if not code:
            problems.append("缺少指标代码")
        elif code not in codes:
            problems.append(f"未知指标代码“{code}”（应为二级指标编码，如 2.2）")
        value = None
        if not row.get("数值"):
            problems.append("缺少数值")
        else:
            try:
                value = _value(row.get("数值"))
            except (InvalidOperation, ValueError):
                problems.append(f"数值“{row.get('数值')}”不是数字")
            else:
                if not Decimal(0) <= value <= Decimal(100):
                    problems.append(f"数值 {row.get('数值')} 超出 0–100")
        occurred_on = None
        if not row.get("日期"):
            problems.append("缺少日期")
        else:
            try:
                occurred_on = parse_date(row.get("日期"))
            except ValueError:
                problems.append(f"日期“{row.get('日期')}”不是有效日期（例：2026-03-01）")
            else:
                if occurred_on > today:
                    problems.append(f"日期 {occurred_on:%Y-%m-%d} 晚于今天")
        if not origin:
            problems.append("缺少来源")
        elif len(origin) > ORIGIN_MAX:
            problems.append(f"来源“{origin[:10]}…”过长（最多 {ORIGIN_MAX} 字）")
        identity = (employee_no, code, occurred_on, origin)
        if not problems:
            if identity in seen:
                problems.append(f"与第{seen[identity]}行重复（工号、指标代码、日期、来源都相同）")
            else:
                seen[identity] = row.number
        if problems:
            for problem in problems:
                errors.add(row.number, problem)
            continue
        valid.append((worker, code, value, occurred_on, origin))
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise ImportRejected(["文件中没有数据行"])
    return metric_records_write(valid, actor=actor_of(viewer))


def metric_records_write(items: list[tuple[Worker, str, Decimal, dt.date, str]], *, actor=None) -> MetricImportSummary:
    """Create or update MetricRecords `(worker, code, value, date, origin)` and their evidence, in
    one transaction. Used by `metrics_import` once every row has passed (and by the demo loader)."""
    summary = MetricImportSummary()
    worker_ids = {w.pk for w, *_ in items}
    with transaction.atomic():
        existing = {
            (m.worker_id, m.indicator_code, m.occurred_on, m.origin): m
            for m in MetricRecord.objects.filter(
                worker_id__in=worker_ids,
                indicator_code__in={i[1] for i in items},
                occurred_on__in={i[3] for i in items},
            )
        }
        new, changed = [], []
        now = timezone.now()
        for worker, code, value, occurred_on, origin in items:
            record = existing.get((worker.pk, code, occurred_on, origin))
            if record is None:
                record = MetricRecord(
                    worker=worker,
                    indicator_code=code,
                    value=value,
                    occurred_on=occurred_on,
                    origin=origin,
                    imported_at=now,
                )
                new.append(record)
            elif record.value != value:
                record.value, record.imported_at = value, now
                changed.append(record)
            else:
                summary.unchanged += 1
        MetricRecord.objects.bulk_create(new, batch_size=1000)
        MetricRecord.objects.bulk_update(changed, ["value", "imported_at"], batch_size=1000)
        summary.created, summary.updated = len(new), len(changed)
        by_worker = defaultdict(list)
        for record in new + changed:
            by_worker[record.worker].append(record)
        for worker, records in by_worker.items():
            evidence_record_many(
                worker=worker,
                source=EvidenceSource.METRIC,
                items=[(r.indicator_code, r.value, r.occurred_on, r) for r in records],
            )
        summary.records = new + changed
        if new or changed:
            audit_log_record(
                actor=actor,
                action=AuditLog.Action.IMPORT,
                target_type="metric_record",
                detail={"created": len(new), "updated": len(changed), "unchanged": summary.unchanged},
            )
    return summary
