from django.urls import path

from .views import awards, boards, judging, organiser

app_name = "competitions"

# Each block belongs to one views module; add a module's new routes to its own block.
urlpatterns = [
    # organiser: competitions, entrants, rounds, promotion (views/organiser.py)
    path("competitions/", organiser.competition_list, name="list"),
    path("competitions/<int:pk>/", organiser.competition_detail, name="detail"),
    path("competitions/<int:pk>/manage/", organiser.competition_manage, name="manage"),
    path("competitions/<int:pk>/enter/", organiser.competition_enter, name="enter"),
    path("competitions/<int:pk>/withdraw/", organiser.competition_withdraw, name="withdraw"),
    path("competitions/<int:pk>/entrants/", organiser.entrants, name="entrants"),
    path("competitions/<int:pk>/nominate/", organiser.nominate, name="nominate"),
    path("competitions/<int:pk>/promote/", organiser.promote, name="promote"),
    path("competitions/import/", organiser.competition_import_page, name="import"),
    path("competitions/rounds/<int:round_id>/panels/", organiser.panels, name="panels"),
    # judging: panels, score sheets, reviews, closing, paper sheets (views/judging.py)
    path("competitions/judging/", judging.judging_index, name="judging"),
    path("competitions/rounds/<int:round_id>/judge/", judging.judge_round, name="judge_round"),
    path("competitions/rounds/<int:round_id>/judge/<int:entry_id>/", judging.judge_entry, name="judge_entry"),
    path("competitions/rounds/<int:round_id>/reviews/", judging.reviews, name="reviews"),
    path("competitions/rounds/<int:round_id>/close/", judging.round_close, name="round_close"),
    path("competitions/rounds/<int:round_id>/scores/import/", judging.scores_import, name="scores_import"),
    # knowledge paper and leaderboards (views/boards.py)
    path("competitions/rounds/<int:round_id>/paper/", boards.paper, name="paper"),
    path("competitions/rounds/<int:round_id>/paper/clock.json", boards.paper_clock, name="paper_clock"),
    path("competitions/<int:pk>/board/", boards.board, name="board"),
    path("competitions/<int:pk>/board.json", boards.board_json, name="board_json"),
    path("competitions/screen/<str:token>/", boards.big_screen, name="big_screen"),
    path("competitions/screen/<str:token>/board.json", boards.big_screen_json, name="big_screen_json"),
    # results, awards, history, exports (views/awards.py)
    path("competitions/rounds/<int:round_id>/publish/", awards.round_publish, name="round_publish"),
    path("competitions/<int:pk>/awards/", awards.awards, name="awards"),
    path("competitions/<int:pk>/awards/jobs/<int:job_id>/status/", awards.award_job_status, name="award_job_status"),
    path("competitions/<int:pk>/results.xlsx", awards.results_xlsx, name="results_xlsx"),
    path("competitions/<int:pk>/results.pdf", awards.results_pdf, name="results_pdf"),
    path("competitions/mine/", awards.my_competitions, name="mine"),
]
