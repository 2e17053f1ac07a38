from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CasebankConfig(AppConfig):
    name = "casebank"
    verbose_name = "案例库与情景模拟"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from casebank.selectors import dashboard_figures
        from casebank.views import home_section
        from lms.hooks import register_dashboard_figure, register_home_section

        register_home_section("trainee", home_section)
        register_dashboard_figure(dashboard_figures)
        from casebank import imports

        imports.register()
        _register_insights_menu_item()
        _register_ranked_models()
        # Categories, the /cases/ and /drills/ pages, trainers' page permissions and the review
        # workflow; after every app's migrate (Wagtail's permissions exist by then).
        post_migrate.connect(_ensure_defaults, dispatch_uid="casebank_defaults")


def _ensure_defaults(**kwargs):
    from casebank.services import casebank_defaults_ensure

    casebank_defaults_ensure()


def _register_ranked_models():
    from casebank.models import CasePage, Faq
    from casebank.search.postings import live_public_pages, register_ranked_model

    register_ranked_model(
        CasePage,
        document=CasePage.search_document,
        sort_key=lambda page: page.case_date.toordinal(),
        listed=live_public_pages,
    )
    register_ranked_model(Faq, document=Faq.search_document)


def _register_insights_menu_item():
    """检索分析 in the Wagtail admin menu, where trainers without a worker record land."""
    from django.urls import reverse_lazy
    from wagtail import hooks
    from wagtail.admin.menu import MenuItem

    class SearchInsightsMenuItem(MenuItem):
        def is_shown(self, request):
            from casebank.selectors import may_see_search_insights

            return may_see_search_insights(request.user)

    @hooks.register("register_admin_menu_item")
    def search_insights_menu_item():
        return SearchInsightsMenuItem(
            "检索分析", reverse_lazy("casebank:search_insights"), name="search-insights", icon_name="search", order=910
        )
