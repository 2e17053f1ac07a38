from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse

from lms.access import worker_of


class ForcePasswordChangeMiddleware:
    """Sends a worker still on the initial password to the page where they choose their own.

    The JSON API is left to answer for itself: a phone client cannot follow a redirect to an HTML
    form, so the API's login check refuses such a worker with 403 `password_change_required`
    (lms/api.py) and its docs page redirects here on its own.
    """

    ALLOWED_NAMES = ("password_set", "logout", "login")
    API_PREFIX = "/api/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(("/static/", self.API_PREFIX)):
            worker = worker_of(user)
            if worker is not None and worker.must_change_password:
                if request.path not in {reverse(name) for name in self.ALLOWED_NAMES}:
                    return redirect("password_set")
        return self.get_response(request)


class QueryNullReplaceMiddleware:
    """Replaces NUL characters in the query parameters of pages with U+FFFD before a view reads them.

    PostgreSQL refuses a NUL in any text value (a DataError, so a 500 on whichever page filters by a
    free-text parameter); SQLite stores it, so only one database showed it. U+FFFD keeps the value
    visibly wrong: a form that expects a number or a choice still names the parameter in Chinese,
    and a search for it finds nothing. The API validates its own parameters (422 naming the field).
    """

    API_PREFIX = "/api/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(self.API_PREFIX) and any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", "\ufffd"), [value.replace("\x00", "\ufffd") for value in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)
