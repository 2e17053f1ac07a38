"""The OpenAPI document at /api/v1/openapi.json states, for every operation, every status it can
return, each error with the one Error schema {"detail", "code"}."""

import pytest

pytestmark = pytest.mark.django_db

ERROR = {"$ref": "#/components/schemas/Error"}

# The operations of issue 10 and the statuses each can return.
EXPECTED = {
    ("get", "/api/v1/me"): {200, 401, 403},
    ("get", "/api/v1/quizzes"): {200, 401, 403},
    ("post", "/api/v1/quizzes/{quiz_id}/attempts"): {200, 401, 403, 404, 409, 422},
    ("get", "/api/v1/attempts/{attempt_id}"): {200, 401, 403, 404, 422},
    ("put", "/api/v1/attempts/{attempt_id}/answers/{question_id}"): {200, 400, 401, 403, 404, 409, 422},
    ("post", "/api/v1/attempts/{attempt_id}/submit"): {200, 401, 403, 404, 422},
    ("get", "/api/v1/cases/search"): {200, 401, 403, 422},
    ("get", "/api/v1/certificates/verify/{code}"): {200, 404, 422},
}


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")  # public, like the API's own error bodies
    assert response.status_code == 200
    return response.json()


def operations(spec):
    return {(method, path): op for path, ops in spec["paths"].items() for method, op in ops.items()}


def statuses(op) -> set[int]:
    return {int(status) for status in op["responses"]}


def test_the_operations_of_issue_10_declare_exactly_their_statuses(spec):
    found = operations(spec)
    assert set(EXPECTED) <= set(found)
    for key, expected in EXPECTED.items():
        assert statuses(found[key]) == expected, key


def test_every_error_status_has_the_error_schema_and_every_success_a_schema(spec):
    for key, op in operations(spec).items():
        assert any(200 <= status < 300 for status in statuses(op)), key
        for status, response in op["responses"].items():
            if int(status) == 304:  # Not Modified (a conditional GET with a matching ETag) has no body by HTTP
                assert "content" not in response, (key, status)
                continue
            schema = response["content"]["application/json"]["schema"]
            if int(status) >= 400:
                assert schema == ERROR, (key, status)
            else:
                assert schema, (key, status)
    error = spec["components"]["schemas"]["Error"]
    assert error["required"] == ["detail", "code"]
    assert {name: field["type"] for name, field in error["properties"].items()} == {
        "detail": "string",
        "code": "string",
    }


def test_login_and_validation_statuses_wherever_they_can_happen(spec):
    """Any endpoint behind the login says 401 and 403 (password not changed yet, CSRF); any with
    parameters or a body says 422; any with a JSON body says 400 (unparsable JSON)."""
    for key, op in operations(spec).items():
        found = statuses(op)
        if op.get("security"):
            assert {401, 403} <= found, key
        if op.get("parameters") or op.get("requestBody"):
            assert 422 in found, key
        if op.get("requestBody"):
            assert 400 in found, key


def test_inputs_are_typed(spec):
    found = operations(spec)
    for key, op in found.items():
        for parameter in op.get("parameters", []):
            assert parameter["schema"].get("type"), (key, parameter["name"])
    limit = next(p for p in found["get", "/api/v1/cases/search"]["parameters"] if p["name"] == "limit")
    assert (limit["schema"]["minimum"], limit["schema"]["maximum"], limit["schema"]["default"]) == (1, 100, 20)
    body = found["put", "/api/v1/attempts/{attempt_id}/answers/{question_id}"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(spec["components"]["schemas"][ref]["properties"]) == {"answer", "flagged"}
