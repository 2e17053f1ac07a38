"""Public certificate verification: GET /api/v1/certificates/verify/{code} (no login)."""

import datetime as dt

from django.http import Http404
from ninja import Router, Schema

from . import selectors

router = Router(tags=["证书"])


class VerificationOut(Schema):
    status: str
    status_label: str
    holder: str
    type: str
    type_code: str
    serial_no: str
    issuer: str
    issued_on: dt.date
    valid_until: dt.date | None
    revoked_on: dt.date | None


@router.get("/certificates/verify/{code}", auth=None, response=VerificationOut, summary="证书核验（公开）")
def verify_certificate(request, code: str):
    """Status (valid/expired/revoked) as of today, a masked holder name, type and dates."""
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        raise Http404("未找到该证书")
    return selectors.verification_view(certificate)
