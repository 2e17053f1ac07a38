from assessments.services import metrics_import
from assessments.services.metrics import REQUIRED_COLUMNS
from lms.access import EVERYONE
from lms.importing import ImportCommand, read_rows


class Command(ImportCommand):
    help = (
        "导入业务指标（.csv/.xlsx）：工号, 指标代码, 数值(0–100), 日期, 来源。"
        "同一工号+指标代码+日期+来源数值相同则不变、不同则更新。任一行有误则全部不写入并以状态 2 退出。"
    )

    def run_import(self, path, **options):
        return metrics_import(rows=read_rows(path, required=REQUIRED_COLUMNS), viewer=EVERYONE)
