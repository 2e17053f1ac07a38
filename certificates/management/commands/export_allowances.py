from django.core.management.base import BaseCommand, CommandError

from certificates.selectors import parse_month
from certificates.services import CertificateError, allowances_export
from lms.access import EVERYONE


class Command(BaseCommand):
    help = "导出某月全部人员的津贴发放表（.csv 带 BOM / .xlsx）：工号, 姓名, 所属网格, 计发证书, 月津贴(元)。"

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="月份 YYYY-MM")
        parser.add_argument("--output", required=True, help="输出文件 .csv 或 .xlsx")

    def handle(self, *args, **options):
        try:
            # The command has no user: it exports every worker, and says so.
            count = allowances_export(month=parse_month(options["month"]), output=options["output"], viewer=EVERYONE)
        except (ValueError, CertificateError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"已导出 {count} 行到 {options['output']}")
