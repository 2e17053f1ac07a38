"""Not built yet: every view here answers 404 until its helper replaces it."""

from django.http import Http404


def judging_index(request):
    raise Http404("页面建设中")


def judge_round(request, round_id):
    raise Http404("页面建设中")


def judge_entry(request, round_id, entry_id):
    raise Http404("页面建设中")


def reviews(request, round_id):
    raise Http404("页面建设中")


def round_close(request, round_id):
    raise Http404("页面建设中")


def scores_import(request, round_id):
    raise Http404("页面建设中")
