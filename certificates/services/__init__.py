"""State changes of certificates and allowances, one module per sub-domain:

- `issuance`: platform certificates, external qualifications, `import_certificates`, bulk jobs;
- `lifecycle`: revocation, reissue, expiry reminders;
- `documents`: the PDF of a certificate;
- `allowances`: monthly runs (compute, approve, discard), adjustments, one-off incentives;
- `hr_exports`: 津贴发放表, 持证登记表, 一次性奖励 files.

Other apps import from here (`from certificates.services import certificate_issue`).
"""

from certificates.services.allowances import (
    INCENTIVE_DEFAULTS,
    allowance_adjustment_add,
    allowance_month_approve,
    allowance_month_compute,
    allowance_month_discard,
    incentive_award,
)
from certificates.services.common import CertificateError, new_verification_code, verify_url
from certificates.services.documents import certificate_pdf_ensure, certificate_sheet
from certificates.services.hr_exports import allowances_export, certificate_register_export, incentives_export
from certificates.services.issuance import (
    MAX_SCAN_BYTES,
    CertificateImportSummary,
    certificate_issue,
    certificate_record_external,
    certificates_import,
    issuance_job_create,
    issuance_job_run,
    scan_problem,
)
from certificates.services.lifecycle import certificate_expiry_reminders_send, certificate_reissue, certificate_revoke

__all__ = [
    "INCENTIVE_DEFAULTS",
    "MAX_SCAN_BYTES",
    "CertificateError",
    "CertificateImportSummary",
    "allowance_adjustment_add",
    "allowance_month_approve",
    "allowance_month_compute",
    "allowance_month_discard",
    "allowances_export",
    "certificate_expiry_reminders_send",
    "certificate_issue",
    "certificate_pdf_ensure",
    "certificate_record_external",
    "certificate_register_export",
    "certificate_reissue",
    "certificate_revoke",
    "certificate_sheet",
    "certificates_import",
    "incentive_award",
    "incentives_export",
    "issuance_job_create",
    "issuance_job_run",
    "new_verification_code",
    "scan_problem",
    "verify_url",
]
