from django.apps import AppConfig


class MentorshipConfig(AppConfig):
    """导师制 (docs/rules.md, 12): mentorship terms, guidance sessions and the monthly visit board."""

    name = "assessments.mentorship"
    label = "mentorship"
    verbose_name = "导师制"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lms.access import register_scope_provider
        from lms.hooks import register_home_section

        from . import exports, imports, selectors, views

        register_scope_provider(selectors.mentee_scope_q)
        register_home_section("trainee", views.home_section)
        register_home_section("manager", views.staff_home_section)
        register_home_section("hr", views.staff_home_section)
        exports.register()
        imports.register()
