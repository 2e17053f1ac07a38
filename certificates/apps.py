from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = "证书与津贴"

    def ready(self):
        from lms.hooks import register_dashboard_figure, register_home_section

        from . import exports, imports
        from .home import hr_section, trainee_section
        from .selectors import dashboard_figures

        register_home_section("trainee", trainee_section)
        register_home_section("hr", hr_section)
        register_dashboard_figure(dashboard_figures)
        exports.register()
        imports.register()
