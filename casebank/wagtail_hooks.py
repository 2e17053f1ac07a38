from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from casebank.models import CaseCategory, Faq, SynonymGroup


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


class SynonymGroupViewSet(SnippetViewSet):
    """Trainers keep the search's synonym groups here (docs/rules.md §10); an edit counts from the
    next search on."""

    model = SynonymGroup
    icon = "list-ul"
    menu_label = "同义词"
    add_to_admin_menu = True
    list_display = ["__str__", "note", "updated_at"]
    # not in the search index: the admin's search filters the words and notes in the database
    search_backend_name = None
    search_fields = ["words", "note"]


register_snippet(CaseCategoryViewSet)
register_snippet(FaqViewSet)
register_snippet(SynonymGroupViewSet)
