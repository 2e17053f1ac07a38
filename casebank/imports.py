"""The 案例 import page (lms.imports): the same service as `manage.py import_cases`."""

from __future__ import annotations

from lms import roles
from lms.importing import read_rows
from lms.imports import ImportContext, register_import

CASES = "casebank.cases"
COLUMNS = ("标题", "类别", "问题描述", "处置过程", "经验教训", "群众反馈", "标签", "能力指标", "日期")


def may_import_cases(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or roles.has_role(user, roles.TRAINER)


def read_cases(path):
    from casebank.services import CASE_COLUMNS

    return read_rows(path, required=CASE_COLUMNS)


def apply_cases(context: ImportContext):
    from casebank.services import cases_import

    return cases_import(path=context.path, user=context.user)


def register() -> None:
    register_import(
        CASES,
        label="案例",
        columns=COLUMNS,
        example=(
            "楼道堆物引发邻里纠纷的调解",
            "邻里纠纷",
            "三楼住户长期在楼道堆放杂物，邻居多次投诉。",
            "上门了解原因，协调物业清运，约定每月联合巡查。",
            "先听双方诉求，再找共同利益。",
            "双方满意，楼道恢复通畅。",
            "邻里纠纷;消防安全",
            "",
            "2026-10-15",
        ),
        formats=(".xlsx", ".csv", ".jsonl"),
        read=read_cases,
        apply=apply_cases,
        may_start=may_import_cases,
        homes=("trainer",),
        notes=(
            "标题、类别、问题描述、处置过程、日期必填；类别须是案例库已有的类别。",
            "标签、能力指标用“;”分隔，能力指标写编码，如 2.3；日期不能晚于今天。",
            "以“标题 + 日期”判断是否同一案例：内容相同则不动，不同则更新并发布新版本。",
        ),
    )
