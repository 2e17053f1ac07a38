"""A competition with a knowledge round and a scenario round: six contestants from three communities
and five judges (one chief) of which two sit in contestants' communities."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.competitions.models import (
    Competition,
    Criterion,
    Entry,
    Panel,
    PanelJudge,
    PanelSlot,
    Round,
    RoundKind,
)
from lms import roles
from tests.factories import org


@pytest.fixture(autouse=True)
def board_rebuilt_after_every_score(settings):
    """Tests read the board right after scoring; the one-second coalescing has its own test."""
    settings.COMPETITION_BOARD_INTERVAL = 0


@pytest.fixture
def contest(db, make_worker):
    community_a = org("测试市/甲区/甲街道/一社区/一网格")
    community_b = org("测试市/甲区/甲街道/二社区/一网格")
    community_c = org("测试市/甲区/乙街道/三社区/一网格")
    district = org("测试市/甲区")
    trainer = make_worker(unit=org("测试市"), role_codes=(roles.TRAINER,), employee_no="PX900")
    competition = Competition.objects.create(name="测试技能比武", organiser_unit=None)
    knowledge = Round.objects.create(
        competition=competition,
        order=1,
        name="知识竞赛",
        kind=RoundKind.KNOWLEDGE,
        weight=Decimal("0.4"),
        max_score=Decimal("100"),
        starts_at=timezone.now() + dt.timedelta(hours=1),
        duration_minutes=30,
    )
    scenario = Round.objects.create(
        competition=competition,
        order=2,
        name="情景模拟",
        kind=RoundKind.SCENARIO,
        weight=Decimal("0.6"),
        max_score=Decimal("30"),
        indicator_codes=["2.3"],
        award_name="调解能手",
    )
    Criterion.objects.create(
        round=scenario,
        order=1,
        name="矛盾识别",
        max_score=Decimal("10"),
        descriptors="0分：未识别\n1分：部分识别\n2分：基本识别\n3分：准确识别",
    )
    Criterion.objects.create(round=scenario, order=2, name="调解方法", max_score=Decimal("10"))
    Criterion.objects.create(round=scenario, order=3, name="沟通表达", max_score=Decimal("10"))
    contestants = []
    for index, unit in enumerate([community_a, community_a, community_b, community_b, community_c, community_c]):
        worker = make_worker(unit=unit, employee_no=f"XS{index + 1:03d}", name=f"选手{index + 1}")
        contestants.append(Entry.objects.create(competition=competition, worker=worker))
    judges = [
        make_worker(unit=district, role_codes=(roles.JUDGE,), employee_no="PW901", name="裁判长"),
        make_worker(unit=district, role_codes=(roles.JUDGE,), employee_no="PW902", name="评委二"),
        make_worker(unit=district, role_codes=(roles.JUDGE,), employee_no="PW903", name="评委三"),
        make_worker(unit=community_a, role_codes=(roles.JUDGE,), employee_no="PW904", name="评委四"),
        make_worker(unit=community_c, role_codes=(roles.JUDGE,), employee_no="PW905", name="评委五"),
    ]
    panel = Panel.objects.create(round=scenario, name="第一组")
    for index, judge in enumerate(judges):
        PanelJudge.objects.create(panel=panel, judge=judge, is_chief=index == 0)
    for order, entry in enumerate(contestants, start=1):
        PanelSlot.objects.create(panel=panel, entry=entry, order=order)
    return {
        "competition": competition,
        "knowledge": knowledge,
        "scenario": scenario,
        "entries": contestants,
        "judges": judges,
        "panel": panel,
        "trainer": trainer,
    }


@pytest.fixture(autouse=True)
def board_caches_cleared():
    """The served boards and frozen papers are cached per process: each test starts without them."""
    from assessments.competitions import selectors_boards
    from assessments.competitions.services_knowledge import knowledge_papers_forget

    selectors_boards.caches_clear()
    knowledge_papers_forget()
    yield
    selectors_boards.caches_clear()
    knowledge_papers_forget()


@pytest.fixture
def paper(contest):
    """The contest's knowledge round with a four-question paper, starting in an hour."""
    from assessments.competitions.services import knowledge_round_sync
    from tests.assessments.helpers import make_quiz

    knowledge = contest["knowledge"]
    knowledge.quiz = make_quiz("技能比武知识竞赛试卷")
    knowledge.save(update_fields=["quiz"])
    knowledge_round_sync(round_=knowledge)
    return knowledge
