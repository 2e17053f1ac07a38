from django.core.management.base import BaseCommand, CommandError

from certificates.selectors import parse_month
from certificates.services import CertificateError, allowance_month_discard


class Command(BaseCommand):
    help = "舍弃某个未审批的津贴月份（连同明细删除，写审计日志）：--month YYYY-MM。"

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="月份 YYYY-MM")

    def handle(self, *args, **options):
        try:
            month = parse_month(options["month"])
            allowance_month_discard(month=month)
        except (ValueError, CertificateError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{month.year}年{month.month}月津贴已舍弃")
