"""A certificate after issue: revocation, reissue and expiry reminders."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from certificates.services.common import CertificateError, holder_notify, new_verification_code, serials_reserve
from lms.models import AuditLog
from lms.services import audit_log_record, notification_send


def certificate_revoke(
    *, certificate: Certificate, reason: str, revoked_on: dt.date | None = None, actor=None
) -> Certificate:
    """Revoke from a date (default today, never in the future). Revoking twice is refused."""
    revoked_on = revoked_on or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError("请填写撤销原因")
    if revoked_on > timezone.localdate():
        raise CertificateError(f"撤销日期 {revoked_on:%Y-%m-%d} 晚于今天")
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.revoked_on is not None:
            raise CertificateError(
                f"证书 {certificate.serial_no} 已于 {certificate.revoked_on:%Y-%m-%d} 撤销，不能重复撤销"
            )
        if revoked_on < certificate.issued_on:
            raise CertificateError("撤销日期不能早于发证日期")
        certificate.revoked_on = revoked_on
        certificate.revoke_reason = reason[:200]
        certificate.save(update_fields=["revoked_on", "revoke_reason"])
        audit_log_record(
            actor=actor,
            action=AuditLog.Action.CHANGE,
            target_type="certificate",
            target_id=certificate.serial_no,
            detail={"op": "revoke", "date": revoked_on.isoformat(), "reason": certificate.revoke_reason},
        )
    return certificate


def certificate_reissue(*, certificate: Certificate, actor=None, reason: str = "换发新证") -> Certificate:
    """A new certificate (new serial and code, same type and validity); the old one is revoked today."""
    today = timezone.localdate()
    with transaction.atomic():
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if old.revoked_on is not None:
            raise CertificateError("已撤销的证书不能换发")
        if old.valid_until is not None and old.valid_until < today:
            # A new one keeps 有效期至 (docs/rules.md §8): it cannot start after it ended.
            raise CertificateError(f"证书已于 {old.valid_until:%Y-%m-%d} 过期，已过期的证书不能换发")
        ctype = old.certificate_type
        serial = (
            serials_reserve(today.year, 1)[0]
            if old.source == Certificate.Source.PLATFORM
            else f"{old.serial_no}-R{secrets.token_hex(2).upper()}"
        )
        new = Certificate.objects.create(
            worker=old.worker,
            certificate_type=ctype,
            serial_no=serial,
            verification_code=new_verification_code(),
            issued_on=today,
            valid_until=old.valid_until,
            issuer=old.issuer,
            source=old.source,
            source_label=old.source_label,
            issued_by=actor,
        )
        certificate_revoke(certificate=old, reason=reason, revoked_on=today, actor=actor)
        Certificate.objects.filter(pk=old.pk).update(replaced_by=new)
        holder_notify(new)
    return new


def certificate_expiry_reminders_send(*, today: dt.date | None = None, days: int = 30) -> int:
    """Tell holders whose certificate expires within `days` (run daily by beat; once per expiry date)."""
    today = today or timezone.localdate()
    due = Certificate.objects.filter(
        revoked_on__isnull=True, valid_until__gte=today, valid_until__lte=today + dt.timedelta(days=days)
    ).select_related("worker__user", "certificate_type")
    sent = 0
    for certificate in due.iterator(chunk_size=500):
        if notification_send(
            recipient=certificate.worker.user,
            title=f"您的{certificate.certificate_type.name}将于{certificate.valid_until:%Y年%m月%d日}到期",
            body=f"证书编号 {certificate.serial_no}。到期后不再计发该证书津贴，请及时办理延续或复审并交人事登记。",
            url=reverse("certificates:mine"),
            dedupe_key=f"certificate-expiry:{certificate.pk}:{certificate.valid_until:%Y%m%d}",
        ):
            sent += 1
    return sent
