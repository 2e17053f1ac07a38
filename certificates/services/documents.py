"""A certificate's PDF: the sheet it is printed from and the file kept for download."""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone

from certificates import rendering
from certificates.models import Certificate
from certificates.services.common import centre_name, verify_url
from lms.private_media import private_storage


def certificate_sheet(certificate: Certificate) -> rendering.CertificateSheet:
    """What the PDF prints. An external qualification is never printed as a certificate in its
    issuing authority's name: it becomes the centre's 持证登记凭证 of the recorded original."""
    common = dict(
        holder_name=certificate.worker.name,
        employee_no=certificate.worker.employee_no,
        type_name=certificate.certificate_type.name,
        type_code=certificate.certificate_type.code,
        serial_no=certificate.serial_no,
        issued_on=certificate.issued_on,
        valid_until=certificate.valid_until,
        source_label=certificate.source_label,
        verify_url=verify_url(certificate.verification_code),
    )
    if certificate.source == Certificate.Source.EXTERNAL:
        registered = certificate.created_at or timezone.now()
        return rendering.CertificateSheet(
            **common,
            issuer=centre_name(),
            kind="registration",
            original_issuer=certificate.issuer,
            registered_on=timezone.localdate(registered),
        )
    return rendering.CertificateSheet(**common, issuer=certificate.issuer)


def pdf_relpath(certificate_id: int) -> str:
    """Where a certificate's PDF is kept, relative to PRIVATE_MEDIA_ROOT (lms.private_media)."""
    return f"certificates/pdf/{certificate_id // 1000:04d}/{certificate_id}.pdf"


def certificate_pdf_ensure(*, certificate: Certificate) -> str:
    """The private storage name of the certificate's PDF, rendered on first request and kept."""
    relative = certificate.pdf_path or pdf_relpath(certificate.pk)
    path = Path(private_storage().path(relative))
    if not path.exists():
        rendering.render_batch([certificate_sheet(certificate)], [path])
    if certificate.pdf_path != relative:
        Certificate.objects.filter(pk=certificate.pk).update(pdf_path=relative)
        certificate.pdf_path = relative
    return relative
