"""A worker's competition record (我的比赛, the competency profile section) and the results exports:
who sees what, what the files hold."""

import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.competitions import services_awards
from assessments.competitions.models import Competition, Entry
from lms import roles
from lms.models import AuditLog
from tests.competitions import awards_setup
from tests.factories import org

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(contest, django_capture_on_commit_callbacks):
    awards_setup.score(contest)
    awards_setup.close(contest)
    awards_setup.publish_all(contest)
    with django_capture_on_commit_callbacks(execute=True):
        services_awards.awards_confirm(competition=contest["competition"], actor=contest["trainer"].user)
    return contest


def test_mine_shows_own_record_with_rank_awards_and_certificate(finished, client):
    worker = finished["entries"][0].worker
    client.force_login(worker.user)
    page = client.get(reverse("competitions:mine")).content.decode()
    assert "测试技能比武" in page and "第 1 名 / 6 人" in page
    assert "一等奖" in page and "调解能手" in page
    assert reverse("certificates:pdf", args=["x"]).rsplit("x", 1)[0] in page  # a certificate link
    assert "选手2" not in page


def test_mine_of_a_peer_and_of_a_non_contestant(finished, client, make_worker):
    peer = finished["entries"][5].worker  # XS006: scored 0, no award
    client.force_login(peer.user)
    page = client.get(reverse("competitions:mine") + "?worker=XS001").content.decode()
    assert "第 6 名 / 6 人" in page
    assert "一等奖" not in page and "调解能手" not in page
    outsider = make_worker(unit=org("测试市/甲区/甲街道/一社区/一网格"), employee_no="WG999")
    client.force_login(outsider.user)
    assert "您还没有参加过技能比武" in client.get(reverse("competitions:mine")).content.decode()


def test_rank_waits_until_every_round_is_published(contest, client):
    awards_setup.score(contest)
    awards_setup.close(contest)
    services_awards.round_publish(round_=contest["knowledge"], actor=contest["trainer"].user)
    client.force_login(contest["entries"][0].worker.user)
    page = client.get(reverse("competitions:mine")).content.decode()
    assert "已公布 1/2 轮" in page and "第 1 名" not in page
    assert "90.00%" in page  # the knowledge round's own percentage
    assert "情景模拟" not in page  # not published


def test_profile_page_has_the_competition_section(finished, client):
    worker = finished["entries"][0].worker
    client.force_login(worker.user)
    page = client.get(reverse("assessments:competency_me")).content.decode()
    assert 'data-testid="competition-history"' in page and "一等奖" in page
    assert '.pdf">证书</a>' in page and "查看我的全部比赛" in page
    # staff of the worker's subtree see the record, not the certificate links
    client.force_login(finished["trainer"].user)
    page = client.get(reverse("assessments:competency_worker", args=[worker.employee_no])).content.decode()
    assert 'data-testid="competition-history"' in page and "一等奖" in page
    assert '.pdf">证书</a>' not in page
    # a worker without competitions has no such section
    other = finished["judges"][1]
    client.force_login(other.user)
    assert 'data-testid="competition-history"' not in client.get(reverse("assessments:competency_me")).content.decode()


def test_promotion_to_the_next_stage_is_shown(finished, client):
    final = Competition.objects.create(name="测试技能比武·决赛", stage="市决赛")
    finished["competition"].next_stage = final
    finished["competition"].stage = "区复赛"
    finished["competition"].save()
    worker = finished["entries"][0].worker
    Entry.objects.create(competition=final, worker=worker, source=Entry.Source.PROMOTED)
    client.force_login(worker.user)
    page = client.get(reverse("competitions:mine")).content.decode()
    assert "晋级市决赛" in page and "测试技能比武·决赛" in page and "成绩尚未公布" in page


def test_xlsx_has_one_sheet_per_view_with_numbers(finished, client):
    client.force_login(finished["trainer"].user)
    response = client.get(reverse("competitions:results_xlsx", args=[finished["competition"].pk]))
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()
    assert "%E6%88%90%E7%BB%A9" in response["Content-Disposition"]  # 成绩, RFC 6266 encoded
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["总成绩排名", "团体排名", "获奖名单"]
    rows = list(book["总成绩排名"].values)
    assert rows[0][:6] == ("名次", "工号", "姓名", "单位", "知识竞赛得分率（%）", "情景模拟得分率（%）")
    assert rows[1][:7] == (1, "XS001", "选手1", rows[1][3], 90, 90, 90)
    assert isinstance(rows[1][6], (int, float)) and "一等奖" in rows[1][8]
    assert rows[4][0] == 4 and rows[4][6] == 64
    teams = list(book["团体排名"].values)
    assert teams[0] == ("名次", "单位", "团体成绩", "计分选手") and len(teams) == 3  # 甲街道, 乙街道
    awards = list(book["获奖名单"].values)
    assert len(awards) == 6 and {r[0] for r in awards[1:]} == {"一等奖", "二等奖", "三等奖", "调解能手"}
    assert AuditLog.objects.filter(action="export", target_type="竞赛成绩").count() == 1


def test_exports_show_only_published_rounds_unless_staff_asks(contest, client):
    awards_setup.score(contest)
    awards_setup.close(contest)
    services_awards.round_publish(round_=contest["knowledge"], actor=contest["trainer"].user)
    client.force_login(contest["trainer"].user)
    url = reverse("competitions:results_xlsx", args=[contest["competition"].pk])
    headers = list(load_workbook(io.BytesIO(client.get(url).content))["总成绩排名"].values)[0]
    assert "知识竞赛得分率（%）" in headers and "情景模拟得分率（%）" not in headers
    provisional = client.get(url + "?provisional=1")
    assert "%E4%BB%85%E4%BE%9B%E6%A0%B8%E5%AF%B9" in provisional["Content-Disposition"]  # 仅供核对
    headers = list(load_workbook(io.BytesIO(provisional.content))["总成绩排名"].values)[0]
    assert "情景模拟得分率（%）" in headers
    junk = client.get(url + "?provisional=abc")
    assert junk.status_code == 400 and "provisional" in junk.content.decode()


def test_exports_are_for_organisers_only(finished, client, make_worker):
    contestant = finished["entries"][0].worker
    judge = finished["judges"][0]
    district_trainer = make_worker(unit=org("测试市/甲区"), role_codes=(roles.TRAINER,), employee_no="PX906")
    for name in ("competitions:results_xlsx", "competitions:results_pdf"):
        url = reverse(name, args=[finished["competition"].pk])
        for user in (contestant.user, judge.user, district_trainer.user):
            client.force_login(user)
            assert client.get(url).status_code == 404
        client.logout()
        assert client.get(url).status_code == 302  # to the login page
    assert not AuditLog.objects.filter(action="export").exists()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils 未安装")
def test_pdf_lists_name_unit_rounds_overall_rank_award(finished, client):
    client.force_login(finished["trainer"].user)
    response = client.get(reverse("competitions:results_pdf", args=[finished["competition"].pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True).stdout
    text = text.decode()
    for expected in ("测试技能比武 成绩名单", "选手1", "一社区", "90.00", "64.00", "一等奖", "调解能手"):
        assert expected in text
    assert "仅供核对" not in text
    provisional = client.get(reverse("competitions:results_pdf", args=[finished["competition"].pk]) + "?provisional=1")
    assert (
        "仅供核对"
        in subprocess.run(
            ["pdftotext", "-", "-"], input=provisional.content, capture_output=True, check=True
        ).stdout.decode()
    )
