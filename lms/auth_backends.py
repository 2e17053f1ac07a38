"""First login of an imported worker: 工号 as user name, the last six characters of the ID number
as password. The worker must then choose a real password (ForcePasswordChangeMiddleware)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.utils.crypto import constant_time_compare

from lms.models import Worker


class GridModelBackend(ModelBackend):
    """Django's backend, loading the worker profile with the user so that every request does not
    spend a second query on it (the middleware, context processor and scoping all need it)."""

    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("worker__org_unit").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class InitialPasswordBackend(GridModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        worker = (
            Worker.objects.select_related("user")
            .filter(employee_no=username, must_change_password=True)
            .first()
        )
        if worker is None or worker.user.has_usable_password() or len(worker.id_number) < 6:
            return None
        if constant_time_compare(password.upper(), worker.id_number[-6:].upper()) and self.user_can_authenticate(
            worker.user
        ):
            return worker.user
        return None
