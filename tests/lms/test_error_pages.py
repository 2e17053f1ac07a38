"""The error pages (400, 403, 404, 500, CSRF failure) are Chinese, in the site's layout, with a way back;
the favicon answers at /favicon.ico and every page links it."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client, override_settings
from django.urls import path

from lms import roles
from lms.urls import urlpatterns as site_urlpatterns


def _raise_permission_denied(request):
    raise PermissionDenied("只能查看本辖区的人员")


def _raise_bare_permission_denied(request):
    raise PermissionDenied


def _raise_suspicious(request):
    raise SuspiciousOperation("bad")


def _raise_error(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("boom/403/", _raise_permission_denied),
    path("boom/403-bare/", _raise_bare_permission_denied),
    path("boom/400/", _raise_suspicious),
    path("boom/500/", _raise_error),
    *site_urlpatterns,
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.lms.test_error_pages")]


def _assert_site_error_page(response, status: int, heading: str):
    html = response.content.decode()
    assert response.status_code == status
    assert heading in html
    assert 'data-testid="error-page"' in html
    assert '<a class="btn" href="/" data-testid="error-home">返回首页</a>' in html
    assert "history.back()" in html
    assert 'class="topbar"' in html  # the site's layout (base.html), not Django's bare page
    assert "lms/site.css" in html
    for english in ("Not Found", "Forbidden", "Server Error", "Bad Request", "CSRF verification failed"):
        assert english not in html


@override_settings(DEBUG=False)
def test_404_is_our_chinese_page_and_lists_no_url_patterns(client, city_tree, make_worker):
    worker = make_worker(unit=city_tree["grid_a"])
    client.force_login(worker.user)
    response = client.get("/no-such-page/")
    _assert_site_error_page(response, 404, "页面不存在")
    assert "URLconf" not in response.content.decode()
    assert "退出" in response.content.decode()  # a signed-in user keeps the navigation


@override_settings(DEBUG=False)
def test_403_shows_the_reason_when_there_is_one(client, city_tree, make_worker):
    client.force_login(make_worker(unit=city_tree["grid_a"]).user)
    _assert_site_error_page(client.get("/boom/403/"), 403, "只能查看本辖区的人员")
    _assert_site_error_page(client.get("/boom/403-bare/"), 403, "您没有访问此页面的权限")


@override_settings(DEBUG=False)
def test_api_docs_refusal_uses_the_same_403_page(client, city_tree, make_worker):
    client.force_login(make_worker(unit=city_tree["grid_a"], role_codes=(roles.TRAINEE,)).user)
    _assert_site_error_page(client.get("/api/v1/docs"), 403, "接口文档仅供")


@override_settings(DEBUG=False)
def test_400_page(client):
    _assert_site_error_page(client.get("/boom/400/"), 400, "请求有误")


@override_settings(DEBUG=False)
def test_500_page_needs_neither_database_nor_context_processors(city_tree, make_worker, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(make_worker(unit=city_tree["grid_a"]).user)

    def navigation_broken(request):
        raise RuntimeError("context processor down")

    monkeypatch.setattr("lms.context_processors.navigation", navigation_broken)
    response = client.get("/boom/500/")
    _assert_site_error_page(response, 500, "系统出错")


@override_settings(DEBUG=False)
def test_csrf_failure_page(city_tree, make_worker):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_worker(unit=city_tree["grid_a"]).user)
    response = client.post("/notifications/read-all/")
    _assert_site_error_page(response, 403, "页面已过期")


def test_favicon_answers_and_is_linked(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    html = client.get("/").content.decode()
    assert 'rel="icon"' in html and "lms/favicon.svg" in html
