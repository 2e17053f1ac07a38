from django.apps import AppConfig
from django.db.models.signals import post_migrate


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "网格学院核心"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core import checks

        from lms.private_media import private_media_check

        checks.register(private_media_check)
        # The role groups are reference data every other module relies on; create them on every
        # migrate so a fresh database has them before the first import.
        post_migrate.connect(_ensure_role_groups, sender=self)


def _ensure_role_groups(**kwargs):
    from lms.services import role_groups_ensure

    role_groups_ensure()
