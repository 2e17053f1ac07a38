from django.core.management.base import BaseCommand, CommandError

from certificates.selectors import parse_month
from certificates.services import CertificateError, allowance_month_approve


class Command(BaseCommand):
    help = "审批某月津贴（审批后冻结，更正只能在以后月份录入调整）：--month YYYY-MM。"

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="月份 YYYY-MM")

    def handle(self, *args, **options):
        try:
            run = allowance_month_approve(month=parse_month(options["month"]))
        except (ValueError, CertificateError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{run.label}津贴已审批：{run.worker_count} 人，合计 {run.total:.2f} 元")
