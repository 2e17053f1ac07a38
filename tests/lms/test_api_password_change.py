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
