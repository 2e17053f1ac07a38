"""Competency evidence and the competency model's versions (the 5×18 indicators)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Model

from assessments import selectors
from assessments.defaults import DEFAULT_INDICATORS
from assessments.models import CompetencyModel, Evidence, Indicator
from assessments.scoring import quantize
from lms.models import Worker


def _source_key(source) -> tuple[str, str]:
    if isinstance(source, Model):
        return f"{source._meta.app_label}.{source._meta.model_name}", str(source.pk)
    source_type, source_id = source
    return str(source_type), str(source_id)


def evidence_record(*, worker: Worker, indicator_code: str, score, occurred_on: dt.date, source) -> Evidence:
    """Record (or correct) one score 0–100 for `worker` on an indicator of the active model.

    `source` is a model instance or a `(type, id)` pair; the same source recorded again updates
    its row instead of adding another, so re-grading never double-counts.
    """
    return evidence_record_many(worker=worker, items=[(indicator_code, score, occurred_on, source)])[0]


def evidence_record_many(*, worker: Worker, items: list[tuple]) -> list[Evidence]:
    """`evidence_record` for several `(indicator_code, score, occurred_on, source)` at once
    (a graded attempt records one per answer): a handful of queries however many items."""
    if not items:
        return []
    indicators = {i.code: i for i in selectors.active_indicators()}
    prepared = []
    for indicator_code, score, occurred_on, source in items:
        score = quantize(Decimal(score))
        if not Decimal(0) <= score <= Decimal(100):
            raise ValueError("能力证据得分应在 0–100 之间")
        indicator = indicators.get(indicator_code)
        if indicator is None:
            raise ValueError(f"未知能力指标“{indicator_code}”")
        prepared.append((indicator, score, occurred_on, *_source_key(source)))
    with transaction.atomic():
        existing = {
            (e.indicator_id, e.source_type, e.source_id): e
            for e in Evidence.objects.filter(
                worker=worker, source_id__in={p[4] for p in prepared}, source_type__in={p[3] for p in prepared}
            )
        }
        result, new, changed = [], [], []
        for indicator, score, occurred_on, source_type, source_id in prepared:
            evidence = existing.get((indicator.pk, source_type, source_id))
            if evidence is None:
                evidence = Evidence(
                    worker=worker,
                    indicator=indicator,
                    score=score,
                    occurred_on=occurred_on,
                    source_type=source_type,
                    source_id=source_id,
                )
                new.append(evidence)
                existing[(indicator.pk, source_type, source_id)] = evidence
            elif evidence.score != score or evidence.occurred_on != occurred_on:
                evidence.score, evidence.occurred_on = score, occurred_on
                changed.append(evidence)
            result.append(evidence)
        Evidence.objects.bulk_create(new)
        Evidence.objects.bulk_update(changed, ["score", "occurred_on"])
    return result


def competency_defaults_ensure() -> CompetencyModel | None:
    """Create version 1 of the model with the default 18 indicators (assessments/defaults.py) when no version exists.

    Migration 0002 ships the same defaults; this also runs after every migrate/flush (post_migrate),
    so a database emptied by a test flush gets them back like the role groups.
    """
    with transaction.atomic():
        if CompetencyModel.objects.exists():
            return None
        model = CompetencyModel.objects.create(
            version=1, name="网格员能力素质模型", is_active=True, note="初始版本：5 个一级指标、18 个二级指标"
        )
        Indicator.objects.bulk_create(
            Indicator(
                model=model,
                code=code,
                primary_name=primary,
                name=name,
                description=description,
                evidence_methods=methods,
                order=order,
            )
            for order, (code, primary, name, description, methods) in enumerate(DEFAULT_INDICATORS, start=1)
        )
    return model


def competency_model_new_version(*, note: str = "") -> CompetencyModel:
    """Copy the active model into a new version and activate it (edit the copy in the admin)."""
    with transaction.atomic():
        current = CompetencyModel.objects.select_for_update().filter(is_active=True).first()
        number = (CompetencyModel.objects.order_by("-version").values_list("version", flat=True).first() or 0) + 1
        if current is not None:
            CompetencyModel.objects.filter(pk=current.pk).update(is_active=False)
        new = CompetencyModel.objects.create(
            version=number, name=current.name if current else "网格员能力素质模型", is_active=True, note=note
        )
        if current is not None:
            Indicator.objects.bulk_create(
                Indicator(
                    model=new,
                    code=i.code,
                    primary_name=i.primary_name,
                    name=i.name,
                    description=i.description,
                    evidence_methods=i.evidence_methods,
                    order=i.order,
                )
                for i in current.indicators.all()
            )
    return new
