from django.urls import path

from assessments.views import competency, observations, self_metrics, surveys
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
    path("competency/self-assessment/", self_metrics.self_assessment, name="self_assessment"),
    path("competency/self-assessment/<int:pk>/", self_metrics.self_assessment_result, name="self_assessment_result"),
    path("competency/self-assessment/workers/", self_metrics.self_assessment_lookup, name="self_assessment_lookup"),
    path(
        "competency/self-assessment/workers/<str:employee_no>/",
        self_metrics.self_assessment_answers,
        name="self_assessment_answers",
    ),
    path("competency/metrics/import/", self_metrics.metrics_import, name="metrics_import"),
    # observation ratings (观察) and the resident survey (群众评价); /s/<token>/ is public
    path("competency/observe/<str:employee_no>/", observations.observation_new, name="observation_new"),
    path("competency/observations/<int:pk>/", observations.observation_detail, name="observation"),
    path("competency/survey/card/", surveys.my_survey_card, name="my_survey_card"),
    path("competency/survey/card/<str:employee_no>/", surveys.survey_card, name="survey_card"),
    path("competency/survey/card/<str:employee_no>/card.pdf", surveys.survey_card_pdf, name="survey_card_pdf"),
    path("competency/survey/review/", surveys.survey_review, name="survey_review"),
    path("competency/survey/review/<int:pk>/", surveys.survey_review_decide, name="survey_review_decide"),
    path("s/<str:token>/", surveys.survey_form, name="survey_form"),
    path("s/<str:token>/thanks/", surveys.survey_thanks, name="survey_thanks"),
    # 能力画像 and 能力分析 (the fixed names come before the 工号 routes)
    path("competency/", competency.profile, name="competency_me"),
    path("competency/recompute/", competency.recompute, name="competency_recompute"),
    path("competency/analysis/", competency.analysis_page, name="competency_analysis"),
    path("competency/analysis/assign/", competency.analysis_assign, name="competency_assign"),
    path("competency/analysis/export/", competency.scores_export, name="competency_export"),
    path("competency/analysis/reports/", competency.reports_export, name="competency_reports"),
    path("competency/<str:employee_no>/", competency.profile, name="competency_worker"),
    path("competency/<str:employee_no>/report-<int:year>.pdf", competency.report_pdf, name="competency_report"),
    path("competency/<str:employee_no>/<str:period>/<str:code>/", competency.indicator, name="competency_indicator"),
]
