"""The 人员 import, registered with lms.imports (the pages) from LmsConfig.ready()."""

from __future__ import annotations

from lms import roles
from lms.importing import read_rows
from lms.imports import ImportContext, register_import

WORKERS = "lms.workers"
WORKER_COLUMNS = ("工号", "姓名", "身份证号", "手机号", "所属网格", "入职日期", "角色")
WORKER_REQUIRED = ("工号", "姓名", "身份证号", "所属网格")


def may_import_workers(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or roles.has_role(user, roles.HR)


def apply_workers(context: ImportContext):
    from lms.services import workers_import

    rows = read_rows(context.path, required=WORKER_REQUIRED)
    return workers_import(rows=rows, actor=context.user, viewer=context.user)


def register() -> None:
    register_import(
        WORKERS,
        label="人员",
        columns=WORKER_COLUMNS,
        required=WORKER_REQUIRED,
        example=(
            "GW0001",
            "张三",
            "11010519491231002X",
            "13800138000",
            "临江市/江北区/城关街道/东门社区/第一网格",
            "2026-03-01",
            "网格员",
        ),
        apply=apply_workers,
        may_start=may_import_workers,
        homes=("hr",),
        notes=(
            "工号、姓名、身份证号、所属网格必填；所属网格写“市/区/街道/社区/网格”五级路径，须在您的管理范围内。",
            "角色用“;”分隔（网格员、导师、培训管理员、评委、人事、管理者），空白为网格员。",
            "已有工号按文件内容更新；新工号的初始密码为身份证号后 6 位，首次登录须修改。",
        ),
    )
