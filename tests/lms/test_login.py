"""Login in Chinese with rate limiting per account and per IP."""

import pytest
from django.test import override_settings
from django.urls import reverse

from lms.models import LoginFailure


@pytest.fixture
def trainee(city_tree, make_worker):
    return make_worker(unit=city_tree["grid_a"])


def login(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_page_is_chinese(client):
    body = client.get(reverse("login")).content.decode()
    assert "登录网格学院" in body and "工号" in body


def test_good_password_logs_in_and_lands_on_home(client, trainee):
    response = login(client, trainee.employee_no, "Test@12345")
    assert response.status_code == 302
    assert client.get("/", follow=True).request["PATH_INFO"] == reverse("trainee_home")


def test_wrong_password_shows_chinese_error(client, trainee):
    response = login(client, trainee.employee_no, "nope")
    assert response.status_code == 200
    assert "工号或密码不正确" in response.content.decode()


@override_settings(LOGIN_FAILURES_PER_ACCOUNT=3)
def test_account_locks_after_repeated_failures_even_for_right_password(client, trainee):
    for i in range(3):
        login(client, trainee.employee_no, "wrong", ip=f"10.0.0.{i + 1}")
    response = login(client, trainee.employee_no, "Test@12345", ip="10.0.0.9")
    assert response.status_code == 429
    assert "已临时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_FAILURES_PER_IP=4, LOGIN_FAILURES_PER_ACCOUNT=100)
def test_ip_is_blocked_after_failures_across_accounts(client, trainee):
    for i in range(4):
        login(client, f"nobody{i}", "wrong", ip="10.9.9.9")
    assert login(client, trainee.employee_no, "Test@12345", ip="10.9.9.9").status_code == 429
    assert login(client, trainee.employee_no, "Test@12345", ip="10.9.9.8").status_code == 302


@override_settings(LOGIN_FAILURES_PER_ACCOUNT=3)
def test_success_clears_the_account_counter(client, trainee):
    login(client, trainee.employee_no, "wrong")
    login(client, trainee.employee_no, "wrong")
    assert login(client, trainee.employee_no, "Test@12345").status_code == 302
    assert LoginFailure.objects.filter(username=trainee.employee_no.lower()).count() == 0


def test_old_failures_do_not_count(client, trainee, settings):
    import datetime as dt

    from django.utils import timezone

    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    old = timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS + 5)
    LoginFailure.objects.bulk_create([LoginFailure(username=trainee.employee_no.lower(), created_at=old)] * 2)
    assert login(client, trainee.employee_no, "Test@12345").status_code == 302


def test_password_validators_reject_weak_password(client, trainee):
    client.force_login(trainee.user)
    response = client.post(reverse("password_set"), {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    assert "密码" in response.content.decode()
    trainee.user.refresh_from_db()
    assert trainee.user.check_password("Test@12345")


def test_logout_is_post_only_and_ends_session(client, trainee):
    client.force_login(trainee.user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_signed_in_request_loads_the_worker_with_the_user(client, trainee):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(trainee.user)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("notifications"))
    worker_lookups = [q for q in queries.captured_queries if 'FROM "lms_worker"' in q["sql"] and "JOIN" not in q["sql"]]
    assert worker_lookups == []
