"""Leaderboards: ETag/304, staff vs public board, the big screen by token without login, junk ids."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.competitions.models import Competition
from assessments.competitions.services import judge_score_save
from lms import roles
from tests.factories import org


def _embedded(html: str) -> dict:
    """The board data the page carries for its script (json_script)."""
    start = html.index('id="board-data" type="application/json">') + len('id="board-data" type="application/json">')
    return json.loads(html[start : html.index("</script>", start)])


def _score(contest, entry_index=0, judge_index=0, total="24"):
    judge_score_save(
        round_=contest["scenario"],
        entry=contest["entries"][entry_index],
        judge=contest["judges"][judge_index],
        total=Decimal(total),
    )


@pytest.fixture
def scored(contest, django_capture_on_commit_callbacks):
    """XS003 scored by the chief judge in the unpublished 情景模拟 round; boards rebuilt on commit."""
    with django_capture_on_commit_callbacks(execute=True):
        _score(contest, entry_index=2)
    return contest


def test_board_json_etag_and_304(client, scored, django_capture_on_commit_callbacks):
    from assessments.competitions import selectors_boards

    client.force_login(scored["entries"][0].worker.user)
    url = reverse("competitions:board_json", args=[scored["competition"].pk])
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"]
    assert first.json()["competition"]["name"] == "测试技能比武"
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]
    # a published round changes the public board: a new ETag and a 200
    scenario = scored["scenario"]
    scenario.published_at = timezone.now()
    scenario.save(update_fields=["published_at"])
    with django_capture_on_commit_callbacks(execute=True):
        _score(scored, entry_index=2, judge_index=1, total="20")
    selectors_boards.caches_clear()
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert "情景模拟" in changed.json()["results"][0]["rounds"]


def test_unpublished_round_absent_for_trainee_present_for_judge_and_trainer(client, scored):
    url = reverse("competitions:board_json", args=[scored["competition"].pk])
    page = reverse("competitions:board", args=[scored["competition"].pk])
    client.force_login(scored["entries"][0].worker.user)
    public = client.get(url).json()
    assert [r["name"] for r in public["rounds"]] == []
    assert all("情景模拟" not in row["rounds"] for row in public["results"])
    assert _embedded(client.get(page).content.decode())["rounds"] == []
    for viewer in (scored["judges"][1], scored["trainer"]):
        client.force_login(viewer.user)
        staff = client.get(url).json()
        assert "情景模拟" in [r["name"] for r in staff["rounds"]]
        top = staff["results"][0]
        assert top["worker"] == "XS003" and top["rounds"]["情景模拟"] == 80.0
        assert [r["name"] for r in _embedded(client.get(page).content.decode())["rounds"]] == ["知识竞赛", "情景模拟"]


def test_board_page_marks_me_and_works_for_entrant(client, scored):
    me = scored["entries"][0].worker
    client.force_login(me.user)
    response = client.get(reverse("competitions:board", args=[scored["competition"].pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-me="{me.employee_no}"' in html and "团体排名" in html and 'id="board-data"' in html


def test_board_needs_login(client, contest):
    pk = contest["competition"].pk
    assert client.get(reverse("competitions:board", args=[pk])).status_code == 302
    response = client.get(reverse("competitions:board_json", args=[pk]))
    assert response.status_code == 401 and "登录" in response.json()["detail"]


def test_competition_of_another_unit_is_hidden(client, contest, make_worker):
    other = Competition.objects.create(name="乙区比武", organiser_unit=org("测试市/乙区"))
    stranger = make_worker(unit=org("测试市/甲区/甲街道/一社区/一网格"), employee_no="WX002")
    client.force_login(stranger.user)
    for name in ("competitions:board", "competitions:board_json"):
        response = client.get(reverse(name, args=[other.pk]))
        assert response.status_code == 404
    assert "未找到" in client.get(reverse("competitions:board", args=[other.pk])).content.decode()
    insider = make_worker(unit=org("测试市/乙区/丙街道/四社区/一网格"), employee_no="WX003")
    client.force_login(insider.user)
    assert client.get(reverse("competitions:board_json", args=[other.pk])).status_code == 200


def test_big_screen_by_token_without_login_shows_public_board(client, scored):
    competition = scored["competition"]
    page = client.get(reverse("competitions:big_screen", args=[competition.board_token]))
    html = page.content.decode()
    assert page.status_code == 200 and "测试技能比武" in html and "更新于" in html
    assert _embedded(html)["rounds"] == []  # unpublished: the screen shows the public board
    data = client.get(reverse("competitions:big_screen_json", args=[competition.board_token]))
    assert data.status_code == 200 and data.json()["rounds"] == []
    assert (
        client.get(
            reverse("competitions:big_screen_json", args=[competition.board_token]), HTTP_IF_NONE_MATCH=data["ETag"]
        ).status_code
        == 304
    )
    assert "sessionid" not in page.cookies and "sessionid" not in data.cookies


def test_big_screen_wrong_token_is_a_chinese_404(client, contest):
    for token in ("nope", "x" * 80, contest["competition"].board_token[:-1] + "_"):
        page = client.get(reverse("competitions:big_screen", args=[token]))
        assert page.status_code == 404 and "大屏链接无效" in page.content.decode()
        data = client.get(reverse("competitions:big_screen_json", args=[token]))
        assert data.status_code == 404 and "无效" in data.json()["detail"]


@pytest.mark.parametrize("junk", ["0", "99999999999999999999", "9223372036854775808"])
def test_junk_ids_are_chinese_404_not_500(client, contest, junk):
    client.force_login(contest["trainer"].user)
    for path in (
        f"/competitions/{junk}/board/",
        f"/competitions/{junk}/board.json",
        f"/competitions/rounds/{junk}/paper/",
        f"/competitions/rounds/{junk}/paper/clock.json",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "未找到" in response.content.decode()


def test_judge_without_entry_has_no_paper_link_and_staff_board(client, contest):
    judge = contest["judges"][0]
    assert roles.has_role(judge.user, roles.JUDGE)
    client.force_login(judge.user)
    html = client.get(reverse("competitions:board", args=[contest["competition"].pk])).content.decode()
    assert "工作人员视图" in html and 'data-testid="paper-link"' not in html


def test_a_burst_of_scores_costs_one_rebuild_a_second_and_the_next_reader_catches_up(
    scored, settings, django_capture_on_commit_callbacks
):
    """Within COMPETITION_BOARD_INTERVAL of the last build a committed score only marks the board
    behind; the next reader after the interval rebuilds it, and readers in between keep the old one."""
    from assessments.competitions import selectors_boards
    from assessments.competitions.models import Board

    competition = scored["competition"]
    selectors_boards.caches_clear()
    before = selectors_boards.served_board(competition.pk, staff=True)
    settings.COMPETITION_BOARD_INTERVAL = 60
    with django_capture_on_commit_callbacks(execute=True):
        _score(scored, entry_index=4, judge_index=1, total="12")
    with django_capture_on_commit_callbacks(execute=True):
        _score(scored, entry_index=5, judge_index=2, total="15")
    board = Board.objects.get(competition=competition, audience=Board.Audience.STAFF)
    assert board.requested == board.built_for + 2
    selectors_boards.caches_clear()
    assert selectors_boards.served_board(competition.pk, staff=True).etag == before.etag

    Board.objects.filter(competition=competition).update(built_at=timezone.now() - timezone.timedelta(seconds=61))
    selectors_boards.caches_clear()
    after = selectors_boards.served_board(competition.pk, staff=True)
    assert after.etag != before.etag
    assert [row["worker"] for row in json.loads(after.payload)["results"]][:3] == ["XS003", "XS006", "XS005"]
    board.refresh_from_db()
    assert board.requested == board.built_for


def test_board_json_is_sent_compressed_to_browsers(client, scored):
    import gzip

    client.force_login(scored["judges"][0].user)
    url = reverse("competitions:board_json", args=[scored["competition"].pk])
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
    assert json.loads(gzip.decompress(response.content))["results"][0]["worker"] == "XS003"


def test_big_screen_shows_live_scores_only_when_the_organiser_chose_so(client, scored):
    from assessments.competitions import selectors_boards

    competition = scored["competition"]
    competition.screen_live = True
    competition.save(update_fields=["screen_live"])
    selectors_boards.caches_clear()
    data = client.get(reverse("competitions:big_screen_json", args=[competition.board_token])).json()
    assert [r["name"] for r in data["rounds"]] == ["知识竞赛", "情景模拟"]
    assert data["results"][0]["worker"] == "XS003"
    # the phones of workers keep to published rounds
    client.force_login(scored["entries"][0].worker.user)
    mine = client.get(reverse("competitions:board_json", args=[competition.pk])).json()
    assert mine["rounds"] == []
