"""The site's URLs as DEBUG serves them: MEDIA_ROOT at MEDIA_URL (read per request, so a test's
MEDIA_ROOT applies), and the static files' URL prefix too — the guessable places a file could leak."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from lms.urls import urlpatterns as site_urlpatterns


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.*)$", media), *site_urlpatterns]
