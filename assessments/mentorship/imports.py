"""The 师徒结对 import page (lms.imports): the same service as `manage.py import_mentorships`."""

from __future__ import annotations

from lms.importing import read_rows
from lms.imports import ImportContext, register_import

from .services import IMPORT_COLUMNS

MENTORSHIPS = "mentorship.terms"


def apply_terms(context: ImportContext):
    from .services import terms_import

    return terms_import(rows=read_rows(context.path, required=IMPORT_COLUMNS), actor=context.user)


def register() -> None:
    from .selectors import may_create_terms

    register_import(
        MENTORSHIPS,
        label="师徒结对",
        columns=tuple(IMPORT_COLUMNS),
        required=tuple(IMPORT_COLUMNS),
        example=("GW0002", "GW0001", "2026-12-01", "2027-03-01"),
        apply=apply_terms,
        may_start=may_create_terms,
        homes=("hr", "trainer"),
        notes=(
            "导师须持有“导师”角色；徒弟须在您的管理范围内，不能与导师相同。",
            "计划结束日期在开始日期加 3 个月到加 6 个月之间；徒弟的帮带期不能重叠，导师同时带的徒弟有上限。",
            "与已有帮带期完全相同的行视为已导入，不产生变化。",
        ),
    )
