"""Default certificate types and their sample allowance standards (DESIGN.md), so every command
works on a freshly migrated database."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

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


def create_types(apps, schema_editor):
    CertificateType = apps.get_model("certificates", "CertificateType")
    AllowanceRate = apps.get_model("certificates", "AllowanceRate")
    for order, (code, name, family, family_name, level, months, platform, counts, issuer, amount) in enumerate(DEFAULT_TYPES):
        ctype, _ = CertificateType.objects.get_or_create(
            code=code,
            defaults=dict(
                name=name, family=family, family_name=family_name, level=level, validity_months=months,
                platform_issued=platform, counts_for_rate=counts, default_issuer=issuer, sort_order=order,
            ),
        )
        if amount is not None:
            AllowanceRate.objects.get_or_create(
                certificate_type=ctype, effective_from=RATES_FROM,
                defaults={"monthly_amount": Decimal(amount), "note": "示例标准"},
            )


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_initial")]
    operations = [migrations.RunPython(create_types, migrations.RunPython.noop)]
