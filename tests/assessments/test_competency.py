"""The competency model ships as data (5 × 18, versioned); levels; evidence_record."""

import datetime as dt
from decimal import Decimal

import pytest

from assessments.models import CompetencyModel, Evidence, Indicator, Level, level_for
from assessments.selectors import indicator_codes, worker_indicator_summary
from assessments.services import competency_model_new_version, evidence_record

pytestmark = pytest.mark.django_db


def test_default_model_has_5_primary_and_18_secondary_indicators():
    model = CompetencyModel.objects.get(is_active=True)
    assert model.version == 1
    indicators = list(model.indicators.order_by("order"))
    assert len(indicators) == 18 and len({i.primary_name for i in indicators}) == 5
    assert [i.code for i in indicators][:5] == ["1.1", "1.2", "1.3", "1.4", "2.1"]
    assert Indicator.objects.get(model=model, code="3.2").name == "应急处置规范性"
    assert indicator_codes() == {i.code for i in indicators}


@pytest.mark.parametrize(
    "score, level",
    [
        ("100", Level.EXCELLENT),
        ("90", Level.EXCELLENT),
        ("89.99", Level.GOOD),
        ("80", Level.GOOD),
        ("79.99", Level.PASS),
        ("60", Level.PASS),
        ("59.99", Level.IMPROVE),
        ("0", Level.IMPROVE),
    ],
)
def test_level_bands(score, level):
    assert level_for(Decimal(score)) == level


def test_evidence_record_upserts_per_source_and_validates(city_tree, make_worker):
    worker = make_worker(unit=city_tree["grid_a"])
    day = dt.date(2026, 3, 1)
    evidence_record(
        worker=worker, indicator_code="2.3", score=Decimal("70"), occurred_on=day, source="演练", reference=("drill", 5)
    )
    evidence_record(
        worker=worker, indicator_code="2.3", score=Decimal("90"), occurred_on=day, source="演练", reference=("drill", 5)
    )
    evidence_record(
        worker=worker,
        indicator_code="2.3",
        score=Decimal("80"),
        occurred_on=day + dt.timedelta(days=1),
        source="观察",
        reference=("mentor", 1),
    )
    assert Evidence.objects.filter(worker=worker).count() == 2
    with pytest.raises(ValueError, match="0–100"):
        evidence_record(
            worker=worker, indicator_code="2.3", score=101, occurred_on=day, source="演练", reference=("drill", 6)
        )
    with pytest.raises(ValueError, match="未知能力指标"):
        evidence_record(
            worker=worker, indicator_code="6.1", score=50, occurred_on=day, source="演练", reference=("drill", 7)
        )
    row = next(r for r in worker_indicator_summary(worker) if r["indicator"].code == "2.3")
    assert (row["count"], row["average"], row["latest"], row["level"]) == (
        2,
        Decimal("85.00"),
        Decimal("80.00"),
        Level.GOOD,
    )


def test_new_model_version_copies_indicators_and_becomes_active():
    new = competency_model_new_version(note="第二版")
    assert new.version == 2 and new.is_active and new.indicators.count() == 18
    assert CompetencyModel.objects.filter(is_active=True).count() == 1
