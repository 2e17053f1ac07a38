from django.core.management.base import BaseCommand

from lms.private_media import legacy_private_files_move


class Command(BaseCommand):
    help = "把旧版本写在 MEDIA_ROOT 下的私有文件（证书 PDF 与扫描件、批量打印 PDF、导出文件、案例汇编）移到 PRIVATE_MEDIA_ROOT；可重复运行，不覆盖已有文件。"

    def handle(self, *args, **options):
        self.stdout.write(str(legacy_private_files_move()))
