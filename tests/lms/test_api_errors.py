"""Every /api/v1/ error is JSON {"detail": "中文说明", "code": "…"}: 401 for anonymous callers, 422
naming the field for junk parameters, 400 for unparsable bodies, 403 for a failed CSRF check."""

import json

import pytest
from django.test import Client

from tests.assessments.helpers import make_quiz

pytestmark = pytest.mark.django_db


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert set(body) == {"detail", "code"} and body["code"] == code
    assert chinese(body["detail"]), body
    return body


@pytest.fixture
def trainee(city_tree, make_worker):
    return make_worker(unit=city_tree["grid_a"])


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/api/v1/me"),
        ("get", "/api/v1/quizzes"),
        ("get", "/api/v1/cases/search?q=纠纷"),
        ("post", "/api/v1/quizzes/1/attempts"),
        ("get", "/api/v1/attempts/1"),
        ("put", "/api/v1/attempts/1/answers/1"),
        ("post", "/api/v1/attempts/1/submit"),
    ],
)
def test_anonymous_gets_401_in_chinese(client, db, method, url):
    kwargs = {} if method == "get" else {"data": json.dumps({"answer": "A"}), "content_type": "application/json"}
    response = getattr(client, method)(url, **kwargs)
    body = assert_error(response, 401, "not_authenticated")
    assert "登录" in body["detail"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("limit=abc", "limit"),
        ("limit=-5", "limit"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=2.5", "limit"),
        ("q=%00", "q"),
        ("category=a%00b", "category"),
    ],
)
def test_junk_search_parameters_are_422_naming_the_field(client, trainee, query, field):
    client.force_login(trainee.user)
    body = assert_error(client.get(f"/api/v1/cases/search?{query}"), 422, "validation_error")
    assert f"查询参数 {field}" in body["detail"]


@pytest.mark.parametrize("value", ["abc", "0", "-1", str(2**63), "1.5"])
def test_junk_path_ids_are_422_and_never_reach_the_database(client, trainee, value):
    client.force_login(trainee.user)
    for method, url, name in (
        ("post", f"/api/v1/quizzes/{value}/attempts", "quiz_id"),
        ("get", f"/api/v1/attempts/{value}", "attempt_id"),
        ("put", f"/api/v1/attempts/1/answers/{value}", "question_id"),
        ("post", f"/api/v1/attempts/{value}/submit", "attempt_id"),
    ):
        kwargs = {} if method == "get" else {"data": '{"answer": "A"}', "content_type": "application/json"}
        body = assert_error(getattr(client, method)(url, **kwargs), 422, "validation_error")
        assert f"路径参数 {name}" in body["detail"]


def test_largest_id_is_a_plain_404(client, trainee):
    client.force_login(trainee.user)
    assert_error(client.get(f"/api/v1/attempts/{2**63 - 1}"), 404, "not_found")
    assert_error(
        client.put(f"/api/v1/attempts/1/answers/{2**63 - 1}", '{"answer": "A"}', "application/json"), 404, "not_found"
    )


def test_verification_code_with_nul_is_422_and_unknown_code_404(client, db):
    assert_error(client.get("/api/v1/certificates/verify/a%00b"), 422, "validation_error")
    body = assert_error(client.get("/api/v1/certificates/verify/no-such-code"), 404, "not_found")
    assert body["detail"] == "未找到该证书"


@pytest.fixture
def attempt(client, trainee):
    client.force_login(trainee.user)
    data = client.post(f"/api/v1/quizzes/{make_quiz().pk}/attempts", content_type="application/json").json()
    return data["id"], data["questions"][0]["id"]


@pytest.mark.parametrize(
    "raw, status, code, words",
    [
        (b"{not json", 400, "invalid", "JSON"),
        (b"\xff\xfe", 400, "invalid", "JSON"),
        (b"{}", 400, "invalid", '{"answer": …}'),
        (b'{"other": 1}', 400, "invalid", '{"answer": …}'),
        (b"[1, 2]", 400, "invalid", '{"answer": …}'),
        (b'"B"', 400, "invalid", '{"answer": …}'),
        (b"", 422, "validation_error", "请求内容"),
        (b'{"flagged": "yes"}', 422, "validation_error", "请求内容中的 flagged"),
        (b'{"answer": "B", "flagged": 1}', 422, "validation_error", "flagged"),
    ],
)
def test_bad_autosave_bodies(client, attempt, raw, status, code, words):
    attempt_id, question_id = attempt
    response = client.put(f"/api/v1/attempts/{attempt_id}/answers/{question_id}", raw, "application/json")
    body = assert_error(response, status, code)
    assert words in body["detail"]


def test_csrf_is_checked_on_unsafe_methods_with_a_json_403(trainee, attempt):
    attempt_id, question_id = attempt
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(trainee.user)
    url = f"/api/v1/attempts/{attempt_id}/answers/{question_id}"
    assert_error(strict.put(url, '{"answer": "B"}', "application/json"), 403, "csrf_failed")
    assert strict.get(f"/api/v1/attempts/{attempt_id}").status_code == 200  # safe methods need no token
    token = "a" * 32
    strict.cookies["csrftoken"] = token
    response = strict.put(url, '{"answer": "B"}', "application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("url", ["/api/v1/nothing-here", "/api/v2/quizzes", "/api/"])
def test_unknown_api_paths_are_a_json_404(client, trainee, url):
    client.force_login(trainee.user)
    assert_error(client.get(url), 404, "not_found")
