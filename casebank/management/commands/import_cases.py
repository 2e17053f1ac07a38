from lms.importing import ImportCommand


class Command(ImportCommand):
    help = "导入案例（.jsonl/.xlsx）：标题, 类别, 问题描述, 处置过程, 经验教训, 群众反馈, 标签, 能力指标, 日期；发布到案例库"

    def run_import(self, path, **options):
        from casebank.services import cases_import

        return cases_import(path=path)
