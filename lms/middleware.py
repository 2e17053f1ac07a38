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


class QueryNullStripMiddleware:
    """Drops NUL characters from query parameters before any view reads them.

    No parameter of the site means anything with a NUL in it, SQLite stores one but PostgreSQL
    refuses it in a text value (a DataError, so a 500 on whichever page filtered or logged by that
    value). Dropping it here covers every view and the API alike, so `?q=%00` reads as `?q=`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)
