"""Default certificate types (docs/rules.md, "证书") as plain data shared by the data migration and tests)."""

import datetime as dt
from decimal import Decimal

# code, name, family, family name, level, validity months, platform issued, counts for 持证率, issuer, amount
DEFAULT_TYPES = [
    ("SW-1", "助理社会工作师", "SW", "社会工作者", 1, None, False, True, "人力资源和社会保障部", "200.00"),
    ("SW-2", "社会工作师", "SW", "社会工作者", 2, None, False, True, "人力资源和社会保障部", "300.00"),
    ("SW-3", "高级社会工作师", "SW", "社会工作者", 3, None, False, True, "人力资源和社会保障部", "500.00"),
    ("PSY", "心理咨询师", "", "", 0, None, False, True, "人力资源和社会保障部", "200.00"),
    ("ERS", "应急救援员", "", "", 0, 36, False, True, "应急管理部门", "200.00"),
    ("COURSE", "结业证书", "", "", 0, None, True, False, "网格学院", None),
    ("AWARD", "竞赛获奖证书", "", "", 0, None, True, False, "网格学院", None),
    ("HONOR", "荣誉称号", "", "", 0, None, True, False, "网格学院", None),
]
RATES_FROM = dt.date(2020, 1, 1)


def ensure_default_types(CertificateType, AllowanceRate) -> None:
    """Create the default types and rates that are missing (takes model classes: the data migration
    passes its historical models)."""
    for order, (code, name, family, family_name, level, months, platform, counts, issuer, amount) in enumerate(
        DEFAULT_TYPES
    ):
        ctype, _ = CertificateType.objects.get_or_create(
            code=code,
            defaults=dict(
                name=name,
                family=family,
                family_name=family_name,
                level=level,
                validity_months=months,
                platform_issued=platform,
                counts_for_rate=counts,
                default_issuer=issuer,
                sort_order=order,
            ),
        )
        if amount is not None and not AllowanceRate.objects.filter(certificate_type=ctype).exists():
            AllowanceRate.objects.create(
                certificate_type=ctype, effective_from=RATES_FROM, monthly_amount=Decimal(amount), note="示例标准"
            )
