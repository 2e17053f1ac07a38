from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from casebank.models import CaseCategory, Faq


class CaseCategoryViewSet(SnippetViewSet):
    model = CaseCategory
    icon = "tag"
    menu_label = "案例类别"
    add_to_admin_menu = True
    list_display = ["name", "order"]


class FaqViewSet(SnippetViewSet):
    model = Faq
    icon = "help"
    menu_label = "常见问题"
    add_to_admin_menu = True
    list_display = ["question", "category", "updated_at"]
    list_filter = ["category"]
    search_fields = ["question", "answer"]


register_snippet(CaseCategoryViewSet)
register_snippet(FaqViewSet)
