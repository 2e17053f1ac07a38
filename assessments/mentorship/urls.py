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

urlpatterns += [
    path("mentorship/terms/<int:pk>/signoff/", views.signoff_new, name="signoff_new"),
    path("mentorship/signoffs/", views.signoffs, name="signoffs"),
    path("mentorship/signoffs/<int:pk>/", views.signoff_detail, name="signoff"),
    path("mentorship/signoffs/<int:pk>/decide/", views.signoff_decide, name="signoff_decide"),
    path("mentorship/terms/<int:pk>/feedback/", views.feedback_new, name="feedback_new"),
    path("mentorship/feedback/", views.feedback_list, name="feedback"),
    path("mentorship/report/", views.report, name="report"),
    path("mentorship/excellent/", views.excellent, name="excellent"),
    path("mentorship/excellent/issue/", views.excellent_issue, name="excellent_issue"),
]

urlpatterns += [
    path("mentorship/terms/", views.terms, name="terms"),
    path("mentorship/terms/<int:pk>/", views.term_detail, name="term"),
    path("mentorship/terms/<int:pk>/end/", views.term_end, name="term_end"),
    path("mentorship/terms/<int:pk>/reassign/", views.term_reassign, name="term_reassign"),
]
