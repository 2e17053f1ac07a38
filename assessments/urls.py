from django.urls import path

from assessments.views import competency
from assessments.views import quizzes as views

app_name = "assessments"

urlpatterns = [
    path("quizzes/", views.quiz_list, name="quiz_list"),
    path("quizzes/<int:pk>/", views.quiz_detail, name="quiz_detail"),
    path("quizzes/<int:pk>/start/", views.quiz_start, name="quiz_start"),
    path("quizzes/<int:pk>/results/", views.quiz_results, name="quiz_results"),
    path("quizzes/<int:pk>/results.xlsx", views.quiz_results_xlsx, name="quiz_results_xlsx"),
    path("quizzes/<int:pk>/bank.<str:fmt>", views.quiz_bank_export, name="quiz_bank_export"),
    path("attempts/<int:pk>/", views.attempt_page, name="attempt"),
    path("marking/", views.marking_queue, name="marking_queue"),
    path("marking/<int:answer_id>/", views.mark_answer, name="mark_answer"),
    path("competency/recompute/", competency.recompute, name="competency_recompute"),
]
