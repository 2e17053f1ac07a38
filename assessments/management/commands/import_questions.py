from assessments.services import questions_import
from lms.importing import ImportCommand


class Command(ImportCommand):
    help = "导入试题（.csv/.xlsx/.gift，Moodle XML .xml，Aiken .txt）到测验 NAME：不存在则新建（对全体开放、不限时、不限次数、多选少选得一半、60% 及格）。"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--quiz", required=True, help="测验名称")

    def run_import(self, path, **options):
        return questions_import(path=path, quiz_title=options["quiz"])
