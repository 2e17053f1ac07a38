"""The JSON API under /api/v1/ (django-ninja, OpenAPI at /api/v1/openapi.json).

Each app that has an `api.py` with a module-level `router` is mounted at /api/v1/ here, so apps do
not edit this file to publish endpoints.
"""

from importlib import import_module
from importlib.util import find_spec

from ninja import NinjaAPI
from ninja.security import django_auth

from lms import roles
from lms.access import worker_of

api = NinjaAPI(
    title="网格学院 API",
    version="1",
    description="网格学院对外接口：案例检索、测验作答、证书核验等。",
    auth=django_auth,
    urls_namespace="api-v1",
)


@api.get("/me", summary="当前用户")
def me(request):
    worker = worker_of(request.user)
    return {
        "username": request.user.get_username(),
        "name": worker.name if worker else request.user.get_full_name(),
        "employee_no": worker.employee_no if worker else None,
        "org_unit": worker.org_unit.full_name if worker else None,
        "roles": sorted(roles.user_role_codes(request.user)),
    }


for _app in ("courses", "casebank", "assessments", "certificates"):
    if find_spec(f"{_app}.api") is not None:
        _module = import_module(f"{_app}.api")
        if hasattr(_module, "router"):
            api.add_router("/", _module.router)
