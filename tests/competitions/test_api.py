"""Competitions API per role: the list one may see, the leaderboard by audience, ETag/304, junk ids."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.competitions.models import Competition
from assessments.competitions.services import judge_score_save
from tests.factories import org

LIST = "/api/v1/competitions"


def board_url(pk) -> str:
    return f"/api/v1/competitions/{pk}/leaderboard"


@pytest.fixture
def scored(contest, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for judge, total in zip(contest["judges"][:3], ("24", "27", "21"), strict=True):
            judge_score_save(round_=contest["scenario"], entry=contest["entries"][2], judge=judge, total=Decimal(total))
    return contest


def test_list_per_role(client, contest, make_worker):
    other = Competition.objects.create(name="乙区比武", organiser_unit=org("测试市/乙区"))
    client.force_login(contest["entries"][0].worker.user)
    mine = client.get(LIST).json()
    assert [c["name"] for c in mine] == ["测试技能比武"] and mine[0]["entered"] is True
    assert set(mine[0]) >= {"id", "name", "stage", "description", "entered"}
    client.force_login(contest["trainer"].user)
    assert {c["name"] for c in client.get(LIST).json()} == {"测试技能比武", "乙区比武"}
    client.force_login(contest["judges"][0].user)
    assert {c["id"] for c in client.get(LIST).json()} == {contest["competition"].pk, other.pk}
    local = make_worker(unit=org("测试市/乙区/丙街道/四社区/一网格"), employee_no="WX010")
    client.force_login(local.user)
    assert {c["name"] for c in client.get(LIST).json()} == {"测试技能比武", "乙区比武"}


def test_leaderboard_public_vs_staff(client, scored):
    url = board_url(scored["competition"].pk)
    client.force_login(scored["entries"][0].worker.user)
    public = client.get(url)
    assert public.status_code == 200
    body = public.json()
    assert set(body) == {"results", "updated_at"} and len(body["results"]) == 6
    assert all(row["rounds"] == {} for row in body["results"])
    for viewer in (scored["judges"][4], scored["trainer"]):
        client.force_login(viewer.user)
        staff = client.get(url).json()
        top = staff["results"][0]
        assert top == {
            "rank": 1,
            "worker": "XS003",
            "name": "选手3",
            "overall": 48.0,  # 24/30 = 80 % × weight 0.6 of 1.0
            "rounds": {"知识竞赛": None, "情景模拟": 80.0},
        }
        assert [row["rank"] for row in staff["results"]] == sorted(row["rank"] for row in staff["results"])


def test_leaderboard_published_round_shows_for_everyone(client, scored, django_capture_on_commit_callbacks):
    from assessments.competitions.services import board_rebuild

    scenario = scored["scenario"]
    scenario.published_at = timezone.now()
    scenario.save(update_fields=["published_at"])
    board_rebuild(competition=scored["competition"])
    client.force_login(scored["entries"][5].worker.user)
    top = client.get(board_url(scored["competition"].pk)).json()["results"][0]
    assert top["worker"] == "XS003" and top["rounds"] == {"情景模拟": 80.0} and top["overall"] == 80.0


def test_leaderboard_etag_304(client, scored):
    client.force_login(scored["entries"][0].worker.user)
    url = board_url(scored["competition"].pk)
    first = client.get(url)
    assert first["ETag"].startswith('"')
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_leaderboard_hidden_competition_and_junk_ids(client, contest, make_worker):
    other = Competition.objects.create(name="乙区比武", organiser_unit=org("测试市/乙区"))
    client.force_login(contest["entries"][0].worker.user)
    hidden = client.get(board_url(other.pk))
    assert hidden.status_code == 404 and hidden.json() == {"detail": "未找到该比赛", "code": "not_found"}
    assert client.get(board_url(987654)).status_code == 404
    for junk in ("abc", "0", "-1", "99999999999999999999"):
        response = client.get(board_url(junk))
        assert response.status_code in (404, 422), junk
        assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["detail"])


def test_api_needs_login(client, contest):
    assert client.get(LIST).status_code == 401
    assert client.get(board_url(contest["competition"].pk)).status_code == 401
