"""Entrants: open entry within the organiser's subtree until entries close, unit quotas nominated by
the unit's 培训管理员 (a peer of another district is refused), uploaded lists, panels' running order."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from assessments.competitions import services_setup
from assessments.competitions.models import Competition, Entry, EntryMode, Panel, PanelSlot, Round, RoundKind
from assessments.competitions.services import CompetitionError
from lms import roles
from lms.models import OrgLevel
from tests.factories import org

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(make_worker):
    units = {
        "district": org("临江市/江北区"),
        "street": org("临江市/江北区/滨江街道"),
        "c1": org("临江市/江北区/滨江街道/一社区"),
        "c2": org("临江市/江北区/滨江街道/二社区"),
        "other_district": org("临江市/江南区"),
        "c3": org("临江市/江南区/江南街道/三社区"),
    }
    people = {
        "w1": make_worker(unit=org("临江市/江北区/滨江街道/一社区/一网格"), employee_no="GW101"),
        "w2": make_worker(unit=org("临江市/江北区/滨江街道/一社区/二网格"), employee_no="GW102"),
        "w3": make_worker(unit=org("临江市/江北区/滨江街道/一社区/一网格"), employee_no="GW103"),
        "w4": make_worker(unit=org("临江市/江北区/滨江街道/二社区/一网格"), employee_no="GW104"),
        "south": make_worker(unit=org("临江市/江南区/江南街道/三社区/一网格"), employee_no="GW301"),
        "trainer": make_worker(unit=units["district"], role_codes=(roles.TRAINER,), employee_no="PX101"),
        "c1_trainer": make_worker(unit=units["c1"], role_codes=(roles.TRAINER,), employee_no="PX102"),
        "peer": make_worker(unit=units["other_district"], role_codes=(roles.TRAINER,), employee_no="PX301"),
    }
    return units | people


@pytest.fixture
def open_comp(tree):
    competition = Competition.objects.create(
        name="江北区技能比武", organiser_unit=tree["district"], entry_closes_at=timezone.now() + dt.timedelta(days=3)
    )
    Round.objects.create(competition=competition, order=1, name="情景模拟", kind=RoundKind.SCENARIO)
    return competition


@pytest.fixture
def quota_comp(tree):
    competition = Competition.objects.create(
        name="江北区推荐赛",
        organiser_unit=tree["district"],
        entry_mode=EntryMode.QUOTA,
        quota_level=OrgLevel.COMMUNITY,
        quota_per_unit=2,
    )
    Round.objects.create(competition=competition, order=1, name="实操", kind=RoundKind.PRACTICAL)
    return competition


def test_open_entry_registers_and_joins_the_running_order(open_comp, tree):
    entry = services_setup.entry_register(competition=open_comp, worker=tree["w1"])
    assert entry.source == Entry.Source.OPEN
    services_setup.entry_register(competition=open_comp, worker=tree["w2"])
    panel = Panel.objects.get(round__competition=open_comp)
    assert list(panel.slots.values_list("entry__worker__employee_no", "order")) == [("GW101", 1), ("GW102", 2)]
    with pytest.raises(CompetitionError, match="已报名"):
        services_setup.entry_register(competition=open_comp, worker=tree["w1"])


def test_open_entry_refuses_outside_the_organiser_subtree(open_comp, tree):
    with pytest.raises(CompetitionError, match="仅限临江市/江北区"):
        services_setup.entry_register(competition=open_comp, worker=tree["south"])
    assert not Entry.objects.exists()


def test_open_entry_window_closes(open_comp, tree):
    later = open_comp.entry_closes_at + dt.timedelta(minutes=1)
    with pytest.raises(CompetitionError, match="报名已截止"):
        services_setup.entry_register(competition=open_comp, worker=tree["w1"], now=later)
    services_setup.entry_register(competition=open_comp, worker=tree["w1"])
    with pytest.raises(CompetitionError, match="不能取消报名"):
        services_setup.entry_withdraw(competition=open_comp, worker=tree["w1"], now=later)
    services_setup.entry_withdraw(competition=open_comp, worker=tree["w1"])
    assert not Entry.objects.exists() and not PanelSlot.objects.exists()


def test_open_entry_closes_when_a_round_has_closed(open_comp, tree):
    open_comp.entry_closes_at = None
    open_comp.save()
    Round.objects.filter(competition=open_comp).update(closed_at=timezone.now())
    with pytest.raises(CompetitionError, match="报名已截止"):
        services_setup.entry_register(competition=open_comp, worker=tree["w1"])


def test_quota_competition_refuses_self_entry(quota_comp, tree):
    with pytest.raises(CompetitionError, match="按单位名额推荐"):
        services_setup.entry_register(competition=quota_comp, worker=tree["w1"])


def test_quota_is_enforced_per_unit(quota_comp, tree):
    trainer = tree["trainer"].user
    services_setup.unit_nominations_set(
        competition=quota_comp, unit=tree["c1"], workers=[tree["w1"], tree["w2"]], actor=trainer
    )
    assert Entry.objects.filter(competition=quota_comp, source=Entry.Source.NOMINATED).count() == 2
    with pytest.raises(CompetitionError, match="名额为 2 人.*3 人"):
        services_setup.unit_nominations_set(
            competition=quota_comp, unit=tree["c1"], workers=[tree["w1"], tree["w2"], tree["w3"]], actor=trainer
        )
    # swapping one for another stays within the quota
    services_setup.unit_nominations_set(
        competition=quota_comp, unit=tree["c1"], workers=[tree["w1"], tree["w3"]], actor=trainer
    )
    assert set(Entry.objects.values_list("worker__employee_no", flat=True)) == {"GW101", "GW103"}
    # another unit has its own quota
    services_setup.unit_nominations_set(competition=quota_comp, unit=tree["c2"], workers=[tree["w4"]], actor=trainer)
    assert Entry.objects.count() == 3


def test_quota_counts_entrants_from_other_sources(quota_comp, tree):
    Entry.objects.create(competition=quota_comp, worker=tree["w3"], source=Entry.Source.IMPORTED)
    with pytest.raises(CompetitionError, match="超出名额"):
        services_setup.unit_nominations_set(
            competition=quota_comp, unit=tree["c1"], workers=[tree["w1"], tree["w2"]], actor=tree["trainer"].user
        )


def test_peer_trainer_of_another_district_cannot_nominate(quota_comp, tree):
    with pytest.raises(CompetitionError, match="只能为本辖区"):
        services_setup.unit_nominations_set(
            competition=quota_comp, unit=tree["c1"], workers=[tree["w1"]], actor=tree["peer"].user
        )
    assert services_setup.nomination_units(quota_comp, tree["peer"].user) == []
    assert not Entry.objects.exists()


def test_community_trainer_nominates_only_their_community(quota_comp, tree):
    units = services_setup.nomination_units(quota_comp, tree["c1_trainer"].user)
    assert [u.pk for u in units] == [tree["c1"].pk]
    with pytest.raises(CompetitionError, match="只能为本辖区"):
        services_setup.unit_nominations_set(
            competition=quota_comp, unit=tree["c2"], workers=[tree["w4"]], actor=tree["c1_trainer"].user
        )
    with pytest.raises(CompetitionError, match="不属于"):
        services_setup.unit_nominations_set(
            competition=quota_comp, unit=tree["c1"], workers=[tree["w4"]], actor=tree["c1_trainer"].user
        )


def test_nominate_page_by_peer_id_is_404_and_junk_unit_is_a_message(client, quota_comp, tree):
    client.force_login(tree["peer"].user)
    assert client.get(reverse("competitions:nominate", args=[quota_comp.pk])).status_code == 404
    client.force_login(tree["trainer"].user)
    url = reverse("competitions:nominate", args=[quota_comp.pk])
    assert client.get(url).status_code == 200
    response = client.get(url + "?unit=abc")
    assert response.status_code == 400 and "单位参数无效" in response.content.decode()
    response = client.post(url, {"unit": tree["c3"].pk, "worker": [tree["south"].pk]})
    assert response.status_code == 400 and not Entry.objects.exists()
    response = client.post(url, {"unit": tree["c1"].pk, "worker": [tree["w1"].pk, tree["w2"].pk, "junk"]})
    assert response.status_code == 302
    assert Entry.objects.filter(source=Entry.Source.NOMINATED).count() == 2
    response = client.post(url, {"unit": tree["c1"].pk, "worker": [tree["w1"].pk, tree["w2"].pk, tree["w3"].pk]})
    assert response.status_code == 400 and "超出名额" in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_nominations_cannot_exceed_the_quota(tree):
    competition = Competition.objects.create(
        name="并发推荐赛", organiser_unit=tree["district"], entry_mode=EntryMode.QUOTA, quota_per_unit=1
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def nominate(workers):
        from django.db import connection as conn

        try:
            barrier.wait()
            services_setup.unit_nominations_set(
                competition=competition, unit=tree["c1"], workers=workers, actor=tree["trainer"].user
            )
            outcomes.append("ok")
        except CompetitionError:
            outcomes.append("refused")
        finally:
            conn.close()

    threads = [
        threading.Thread(target=nominate, args=([tree["w1"]],)),
        threading.Thread(target=nominate, args=([tree["w2"]],)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # serialised by the lock, the second nomination replaces the first: never two in a one-place unit
    assert outcomes == ["ok", "ok"]
    assert Entry.objects.filter(competition=competition).count() == 1


def test_entrant_list_upload_previews_errors_then_confirms(client, open_comp, tree):
    client.force_login(tree["trainer"].user)
    url = reverse("competitions:entrants", args=[open_comp.pk])
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("名单.csv", "工号\nGW101\nGW999\nGW101\nGW301\n".encode("utf-8-sig"))
    body = client.post(url, {"file": bad}).content.decode()
    assert "第2行: 工号 GW999 不存在" in body and "第3行: 工号 GW101 与第1行重复" in body
    assert "第4行:" in body and "不在主办单位" in body
    assert not Entry.objects.exists()
    good = SimpleUploadedFile("名单.csv", "工号,姓名\nGW102,\nGW101,\n".encode())
    response = client.post(url, {"file": good})
    assert 'data-testid="preview"' in response.content.decode() and not Entry.objects.exists()
    response = client.post(url, {"confirm": "1", "codes": response.context["codes"]})
    assert response.status_code == 302
    panel = Panel.objects.get(round__competition=open_comp)
    assert list(panel.slots.values_list("entry__worker__employee_no", flat=True)) == ["GW102", "GW101"]
    assert set(Entry.objects.values_list("source", flat=True)) == {Entry.Source.IMPORTED}
    # confirming a tampered list is checked again
    body = client.post(url, {"confirm": "1", "codes": "GW301"}).content.decode()
    assert "不在主办单位" in body and Entry.objects.count() == 2
    assert "不支持的文件格式" in client.post(url, {"file": SimpleUploadedFile("a.txt", b"x")}).content.decode()


def test_panels_page_sets_judges_and_running_order(client, open_comp, tree, make_worker):
    judge = make_worker(unit=tree["district"], role_codes=(roles.JUDGE,), employee_no="PW101")
    judge2 = make_worker(unit=tree["district"], role_codes=(roles.JUDGE,), employee_no="PW102")
    for key in ("w1", "w2", "w3"):
        services_setup.entry_register(competition=open_comp, worker=tree[key])
    round_ = open_comp.rounds.get()
    panel = round_.panels.get()
    client.force_login(tree["trainer"].user)
    url = reverse("competitions:panels", args=[round_.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"action": "judges", "panel": panel.pk, "judges": "PW102，PW101"})
    assert list(panel.judges.filter(is_chief=True).values_list("judge_id", flat=True)) == [judge2.pk]
    assert panel.judges.count() == 2 and judge.pk in panel.judges.values_list("judge_id", flat=True)
    response = client.post(url, {"action": "judges", "panel": panel.pk, "judges": "GW101"}, follow=True)
    assert "没有评委角色" in response.content.decode() and panel.judges.count() == 2
    slot = panel.slots.get(entry__worker=tree["w3"])
    client.post(url, {"action": "up", "slot": slot.pk})
    order = list(panel.slots.order_by("order").values_list("entry__worker__employee_no", flat=True))
    assert order == ["GW101", "GW103", "GW102"]
    client.post(url, {"action": "add_panel", "name": "第二组"})
    second = round_.panels.get(name="第二组")
    entries = {e.worker.employee_no: e.pk for e in open_comp.entries.select_related("worker")}
    data = {"action": "order"}
    for code, (panel_id, order) in {"GW101": (panel.pk, 2), "GW102": (second.pk, 1), "GW103": (panel.pk, 1)}.items():
        data[f"panel_{entries[code]}"], data[f"order_{entries[code]}"] = panel_id, order
    client.post(url, data)
    assert list(panel.slots.order_by("order").values_list("entry__worker__employee_no", flat=True)) == [
        "GW103",
        "GW101",
    ]
    assert list(second.slots.values_list("entry__worker__employee_no", "order")) == [("GW102", 1)]
    data[f"order_{entries['GW101']}"] = "x"
    response = client.post(url, data, follow=True)
    assert "出场顺序须填写正整数" in response.content.decode()
    assert client.post(url, {"action": "up", "slot": "junk"}).status_code == 404
    assert client.post(url, {"action": "zzz"}, follow=True).status_code == 200
    client.force_login(tree["peer"].user)
    assert client.get(url).status_code == 404
