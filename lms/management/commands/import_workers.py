from lms.importing import ImportCommand, read_rows
from lms.services import workers_import


class Command(ImportCommand):
    help = "导入人员（CSV/XLSX）：工号, 姓名, 身份证号, 手机号, 所属网格, 入职日期, 角色。任一行有误则全部不写入，退出码 2。"

    def run_import(self, path, **options):
        rows = read_rows(path, required=("工号", "姓名", "身份证号", "所属网格"))
        return workers_import(rows=rows)
