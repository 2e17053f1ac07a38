"""Awards: 一/二/三等奖 by overall rank over the published standings (ties at a boundary share the
better tier, only scores above 0), one single award per round (ties all win), confirmation by
organisers only once every round is published, AWARD certificates issued once per award with the
award's name printed on them."""

import shutil
import subprocess
from decimal import Decimal as D

import pytest
from django.urls import reverse

from assessments.competitions import services, services_awards
from assessments.competitions.models import Award
from certificates.models import Certificate, IssuanceJob
from certificates.services import certificate_pdf_ensure
from lms import roles
from lms.private_media import private_storage
from tests.competitions import awards_setup
from tests.factories import org

pytestmark = pytest.mark.django_db


def proposed(contest):
    return [(p.worker_no, p.title, p.rank) for p in services_awards.awards_propose(competition=contest["competition"])]


def test_tiers_follow_rank_and_ties_share_the_better_tier(contest):
    awards_setup.score(contest)
    awards_setup.close(contest)
    awards_setup.publish_all(contest)
    # overall 90, 80, 80 (tied: same time and scenario), 64, 48, 0 → five score above 0;
    # shares 10/20/30 % of 5 → 1, 1, 2 places
    assert proposed(contest) == [
        ("XS001", "一等奖", 1),
        ("XS002", "二等奖", 2),
        ("XS003", "二等奖", 2),
        ("XS004", "三等奖", 4),
        ("XS001", "调解能手", 1),
    ]


def test_tie_at_first_place_and_single_award_ties(contest):
    contest["knowledge"].award_name = "政策通"
    contest["knowledge"].save()
    awards_setup.score(
        contest,
        scenario=[27, 27, 24, 18, 12, 0],
        knowledge=[(90, 600), (90, 600), (80, 700), (70, 800), (60, 900), (0, 1200)],
    )
    awards_setup.close(contest)
    awards_setup.publish_all(contest)
    result = proposed(contest)
    assert result[:4] == [
        ("XS001", "一等奖", 1),
        ("XS002", "一等奖", 1),
        ("XS003", "三等奖", 3),
        ("XS004", "三等奖", 4),
    ]
    singles = sorted(r for r in result if r[1] not in {"一等奖", "二等奖", "三等奖"})
    assert singles == [
        ("XS001", "政策通", 1),
        ("XS001", "调解能手", 1),
        ("XS002", "政策通", 1),
        ("XS002", "调解能手", 1),
    ]


def test_only_published_rounds_count_and_zero_scores_win_nothing(contest):
    awards_setup.score(contest)
    awards_setup.close(contest)
    services_awards.round_publish(round_=contest["knowledge"], actor=contest["trainer"].user)
    # only the knowledge round counts: 90, 80 (600… no: 700 s), 80, 70, 60, 0
    result = proposed(contest)
    assert ("XS006", "三等奖", 6) not in result
    assert all(worker != "XS006" for worker, _, _ in result)
    assert not any(title == "调解能手" for _, title, _ in result)  # its round is not published


def test_confirm_needs_every_round_published(contest):
    awards_setup.score(contest)
    awards_setup.close(contest)
    services_awards.round_publish(round_=contest["scenario"], actor=contest["trainer"].user)
    with pytest.raises(services.CompetitionError, match="尚未公布成绩：知识竞赛"):
        services_awards.awards_confirm(competition=contest["competition"], actor=contest["trainer"].user)
    assert not Award.objects.exists() and not IssuanceJob.objects.exists()


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils 未安装")
def test_confirm_issues_award_certificates_once_naming_the_award(contest, django_capture_on_commit_callbacks):
    awards_setup.score(contest)
    awards_setup.close(contest)
    awards_setup.publish_all(contest)
    trainer = contest["trainer"].user
    with django_capture_on_commit_callbacks(execute=True):
        services_awards.awards_confirm(competition=contest["competition"], actor=trainer)
    awards = Award.objects.filter(competition=contest["competition"])
    assert awards.count() == 5 and not awards.filter(confirmed_at=None).exists()
    jobs = IssuanceJob.objects.order_by("id")
    assert sorted(j.source_label for j in jobs) == sorted(
        f"测试技能比武 {title}" for title in ("一等奖", "二等奖", "三等奖", "调解能手")
    )
    assert {j.status for j in jobs} == {"done"}
    assert services_awards.awards_certificates_link(competition=contest["competition"]) == 5
    first = awards.get(title="一等奖")
    assert first.certificate.certificate_type.code == "AWARD"
    assert first.certificate.worker == first.entry.worker
    assert first.certificate.source_label == "测试技能比武 一等奖"
    text = pdf_text(private_storage().path(certificate_pdf_ensure(certificate=first.certificate)))
    assert "荣获测试技能比武 一等奖" in text.replace("\n", "")
    assert "竞赛获奖证书" in text

    # confirming again changes nothing and issues nothing
    with django_capture_on_commit_callbacks(execute=True):
        again = services_awards.awards_confirm(competition=contest["competition"], actor=trainer)
    assert len(again) == 5
    assert IssuanceJob.objects.count() == 4
    assert Certificate.objects.filter(certificate_type__code="AWARD").count() == 5


def test_award_page_access_and_confirmation(contest, make_worker, client, django_capture_on_commit_callbacks):
    awards_setup.score(contest)
    awards_setup.close(contest)
    awards_setup.publish_all(contest)
    url = reverse("competitions:awards", args=[contest["competition"].pk])
    contestant = contest["entries"][0].worker
    judge = contest["judges"][0]
    street_trainer = make_worker(unit=org("测试市/甲区"), role_codes=(roles.TRAINER,), employee_no="PX905")
    for user in (contestant.user, judge.user, street_trainer.user):  # 全市 competition: city trainers only
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert not Award.objects.exists()
    with pytest.raises(services.CompetitionError, match="主办培训管理员"):
        services_awards.awards_confirm(competition=contest["competition"], actor=contestant.user)

    client.force_login(contest["trainer"].user)
    page = client.get(url).content.decode()
    assert "拟获奖名单" in page and 'data-testid="proposal-XS004"' in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    page = client.get(url).content.decode()
    assert "获奖名单（已确认）" in page
    assert page.count('data-testid="job"') == 4
    certificate = Award.objects.get(title="一等奖").certificate
    assert certificate is not None and certificate.verification_code in page
    job = IssuanceJob.objects.first()
    status = client.get(reverse("competitions:award_job_status", args=[contest["competition"].pk, job.pk])).json()
    assert status["status"] == "done" and status["done"] == status["total"]
    # another competition's job id through this competition's address: 404
    client.force_login(street_trainer.user)
    assert (
        client.get(reverse("competitions:award_job_status", args=[contest["competition"].pk, job.pk])).status_code
        == 404
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(contest["trainer"].user)
        client.post(url)
    assert IssuanceJob.objects.count() == 4


def test_tier_sizes_round_half_up_with_at_least_one(contest):
    contest["competition"].first_prize_share = D("0")
    contest["competition"].save()
    awards_setup.score(contest)
    awards_setup.close(contest)
    awards_setup.publish_all(contest)
    # 0/20/30 % of 5 → 0, 1, 2 places: XS001 二等奖, XS002 and XS003 (tied) 三等奖, XS004 none
    assert proposed(contest) == [
        ("XS001", "二等奖", 1),
        ("XS002", "三等奖", 2),
        ("XS003", "三等奖", 2),
        ("XS001", "调解能手", 1),
    ]
