"""压力与倦怠自评: scoring, the once-a-month rule and its 自评 evidence (docs/rules.md, "自评与业务指标")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.models import EvidenceSource, SelfAssessment
from assessments.self_assessment import BAND_ATTENTION, BAND_FAIR, BAND_GOOD, INDICATORS, ITEMS, SCALE_LABELS
from assessments.services.competency import evidence_record_many
from lms.models import Worker

CENT = Decimal("0.01")


class SelfAssessmentRefused(Exception):
    """A questionnaire that cannot be accepted; the message is Chinese and names the item."""


@dataclass(frozen=True)
class SelfAssessmentResult:
    scores: dict[str, Decimal]  # "5.1" / "5.2" → 0–100, two decimals
    band: str


def band_for(score_coping: Decimal, score_emotion: Decimal) -> str:
    """良好 ≥ 70, 一般 50–69.99, 需要关注 < 50, on the mean of the two indicator scores."""
    mean = (Decimal(score_coping) + Decimal(score_emotion)) / 2
    if mean >= 70:
        return BAND_GOOD
    if mean >= 50:
        return BAND_FAIR
    return BAND_ATTENTION


def clean_answers(answers: dict) -> dict[str, int]:
    """Every item answered with 1–5; keys are the item numbers as text. Raises SelfAssessmentRefused."""
    cleaned, missing = {}, []
    for item in ITEMS:
        raw = answers.get(str(item.number), answers.get(item.number))
        try:
            value = int(str(raw).strip())
        except (TypeError, ValueError):
            value = None
        if value not in SCALE_LABELS:
            missing.append(item.number)
        else:
            cleaned[str(item.number)] = value
    if missing:
        raise SelfAssessmentRefused(f"第{'、'.join(map(str, missing))}题未作答，请每题选择一项（从不 … 总是）")
    return cleaned


def self_assessment_score(answers: dict) -> SelfAssessmentResult:
    """Per indicator: (mean of its items after reversal − 1) / 4 × 100, rounded half up to two decimals."""
    answers = clean_answers(answers)
    scores = {}
    for code in INDICATORS:
        values = [
            6 - answers[str(i.number)] if i.reverse else answers[str(i.number)]
            for i in ITEMS
            if i.indicator_code == code
        ]
        # (sum/n − 1) / 4 × 100 = (sum − n) × 25 / n, kept exact until the final rounding
        raw = Decimal(sum(values) - len(values)) * 25 / len(values)
        scores[code] = raw.quantize(CENT, rounding=ROUND_HALF_UP)
    return SelfAssessmentResult(scores=scores, band=band_for(scores["5.1"], scores["5.2"]))


def self_assessment_submit(*, worker: Worker, answers: dict, today: dt.date | None = None) -> SelfAssessment:
    """Store one questionnaire (at most one per worker per calendar month) and its two 自评
    evidence rows (5.1, 5.2), in one transaction."""
    if worker is None:
        raise SelfAssessmentRefused("只有网格员本人可以填写自评")
    today = today or timezone.localdate()
    result = self_assessment_score(answers)
    month = today.replace(day=1)
    refused = SelfAssessmentRefused(
        f"您本月（{month.year}年{month.month}月）已经填写过压力与倦怠自评，每个自然月只能填写一次，下月 1 日起可再次填写"
    )
    if SelfAssessment.objects.filter(worker=worker, month=month).exists():
        raise refused
    try:
        with transaction.atomic():
            record = SelfAssessment.objects.create(
                worker=worker,
                month=month,
                taken_on=today,
                answers=clean_answers(answers),
                score_coping=result.scores["5.1"],
                score_emotion=result.scores["5.2"],
                band=result.band,
            )
            evidence_record_many(
                worker=worker,
                source=EvidenceSource.SELF,
                items=[(code, score, today, record) for code, score in result.scores.items()],
            )
    except IntegrityError:  # a second submit racing the first: the unique constraint decides
        raise refused from None
    return record
