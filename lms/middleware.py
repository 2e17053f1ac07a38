from django.shortcuts import redirect
from django.urls import reverse

from lms.access import worker_of


class ForcePasswordChangeMiddleware:
    """Sends a worker still on the initial password to the page where they choose their own."""

    ALLOWED_NAMES = ("password_set", "logout", "login")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            worker = worker_of(user)
            if worker is not None and worker.must_change_password:
                if request.path not in {reverse(name) for name in self.ALLOWED_NAMES}:
                    return redirect("password_set")
        return self.get_response(request)
