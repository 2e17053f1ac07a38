"""Monthly allowance runs (compute, approve), adjustments of approved months and one-off incentives."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from certificates import selectors
from certificates.models import AllowanceAdjustment, AllowanceLine, AllowanceMonth, Incentive
from certificates.services.common import CENT, CertificateError
from lms.models import AuditLog, Worker
from lms.services import audit_log_record, notification_send


def _month_not_future(month: dt.date, today: dt.date | None = None) -> None:
    today = today or timezone.localdate()
    if month > today.replace(day=1):
        raise CertificateError(f"{month.year}年{month.month}月尚未开始，不能计算津贴")


def _month_not_before_start(month: dt.date) -> None:
    start = selectors.allowance_start_month()
    if start is not None and month < start:
        raise CertificateError(
            f"{month.year}年{month.month}月早于津贴起算月份{start.year}年{start.month}月，不能计算津贴"
        )


def allowance_month_compute(*, month: dt.date, actor=None, today: dt.date | None = None) -> AllowanceMonth:
    """Compute (or recompute a draft) month from the certificates as recorded. Approved months refuse,
    and so do months not begun yet and months before the allowance start (selectors.allowance_start_month)."""
    month = month.replace(day=1)
    _month_not_future(month, today)
    _month_not_before_start(month)
    amounts = selectors.allowance_amounts(month)
    with transaction.atomic():
        run, _ = AllowanceMonth.objects.get_or_create(month=month)
        run = AllowanceMonth.objects.select_for_update().get(pk=run.pk)
        if run.is_approved:
            raise CertificateError(f"{run.label}津贴已审批，不能重新计算；如需更正请在以后月份录入调整")
        run.lines.all().delete()
        AllowanceLine.objects.bulk_create(
            (
                AllowanceLine(
                    run=run,
                    worker_id=worker_id,
                    amount=entry.amount,
                    basis=entry.basis,
                    basis_text=entry.basis_text[:500],
                )
                for worker_id, entry in amounts.items()
            ),
            batch_size=2000,
        )
        run.total = sum((entry.amount for entry in amounts.values()), Decimal("0.00")).quantize(CENT)
        run.worker_count = len(amounts)
        run.computed_at = timezone.now()
        run.save(update_fields=["total", "worker_count", "computed_at"])
    return run


def allowance_month_approve(
    *,
    month: dt.date,
    actor=None,
    today: dt.date | None = None,
    expected_total: Decimal | None = None,
) -> AllowanceMonth:
    """Approve (freeze) a computed month once it has ended. An empty or uncomputed month is refused.

    `expected_total` is the total the approver was shown: a recomputation in between refuses,
    so nobody approves figures they have not seen.
    """
    month = month.replace(day=1)
    today = today or timezone.localdate()
    label = f"{month.year}年{month.month}月"
    _, last_day = selectors.month_bounds(month)
    if today <= last_day:
        raise CertificateError(f"{label}尚未结束（{last_day.month}月{last_day.day}日为该月最后一天），月末之后才能审批")
    with transaction.atomic():
        run = AllowanceMonth.objects.select_for_update().filter(month=month).first()
        if run is None or run.computed_at is None:
            raise CertificateError(f"{label}津贴尚未计算，不能审批")
        if run.is_approved:
            raise CertificateError(f"{label}津贴已审批")
        if not run.lines.exists() and not run.adjustments.exists():
            raise CertificateError(f"{label}没有任何计发记录，不能审批空月份")
        if expected_total is not None and run.total != expected_total:
            raise CertificateError(f"{label}津贴在您核对后已重新计算（合计 {run.total} 元），请重新核对后再审批")
        run.status = AllowanceMonth.Status.APPROVED
        run.approved_at = timezone.now()
        run.approved_by = actor if getattr(actor, "is_authenticated", False) else None
        run.save(update_fields=["status", "approved_at", "approved_by"])
        audit_log_record(
            actor=actor,
            action=AuditLog.Action.CHANGE,
            target_type="allowance_month",
            target_id=run.key,
            detail={"op": "approve", "total": str(run.total), "worker_count": run.worker_count},
        )
    return run


def allowance_month_discard(*, month: dt.date, actor=None) -> None:
    """Delete an unapproved month and its lines (a month computed by mistake). Approved months stay;
    a month holding adjustments is refused, since those are corrections someone entered by hand.
    One-off incentives are kept: they belong to a payment month, not to its computation."""
    month = month.replace(day=1)
    label = f"{month.year}年{month.month}月"
    with transaction.atomic():
        run = AllowanceMonth.objects.select_for_update().filter(month=month).first()
        if run is None:
            raise CertificateError(f"{label}津贴不存在")
        if run.is_approved:
            raise CertificateError(f"{label}津贴已审批，不能舍弃")
        adjustments = run.adjustments.count()
        if adjustments:
            raise CertificateError(f"{label}已录入 {adjustments} 条调整，不能舍弃；调整是手工录入的更正，请先核对")
        detail = {"op": "discard", "total": str(run.total), "worker_count": run.worker_count}
        run.lines.all().delete()
        run.delete()
        audit_log_record(
            actor=actor,
            action=AuditLog.Action.CHANGE,
            target_type="allowance_month",
            target_id=f"{month:%Y-%m}",
            detail=detail,
        )


def allowance_adjustment_add(
    *, worker: Worker, corrects: dt.date, month: dt.date, amount: Decimal, reason: str, actor=None
) -> AllowanceAdjustment:
    """Correct an approved month by an adjustment row paid in a later, still open month."""
    corrects, month = corrects.replace(day=1), month.replace(day=1)
    if not (reason or "").strip():
        raise CertificateError("请填写调整原因")
    try:
        amount = Decimal(amount).quantize(CENT)
    except (InvalidOperation, TypeError):
        raise CertificateError("调整金额须为数字") from None
    if amount == 0:
        raise CertificateError("调整金额不能为 0")
    if month <= corrects:
        raise CertificateError("调整须计入被更正月份之后的月份")
    _month_not_future(month)
    _month_not_before_start(month)
    with transaction.atomic():
        target = AllowanceMonth.objects.filter(month=corrects).first()
        if target is None or not target.is_approved:
            raise CertificateError("只有已审批的月份需要通过调整更正；未审批的月份请直接重新计算")
        run, _ = AllowanceMonth.objects.get_or_create(month=month)
        if run.is_approved:
            raise CertificateError(f"{run.label}已审批，请计入尚未审批的月份")
        adjustment = AllowanceAdjustment.objects.create(
            run=run,
            corrects=target,
            worker=worker,
            amount=amount,
            reason=reason.strip()[:300],
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_log_record(
            actor=actor,
            action=AuditLog.Action.CHANGE,
            target_type="allowance_adjustment",
            target_id=adjustment.pk,
            detail={"worker": worker.employee_no, "amount": str(amount), "corrects": target.key, "month": run.key},
        )
    return adjustment


INCENTIVE_DEFAULTS = {Incentive.Kind.ANNUAL_EXCELLENT: Decimal("5000.00")}


def incentive_award(
    *,
    worker: Worker,
    kind: str,
    month: dt.date,
    reason: str,
    amount: Decimal | None = None,
    certificate=None,
    actor=None,
) -> Incentive:
    """Record a one-off award paid with a month's allowance (年度考核优秀 defaults to 5,000 元)."""
    month = month.replace(day=1)
    amount = amount if amount is not None else INCENTIVE_DEFAULTS.get(kind)
    if amount is None or Decimal(amount) <= 0:
        raise CertificateError("奖励金额须大于 0")
    if not (reason or "").strip():
        raise CertificateError("请填写奖励事由")
    run = AllowanceMonth.objects.filter(month=month).first()
    if run is not None and run.is_approved:
        raise CertificateError(f"{run.label}已审批，奖励请计入以后的月份")
    with transaction.atomic():
        incentive = Incentive.objects.create(
            worker=worker,
            kind=kind,
            amount=Decimal(amount).quantize(CENT),
            month=month,
            reason=reason.strip()[:300],
            certificate=certificate,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        notification_send(
            recipient=worker.user,
            title=f"您获得{incentive.get_kind_display()} {incentive.amount} 元",
            body=incentive.reason,
            dedupe_key=f"incentive:{incentive.pk}",
        )
    return incentive
