"""HR's exports: 津贴发放表 (and the `export_allowances` file), 持证登记表 with 持证率, 一次性奖励.

Each writes out what its `viewer` may see (lms.access): the HR user who asked, or
`lms.access.EVERYONE` for the command line, which has no user and exports every worker. The
viewer is required; `None` is refused rather than taken to mean everyone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from certificates import selectors
from certificates.models import AllowanceMonth, Certificate, Incentive
from certificates.services.common import CENT, CertificateError
from lms.access import actor_of, scope_label, scope_queryset, viewer_required
from lms.models import AuditLog, Worker
from lms.services import audit_log_record
from lms.spreadsheets import Sheet, format_of, table_write

ALLOWANCE_HEADERS = ["工号", "姓名", "所属网格", "计发证书", "月津贴(元)"]
PAYOUT_EXTRA_HEADERS = ["一次性奖励(元)", "奖励事由", "应发合计(元)"]


def _allowance_rows(run: AllowanceMonth, viewer, with_incentives: bool):
    """(工号, 姓名, 所属网格, 计发证书, 月津贴 [, 奖励, 事由, 合计]) in 工号 order, streaming."""
    lines = scope_queryset(viewer, run.lines.order_by("worker__employee_no"))
    incentives_qs = scope_queryset(viewer, Incentive.objects.filter(month=run.month))
    adjustments_qs = scope_queryset(viewer, run.adjustments.all())
    adjustments: dict[int, list] = {}
    for worker_id, amount, reason, corrects in adjustments_qs.values_list(
        "worker_id", "amount", "reason", "corrects__month"
    ):
        adjustments.setdefault(worker_id, []).append((amount, reason, corrects))
    incentives: dict[int, list] = {}
    if with_incentives:
        for worker_id, amount, kind, reason in incentives_qs.values_list("worker_id", "amount", "kind", "reason"):
            incentives.setdefault(worker_id, []).append((amount, Incentive.Kind(kind).label, reason))
    seen = set()
    lines_iter = lines.values_list(
        "worker_id", "worker__employee_no", "worker__name", "worker__org_unit__full_name", "basis_text", "amount"
    )
    extra_ids = set(adjustments) | set(incentives)

    def build(worker_id, employee_no, name, unit, basis_text, amount):
        parts = [basis_text] if basis_text else []
        for adj_amount, reason, corrects in adjustments.get(worker_id, []):
            amount += adj_amount
            parts.append(f"调整{corrects.year}年{corrects.month}月 {adj_amount:+.2f}元（{reason}）")
        row = [employee_no, name, unit, "；".join(parts), amount.quantize(CENT)]
        if with_incentives:
            items = incentives.get(worker_id, [])
            bonus = sum((i[0] for i in items), Decimal("0.00")).quantize(CENT)
            row += [
                bonus,
                "；".join(f"{label}：{reason}" for _, label, reason in items),
                (amount + bonus).quantize(CENT),
            ]
        return row

    for worker_id, employee_no, name, unit, basis_text, amount in lines_iter.iterator(chunk_size=5000):
        seen.add(worker_id)
        row = build(worker_id, employee_no, name, unit, basis_text, amount)
        if row[4] != 0 or (with_incentives and row[7] != 0):
            yield row
    missing = sorted(extra_ids - seen)
    if missing:
        for worker in Worker.objects.filter(pk__in=missing).select_related("org_unit").order_by("employee_no"):
            row = build(worker.pk, worker.employee_no, worker.name, worker.org_unit.full_name, "", Decimal("0.00"))
            if row[4] != 0 or (with_incentives and row[7] != 0):
                yield row


def _format(output, fmt: str | None) -> str:
    try:
        return fmt or format_of(output)
    except ValueError as exc:
        raise CertificateError(str(exc)) from None


def allowances_export(
    *,
    month: dt.date,
    output,
    viewer,
    fmt: str | None = None,
    with_incentives: bool = False,
    ip_address=None,
    progress=None,
    record_audit=None,
) -> int:
    """One row per worker the viewer may see with a non-zero amount (adjustments included); writes
    an AuditLog row naming the viewer (none for `EVERYONE`).

    `with_incentives` adds 一次性奖励 columns (HR's 发放表); the command's format stays the five
    columns of docs/imports.md ("津贴导出"). `progress(done, total)` follows the rows; `record_audit` stands in for
    `audit_log_record` (an export job keeps the row until the file is downloaded).
    """
    viewer_required(viewer)
    fmt = _format(output, fmt)
    month = month.replace(day=1)
    run = AllowanceMonth.objects.filter(month=month).first()
    if run is None:
        raise CertificateError(f"{month.year}年{month.month}月津贴尚未计算，请先运行 compute_allowances")
    headers = ALLOWANCE_HEADERS + (PAYOUT_EXTRA_HEADERS if with_incentives else [])
    money = {4, 5, 7} if with_incentives else {4}
    total = 0
    if progress is not None:
        # Lines are the bulk of the rows; workers with only an adjustment or award come on top.
        total = scope_queryset(viewer, run.lines.all()).count()
    sheet = Sheet(f"{month:%Y-%m}津贴", headers, _allowance_rows(run, viewer, with_incentives), frozenset(money))
    count = table_write(output, [sheet], fmt=fmt, progress=progress, total=total)
    (record_audit or audit_log_record)(
        actor=actor_of(viewer),
        action=AuditLog.Action.EXPORT,
        target_type="allowance_month",
        target_id=run.key,
        detail={
            "rows": count,
            "format": fmt,
            "scope": scope_label(viewer),
            "incentives": with_incentives,
            "status": run.status,
        },
        ip_address=ip_address,
    )
    return count


REGISTER_HEADERS = ["工号", "姓名", "所属网格", "证书类型", "证书编号", "发证机关", "发证日期", "有效期至", "状态"]


def certificate_register_export(
    *,
    output,
    viewer,
    fmt: str | None = None,
    ip_address=None,
    progress=None,
    record_audit=None,
) -> int:
    """持证登记表 of the workers the viewer may see: who holds what and until when, with 持证率 by
    org unit (XLSX second sheet)."""
    from certificates.models import STATUS_LABELS

    viewer_required(viewer)
    fmt = _format(output, fmt)
    today = timezone.localdate()
    qs = scope_queryset(
        viewer,
        Certificate.objects.select_related("worker__org_unit", "certificate_type").order_by(
            "worker__employee_no", "issued_on"
        ),
    )

    def rows():
        for c in qs.iterator(chunk_size=2000):
            yield [
                c.worker.employee_no,
                c.worker.name,
                c.worker.org_unit.full_name,
                c.certificate_type.name,
                c.serial_no,
                c.issuer,
                c.issued_on.isoformat(),
                c.valid_until.isoformat() if c.valid_until else "长期",
                STATUS_LABELS[c.status_on(today)],
            ]

    rate_rows = [
        [r["unit"].full_name, r["total"], r["holders"], float(r["rate"])]
        for r in selectors.certification_rates(viewer, today=today)
    ]
    sheets = [
        Sheet("持证登记", REGISTER_HEADERS, rows()),
        Sheet("持证率", ["组织单元", "网格员人数", "持证人数", "持证率(%)"], rate_rows),
    ]
    count = table_write(output, sheets, fmt=fmt, progress=progress, total=qs.count() if progress is not None else 0)
    (record_audit or audit_log_record)(
        actor=actor_of(viewer),
        action=AuditLog.Action.EXPORT,
        target_type="certificate_register",
        detail={"rows": count, "format": fmt, "scope": scope_label(viewer)},
        ip_address=ip_address,
    )
    return count


INCENTIVE_HEADERS = ["工号", "姓名", "所属网格", "类别", "事由", "发放月份", "金额(元)"]


def incentives_export(
    *,
    output,
    fmt: str | None = None,
    year: int | None = None,
    viewer,
    ip_address=None,
    progress=None,
    record_audit=None,
) -> int:
    """一次性奖励 of the workers the viewer may see (of one year, or all), in month and 工号 order."""
    viewer_required(viewer)
    fmt = _format(output, fmt)
    qs = scope_queryset(
        viewer, Incentive.objects.select_related("worker__org_unit").order_by("month", "worker__employee_no")
    )
    if year:
        qs = qs.filter(month__year=year)
    rows = (
        [
            i.worker.employee_no,
            i.worker.name,
            i.worker.org_unit.full_name,
            i.get_kind_display(),
            i.reason,
            f"{i.month:%Y-%m}",
            i.amount,
        ]
        for i in qs.iterator(chunk_size=2000)
    )
    sheet = Sheet("一次性奖励", INCENTIVE_HEADERS, rows, frozenset({6}))
    count = table_write(output, [sheet], fmt=fmt, progress=progress, total=qs.count() if progress is not None else 0)
    (record_audit or audit_log_record)(
        actor=actor_of(viewer),
        action=AuditLog.Action.EXPORT,
        target_type="incentive",
        detail={"rows": count, "format": fmt, "year": year, "scope": scope_label(viewer)},
        ip_address=ip_address,
    )
    return count
