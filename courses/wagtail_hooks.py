"""Admin: trainers see and edit only the courses (and their lessons) owned by their subtree;
in-person sessions and the hours ledger as snippets, scoped the same way."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from courses import selectors
from courses.models import CoursePage, LessonPage, TrainingSession
from lms import roles
from lms.access import org_scope_q
from lms.models import OrgUnit


def _limited(user) -> bool:
    return not user.is_superuser and roles.has_role(user, roles.TRAINER)


def _course_of(page):
    specific = page.specific_class
    if specific is CoursePage:
        return CoursePage.objects.filter(pk=page.pk).first()
    if specific is LessonPage:
        parent = page.get_parent()
        return CoursePage.objects.filter(pk=parent.pk).first()
    return None


def may_manage_page(user, page) -> bool:
    if not _limited(user):
        return True
    course = _course_of(page)
    if course is None:
        return True
    return selectors.courses_managed_by(user).filter(pk=course.pk).exists()


@hooks.register("construct_explorer_page_queryset")
def scope_explorer(parent_page, pages, request):
    if not _limited(request.user):
        return pages
    hidden = CoursePage.objects.exclude(pk__in=selectors.courses_managed_by(request.user).values("pk"))
    hidden_paths = list(hidden.values_list("path", flat=True))
    if not hidden_paths:
        return pages
    q = Q()
    for path in hidden_paths:
        q |= Q(path__startswith=path)
    return pages.exclude(q)


def _guard(request, page):
    if not may_manage_page(request.user, page):
        raise PermissionDenied("只能管理本辖区主办的课程")


@hooks.register("before_edit_page")
def guard_edit(request, page):
    _guard(request, page)


@hooks.register("before_delete_page")
def guard_delete(request, page):
    _guard(request, page)


@hooks.register("before_create_page")
def guard_create(request, parent_page, page_class):
    _guard(request, parent_page)


@hooks.register("before_copy_page")
def guard_copy(request, page):
    _guard(request, page)


@hooks.register("after_create_page")
def default_owner(request, page):
    """A course a trainer creates belongs to their own unit unless they chose one of their subtree."""
    if isinstance(page.specific, CoursePage) and _limited(request.user):
        course = page.specific
        allowed = OrgUnit.objects.filter(org_scope_q(request.user))
        if course.owner_unit_id is None or not allowed.filter(pk=course.owner_unit_id).exists():
            CoursePage.objects.filter(pk=course.pk).update(owner_unit=request.user.worker.org_unit)


def _session_guard(request, session):
    if isinstance(session, TrainingSession) and _limited(request.user):
        if not selectors.sessions_managed_by(request.user).filter(pk=session.pk).exists():
            raise PermissionDenied("只能管理本辖区主办的面授课堂")


@hooks.register("before_edit_snippet")
def guard_session_edit(request, instance):
    _session_guard(request, instance)


@hooks.register("before_delete_snippet")
def guard_session_delete(request, instances):
    for instance in instances:
        _session_guard(request, instance)


class TrainingSessionViewSet(SnippetViewSet):
    model = TrainingSession
    icon = "group"
    menu_label = "面授课堂"
    add_to_admin_menu = True
    menu_order = 210
    list_display = ["title", "starts_at", "place", "capacity", "owner_unit"]
    search_fields = ["title", "place"]
    panels = [
        FieldPanel("title"),
        FieldPanel("course"),
        FieldPanel("owner_unit"),
        FieldPanel("place"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("hours")]),
    ]

    def get_queryset(self, request):
        return selectors.sessions_managed_by(request.user)


register_snippet(TrainingSessionViewSet)
