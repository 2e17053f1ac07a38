"""What every /api/v1/ endpoint shares: the error body, the error exception and common field types.

An endpoint declares its success schema and each error status it can return, e.g.

    @router.get("/things/{thing_id}", response={200: ThingOut, **errors(404, 422)})
    def thing_detail(request, thing_id: RowId):
        thing = selectors.thing_for_user(request.user, thing_id)
        if thing is None:
            raise ApiError(404, "未找到该记录")
        return thing

`errors()` adds 401 and 403 (not logged in; initial password not changed yet; CSRF check failed)
unless the endpoint is public. Add 422 when the endpoint has path, query or body parameters (they
can fail validation), 400 when it reads a JSON body (unparsable JSON) or refuses a request with a
domain rule, 404 and 409 when the handler raises them. Handlers raise `ApiError` (or Http404); the
exception handlers in lms/api.py turn every error into `{"detail": "中文说明", "code": "…"}`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from ninja import Path, Schema
from ninja.errors import HttpError
from pydantic import Field, PlainSerializer, StringConstraints, WithJsonSchema

# Stable machine-readable codes of the error body, by HTTP status unless a handler names another.
CODE_BY_STATUS = {
    400: "invalid",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "validation_error",
    429: "throttled",
}
PASSWORD_CHANGE_REQUIRED = "password_change_required"
CSRF_FAILED = "csrf_failed"

# The Chinese message used when the raised error carries none (or only ninja's English one).
DEFAULT_DETAIL = {
    400: "请求无效",
    401: "请先登录（未登录或登录已过期）",
    403: "无权执行此操作",
    404: "未找到",
    405: "不支持该请求方法",
    409: "当前状态下不能执行此操作",
    422: "参数有误",
    429: "请求过于频繁，请稍后再试",
}


class Error(Schema):
    """The body of every error response."""

    detail: str = Field(description="中文说明，可直接展示给用户")
    code: str = Field(
        description=(
            "稳定的错误代码：invalid（400）、not_authenticated（401）、forbidden（403）、"
            "password_change_required（403，须先修改初始密码）、csrf_failed（403）、not_found（404）、"
            "conflict（409）、validation_error（422）"
        )
    )


class ApiError(HttpError):
    """An error answer of the API: HTTP status, Chinese detail and a stable code (default by status)."""

    def __init__(self, status_code: int, detail: str, code: str | None = None) -> None:
        super().__init__(status_code, detail)
        self.code = code or CODE_BY_STATUS.get(status_code, "error")


def errors(*statuses: int, public: bool = False) -> dict[int, type[Error]]:
    """`{401: Error, 403: Error, …}` for an endpoint's `response=`: the login statuses and `statuses`."""
    codes = set(statuses) if public else {401, 403, *statuses}
    return dict.fromkeys(sorted(codes), Error)


def _json_number(value: Decimal) -> int | float:
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


# A Decimal sent as a JSON number, integral values without a fraction (10, not 10.0 or "10.00").
Number = Annotated[
    Decimal,
    PlainSerializer(_json_number, return_type=int | float),
    WithJsonSchema({"type": "number"}),
]

# The id of a database row in a URL path. Bounded so that no value reaches the database as an
# integer it cannot hold (a 500); anything else is a 422.
MAX_ROW_ID = 2**63 - 1
RowId = Path[int, {"ge": 1, "le": MAX_ROW_ID, "description": "编号（正整数）"}]

# Free text in a query or path. PostgreSQL cannot store or compare a NUL character.
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$")]
