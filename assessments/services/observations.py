"""Observation ratings (观察): a mentor or supervisor rates a worker on chosen indicators, 1–5 stars
each; every rating becomes one `观察` evidence row of stars × 20 (docs/rules.md, "群众评价与观察评价").
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from assessments import selectors
from assessments.models import EvidenceSource, Observation, ObservationRating
from assessments.services.competency import evidence_record_many
from lms.access import scope_queryset, worker_of
from lms.models import Worker

COMMENT_MAX = 500


class ObservationRefused(ValueError):
    """A rating that cannot be recorded; the message is Chinese and names the field."""


def may_rate(user, worker: Worker) -> bool:
    """Whether `user` may rate `worker`: the user may see the worker (`lms.access`: staff of the
    worker's subtree; mentors once the mentorship app widens their scope to active mentees) and
    is not the worker."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    own = worker_of(user)
    if own is not None and own.pk == worker.pk:
        return False
    return scope_queryset(user, Worker.objects.filter(pk=worker.pk), worker_path="").exists()


def _clean_ratings(ratings: dict) -> dict[str, int]:
    if not ratings:
        raise ObservationRefused("评分：请至少为一个能力指标打星")
    known = selectors.indicator_codes()
    cleaned = {}
    for code, stars in ratings.items():
        code = str(code).strip()
        if code not in known:
            raise ObservationRefused(f"评分：未知能力指标“{code}”")
        if isinstance(stars, int) and not isinstance(stars, bool):
            value = stars
        elif isinstance(stars, str) and stars.strip().isascii() and stars.strip().isdigit():
            value = int(stars.strip())
        else:
            raise ObservationRefused(f"评分：指标 {code} 的星级应为 1–5")
        if not 1 <= value <= 5:
            raise ObservationRefused(f"评分：指标 {code} 的星级应为 1–5")
        cleaned[code] = value
    return cleaned


def observation_record(
    *,
    rater,
    worker: Worker,
    observed_on: dt.date,
    ratings: dict[str, int],
    comment: str = "",
    context: Model | None = None,
) -> Observation:
    """Record `rater`'s star ratings of `worker` (indicator code → 1–5) seen on `observed_on`.

    One transaction: the Observation, one ObservationRating per indicator and one `观察` evidence
    row per rating (stars × 20, dated `observed_on`, referring to the observation). `context` is
    the record it was rated from (e.g. a mentorship guidance session), kept as context_type/id.

    Raises `ObservationRefused` (Chinese, naming the field) for no rating, stars outside 1–5, an
    unknown indicator, a future date or rating oneself, and `PermissionError` when the rater may
    not see the worker (views answer 404).
    """
    own = worker_of(rater)
    if own is not None and own.pk == worker.pk:
        raise ObservationRefused("被评人员：不能评价自己")
    if not may_rate(rater, worker):
        raise PermissionError("无权评价该人员")
    if not isinstance(observed_on, dt.date) or isinstance(observed_on, dt.datetime):
        raise ObservationRefused("观察日期：请填写日期")
    if observed_on > timezone.localdate():
        raise ObservationRefused("观察日期：不能晚于今天")
    cleaned = _clean_ratings(ratings)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ObservationRefused(f"评语：不能超过 {COMMENT_MAX} 字")
    context_type = context_id = ""
    if context is not None:
        context_type = f"{context._meta.app_label}.{context._meta.model_name}"
        context_id = str(context.pk)
    with transaction.atomic():
        observation = Observation.objects.create(
            worker=worker,
            rater=rater,
            observed_on=observed_on,
            comment=comment,
            context_type=context_type,
            context_id=context_id,
        )
        ObservationRating.objects.bulk_create(
            ObservationRating(observation=observation, indicator_code=code, stars=stars)
            for code, stars in cleaned.items()
        )
        evidence_record_many(
            worker=worker,
            source=EvidenceSource.OBSERVATION,
            items=[(code, stars * 20, observed_on, observation) for code, stars in cleaned.items()],
        )
    return observation
