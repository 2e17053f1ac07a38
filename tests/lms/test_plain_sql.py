"""lms's plain SQL statements give what their ORM twins (tests/plain_sql_twins.py) give, on SQLite
and on PostgreSQL (the suite runs on both): the session load, the request's user with worker and
org unit, the role names and the unread count."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.utils import timezone

from lms import roles
from lms.auth_backends import user_with_worker
from lms.models import Notification
from lms.selectors import unread_notification_count
from lms.services import notification_send
from lms.sessions import SessionStore
from tests import plain_sql_twins as twin

pytestmark = pytest.mark.django_db


def _fields(instance):
    return [(f.attname, getattr(instance, f.attname)) for f in type(instance)._meta.concrete_fields]


def test_session_load(make_worker, city_tree, client):
    worker = make_worker(unit=city_tree["grid_a"])
    client.force_login(worker.user)
    live = client.session.session_key
    expired = SessionStore()
    expired["x"] = 1
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    for key in (live, expired.session_key, "no-such-session-key-0123456789ab", None):
        store = SessionStore(key)
        assert (store.load(), store.session_key) == twin.session_load(key), key
    assert twin.session_load(live)[0]["_auth_user_id"] == str(worker.user.pk)
    assert twin.session_load(expired.session_key) == ({}, None)


def test_user_with_worker(make_worker, city_tree, django_user_model):
    with_profile = make_worker(unit=city_tree["grid_a"], hire_date=dt.date(2025, 12, 31), must_change_password=True)
    bare = make_worker(unit=city_tree["grid_b"])
    admin = django_user_model.objects.create_superuser("root", password="x-Long-Passw0rd")  # no worker profile
    for user_id in (with_profile.user_id, bare.user_id, admin.pk, admin.pk + 1000):
        mine, orm = user_with_worker(user_id), twin.user_with_worker(user_id)
        if orm is None:
            assert mine is None
            continue
        assert _fields(mine) == _fields(orm)
        if not hasattr(orm, "worker"):
            assert not hasattr(mine, "worker")
            continue
        assert _fields(mine.worker) == _fields(orm.worker)
        assert _fields(mine.worker.org_unit) == _fields(orm.worker.org_unit)
        assert mine.worker.user is mine


def test_group_names(make_worker, city_tree, django_user_model):
    several = make_worker(unit=city_tree["street_a"], role_codes=(roles.TRAINEE, roles.HR, roles.TRAINER))
    one = make_worker(unit=city_tree["grid_a"])
    nobody = django_user_model.objects.create_user("nobody", password="x-Long-Passw0rd")
    for user_id in (several.user_id, one.user_id, nobody.pk, nobody.pk + 1000):
        assert sorted(roles._group_names(user_id)) == sorted(twin.group_names(user_id)), user_id
    assert sorted(twin.group_names(several.user_id)) == ["人事", "培训管理员", "网格员"]
    assert twin.group_names(nobody.pk) == []


def test_unread_notification_count(make_worker, city_tree):
    reader = make_worker(unit=city_tree["grid_a"])
    other = make_worker(unit=city_tree["grid_b"])
    assert unread_notification_count(reader.user) == twin.unread_notification_count(reader.user) == 0  # empty
    for n in range(3):
        notification_send(recipient=reader.user, title=f"通知{n}")
    notification_send(recipient=other.user, title="别人的通知")
    Notification.objects.filter(recipient=reader.user, title="通知0").update(read_at=timezone.now())
    for user in (reader.user, other.user, AnonymousUser()):
        assert unread_notification_count(user) == twin.unread_notification_count(user)
    assert unread_notification_count(reader.user) == 2
