"""First login of an imported worker: 工号 as user name, the last six characters of the ID number
as password. The worker must then choose a real password (ForcePasswordChangeMiddleware)."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.utils.crypto import constant_time_compare

from lms.models import Worker


class InitialPasswordBackend(ModelBackend):
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
