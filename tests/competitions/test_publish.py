"""Publishing a closed round: organisers only, the 演练 evidence written once and kept current, each
contestant told once, the public board showing the round (docs/rules.md, 14)."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from assessments.competitions import selectors, services, services_awards
from assessments.competitions.models import Board
from assessments.models import Evidence, EvidenceSource
from lms import roles
from lms.models import Notification
from tests.competitions import awards_setup
from tests.factories import org

pytestmark = pytest.mark.django_db


def test_open_round_cannot_be_published(contest):
    awards_setup.score(contest)
    with pytest.raises(services.CompetitionError, match="尚未截止评分"):
        services_awards.round_publish(round_=contest["scenario"], actor=contest["trainer"].user)
    contest["scenario"].refresh_from_db()
    assert contest["scenario"].published_at is None


def test_publish_writes_drill_evidence_once_and_notifies_once(contest, django_capture_on_commit_callbacks):
    awards_setup.score(contest)
    awards_setup.close(contest)
    trainer = contest["trainer"].user
    with django_capture_on_commit_callbacks(execute=True):
        services_awards.round_publish(round_=contest["scenario"], actor=trainer)
    evidence = Evidence.objects.filter(source=EvidenceSource.DRILL, indicator__code="2.3")
    # five contestants scored above 0 and XS006 scored 0: one row each on the round's indicator
    assert evidence.count() == 6
    assert evidence.get(worker__employee_no="XS001").score == D("90.00")
    assert evidence.get(worker__employee_no="XS006").score == D("0.00")
    notes = Notification.objects.filter(title__contains="情景模拟”成绩已公布")
    assert notes.count() == 6
    assert reverse("competitions:mine") == notes.first().url
    # the public board now shows the scenario round
    public = selectors.board_payload(contest["competition"], staff=False)
    assert [r["name"] for r in public["rounds"]] == ["情景模拟"]
    assert Board.objects.get(competition=contest["competition"], audience="public").version >= 1

    # publishing again: same evidence rows, nobody told twice
    with django_capture_on_commit_callbacks(execute=True):
        services_awards.round_publish(round_=contest["scenario"], actor=trainer)
    assert evidence.count() == 6
    assert Notification.objects.filter(title__contains="情景模拟”成绩已公布").count() == 6


def test_correction_after_publication_updates_the_evidence(contest):
    awards_setup.score(contest)
    awards_setup.close(contest)
    services_awards.round_publish(round_=contest["scenario"], actor=contest["trainer"].user)
    chief = contest["judges"][0]
    entry = contest["entries"][1]  # 24/30 from each of three judges → 80 %
    services.judge_score_save(
        round_=contest["scenario"], entry=entry, judge=chief, total=15, actor=chief.user, reason="计分错误更正"
    )
    rows = Evidence.objects.filter(worker=entry.worker, source=EvidenceSource.DRILL)
    assert rows.count() == 1
    assert rows.get().score == D("70.00")  # (15 + 24 + 24) / 3 = 21 of 30


def test_knowledge_round_adds_no_evidence_of_its_own(contest):
    awards_setup.score(contest)
    awards_setup.close(contest)
    contest["knowledge"].indicator_codes = ["1.1"]
    contest["knowledge"].save()
    services_awards.round_publish(round_=contest["knowledge"], actor=contest["trainer"].user)
    assert not Evidence.objects.filter(source_type=services_awards.EVIDENCE_SOURCE_TYPE).exists()


def test_who_may_publish(contest, make_worker, client):
    awards_setup.score(contest)
    awards_setup.close(contest)
    scenario = contest["scenario"]
    url = reverse("competitions:round_publish", args=[scenario.pk])
    contest["competition"].organiser_unit = org("测试市/甲区")
    contest["competition"].save()
    other_district = make_worker(unit=org("测试市/乙区"), role_codes=(roles.TRAINER,), employee_no="PX902")
    contestant = contest["entries"][0].worker
    judge = contest["judges"][0]
    for user in (other_district.user, contestant.user, judge.user):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    with pytest.raises(services.CompetitionError, match="主办培训管理员"):
        services_awards.round_publish(round_=scenario, actor=other_district.user)
    scenario.refresh_from_db()
    assert scenario.published_at is None

    district_trainer = make_worker(unit=org("测试市/甲区"), role_codes=(roles.TRAINER,), employee_no="PX903")
    client.force_login(district_trainer.user)
    page = client.get(url)
    assert page.status_code == 200 and "确认公布" in page.content.decode()
    response = client.post(url)
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert scenario.published_at is not None


def test_publish_page_of_an_open_round_says_why(contest, client):
    client.force_login(contest["trainer"].user)
    url = reverse("competitions:round_publish", args=[contest["scenario"].pk])
    assert "尚未截止评分" in client.get(url).content.decode()
    client.post(url)
    contest["scenario"].refresh_from_db()
    assert contest["scenario"].published_at is None
    assert client.get(reverse("competitions:round_publish", args=[999999])).status_code == 404
