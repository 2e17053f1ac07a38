"""What issuing, revoking and paying have in common: the refusal error, verification codes and
URLs, serial numbers, default issuer and validity, and the holder's notice."""

from __future__ import annotations

import calendar
import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate, CertificateType, SerialCounter
from lms.services import notification_send

CENT = Decimal("0.01")


class CertificateError(Exception):
    """A refused operation; the message is shown to the user as is."""


def new_verification_code() -> str:
    """192 random bits, URL-safe (32 characters).

    The first character is never '-': codes are typed as arguments of
    revoke_certificate, and argparse would read a leading dash as an option.
    """
    while True:
        code = secrets.token_urlsafe(24)
        if not code.startswith("-"):
            return code


def verify_url(code: str) -> str:
    base = (getattr(settings, "CERTIFICATE_VERIFY_BASE_URL", "") or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
    return base + reverse("certificates:verify", args=[code])


def centre_name() -> str:
    """The centre the platform issues and registers in the name of (CERTIFICATE_ISSUER)."""
    return getattr(settings, "CERTIFICATE_ISSUER", "") or "网格学院"


def default_issuer(ctype: CertificateType) -> str:
    return ctype.default_issuer or centre_name()


def platform_type_check(ctype: CertificateType) -> None:
    """The platform issues only its own kinds of certificate; a qualification another authority
    issues is recorded (certificate_record_external), never printed as if the platform issued it."""
    if not ctype.platform_issued:
        raise CertificateError(
            f"{ctype.name}是外部资格证书，由{ctype.default_issuer or '原发证机关'}颁发，平台不能颁发；请登记外部资格证书"
        )


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_valid_until(ctype: CertificateType, issued_on: dt.date) -> dt.date | None:
    if not ctype.validity_months:
        return None
    return add_months(issued_on, ctype.validity_months) - dt.timedelta(days=1)


def serials_reserve(year: int, count: int) -> list[str]:
    """`count` fresh platform serial numbers GA-<year>-NNNNNN (row-locked counter)."""
    SerialCounter.objects.get_or_create(year=year)
    counter = SerialCounter.objects.select_for_update().get(year=year)
    start = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return [f"GA-{year}-{n:06d}" for n in range(start, start + count)]


def issue_date_check(issued_on: dt.date) -> None:
    if issued_on > timezone.localdate():
        raise CertificateError(f"发证日期 {issued_on:%Y-%m-%d} 晚于今天，不能预先发证")


def certificate_type_get(type_code: str) -> CertificateType:
    ctype = CertificateType.objects.filter(code=type_code).first()
    if ctype is None:
        codes = "、".join(CertificateType.objects.values_list("code", flat=True))
        raise CertificateError(f"未知证书类型“{type_code}”（可选：{codes}）")
    return ctype


def holder_notify(certificate: Certificate) -> None:
    notification_send(
        recipient=certificate.worker.user,
        title=f"您获得了{certificate.certificate_type.name}",
        body=f"证书编号 {certificate.serial_no}，可在“我的证书”中下载。",
        url=reverse("certificates:mine"),
        dedupe_key=f"certificate:{certificate.pk}",
    )
