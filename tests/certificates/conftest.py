import datetime as dt
import secrets

import pytest

from certificates.models import Certificate, CertificateType


@pytest.fixture(autouse=True)
def default_types(db):
    """The data migration's types (a transactional test elsewhere may have flushed them)."""
    from certificates.defaults import ensure_default_types
    from certificates.models import AllowanceRate

    ensure_default_types(CertificateType, AllowanceRate)


@pytest.fixture
def make_cert(db):
    """A certificate recorded directly (dates in the past are fine for rule tests)."""

    def make(worker, code, issued_on, valid_until=None, revoked_on=None, **kwargs):
        return Certificate.objects.create(
            worker=worker,
            certificate_type=CertificateType.objects.get(code=code),
            serial_no=kwargs.pop("serial_no", f"T-{secrets.token_hex(6)}"),
            verification_code=secrets.token_urlsafe(24),
            issued_on=issued_on,
            valid_until=valid_until,
            revoked_on=revoked_on,
            issuer="测试发证机关",
            source=kwargs.pop("source", Certificate.Source.EXTERNAL),
            **kwargs,
        )

    return make


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


D = dt.date
