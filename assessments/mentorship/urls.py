from django.urls import path

from . import views

app_name = "mentorship"

urlpatterns = [
    path("mentorship/", views.index, name="index"),
    path("mentorship/terms/new/", views.term_new, name="term_new"),
    path("mentorship/sessions/new/", views.session_new, name="session_new"),
    path("mentorship/sessions/<int:pk>/", views.session_detail, name="session"),
    path("mentorship/sessions/<int:pk>/photo/", views.session_photo, name="session_photo"),
    path("mentorship/sessions/<int:pk>/confirm/", views.session_confirm, name="session_confirm"),
    path("mentorship/sessions/<int:pk>/dispute/", views.session_dispute, name="session_dispute"),
    path("mentorship/sessions/<int:pk>/rate/", views.session_rate, name="session_rate"),
    path("mentorship/compliance/", views.compliance, name="compliance"),
    path("mentorship/compliance/export/", views.compliance_export, name="compliance_export"),
]
