from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CasebankConfig(AppConfig):
    name = "casebank"
    verbose_name = "案例库与情景模拟"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lms.hooks import register_home_section

        from casebank.views import home_section

        register_home_section("trainee", home_section)
        # Categories, the /cases/ and /drills/ pages, trainers' page permissions and the review
        # workflow; after every app's migrate (Wagtail's permissions exist by then).
        post_migrate.connect(_ensure_defaults, dispatch_uid="casebank_defaults")


def _ensure_defaults(**kwargs):
    from casebank.services import casebank_defaults_ensure

    casebank_defaults_ensure()
