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
