"""Files holding personal data move to PRIVATE_MEDIA_ROOT, which no URL maps.

Export job files get the private storage; the files earlier versions wrote under MEDIA_ROOT
(certificate PDFs and scans, batch PDFs, export files, case compilations) are moved to the same
relative names under PRIVATE_MEDIA_ROOT, so the names stored in the database still find them.
Reversing moves them back.
"""

import sys

from django.conf import settings
from django.db import migrations, models

import lms.models
import lms.private_media


def move_to_private_root(apps, schema_editor):
    report = lms.private_media.legacy_private_files_move(settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT)
    if report.moved or report.conflicts:
        sys.stdout.write(f"\n  {report}（{settings.MEDIA_ROOT} → {settings.PRIVATE_MEDIA_ROOT}）\n")


def move_back_to_media_root(apps, schema_editor):
    report = lms.private_media.legacy_private_files_move(settings.PRIVATE_MEDIA_ROOT, settings.MEDIA_ROOT)
    if report.moved or report.conflicts:
        sys.stdout.write(f"\n  {report}（{settings.PRIVATE_MEDIA_ROOT} → {settings.MEDIA_ROOT}）\n")


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0004_maintenance_schedules"),
    ]

    operations = [
        migrations.AlterField(
            model_name="exportjob",
            name="file",
            field=models.FileField(
                blank=True,
                storage=lms.private_media.private_storage,
                upload_to=lms.models._export_upload_to,
                verbose_name="文件",
            ),
        ),
        migrations.RunPython(move_to_private_root, move_back_to_media_root, elidable=False),
    ]
