"""Marking 简答 answers by hand; the attempt is graded when its last one is marked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from assessments import selectors
from assessments.models import Answer, Attempt, AttemptState, QuestionType
from assessments.scoring import plain
from assessments.services.attempts import finish_grading
from lms.services import notification_send


class MarkingRefused(Exception):
    """The marker may not mark this answer, or the mark is out of range."""


def answer_mark(*, answer: Answer, marker, score, comment: str = "", now: dt.datetime | None = None) -> Answer:
    """A trainer or judge marks one 简答 answer; the attempt is graded when its last one is marked."""
    now = now or timezone.now()
    if not selectors.may_mark(marker, answer):
        raise MarkingRefused("无权批阅这道题")
    try:
        score = Decimal(str(score))
    except Exception:
        raise MarkingRefused("得分应为数字") from None
    if not score.is_finite() or score < 0 or score > answer.version.points:
        raise MarkingRefused(f"得分应在 0 到 {plain(answer.version.points)} 之间")
    if score != score.quantize(Decimal("0.01")):
        raise MarkingRefused("得分最多两位小数")
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().select_related("quiz", "worker__user").get(pk=answer.attempt_id)
        if attempt.state not in (AttemptState.PENDING_MARKING, AttemptState.GRADED):
            raise MarkingRefused("该作答尚未提交")
        answer.score = score
        answer.comment = comment
        answer.marker = marker
        answer.marked_at = now
        answer.save(update_fields=["score", "comment", "marker", "marked_at"])
        still_open = attempt.answers.filter(version__qtype=QuestionType.ESSAY, score__isnull=True).exists()
        if not still_open:
            finish_grading(attempt, now)
            notification_send(
                recipient=attempt.worker.user,
                title=f"“{attempt.quiz.title}”已阅卷，得分 {plain(attempt.score)} / {plain(attempt.max_score)}",
                url=f"/attempts/{attempt.pk}/",
                dedupe_key=f"attempt-graded-{attempt.pk}-{now.timestamp():.0f}",
            )
    return answer
