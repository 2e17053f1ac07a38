"""GET /api/v1/cases/search of docs/api.md."""

import pytest

from casebank.models import CasePage
from lms import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee(city_tree, make_worker):
    return make_worker(unit=city_tree["grid_a"])


def test_search_shape_order_and_filters(client, trainee, demo_library):
    client.force_login(trainee.user)
    data = client.get("/api/v1/cases/search", {"q": "邻居 漏水 纠纷"}).json()
    assert set(data) == {"count", "results", "search_id", "suggestions"} and data["suggestions"] == []
    assert data["count"] >= len(data["results"]) > 1
    first = data["results"][0]
    assert set(first) == {"id", "title", "url", "snippet"}
    assert first["title"] == "楼上漏水引发的邻里纠纷调解"
    assert first["url"] == CasePage.objects.get(pk=first["id"]).url
    assert "漏水" in first["snippet"]
    limited = client.get("/api/v1/cases/search", {"q": "老人", "limit": 2}).json()
    assert len(limited["results"]) == 2 and limited["count"] > 2
    by_category = client.get("/api/v1/cases/search", {"q": "老人", "category": "独居老人"}).json()
    assert by_category["results"] and all(
        CasePage.objects.get(pk=r["id"]).category.name == "独居老人" for r in by_category["results"]
    )
    by_indicator = client.get("/api/v1/cases/search", {"q": "燃气", "indicator": "3.2"}).json()
    assert [r["title"] for r in by_indicator["results"]] == ["小区燃气泄漏的应急疏散"]


@pytest.mark.parametrize("q", ["", "？？？！！", "长" * 500])
def test_empty_punctuation_and_long_queries(client, trainee, q):
    client.force_login(trainee.user)
    response = client.get("/api/v1/cases/search", {"q": q})
    assert response.status_code == 200 and response.json() == {
        "count": 0,
        "results": [],
        "search_id": response.json()["search_id"],
        "suggestions": [],
    }


def test_requires_login(client):
    assert client.get("/api/v1/cases/search", {"q": "纠纷"}).status_code == 401


@pytest.mark.parametrize("role", [roles.MENTOR, roles.JUDGE, roles.HR, roles.MANAGER, roles.TRAINER])
def test_any_logged_in_role_may_search(client, city_tree, make_worker, role):
    user = make_worker(unit=city_tree["street_a"], role_codes=(role,)).user
    client.force_login(user)
    assert client.get("/api/v1/cases/search", {"q": "纠纷"}).status_code == 200


@pytest.mark.parametrize("limit, status", [("1", 200), ("100", 200), ("101", 422), ("abc", 422), ("-5", 422)])
def test_limit_is_bounded_and_junk_is_a_chinese_422(client, trainee, limit, status):
    client.force_login(trainee.user)
    response = client.get("/api/v1/cases/search", {"q": "纠纷", "limit": limit})
    assert response.status_code == status
    if status == 422:
        assert response.json()["code"] == "validation_error" and "查询参数 limit" in response.json()["detail"]
