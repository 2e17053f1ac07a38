from django.core.management.base import BaseCommand

from assessments.services import competency_recompute_period
from lms.periods import PeriodError


class Command(BaseCommand):
    help = (
        "重新计算全部人员的能力得分（docs/rules.md 7.1）。不带参数为今年和本季度；--period 2026 为该年及其四个季度；"
        "--period 2026-Q2 为该季度。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", help="年份（如 2026）或季度（如 2026-Q2）")

    def handle(self, *args, **options):
        try:
            summary = competency_recompute_period(period=options["period"])
        except PeriodError as wrong:
            self.stderr.write(str(wrong))
            raise SystemExit(2) from None
        self.stdout.write(summary.message)
