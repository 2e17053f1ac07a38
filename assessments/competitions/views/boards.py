"""Not built yet: every view here answers 404 until its helper replaces it."""

from django.http import Http404


def paper(request, round_id):
    raise Http404("页面建设中")


def board(request, pk):
    raise Http404("页面建设中")


def board_json(request, pk):
    raise Http404("页面建设中")


def big_screen(request, token):
    raise Http404("页面建设中")


def big_screen_json(request, token):
    raise Http404("页面建设中")
