from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "课程与学时"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from assessments.hooks import register_attempt_graded
        from courses import exports, services
        from courses.selectors import dashboard_figures
        from courses.views import home_section
        from lms.hooks import register_dashboard_figure, register_home_section, register_worker_imported

        register_home_section("trainee", home_section)
        register_dashboard_figure(dashboard_figures)
        register_attempt_graded(services.on_attempt_graded)
        register_worker_imported(services.on_workers_imported)
        exports.register()
        # The course centre and the trainers' page permissions need Wagtail's and auth's rows,
        # which exist only after every app has migrated (see assessments.apps for the same reason).
        post_migrate.connect(_ensure_course_index, dispatch_uid="courses_course_index")


def _ensure_course_index(**kwargs):
    from courses.services import course_index_ensure
    from lms.models import HomePage

    if HomePage.objects.exists():
        course_index_ensure()
    _grant_trainer_model_permissions()


def _grant_trainer_model_permissions():
    from django.contrib.auth.models import Permission

    from lms import roles
    from lms.services import role_groups_ensure

    group = role_groups_ensure()[roles.TRAINER]
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="courses", content_type__model="trainingsession")
    )
