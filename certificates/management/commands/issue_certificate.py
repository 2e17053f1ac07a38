from django.core.management.base import BaseCommand, CommandError

from certificates.services import CertificateError, certificate_issue
from lms.importing import parse_date
from lms.models import Worker


class Command(BaseCommand):
    help = "颁发一本平台证书；最后一行输出核验码。日期默认今天，不能晚于今天。"

    def add_arguments(self, parser):
        parser.add_argument("--worker", required=True, help="工号")
        parser.add_argument("--type", required=True, help="证书类型代码，如 COURSE")
        parser.add_argument("--date", help="发证日期 YYYY-MM-DD")
        parser.add_argument("--reason", default="", help="颁发事由（印在证书上）")

    def handle(self, *args, **options):
        worker = Worker.objects.filter(employee_no=options["worker"]).first()
        if worker is None:
            raise CommandError(f"未知工号“{options['worker']}”")
        issued_on = None
        if options["date"]:
            try:
                issued_on = parse_date(options["date"])
            except ValueError:
                raise CommandError(f"日期“{options['date']}”格式应为 YYYY-MM-DD") from None
        try:
            certificate = certificate_issue(
                worker=worker, type_code=options["type"], issued_on=issued_on, source_label=options["reason"]
            )
        except CertificateError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"已为 {worker.name}（{worker.employee_no}）颁发{certificate.certificate_type.name}，编号 {certificate.serial_no}"
        )
        self.stdout.write(certificate.verification_code)
