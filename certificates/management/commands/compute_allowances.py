from django.core.management.base import BaseCommand, CommandError

from certificates.selectors import parse_month
from certificates.services import CertificateError, allowance_month_compute


class Command(BaseCommand):
    help = "计算（或重新计算未审批的）某月证书津贴：--month YYYY-MM。"

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="月份 YYYY-MM")

    def handle(self, *args, **options):
        try:
            run = allowance_month_compute(month=parse_month(options["month"]))
        except (ValueError, CertificateError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{run.label}津贴已计算：{run.worker_count} 人，合计 {run.total:.2f} 元（待审批）")
