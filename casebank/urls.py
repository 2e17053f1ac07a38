from django.urls import path

from casebank import views

app_name = "casebank"

urlpatterns = [
    path("faq/", views.faq_list, name="faq_list"),
    path("drills/<int:pk>/start/", views.drill_start, name="drill_start"),
    path("drills/runs/<int:attempt_id>/step/", views.drill_step, name="drill_step"),
    path("drills/runs/<int:attempt_id>/", views.drill_result, name="drill_result"),
    path("drills/review/", views.judge_queue, name="judge_queue"),
    path("drills/review/<int:step_id>/", views.judge_step, name="judge_step"),
    path("cases/open/<int:log_id>/<int:case_id>/", views.search_open, name="search_open"),
    path("faq/helpful/<int:log_id>/<int:faq_id>/", views.faq_helpful, name="faq_helpful"),
    path("cases/search-insights/", views.search_insights, name="search_insights"),
    path("cases/search-insights/synonym/", views.search_insight_synonym, name="search_insight_synonym"),
    path("cases/search-insights/faq/", views.search_insight_faq, name="search_insight_faq"),
    path("cases/compilations/<int:pk>.pdf", views.compilation_download, name="compilation_download"),
]
