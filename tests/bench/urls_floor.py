"""The project's URLs plus `bench/floor/`: the floor of the HTTP benches (served only when the bench's
gunicorn is started with ROOT_URLCONF=tests.bench.urls_floor, see tests/bench/helpers.py).

The floor is the least a signed-in page can do behind the same gunicorn, session and middleware
stack: the login check (session read and user load, as every real page pays) and one indexed SELECT,
answered with a few bytes."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.urls import path

from lms import urls as project_urls


@login_required
def floor(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM auth_user WHERE id = %s", [request.user.pk])
        row = cursor.fetchone()
    return HttpResponse(f"ok {row[0]}", content_type="text/plain; charset=utf-8")


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *project_urls.urlpatterns]

for _name in ("handler400", "handler403", "handler404", "handler500"):
    if hasattr(project_urls, _name):
        globals()[_name] = getattr(project_urls, _name)
