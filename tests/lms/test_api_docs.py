"""/api/v1/docs: Swagger UI from django-ninja's bundled static files (works offline), for staff."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from lms import roles

pytestmark = pytest.mark.django_db

DOCS = "/api/v1/docs"


@pytest.mark.parametrize("role", [roles.TRAINER, roles.HR, roles.MANAGER, roles.JUDGE])
def test_staff_get_the_page_with_local_assets_only(client, city_tree, make_worker, role):
    client.force_login(make_worker(unit=city_tree["city"], role_codes={role}).user)
    response = client.get(DOCS)
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "nothing is fetched from another host"
    for cdn in ("cdn.jsdelivr", "unpkg.com", "cdnjs"):
        assert cdn not in html
    assets = re.findall(r"(?:src|href)=\"/static/([^\"]+)\"", html)
    assert "ninja/swagger-ui-bundle.js" in assets and "ninja/swagger-ui.css" in assets
    for asset in assets:
        assert finders.find(asset), asset
    assert "/api/v1/openapi.json" in html
    assert '"validatorUrl": null' in html  # Swagger UI's badge would call validator.swagger.io


def test_superuser_without_worker_profile_gets_the_page(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x-Long-Passw0rd")
    client.force_login(admin)
    assert client.get(DOCS).status_code == 200


@pytest.mark.parametrize("role", [roles.TRAINEE, roles.MENTOR])
def test_trainees_and_mentors_are_refused_in_chinese(client, city_tree, make_worker, role):
    client.force_login(make_worker(unit=city_tree["grid_a"], role_codes={role}).user)
    response = client.get(DOCS)
    assert response.status_code == 403
    assert "接口文档仅供" in response.content.decode()


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(DOCS)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={DOCS}"


def test_ninja_is_an_installed_app_for_its_templates_and_static_files():
    assert "ninja" in settings.INSTALLED_APPS
