"""Staff page: recompute the stored competency scores of a period (the same service as
`manage.py recompute_competency`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from assessments.forms import RecomputeForm
from assessments.services import competency_recompute_period
from lms import roles


def may_recompute(user) -> bool:
    return user.is_superuser or roles.has_role(user, roles.TRAINER, roles.HR)


@login_required
def recompute(request):
    """GET: the form; POST: recompute the period and come back with the result message."""
    if not may_recompute(request.user):
        raise Http404("页面不存在")
    form = RecomputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        summary = competency_recompute_period(period=form.cleaned_data["period"])
        messages.success(request, summary.message)
        return redirect("assessments:competency_recompute")
    return render(request, "assessments/competency_recompute.html", {"form": form})


def staff_section(request):
    """A card on 我的学习 (trainers) and 人事工作台 (HR) linking the recompute page."""
    if not may_recompute(request.user):
        return None
    return {"title": "能力评分", "template": "assessments/_home_competency_tools.html", "context": {}, "order": 60}
