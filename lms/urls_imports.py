from django.urls import path

from lms import views_imports as views

urlpatterns = [
    path("", views.import_list, name="imports"),
    path("jobs/<int:pk>/", views.import_job, name="import_job"),
    path("jobs/<int:pk>/status/", views.import_job_status, name="import_job_status"),
    path("jobs/<int:pk>/confirm/", views.import_job_confirm_view, name="import_job_confirm"),
    path("<str:kind>/", views.import_start, name="import_start"),
    path("<str:kind>/template.xlsx", views.import_template, name="import_template"),
]
