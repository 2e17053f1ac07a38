from certificates.imports import REQUIRED
from certificates.services import certificates_import
from lms.importing import ImportCommand, read_rows


class Command(ImportCommand):
    help = "导入外部资格证书（.csv/.xlsx）：工号, 证书类型, 证书编号, 发证日期, 有效期至, 发证机关。任一行有误则全部不写入并以状态 2 退出。"

    def run_import(self, path, **options):
        return certificates_import(rows=read_rows(path, required=REQUIRED))
