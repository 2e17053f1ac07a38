from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms import views
from lms.api import api, unknown_endpoint

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("login/", views.RateLimitedLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/set/", views.password_set, name="password_set"),
    path("me/", views.trainee_home, name="trainee_home"),
    path("overview/", views.manager_home, name="manager_home"),
    path("hr/", views.hr_home, name="hr_home"),
    path("workers/", views.worker_list, name="worker_list"),
    path("workers/<str:employee_no>/", views.worker_detail, name="worker_detail"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("exports/", views.export_job_list, name="export_jobs"),
    path("exports/<int:pk>/", views.export_job, name="export_job"),
    path("exports/<int:pk>/status/", views.export_job_status, name="export_job_status"),
    path("exports/<int:pk>/download/", views.export_job_download, name="export_job_download"),
    path("imports/", include("lms.urls_imports")),
    path("api/v1/", api.urls),
    re_path(r"^api/", unknown_endpoint),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("certificates.urls")),
    path("", include("assessments.urls")),
    path("", include("assessments.mentorship.urls")),
    path("", include("assessments.competitions.urls")),
    path("", include("courses.urls")),
    path("", include("casebank.urls")),
]

if settings.SERVE_PUBLIC_MEDIA:
    # Public media only (course images and documents), for DEBUG and `make demo`; production's nginx
    # serves it. Files with personal data are under PRIVATE_MEDIA_ROOT, which no URL maps; views that
    # check who is asking send them. (django.conf.urls.static.static() maps nothing with DEBUG off.)
    from django.views.static import serve

    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    ]

# Wagtail's page serving comes last: course and case pages live at /courses/…, /cases/….
urlpatterns += [path("", include(wagtail_urls))]
