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
        from lms import import_kinds

        import_kinds.register()
        from lms.hooks import register_home_section
        from lms.views_imports import hr_home_section, trainer_home_section

        register_home_section("hr", hr_home_section)
        register_home_section("trainee", trainer_home_section)
        # The role groups are reference data every other module relies on; create them on every
        # migrate so a fresh database has them before the first import.
        post_migrate.connect(_ensure_role_groups, sender=self)


def _ensure_role_groups(**kwargs):
    from lms.services import role_groups_ensure

    role_groups_ensure()
