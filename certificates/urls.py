from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("verify/<str:code>/", views.verify, name="verify"),
    path("certificates/mine/", views.mine, name="mine"),
    path("certificates/hr/", views.hr_index, name="hr_index"),
    path("certificates/hr/external/new/", views.hr_external_new, name="hr_external_new"),
    path("certificates/hr/issue/", views.hr_bulk_issue, name="hr_bulk_issue"),
    path("certificates/hr/jobs/<int:pk>/", views.hr_job, name="hr_job"),
    path("certificates/hr/jobs/<int:pk>/status/", views.hr_job_status, name="hr_job_status"),
    path("certificates/hr/jobs/<int:pk>/batch.pdf", views.hr_job_batch, name="hr_job_batch"),
    path("certificates/hr/c/<str:code>/", views.hr_certificate, name="hr_certificate"),
    path("certificates/hr/c/<str:code>/scan/", views.hr_certificate_scan, name="hr_certificate_scan"),
    path("certificates/hr/allowances/", views.hr_allowances, name="hr_allowances"),
    path("certificates/hr/allowances/<str:month>/", views.hr_allowance_month, name="hr_allowance_month"),
    path(
        "certificates/hr/allowances/<str:month>/<str:op>/confirm/",
        views.hr_allowance_confirm,
        name="hr_allowance_confirm",
    ),
    path(
        "certificates/hr/allowances/<str:month>/export.<str:fmt>", views.hr_allowance_export, name="hr_allowance_export"
    ),
    path("certificates/hr/exports/register.<str:fmt>", views.hr_register_export, name="hr_register_export"),
    path("certificates/hr/exports/incentives.<str:fmt>", views.hr_incentives_export, name="hr_incentives_export"),
    path("certificates/<str:code>.pdf", views.certificate_pdf, name="pdf"),
    path("certificates/<str:code>/scan/", views.certificate_scan, name="scan"),
]
