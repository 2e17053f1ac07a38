"""A worker still on the initial password: the API answers 403 password_change_required (a phone
client cannot follow a redirect to a form); the web pages still redirect to /password/set/."""

import pytest

from lms.services import worker_password_set
from tests.assessments.helpers import make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(city_tree, make_worker):
    return make_worker(unit=city_tree["grid_a"], must_change_password=True)


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/api/v1/me"),
        ("get", "/api/v1/quizzes"),
        ("get", "/api/v1/cases/search?q=纠纷"),
        ("post", "/api/v1/quizzes/{quiz}/attempts"),
        ("put", "/api/v1/attempts/1/answers/1"),
    ],
)
def test_api_refuses_with_403_json(client, newcomer, method, url):
    quiz = make_quiz()
    client.force_login(newcomer.user)
    kwargs = {} if method == "get" else {"data": '{"answer": "A"}', "content_type": "application/json"}
    response = getattr(client, method)(url.format(quiz=quiz.pk), **kwargs)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body["code"] == "password_change_required"
    assert body["detail"].startswith("请先修改初始密码")


def test_html_pages_still_redirect_to_the_password_form(client, newcomer):
    client.force_login(newcomer.user)
    for url in ("/me/", "/quizzes/", "/api/v1/docs"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/password/set/", url


def test_public_verification_and_the_document_still_answer(client, newcomer):
    client.force_login(newcomer.user)
    assert client.get("/api/v1/certificates/verify/no-such-code").status_code == 404
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_after_choosing_a_password_the_api_answers(client, newcomer):
    client.force_login(newcomer.user)
    worker_password_set(user=newcomer.user, password="Grid#Work2026")
    client.force_login(newcomer.user)
    response = client.get("/api/v1/me")
    assert response.status_code == 200 and response.json()["employee_no"] == newcomer.employee_no


# --- changing one's password asks for the current one (except the forced first-login change) -------

NEW = "Grid#Work2026"


@pytest.fixture
def settled(city_tree, make_worker):
    worker = make_worker(unit=city_tree["grid_a"])
    worker.user.set_password("Old#Pass2025")
    worker.user.save()
    return worker


def test_page_asks_for_the_current_password(client, settled):
    client.force_login(settled.user)
    page = client.get("/password/set/").content.decode()
    assert "当前密码" in page and "修改密码" in page
    response = client.post("/password/set/", {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 200
    assert "current_password" in response.context["form"].errors
    response = client.post("/password/set/", {"current_password": "wrong", "new_password1": NEW, "new_password2": NEW})
    assert "当前密码不正确" in response.content.decode()
    settled.user.refresh_from_db()
    assert settled.user.check_password("Old#Pass2025")
    response = client.post(
        "/password/set/", {"current_password": "Old#Pass2025", "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302
    settled.user.refresh_from_db()
    assert settled.user.check_password(NEW)


def test_forced_first_login_change_does_not_ask_for_it(client, newcomer):
    client.force_login(newcomer.user)
    assert "当前密码" not in client.get("/password/set/").content.decode()
    response = client.post("/password/set/", {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert not newcomer.must_change_password and newcomer.user.check_password(NEW)


def test_api_asks_for_the_current_password(client, settled):
    client.force_login(settled.user)
    url = "/api/v1/me/password"
    response = client.post(url, {"new_password": NEW}, content_type="application/json")
    assert response.status_code == 422 and "current_password" in response.json()["detail"]
    response = client.post(url, {"current_password": "wrong", "new_password": NEW}, content_type="application/json")
    assert response.status_code == 422 and "当前密码不正确" in response.json()["detail"]
    response = client.post(
        url, {"current_password": "Old#Pass2025", "new_password": "12345678"}, content_type="application/json"
    )
    assert response.status_code == 422 and "new_password" in response.json()["detail"]
    response = client.post(
        url, {"current_password": "Old#Pass2025", "new_password": NEW}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["detail"] == "密码已修改"
    settled.user.refresh_from_db()
    assert settled.user.check_password(NEW)
    assert client.get("/api/v1/me").status_code == 200  # the session survives the change


def test_api_forced_change_needs_no_current_password(client, newcomer):
    client.force_login(newcomer.user)
    response = client.post("/api/v1/me/password", {"new_password": NEW}, content_type="application/json")
    assert response.status_code == 200
    newcomer.refresh_from_db()
    assert not newcomer.must_change_password
    assert client.get("/api/v1/me").status_code == 200
