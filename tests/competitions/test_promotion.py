"""competition_promote: the top N overall or of each unit go to the next stage as 晋级, ties at the
cut all go through, only after every round is published, and a second run adds no one."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.competitions import services_setup
from assessments.competitions.models import Competition, Entry, Panel, Round, RoundKind, RoundResult
from assessments.competitions.services import CompetitionError
from lms import roles
from lms.models import OrgLevel
from tests.factories import org

pytestmark = pytest.mark.django_db


@pytest.fixture
def stages(make_worker):
    final = Competition.objects.create(name="市决赛", stage="市决赛")
    Round.objects.create(competition=final, order=1, name="实操", kind=RoundKind.PRACTICAL)
    heat = Competition.objects.create(name="区复赛", stage="区复赛", next_stage=final, promote_top_n=2)
    round_ = Round.objects.create(
        competition=heat, order=1, name="实操", kind=RoundKind.PRACTICAL, published_at=timezone.now()
    )
    a = org("测试市/甲区/甲街道/一社区/一网格")
    b = org("测试市/甲区/乙街道/二社区/一网格")
    scores = {"A1": 90, "A2": 80, "A3": 80, "A4": 50, "B1": 70, "B2": 60, "B3": 0}
    entries = {}
    for code, percent in scores.items():
        worker = make_worker(unit=a if code.startswith("A") else b, employee_no=code)
        entry = Entry.objects.create(competition=heat, worker=worker)
        entries[code] = entry
        RoundResult.objects.create(round=round_, entry=entry, score=D(percent), percent=D(percent))
    trainer = make_worker(unit=org("测试市"), role_codes=(roles.TRAINER,), employee_no="PX1")
    return {"heat": heat, "final": final, "round": round_, "entries": entries, "trainer": trainer}


def promoted_codes(final) -> set[str]:
    return set(Entry.objects.filter(competition=final).values_list("worker__employee_no", flat=True))


def test_top_n_overall_with_ties_at_the_cut(stages):
    created = services_setup.competition_promote(competition=stages["heat"], actor=stages["trainer"].user)
    # A1 first, A2 and A3 tied second: both go through
    assert promoted_codes(stages["final"]) == {"A1", "A2", "A3"}
    assert len(created) == 3
    assert set(Entry.objects.filter(competition=stages["final"]).values_list("source", flat=True)) == {"晋级"}
    panel = Panel.objects.get(round__competition=stages["final"])
    assert panel.slots.count() == 3


def test_promotion_is_idempotent(stages):
    services_setup.competition_promote(competition=stages["heat"], actor=None)
    assert services_setup.competition_promote(competition=stages["heat"], actor=None) == []
    assert Entry.objects.filter(competition=stages["final"]).count() == 3


def test_top_n_of_each_unit(stages):
    heat = stages["heat"]
    heat.promote_top_n, heat.promote_per_level = 1, OrgLevel.STREET
    heat.save()
    services_setup.competition_promote(competition=heat, actor=None)
    assert promoted_codes(stages["final"]) == {"A1", "B1"}
    heat.promote_top_n = 2
    heat.save()
    services_setup.competition_promote(competition=heat, actor=None)
    # 甲街道: A1, then A2/A3 tied; 乙街道: B1, B2 (B3 scored 0 and is never promoted)
    assert promoted_codes(stages["final"]) == {"A1", "A2", "A3", "B1", "B2"}


def test_refused_before_every_round_is_published(stages):
    Round.objects.create(competition=stages["heat"], order=2, name="知识", kind=RoundKind.KNOWLEDGE)
    with pytest.raises(CompetitionError, match="所有轮次成绩公布后"):
        services_setup.competition_promote(competition=stages["heat"], actor=None)
    assert not Entry.objects.filter(competition=stages["final"]).exists()


def test_refused_without_next_stage_or_count(stages):
    with pytest.raises(CompetitionError, match="没有设置下一赛段"):
        services_setup.competition_promote(competition=stages["final"], actor=None)
    heat = stages["heat"]
    heat.promote_top_n = 0
    heat.save()
    with pytest.raises(CompetitionError, match="晋级人数"):
        services_setup.competition_promote(competition=heat, actor=None)


def test_promote_page_for_organiser_only(client, stages, make_worker):
    url = reverse("competitions:promote", args=[stages["heat"].pk])
    peer = make_worker(unit=org("测试市/乙区"), role_codes=(roles.TRAINER,), employee_no="PX2")
    client.force_login(peer.user)
    assert client.post(url).status_code == 404
    client.force_login(stages["trainer"].user)
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "已晋级 3 人" in response.content.decode()
    assert promoted_codes(stages["final"]) == {"A1", "A2", "A3"}
