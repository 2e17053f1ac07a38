from django.apps import AppConfig


class CompetitionsConfig(AppConfig):
    """技能比武 (docs/rules.md, 14): competitions, their rounds, judging, rankings and awards."""

    name = "assessments.competitions"
    label = "competitions"
    verbose_name = "技能比武"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from assessments.hooks import (
            register_attempt_graded,
            register_profile_section,
            register_quiz_gate,
            register_quiz_list_filter,
        )
        from lms.hooks import register_home_section

        from . import services, services_knowledge
        from .views import awards, judging, organiser

        register_attempt_graded(services.knowledge_result_record)
        register_quiz_gate(services_knowledge.paper_gate)
        register_quiz_list_filter(services_knowledge.quiz_list_without_papers)
        register_profile_section(awards.profile_section)
        register_home_section("trainee", organiser.home_section)
        register_home_section("trainee", judging.home_section)
        # Trainers define competitions in the Wagtail admin (wagtail_hooks.py); their group gets the
        # model permissions after every app has migrated (see assessments.apps for the reason).
        post_migrate.connect(_grant_trainer_permissions, dispatch_uid="competitions_trainer_permissions")


TRAINER_MODELS = ("competition", "round", "criterion")


def _grant_trainer_permissions(**kwargs):
    from django.contrib.auth.models import Permission

    from lms import roles
    from lms.services import role_groups_ensure

    group = role_groups_ensure()[roles.TRAINER]
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="competitions", content_type__model__in=TRAINER_MODELS)
    )
