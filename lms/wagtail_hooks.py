"""Trainers work in the Wagtail admin; its menu links to the 批量导入 pages they may use."""

from django.urls import reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem


class ImportsMenuItem(MenuItem):
    def is_shown(self, request):
        from lms.imports import import_kinds_for

        return bool(import_kinds_for(request.user))


@hooks.register("register_admin_menu_item")
def imports_menu_item():
    return ImportsMenuItem("批量导入", reverse_lazy("imports"), name="imports", icon_name="upload", order=900)
