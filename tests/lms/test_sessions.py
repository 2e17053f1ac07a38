"""Sessions are read with plain SQL (lms/sessions.py): expiry and logout must still end them."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from lms import roles

pytestmark = pytest.mark.django_db


def test_a_signed_in_session_opens_pages_and_shows_the_roles(make_worker, city_tree, client):
    trainer = make_worker(unit=city_tree["street_a"], role_codes=(roles.TRAINEE, roles.HR))
    client.force_login(trainer.user)
    response = client.get("/me/")
    assert response.status_code == 200
    assert response.context["role_codes"] == {roles.TRAINEE, roles.HR}
    assert "人事工作台" in response.content.decode()


def test_an_expired_session_is_sent_to_login(make_worker, city_tree, client):
    worker = make_worker(unit=city_tree["grid_a"])
    client.force_login(worker.user)
    assert client.get("/me/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/me/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_logout_ends_the_session_for_a_copied_cookie(make_worker, city_tree, client, django_user_model):
    from django.test import Client

    worker = make_worker(unit=city_tree["grid_a"])
    client.force_login(worker.user)
    copy = Client()
    copy.cookies["sessionid"] = client.cookies["sessionid"].value
    assert copy.get("/me/").status_code == 200
    client.post("/logout/")
    assert copy.get("/me/").status_code == 302


def test_the_request_user_is_loaded_with_worker_and_unit_as_the_orm_would(
    make_worker, city_tree, django_assert_num_queries
):
    from django.contrib.auth import get_user_model

    from lms.auth_backends import user_with_worker

    worker = make_worker(unit=city_tree["grid_a"], hire_date=dt.date(2026, 3, 1), must_change_password=True)
    with django_assert_num_queries(1):
        user = user_with_worker(worker.user.pk)
        loaded = user.worker
        unit = loaded.org_unit
    expected = get_user_model().objects.select_related("worker__org_unit").get(pk=worker.user.pk)
    for a, b in ((user, expected), (loaded, expected.worker), (unit, expected.worker.org_unit)):
        assert [getattr(a, f.attname) for f in type(a)._meta.concrete_fields] == [
            getattr(b, f.attname) for f in type(b)._meta.concrete_fields
        ]
    assert loaded.hire_date == dt.date(2026, 3, 1) and loaded.must_change_password is True and loaded.user is user


def test_a_login_without_worker_profile_loads_and_has_none(db, django_user_model):
    from lms.access import worker_of
    from lms.auth_backends import user_with_worker

    admin = django_user_model.objects.create_superuser("root", password="x-Long-Passw0rd")
    user = user_with_worker(admin.pk)
    assert user.is_superuser is True and worker_of(user) is None
    assert user_with_worker(admin.pk + 1000) is None
