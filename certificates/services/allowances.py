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


def _month_not_future(month: dt.date) -> None:
    if month > timezone.localdate().replace(day=1):
        raise CertificateError(f"{month.year}年{month.month}月尚未开始，不能计算津贴")


def allowance_month_compute(*, month: dt.date, actor=None) -> AllowanceMonth:
    """Compute (or recompute a draft) month from the certificates as recorded. Approved months refuse."""
    month = month.replace(day=1)
    _month_not_future(month)
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


def allowance_month_approve(*, month: dt.date, actor=None) -> AllowanceMonth:
    """Approve (freeze) a computed month. An empty or uncomputed month is refused."""
    month = month.replace(day=1)
    with transaction.atomic():
        run = AllowanceMonth.objects.select_for_update().filter(month=month).first()
        label = f"{month.year}年{month.month}月"
        if run is None or run.computed_at is None:
            raise CertificateError(f"{label}津贴尚未计算，不能审批")
        if run.is_approved:
            raise CertificateError(f"{label}津贴已审批")
        if not run.lines.exists() and not run.adjustments.exists():
            raise CertificateError(f"{label}没有任何计发记录，不能审批空月份")
        run.status = AllowanceMonth.Status.APPROVED
        run.approved_at = timezone.now()
        run.approved_by = actor if getattr(actor, "is_authenticated", False) else None
        run.save(update_fields=["status", "approved_at", "approved_by"])
        audit_log_record(
            actor=actor,
            action=AuditLog.Action.CHANGE,
            target_type="allowance_month",
            target_id=run.key,
            detail={"op": "approve", "total": str(run.total)},
        )
    return run


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
