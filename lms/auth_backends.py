"""First login of an imported worker: 工号 as user name, the last six characters of the ID number
as password. The worker must then choose a real password (ForcePasswordChangeMiddleware)."""

from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.utils.crypto import constant_time_compare

from lms import sql
from lms.models import OrgUnit, Worker


class GridModelBackend(ModelBackend):
    """Django's backend, loading the worker profile and org unit with the user so that every
    request does not spend more queries on them (the middleware, context processor and scoping all
    need them). Every request does this, so it is one plain SQL join (lms/sql.py)."""

    def get_user(self, user_id):
        user = user_with_worker(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


@functools.cache
def _readers() -> tuple[sql.RowReader, sql.RowReader, sql.RowReader]:
    return sql.RowReader(get_user_model(), "u"), sql.RowReader(Worker, "w"), sql.RowReader(OrgUnit, "o")


def user_with_worker(user_id):
    """The user with `worker` and `worker.org_unit` already loaded, as select_related would."""
    users, workers, units = _readers()
    row = sql.fetch_one(
        f"SELECT {users.columns}, {workers.columns}, {units.columns} FROM {sql.table(get_user_model())} u "
        f"LEFT JOIN {sql.table(Worker)} w ON w.user_id = u.id LEFT JOIN {sql.table(OrgUnit)} o ON o.id = w.org_unit_id "
        "WHERE u.id = %s",
        [user_id],
    )
    if row is None:
        return None
    user = users.instance(row[: users.width])
    worker = workers.instance(row[users.width : users.width + workers.width])
    user_field = Worker._meta.get_field("user")
    user_field.remote_field.set_cached_value(user, worker)  # user.worker (None: no profile)
    if worker is not None:
        user_field.set_cached_value(worker, user)
        Worker._meta.get_field("org_unit").set_cached_value(worker, units.instance(row[users.width + workers.width :]))
    return user


class InitialPasswordBackend(GridModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        worker = Worker.objects.select_related("user").filter(employee_no=username, must_change_password=True).first()
        if worker is None or worker.user.has_usable_password() or len(worker.id_number) < 6:
            return None
        if constant_time_compare(password.upper(), worker.id_number[-6:].upper()) and self.user_can_authenticate(
            worker.user
        ):
            return worker.user
        return None
