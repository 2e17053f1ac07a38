from django.core.management.base import CommandError

from lms.importing import ImportCommand, read_rows

from ...models import Round
from ...services_scores import SCORE_COLUMNS, judge_scores_import


class Command(ImportCommand):
    help = (
        "导入纸质评分表（.csv/.xlsx）：评委工号, 选手工号, 得分。任一行有误则全部不写入并以状态 2 退出；"
        "再次导入替换同一评委对同一选手的评分，不会重复；同一文件重复导入不产生变化。"
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--competition", required=True, help="比赛名称")
        parser.add_argument("--round", required=True, help="轮次名称")

    def run_import(self, path, **options):
        round_ = (
            Round.objects.select_related("competition")
            .filter(competition__name=options["competition"], name=options["round"])
            .first()
        )
        if round_ is None:
            raise CommandError(f"未找到比赛“{options['competition']}”的轮次“{options['round']}”")
        return judge_scores_import(round_=round_, rows=read_rows(path, required=SCORE_COLUMNS), actor=None)
