"""The JSON API under /api/v1/ (django-ninja, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Each app that has an `api.py` with a module-level `router` is mounted at /api/v1/ here, so apps do
not edit this file to publish endpoints. Endpoints declare their input and output schemas and every
error status (lms/api_schemas.py); the handlers registered here give every error the same body,
`{"detail": "中文说明", "code": "…"}`.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from ninja import Field, NinjaAPI, Schema, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import SessionAuth

from lms import roles
from lms.access import worker_of
from lms.api_schemas import (
    CODE_BY_STATUS,
    CSRF_FAILED,
    DEFAULT_DETAIL,
    PASSWORD_CHANGE_REQUIRED,
    ApiError,
    Error,
    errors,
)

PASSWORD_CHANGE_DETAIL = "请先修改初始密码：在网页上登录后按提示设置新密码，再使用本接口。"


class GridSessionAuth(SessionAuth):
    """Django's session login (CSRF checked on unsafe methods); a worker still on the initial
    password is refused with 403 `password_change_required` (the web pages redirect instead)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            worker = worker_of(user)
            if worker is not None and worker.must_change_password:
                raise ApiError(403, PASSWORD_CHANGE_DETAIL, PASSWORD_CHANGE_REQUIRED)
        return user


def may_read_api_docs(user) -> bool:
    return user.is_superuser or bool(roles.user_role_codes(user) & roles.API_DOCS_ROLES)


class StaffSwagger(Swagger):
    """Swagger UI from django-ninja's bundled static files (no CDN), for staff only."""

    def render_page(self, request, api, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        worker = worker_of(request.user)
        if worker is not None and worker.must_change_password:
            return redirect("password_set")
        if not may_read_api_docs(request.user):
            message = "接口文档仅供培训管理员、人事、管理者和评委查看。"
            raise PermissionDenied(message)
        return super().render_page(request, api, **kwargs)


api = NinjaAPI(
    title="网格学院 API",
    version="1",
    description=(
        "网格学院对外接口：案例检索、测验作答、证书核验等。使用网页登录的会话（Cookie），"
        'POST/PUT 等请求须带 X-CSRFToken 请求头。出错时返回 JSON：`{"detail": "中文说明", "code": "…"}`。'
    ),
    auth=GridSessionAuth(),
    urls_namespace="api-v1",
    docs=StaffSwagger(settings={"validatorUrl": None}),
)


# --- errors: one body for every error ------------------------------------------------------------


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def error_response(request, status: int, detail: str, code: str | None = None):
    if not _chinese(detail):
        detail = DEFAULT_DETAIL.get(status, "请求失败")
    code = code or CODE_BY_STATUS.get(status, "error")
    return api.create_response(request, Error(detail=detail, code=code), status=status)


# ninja's own English messages, said in Chinese.
_NINJA_MESSAGES = {
    "CSRF check Failed": ("CSRF 校验失败：请带上 csrftoken Cookie 和 X-CSRFToken 请求头", CSRF_FAILED),
    "Cannot parse request body": ("请求内容不是有效的 JSON", None),
}


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    detail, code = str(exc), getattr(exc, "code", None)
    for english, (chinese, special) in _NINJA_MESSAGES.items():
        if detail.startswith(english):
            detail, code = chinese, special or code
    return error_response(request, exc.status_code, detail, code)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc: AuthenticationError):
    return error_response(request, 401, DEFAULT_DETAIL[401])


@api.exception_handler(Http404)
def on_not_found(request, exc: Http404):
    return error_response(request, 404, str(exc))


# Where a parameter came from, and what pydantic's error types mean.
_SOURCE = {
    "path": "路径参数",
    "query": "查询参数",
    "body": "请求内容",
    "header": "请求头",
    "cookie": "Cookie",
    "form": "表单",
}
_MEANING = {
    "missing": "缺少必填项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为字符串",
    "string_pattern_mismatch": "含有不允许的字符",
    "list_type": "应为列表",
    "dict_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "json_invalid": "不是有效的 JSON",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "datetime_parsing": "应为日期时间（ISO 8601）",
    "datetime_from_date_parsing": "应为日期时间（ISO 8601）",
}
_BOUNDS = {
    "greater_than_equal": ("ge", "不能小于 {}"),
    "greater_than": ("gt", "应大于 {}"),
    "less_than_equal": ("le", "不能大于 {}"),
    "less_than": ("lt", "应小于 {}"),
    "string_too_long": ("max_length", "不能超过 {} 个字符"),
    "string_too_short": ("min_length", "至少需要 {} 个字符"),
    "too_long": ("max_length", "最多 {} 项"),
    "too_short": ("min_length", "至少 {} 项"),
    "literal_error": ("expected", "取值应为 {}"),
    "enum": ("expected", "取值应为 {}"),
}


def validation_message(error: dict) -> str:
    """`{"loc": ("query", "limit"), "type": "int_parsing", …}` → "查询参数 limit 应为整数"."""
    source, *path = error.get("loc") or ("body",)
    if source == "body" and path:
        path = path[1:]  # ninja nests a lone body schema under the handler's parameter name
    field = ".".join(str(part) for part in path)
    where = f"{_SOURCE.get(source, source)}{'中的 ' if source == 'body' and field else ' '}{field}".rstrip()
    kind = error.get("type", "")
    if kind in _BOUNDS:
        key, template = _BOUNDS[kind]
        meaning = template.format((error.get("ctx") or {}).get(key, ""))
    else:
        meaning = _MEANING.get(kind, "取值无效")
    return f"{where} {meaning}"


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    messages = list(dict.fromkeys(validation_message(error) for error in exc.errors))
    return error_response(request, 422, "；".join(messages) or DEFAULT_DETAIL[422])


def unknown_endpoint(request, *args, **kwargs):
    """Any other path under /api/: the same JSON 404 as the API's own (lms/urls.py)."""
    return error_response(request, 404, "没有这个接口")


# --- endpoints -----------------------------------------------------------------------------------


class MeOut(Schema):
    username: str
    name: str
    employee_no: str | None = Field(description="工号（没有网格员档案的账号为 null）")
    org_unit: str | None = Field(description="所属组织全称")
    roles: list[str] = Field(description="角色代码：trainee、mentor、trainer、judge、hr、manager")


@api.get("/me", response={200: MeOut, **errors()}, summary="当前用户")
def me(request):
    worker = worker_of(request.user)
    return MeOut(
        username=request.user.get_username(),
        name=worker.name if worker else request.user.get_full_name(),
        employee_no=worker.employee_no if worker else None,
        org_unit=worker.org_unit.full_name if worker else None,
        roles=sorted(roles.user_role_codes(request.user)),
    )


class PasswordChangeIn(Schema):
    current_password: str | None = Field(
        default=None, max_length=128, description="当前密码；首次登录（仍在使用初始密码）时不需要"
    )
    new_password: str = Field(max_length=128, description="新密码：至少 8 位，不能全为数字，不能与初始密码相同")


class DoneOut(Schema):
    detail: str


@api.post(
    "/me/password",
    # Plain session auth: a worker still on the initial password must be able to reach this one.
    auth=SessionAuth(),
    response={200: DoneOut, **errors(400, 422)},
    summary="修改密码",
)
def password_change(request, payload: PasswordChangeIn):
    """Same rules as the 修改密码 page (lms.forms.PasswordSetForm): the current password is required
    unless the worker is on the forced first-login change."""
    from django.contrib.auth import update_session_auth_hash

    from lms.forms import PasswordSetForm
    from lms.services import worker_password_set

    worker = worker_of(request.user)
    first_time = bool(worker and worker.must_change_password)
    data = {
        "current_password": payload.current_password or "",
        "new_password1": payload.new_password,
        "new_password2": payload.new_password,
    }
    form = PasswordSetForm(request.user, data, first_time=first_time)
    if not form.is_valid():
        fields = {
            "current_password": "current_password",
            "new_password1": "new_password",
            "new_password2": "new_password",
        }
        problems = [
            f"{fields.get(name, 'new_password')}：{message}"
            for name, messages in form.errors.items()
            for message in messages
        ]
        raise ApiError(422, "；".join(problems))
    worker_password_set(user=request.user, password=form.cleaned_data["new_password1"])
    update_session_auth_hash(request, request.user)
    return DoneOut(detail="密码已修改")


for _app in (
    "courses",
    "casebank",
    "assessments",
    "assessments.mentorship",
    "assessments.competitions",
    "certificates",
):
    if find_spec(f"{_app}.api") is not None:
        _module = import_module(f"{_app}.api")
        if hasattr(_module, "router"):
            api.add_router("/", _module.router)
