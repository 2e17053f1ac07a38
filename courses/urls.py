from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("courses/my/", views.my_courses, name="my_courses"),
    path("courses/my/hours/", views.ledger, name="ledger"),
    path("courses/my/record.xlsx", views.training_record, name="training_record"),
    path("courses/lessons/<int:pk>/complete/", views.lesson_complete, name="lesson_complete"),
    path("courses/<int:pk>/enrol/", views.course_enrol, name="course_enrol"),
    path("courses/<int:pk>/assign/", views.course_assign, name="course_assign"),
    path("courses/sessions/", views.session_list, name="session_list"),
    path("courses/sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("courses/sessions/<int:pk>/sign-up/", views.session_sign_up, name="session_sign_up"),
    path("courses/sessions/<int:pk>/qr/", views.session_qr, name="session_qr"),
    path("courses/sessions/<int:pk>/qr.svg", views.session_qr_svg, name="session_qr_svg"),
    path("courses/sessions/<int:pk>/check/", views.session_check, name="session_check"),
    path("courses/sessions/<int:pk>/attendance/", views.session_attendance, name="session_attendance"),
    path("courses/hours/record/", views.hours_record, name="hours_record"),
    path("courses/compliance/", views.compliance, name="compliance"),
    path("courses/compliance.xlsx", views.compliance_xlsx, name="compliance_xlsx"),
    # The one route of a lesson page, ahead of Wagtail's catch-all (see views.lesson). It and the
    # addresses above are why some course slugs are reserved (courses.models.RESERVED_COURSE_SLUGS).
    path("courses/<str:course_slug>/<str:lesson_slug>/", views.lesson, name="lesson"),
]
