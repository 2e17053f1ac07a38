"""The 证书/资格 import page (lms.imports): the same service as `manage.py import_certificates`."""

from __future__ import annotations

from lms.importing import read_rows
from lms.imports import ImportContext, register_import

QUALIFICATIONS = "certificates.qualifications"
COLUMNS = ("工号", "证书类型", "证书编号", "发证日期", "有效期至", "发证机关")
# The command has always asked for every column, blank or not; the page asks the same.
REQUIRED = COLUMNS


def apply_qualifications(context: ImportContext):
    from certificates.services import certificates_import

    rows = read_rows(context.path, required=REQUIRED)
    return certificates_import(rows=rows, actor=context.user, viewer=context.user)


def register() -> None:
    from certificates.exports import may_export

    register_import(
        QUALIFICATIONS,
        label="证书/资格",
        columns=COLUMNS,
        required=REQUIRED,
        example=("GW0001", "SW-2", "SW2-2026-000123", "2026-06-30", "", "人力资源和社会保障部"),
        apply=apply_qualifications,
        may_start=may_export,
        homes=("hr",),
        notes=(
            "登记人员已取得的外部职业资格证书；工号须是您管理范围内已有的人员。",
            "证书类型填类型代码：SW-1 助理社会工作师、SW-2 社会工作师、SW-3 高级社会工作师、PSY 心理咨询师、ERS 应急救援员。",
            "证书编号全局唯一；有效期至可空（长期有效）；发证机关可空（取证书类型的发证机关）。",
        ),
    )
