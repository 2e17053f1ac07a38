"""The list, a competition's page, the organiser's hub and the upload page: who sees what, a
contestant's own published scores and 专家点评 only, access per role, junk parameters."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessments.competitions import services
from assessments.competitions.models import Competition, Entry, Round, RoundKind
from lms import roles
from tests.factories import org

pytestmark = pytest.mark.django_db


def marks(contest, a, b, c):
    ids = [c_.pk for c_ in contest["scenario"].criteria.all()]
    return dict(zip(ids, [a, b, c], strict=True))


@pytest.fixture
def scored(contest):
    """Contestant XS003 (二社区) scored by three judges with comments; the scenario round published."""
    entry = contest["entries"][2]
    for judge, values, comment in zip(
        contest["judges"][:3],
        [(7.5, 8.25, 9.75), (6, 6, 6), (5, 5, 5)],
        ["思路清晰，沟通到位", "", "调解方法可再灵活"],
        strict=True,
    ):
        services.judge_score_save(
            round_=contest["scenario"], entry=entry, judge=judge, marks=marks(contest, *values), comment=comment
        )
    return contest


def publish(round_):
    Round.objects.filter(pk=round_.pk).update(published_at=timezone.now())


def test_contestant_sees_own_published_scores_and_comments_only(client, scored):
    entry = scored["entries"][2]
    url = reverse("competitions:detail", args=[scored["competition"].pk])
    client.force_login(entry.worker.user)
    body = client.get(url).content.decode()
    assert "思路清晰" not in body and 'data-testid="own-round-' not in body
    publish(scored["scenario"])
    response = client.get(url)
    body = response.content.decode()
    assert f'data-testid="own-round-{scored["scenario"].pk}"' in body
    assert "思路清晰，沟通到位" in body and "调解方法可再灵活" in body
    # no judge's name or raw criterion marks
    assert "裁判长" not in body and "评委二" not in body and "8.25" not in body and "9.75" not in body
    # the knowledge round is unpublished: nothing of it in "my results"
    assert f'data-testid="own-round-{scored["knowledge"].pk}"' not in body


def test_another_contestant_sees_no_one_elses_comments(client, scored):
    publish(scored["scenario"])
    client.force_login(scored["entries"][0].worker.user)
    body = client.get(reverse("competitions:detail", args=[scored["competition"].pk])).content.decode()
    assert "思路清晰" not in body and "调解方法可再灵活" not in body


def test_list_shows_what_each_role_may_see(client, contest, make_worker):
    district = org("测试市/甲区")
    south = org("测试市/乙区/丙街道/四社区/一网格")
    local = Competition.objects.create(name="甲区内部赛", organiser_unit=district)
    other = Competition.objects.create(name="乙区内部赛", organiser_unit=org("测试市/乙区"))
    worker_a = contest["entries"][0].worker
    client.force_login(worker_a.user)
    body = client.get(reverse("competitions:list")).content.decode()
    assert contest["competition"].name in body and local.name in body and other.name not in body
    outsider = make_worker(unit=south, employee_no="YQ1")
    client.force_login(outsider.user)
    body = client.get(reverse("competitions:list")).content.decode()
    assert other.name in body and local.name not in body
    # entered elsewhere: visible even outside the organiser's subtree
    Entry.objects.create(competition=local, worker=outsider)
    assert local.name in client.get(reverse("competitions:list")).content.decode()
    # a district trainer sees every competition (rules §14.1) but manages only those of their subtree
    trainer = make_worker(unit=district, role_codes=(roles.TRAINER,), employee_no="PX5")
    client.force_login(trainer.user)
    body = client.get(reverse("competitions:list")).content.decode()
    assert local.name in body and other.name in body
    assert reverse("competitions:manage", args=[local.pk]) in body
    assert reverse("competitions:manage", args=[other.pk]) not in body
    # so does a judge on no panel of it
    judge = make_worker(unit=district, role_codes=(roles.JUDGE,), employee_no="PW5")
    client.force_login(judge.user)
    body = client.get(reverse("competitions:list")).content.decode()
    assert local.name in body and other.name in body


def test_detail_of_a_competition_not_visible_is_404(client, make_worker):
    other = Competition.objects.create(name="乙区内部赛", organiser_unit=org("测试市/乙区"))
    worker = make_worker(unit=org("测试市/甲区/甲街道/一社区/一网格"), employee_no="W1")
    client.force_login(worker.user)
    assert client.get(reverse("competitions:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("competitions:detail", args=[999999])).status_code == 404
    assert client.post(reverse("competitions:enter", args=[other.pk])).status_code == 404
    assert client.get("/competitions/abc/").status_code == 404


def test_entry_button_and_withdraw(client, contest, make_worker):
    worker = make_worker(unit=org("测试市/甲区/甲街道/一社区/一网格"), employee_no="NEW1")
    client.force_login(worker.user)
    url = reverse("competitions:detail", args=[contest["competition"].pk])
    assert 'data-testid="enter"' in client.get(url).content.decode()
    assert client.get(reverse("competitions:enter", args=[contest["competition"].pk])).status_code == 405
    client.post(reverse("competitions:enter", args=[contest["competition"].pk]))
    assert Entry.objects.filter(competition=contest["competition"], worker=worker, source="报名").exists()
    assert contest["panel"].slots.filter(entry__worker=worker).exists()
    body = client.get(url).content.decode()
    assert 'data-testid="withdraw"' in body and 'data-testid="enter"' not in body
    client.post(reverse("competitions:withdraw", args=[contest["competition"].pk]))
    assert not Entry.objects.filter(worker=worker).exists()
    # an imported entrant cannot withdraw themself
    entrant = contest["entries"][0].worker
    client.force_login(entrant.user)
    response = client.post(reverse("competitions:withdraw", args=[contest["competition"].pk]), follow=True)
    assert "联系主办单位" in response.content.decode()
    # a judge of the competition cannot enter
    client.force_login(contest["judges"][0].user)
    assert 'data-testid="enter"' not in client.get(url).content.decode()


def test_manage_page_per_role(client, contest, make_worker):
    url = reverse("competitions:manage", args=[contest["competition"].pk])
    client.force_login(contest["trainer"].user)
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    for name in ("judge_round", "reviews", "scores_import", "round_close", "round_publish", "panels"):
        assert reverse(f"competitions:{name}", args=[contest["scenario"].pk]) in body
    assert reverse("competitions:paper", args=[contest["knowledge"].pk]) in body
    assert reverse("competitions:awards", args=[contest["competition"].pk]) in body
    district_trainer = make_worker(unit=org("测试市/甲区"), role_codes=(roles.TRAINER,), employee_no="PX6")
    for user in (contest["entries"][0].worker.user, contest["judges"][0].user, district_trainer.user):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(reverse("competitions:entrants", args=[contest["competition"].pk])).status_code == 404
        assert client.get(reverse("competitions:panels", args=[contest["scenario"].pk])).status_code == 404


def test_import_page_uploads_definition_and_shows_problems(client, contest, make_worker):
    client.force_login(contest["entries"][0].worker.user)
    assert client.get(reverse("competitions:import")).status_code == 404
    client.force_login(contest["trainer"].user)
    url = reverse("competitions:import")
    assert client.get(url).status_code == 200
    data = {
        "name": "上传的比赛",
        "rounds": [{"name": "实操", "kind": "实操考核", "weight": 1, "max_score": 10, "judges": ["PW902"]}],
        "entrants": ["XS001", "XS404"],
    }
    upload = SimpleUploadedFile("c.json", json.dumps(data, ensure_ascii=False).encode())
    body = client.post(url, {"file": upload}).content.decode()
    assert "选手 XS404: 工号不存在" in body and not Competition.objects.filter(name="上传的比赛").exists()
    data["entrants"] = ["XS001"]
    upload = SimpleUploadedFile("c.json", json.dumps(data, ensure_ascii=False).encode())
    response = client.post(url, {"file": upload})
    competition = Competition.objects.get(name="上传的比赛")
    assert response.status_code == 302 and response["Location"] == reverse("competitions:manage", args=[competition.pk])
    assert competition.created_by == contest["trainer"].user
    body = client.post(url, {"file": SimpleUploadedFile("c.json", b"\xff\xfe")}).content.decode()
    assert "UTF-8" in body
    body = client.post(url, {"file": SimpleUploadedFile("c.json", b"[1,")}).content.decode()
    assert "不是有效的 JSON" in body
    assert "请选择" in client.post(url, {}).content.decode()


def test_home_card_and_nav_tab(client, contest):
    client.force_login(contest["entries"][0].worker.user)
    response = client.get(reverse("trainee_home"))
    body = response.content.decode()
    assert "技能比武" in [t["label"] for t in response.context["nav_tabs"]]
    assert reverse("competitions:detail", args=[contest["competition"].pk]) in body


def test_knowledge_round_kind_shows_no_panel_page(client, contest):
    client.force_login(contest["trainer"].user)
    assert client.get(reverse("competitions:panels", args=[contest["knowledge"].pk])).status_code == 404
    assert Round.objects.filter(kind=RoundKind.KNOWLEDGE).exists()
