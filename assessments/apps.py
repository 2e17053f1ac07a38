from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "测评、能力模型与竞赛"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from assessments import exports, imports
        from assessments.selectors import dashboard_figures
        from assessments.views import self_metrics, surveys
        from assessments.views.competency import home_section as competency_section
        from assessments.views.competency import staff_section
        from assessments.views.quizzes import home_section
        from lms.hooks import register_dashboard_figure, register_home_section

        register_home_section("trainee", home_section)
        register_home_section("trainee", surveys.trainee_home_section)
        register_home_section("manager", surveys.manager_home_section)
        register_home_section("trainee", staff_section)
        register_home_section("hr", staff_section)
        for page in ("trainee", "manager", "hr"):
            register_home_section(page, competency_section)
        register_home_section("trainee", self_metrics.trainee_home_section)
        register_home_section("hr", self_metrics.hr_home_section)
        register_dashboard_figure(dashboard_figures)
        exports.register()
        imports.register()
        # Trainers edit the bank, quizzes and the competency model in the Wagtail admin; their
        # group gets the model permissions once they exist. Django creates an app's permissions in
        # a post_migrate receiver connected after this one, so this runs after every app's migrate.
        post_migrate.connect(_grant_trainer_permissions, dispatch_uid="assessments_trainer_permissions")
        post_migrate.connect(_ensure_competency_defaults, sender=self)


TRAINER_MODELS = (
    "question",
    "quiz",
    "quizquestion",
    "quizdrawrule",
    "competencymodel",
    "indicator",
    "competencysettings",
)


def _grant_trainer_permissions(**kwargs):
    from django.contrib.auth.models import Permission

    from lms import roles
    from lms.services import role_groups_ensure

    group = role_groups_ensure()[roles.TRAINER]
    permissions = Permission.objects.filter(
        content_type__app_label="assessments", content_type__model__in=TRAINER_MODELS
    )
    group.permissions.add(*permissions)


def _ensure_competency_defaults(**kwargs):
    from assessments.services import competency_defaults_ensure

    competency_defaults_ensure()
