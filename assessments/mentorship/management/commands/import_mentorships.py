from lms.importing import ImportCommand, read_rows

from ...services import IMPORT_COLUMNS, terms_import


class Command(ImportCommand):
    help = (
        "导入导师帮带期（.csv/.xlsx）：导师工号, 徒弟工号, 开始日期, 计划结束日期。"
        "任一行有误则全部不写入并以状态 2 退出；与已有帮带期完全相同的行不产生变化。"
    )

    def run_import(self, path, **options):
        return terms_import(rows=read_rows(path, required=IMPORT_COLUMNS))
