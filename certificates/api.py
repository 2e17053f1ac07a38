"""Public certificate verification: GET /api/v1/certificates/verify/{code} (no login)."""

import datetime as dt
from typing import Literal

from ninja import Path, Router, Schema
from pydantic import Field

from lms.api_schemas import ApiError, Text, errors

from . import selectors

router = Router(tags=["证书"])

VerificationCode = Path[Text, {"description": "证书上的核验码"}]


class VerificationOut(Schema):
    status: Literal["valid", "expired", "revoked"] = Field(description="今日状态：有效、已过期或已撤销")
    status_label: str
    holder: str = Field(description="持证人姓名（已遮盖）")
    type: str
    type_code: str
    serial_no: str
    issuer: str = Field(description="发证机关；登记记录（record_type=registration）为原证书载明的发证机关")
    record_type: Literal["certificate", "registration"] = Field(
        description="certificate：平台颁发的证书；registration：本中心对外部职业资格的持证登记记录"
    )
    registrar: str | None = Field(None, description="登记机构（仅登记记录）")
    issued_on: dt.date
    valid_until: dt.date | None
    revoked_on: dt.date | None


@router.get(
    "/certificates/verify/{code}",
    auth=None,
    response={200: VerificationOut, **errors(404, 422, public=True)},
    summary="证书核验（公开）",
)
def verify_certificate(request, code: VerificationCode):
    """Status (valid/expired/revoked) as of today, a masked holder name, type and dates."""
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        raise ApiError(404, "未找到该证书")
    return selectors.verification_view(certificate)
