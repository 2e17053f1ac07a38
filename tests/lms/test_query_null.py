"""A NUL in a query parameter never reaches a view: PostgreSQL refuses it in any text value."""

from django.http import HttpResponse
from django.test import RequestFactory

from lms.middleware import QueryNullStripMiddleware


def _seen_by_view(query_string: str):
    seen = {}

    def view(request):
        seen.update({key: request.GET.getlist(key) for key in request.GET})
        return HttpResponse("ok")

    QueryNullStripMiddleware(view)(RequestFactory().get("/cases/?" + query_string))
    return seen


def test_nul_characters_are_dropped_from_keys_and_values():
    assert _seen_by_view("q=%E7%BA%A0%00%E7%BA%B7&page=%00&a%00b=1&q=x") == {
        "q": ["纠纷", "x"],
        "page": [""],
        "ab": ["1"],
    }


def test_a_query_without_nul_reaches_the_view_unchanged():
    assert _seen_by_view("q=%E7%BA%A0%E7%BA%B7&page=2") == {"q": ["纠纷"], "page": ["2"]}


def test_a_case_search_with_a_nul_shows_the_page(client, django_user_model):
    user = django_user_model.objects.create_user("nul-reader", password="x")
    client.force_login(user)
    response = client.get("/cases/", {"q": "纠\x00纷"})
    assert response.status_code == 200
    assert "\x00" not in response.content.decode()
