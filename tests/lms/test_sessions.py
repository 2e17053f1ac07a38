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
    assert '人事工作台' in response.content.decode()


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
