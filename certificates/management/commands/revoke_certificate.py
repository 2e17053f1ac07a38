from django.core.management.base import BaseCommand, CommandError

from certificates.models import Certificate
from certificates.services import CertificateError, certificate_revoke
from lms.importing import parse_date


class Command(BaseCommand):
    help = "撤销证书（按核验码，也接受证书编号）。日期默认今天，不能晚于今天；已撤销的证书不能重复撤销。"

    def add_arguments(self, parser):
        parser.add_argument("code", help="核验码或证书编号")
        parser.add_argument("--reason", required=True, help="撤销原因")
        parser.add_argument("--date", help="撤销日期 YYYY-MM-DD")

    def handle(self, *args, **options):
        code = options["code"].strip()
        certificate = (
            Certificate.objects.filter(verification_code=code).first()
            or Certificate.objects.filter(serial_no=code).first()
        )
        if certificate is None:
            raise CommandError(f"未找到核验码为“{code}”的证书")
        revoked_on = None
        if options["date"]:
            try:
                revoked_on = parse_date(options["date"])
            except ValueError:
                raise CommandError(f"日期“{options['date']}”格式应为 YYYY-MM-DD") from None
        try:
            certificate = certificate_revoke(certificate=certificate, reason=options["reason"], revoked_on=revoked_on)
        except CertificateError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"证书 {certificate.serial_no} 已于 {certificate.revoked_on:%Y-%m-%d} 撤销")
