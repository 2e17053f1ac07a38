"""Certificate validity (docs/rules.md §8 证书) against a reference written from the rule's text.

Reference: a certificate is valid on day d when 发证日期 ≤ d ≤ 有效期至 (inclusive; none = no end)
and it is not revoked or d is before the revocation date. Its status on d: 已撤销 from the
revocation date on (revocation outranks expiry), else 已过期 after 有效期至, else 未生效 before
the issue date, else 有效. 换发 gives a new certificate of the same type and 有效期至 from today and
revokes the old one today; a revoked or expired certificate is not reissued.
The project's side: `Certificate.status_on` / `is_valid_on` and the services `certificate_revoke`
and `certificate_reissue`.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from certificates.models import Certificate
from tests.properties import examples, rolled_back

BASE = dt.date(2024, 1, 1)


def reference_valid(day, issued_on, valid_until, revoked_on) -> bool:
    return issued_on <= day and (valid_until is None or day <= valid_until) and (revoked_on is None or day < revoked_on)


def reference_status(day, issued_on, valid_until, revoked_on) -> str:
    if revoked_on is not None and day >= revoked_on:
        return "revoked"
    if valid_until is not None and day > valid_until:
        return "expired"
    if day < issued_on:
        return "pending"
    return "valid"


offsets = st.integers(min_value=0, max_value=120)


@st.composite
def certificate_dates(draw):
    issued_on = BASE + dt.timedelta(days=draw(offsets))
    valid_until = draw(st.none() | offsets.map(lambda n: issued_on + dt.timedelta(days=n)))
    revoked_on = draw(st.none() | offsets.map(lambda n: issued_on + dt.timedelta(days=n)))
    return issued_on, valid_until, revoked_on


@examples(500)
@given(dates=certificate_dates(), day=st.integers(min_value=-10, max_value=260))
def test_status_and_validity_on_a_day_follow_the_rule(dates, day):
    issued_on, valid_until, revoked_on = dates
    day = BASE + dt.timedelta(days=day)
    certificate = Certificate(issued_on=issued_on, valid_until=valid_until, revoked_on=revoked_on)
    assert certificate.is_valid_on(day) == reference_valid(day, *dates)
    assert certificate.status_on(day) == reference_status(day, *dates)


# --- revoke and reissue through the services --------------------------------------------------------


def make_certificate(issued_on, valid_until):
    import secrets

    from certificates.models import CertificateType
    from tests.factories import WorkerFactory, org

    ctype = CertificateType.objects.create(code=f"P{secrets.token_hex(3)}", name="属性测试证书", platform_issued=True)
    return Certificate.objects.create(
        worker=WorkerFactory(org_unit=org("属性市/甲区/甲街道/一社区/一网格")),
        certificate_type=ctype,
        serial_no=f"P-{secrets.token_hex(6)}",
        verification_code=secrets.token_urlsafe(24),
        issued_on=issued_on,
        valid_until=valid_until,
        issuer="测试发证机关",
        source=Certificate.Source.PLATFORM,
    )


@pytest.mark.django_db
@examples(40, db=True)
@given(
    issued_ago=st.integers(min_value=0, max_value=200),
    length=st.none() | st.integers(min_value=0, max_value=400),
    revoke_after=st.none() | st.integers(min_value=0, max_value=200),
    probes=st.lists(st.integers(min_value=-250, max_value=450), min_size=1, max_size=8),
)
def test_revocation_and_reissue_follow_the_rule(issued_ago, length, revoke_after, probes):
    from certificates.services import certificate_reissue, certificate_revoke
    from certificates.services.common import CertificateError

    today = timezone.localdate()
    issued_on = today - dt.timedelta(days=issued_ago)
    valid_until = None if length is None else issued_on + dt.timedelta(days=length)
    days = [today + dt.timedelta(days=n) for n in probes]
    with rolled_back():
        old = make_certificate(issued_on, valid_until)
        if revoke_after is not None:
            revoked_on = min(issued_on + dt.timedelta(days=revoke_after), today)
            certificate_revoke(certificate=old, reason="测试撤销", revoked_on=revoked_on)
            old.refresh_from_db()
            for day in days:
                assert old.is_valid_on(day) == reference_valid(day, issued_on, valid_until, revoked_on)
                assert old.status_on(day) == reference_status(day, issued_on, valid_until, revoked_on)
        expired = valid_until is not None and valid_until < today
        if old.revoked_on is not None or expired:
            with pytest.raises(CertificateError):
                certificate_reissue(certificate=old)
            assert Certificate.objects.filter(worker=old.worker).count() == 1
            return
        new = certificate_reissue(certificate=old)
        old.refresh_from_db()
        assert (new.certificate_type_id, new.issued_on, new.valid_until) == (
            old.certificate_type_id,
            today,
            valid_until,
        )
        assert old.replaced_by_id == new.pk
        for day in days:
            assert old.is_valid_on(day) == reference_valid(day, issued_on, valid_until, today)
            assert new.is_valid_on(day) == reference_valid(day, today, valid_until, None)


@pytest.mark.django_db
def test_an_expired_certificate_is_not_reissued_as_one_without_end():
    """Reissuing a certificate that expired yesterday used to give a new one with no 有效期至:
    valid for ever, and paying its allowance every month (§9)."""
    from certificates.services import certificate_reissue
    from certificates.services.common import CertificateError

    today = timezone.localdate()
    with rolled_back():
        old = make_certificate(today - dt.timedelta(days=400), today - dt.timedelta(days=1))
        with pytest.raises(CertificateError, match="已过期"):
            certificate_reissue(certificate=old)
        old.refresh_from_db()
        assert old.revoked_on is None
        assert Certificate.objects.filter(worker=old.worker).count() == 1
