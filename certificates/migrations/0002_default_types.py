"""Default certificate types and their sample allowance standards (docs/rules.md, "证书"), so every command
works on a freshly migrated database."""

from django.db import migrations

from certificates.defaults import ensure_default_types


def create_types(apps, schema_editor):
    ensure_default_types(apps.get_model("certificates", "CertificateType"), apps.get_model("certificates", "AllowanceRate"))


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_initial")]
    operations = [migrations.RunPython(create_types, migrations.RunPython.noop)]
