"""Not built yet: every view here answers 404 until its helper replaces it."""

from django.http import Http404


def competition_list(request):
    raise Http404("页面建设中")


def competition_detail(request, pk):
    raise Http404("页面建设中")


def competition_manage(request, pk):
    raise Http404("页面建设中")
