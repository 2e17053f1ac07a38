"""Competency evidence and the competency model's versions (the 5×18 indicators)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Model

from assessments import selectors
from assessments.defaults import DEFAULT_INDICATORS, default_plan_entries, indicator_uuid
from assessments.models import CompetencyModel, CompetencyStale, Evidence, EvidenceSource, Indicator, PlanEntry
from assessments.scoring import quantize
from lms.models import Worker
from lms.periods import periods_of


def _source_key(reference) -> tuple[str, str]:
    if isinstance(reference, Model):
        return f"{reference._meta.app_label}.{reference._meta.model_name}", str(reference.pk)
    source_type, source_id = reference
    return str(source_type), str(source_id)


def evidence_record(
    *, worker: Worker, source: EvidenceSource, indicator_code: str, score, occurred_on: dt.date, reference
) -> Evidence:
    """Record (or correct) one score 0–100 of kind `source` (测试, 观察…) for `worker` on an
    indicator of the active model.

    `reference` is the record it came from, a model instance or a `(type, id)` pair; the same
    reference recorded again updates its row instead of adding another, so re-grading never
    double-counts.
    """
    return evidence_record_many(worker=worker, source=source, items=[(indicator_code, score, occurred_on, reference)])[
        0
    ]


def evidence_record_many(*, worker: Worker, source: EvidenceSource, items: list[tuple]) -> list[Evidence]:
    """`evidence_record` for several `(indicator_code, score, occurred_on, reference)` of one source
    at once (a graded attempt records one per answer): a handful of queries however many items."""
    if not items:
        return []
    source = EvidenceSource(source)
    indicators = {i.code: i for i in selectors.active_indicators()}
    prepared = []
    for indicator_code, score, occurred_on, reference in items:
        score = quantize(Decimal(score))
        if not Decimal(0) <= score <= Decimal(100):
            raise ValueError("能力证据得分应在 0–100 之间")
        indicator = indicators.get(indicator_code)
        if indicator is None:
            raise ValueError(f"未知能力指标“{indicator_code}”")
        prepared.append((indicator, score, occurred_on, *_source_key(reference)))
    with transaction.atomic():
        existing = {
            (e.indicator_id, e.source_type, e.source_id): e
            for e in Evidence.objects.filter(
                worker=worker, source_id__in={p[4] for p in prepared}, source_type__in={p[3] for p in prepared}
            )
        }
        result, new, changed, days = [], [], [], set()
        for indicator, score, occurred_on, source_type, source_id in prepared:
            evidence = existing.get((indicator.pk, source_type, source_id))
            days.add(occurred_on)
            if evidence is not None:
                days.add(evidence.occurred_on)  # a corrected date leaves its old period stale too
            if evidence is None:
                evidence = Evidence(
                    worker=worker,
                    indicator=indicator,
                    score=score,
                    occurred_on=occurred_on,
                    source=source,
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
        stale_mark(worker_ids=[worker.pk], days=days)
    return result


def stale_mark(*, worker_ids, days) -> None:
    """Mark the workers' stored scores of the year and quarter of each day stale, in the caller's
    transaction, and recompute them once it commits (docs/rules.md, 7.1). A profile read recomputes a
    worker still marked, so it reflects every piece of evidence committed so far."""
    periods = {period.code for day in days for period in periods_of(day)}
    CompetencyStale.objects.bulk_create(
        [CompetencyStale(worker_id=worker_id, period=code) for worker_id in worker_ids for code in sorted(periods)],
        ignore_conflicts=True,
    )
    from assessments.tasks import competency_recompute_stale_task

    transaction.on_commit(competency_recompute_stale_task.delay)


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
                uuid=indicator_uuid(code),
                primary_name=primary,
                name=name,
                description=description,
                evidence_methods=methods,
                order=order,
            )
            for order, (code, primary, name, description, methods) in enumerate(DEFAULT_INDICATORS, start=1)
        )
        PlanEntry.objects.bulk_create(PlanEntry(model=model, **row) for row in default_plan_entries())
    return model


def competency_model_new_version(*, note: str = "") -> CompetencyModel:
    """Copy the active model (indicators with their ids, and its plan) into a new version and
    activate it (edit the copy in the admin)."""
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
                    uuid=i.uuid,
                    primary_name=i.primary_name,
                    name=i.name,
                    description=i.description,
                    evidence_methods=i.evidence_methods,
                    order=i.order,
                )
                for i in current.indicators.all()
            )
            PlanEntry.objects.bulk_create(
                PlanEntry(
                    model=new,
                    indicator_code=e.indicator_code,
                    source=e.source,
                    weight=e.weight,
                    method=e.method,
                    decay=e.decay,
                    min_count=e.min_count,
                )
                for e in current.plan.all()
            )
    return new
