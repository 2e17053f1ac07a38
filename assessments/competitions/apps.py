from django.apps import AppConfig


class CompetitionsConfig(AppConfig):
    """技能比武 (docs/rules.md, 14): competitions, their rounds, judging, rankings and awards."""

    name = "assessments.competitions"
    label = "competitions"
    verbose_name = "技能比武"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from assessments.hooks import register_attempt_graded, register_quiz_gate, register_quiz_list_filter

        from . import services, services_knowledge

        register_attempt_graded(services.knowledge_result_record)
        register_quiz_gate(services_knowledge.paper_gate)
        register_quiz_list_filter(services_knowledge.quiz_list_without_papers)
