"""Not built yet: every view here answers 404 until its helper replaces it."""

from django.http import Http404


def round_publish(request, round_id):
    raise Http404("页面建设中")


def awards(request, pk):
    raise Http404("页面建设中")


def results_xlsx(request, pk):
    raise Http404("页面建设中")


def results_pdf(request, pk):
    raise Http404("页面建设中")


def my_competitions(request):
    raise Http404("页面建设中")
