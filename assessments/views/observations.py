"""Observation ratings (观察) on a phone: pick indicators, tap 1–5 stars, save, see what was recorded."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from assessments import selectors
from assessments.services.observations import ObservationRefused, may_rate, observation_record
from lms.models import Worker

STAR_CHOICES = (5, 4, 3, 2, 1)  # in the page's source order: shown right to left as 1 … 5 (see site CSS)


def _rateable_worker(request, employee_no: str) -> Worker:
    worker = Worker.objects.select_related("org_unit").filter(employee_no=employee_no).first()
    if worker is None or not may_rate(request.user, worker):
        raise Http404("未找到或无权评价")
    return worker


def _groups(chosen: dict[str, str]) -> list[dict]:
    indicators = list(selectors.active_indicators())
    return [
        {
            "primary": primary,
            "indicators": [{"indicator": i, "chosen": chosen.get(i.code, "")} for i in rows],
        }
        for primary, rows in groupby(indicators, key=lambda i: i.primary_name)
    ]


@login_required
def observation_new(request, employee_no: str):
    """/competency/observe/<工号>/: the 18 indicators grouped by primary, stars on the chosen ones."""
    worker = _rateable_worker(request, employee_no)
    today = timezone.localdate()
    error = None
    chosen: dict[str, str] = {}
    observed_text = today.isoformat()
    comment = ""
    if request.method == "POST":
        observed_text = request.POST.get("observed_on", "").strip()
        comment = request.POST.get("comment", "")
        ratings = {}
        for key, value in request.POST.items():
            if key.startswith("r_") and value.strip() not in ("", "0"):
                ratings[key[2:]] = value.strip()
                chosen[key[2:]] = value.strip()
        try:
            observed_on = dt.date.fromisoformat(observed_text)
        except ValueError:
            error = "观察日期：请按“年-月-日”填写日期"
        else:
            try:
                observation = observation_record(
                    rater=request.user, worker=worker, observed_on=observed_on, ratings=ratings, comment=comment
                )
            except ObservationRefused as exc:
                error = str(exc)
            except PermissionError:
                raise Http404("未找到或无权评价") from None
            else:
                return redirect("assessments:observation", pk=observation.pk)
    return render(
        request,
        "assessments/observation_form.html",
        {
            "worker": worker,
            "groups": _groups(chosen),
            "stars": STAR_CHOICES,
            "observed_on": observed_text,
            "today": today.isoformat(),
            "comment": comment,
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
def observation_detail(request, pk: int):
    """What an observation recorded: its rater, or anyone who may see the rated worker, may open it."""
    observation = selectors.observation_for(request.user, pk)
    if observation is None:
        raise Http404("未找到观察评价")
    names = {i.code: i for i in selectors.active_indicators()}
    ratings = [
        {"code": r.indicator_code, "indicator": names.get(r.indicator_code), "stars": r.stars, "score": r.stars * 20}
        for r in observation.ratings.order_by("indicator_code")
    ]
    return render(
        request,
        "assessments/observation_detail.html",
        {
            "observation": observation,
            "ratings": ratings,
            "is_rater": observation.rater_id == request.user.pk,
            "may_rate_again": may_rate(request.user, observation.worker),
        },
    )
