from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Quiz
from assessments.services import quiz_export_bank


class Command(BaseCommand):
    help = "导出测验的试题到 .xlsx、.gift 或 .xml（Moodle XML；与 import_questions 的格式一致，可原样导回）。"

    def add_arguments(self, parser):
        parser.add_argument("--quiz", required=True, help="测验名称")
        parser.add_argument("--output", required=True, help="输出文件（.xlsx、.gift 或 .xml）")

    def handle(self, *args, **options):
        quiz = Quiz.objects.filter(title=options["quiz"]).first()
        if quiz is None:
            raise CommandError(f"没有名为“{options['quiz']}”的测验")
        output = Path(options["output"])
        fmt = output.suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "gift", "xml"):
            raise CommandError("输出文件应为 .xlsx、.gift 或 .xml")
        notes = quiz_export_bank(quiz=quiz, target=str(output), fmt=fmt)
        for note in notes:
            self.stderr.write(note)
        self.stdout.write(f"已导出 {quiz.slots.count() - len(notes)} 道题到 {output}")
