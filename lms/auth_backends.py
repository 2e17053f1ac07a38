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
def _user_with_worker_sql() -> tuple[str, sql.RowReader, sql.RowReader, sql.RowReader]:
    User = get_user_model()
    users, workers, units = sql.RowReader(User, "u"), sql.RowReader(Worker, "w"), sql.RowReader(OrgUnit, "o")
    u, w, o = sql.columns(User, "u"), sql.columns(Worker, "w"), sql.columns(OrgUnit, "o")
    statement = (
        f"SELECT {users.columns}, {workers.columns}, {units.columns} FROM {sql.table(User)} u "
        f"LEFT JOIN {sql.table(Worker)} w ON {w.user} = {u.pk} LEFT JOIN {sql.table(OrgUnit)} o ON {o.pk} = {w.org_unit} "
        f"WHERE {u.pk} = %s"
    )
    return statement, users, workers, units


def user_with_worker(user_id):
    """The user with `worker` and `worker.org_unit` already loaded, as select_related would.

    Buys: both benches, every request (~190 lesson pages/s, ~470 saves/s): ORM twin +2,370 Python calls."""
    statement, users, workers, units = _user_with_worker_sql()
    row = sql.fetch_one(statement, [user_id])
    if row is None:
        return None
    user = users.instance(row[: users.width])
    worker = workers.instance(row[users.width : users.width + workers.width])
    sql.cache_related(user, "worker", worker)  # None: a login without a worker profile
    if worker is not None:
        sql.cache_related(worker, "user", user)
        sql.cache_related(worker, "org_unit", units.instance(row[users.width + workers.width :]))
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
