"""import_competition: one service behind the command and the upload page; create, update, a re-run
changes nothing, every refusal is named and nothing is written (docs/DESIGN, interface table)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.serializers import serialize

from assessments.competitions import services
from assessments.competitions.models import (
    Competition,
    Criterion,
    Entry,
    JudgeScore,
    Panel,
    PanelJudge,
    PanelSlot,
    Round,
    RoundKind,
)
from assessments.competitions.services_setup import competition_import
from assessments.models import Quiz
from lms import roles
from lms.importing import ImportRejected
from tests.factories import org

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_worker):
    a = org("临江市/江北区/滨江街道/一社区/一网格")
    b = org("临江市/江北区/滨江街道/二社区/一网格")
    district = org("临江市/江北区")
    judges = [
        make_worker(unit=district, role_codes=(roles.JUDGE,), employee_no=f"PW00{i}", name=f"评委{i}")
        for i in range(1, 4)
    ]
    contestants = [make_worker(unit=[a, b][i % 2], employee_no=f"GW00{i}", name=f"选手{i}") for i in range(1, 5)]
    plain = make_worker(unit=district, employee_no="GW900", name="无评委角色")
    return {"judges": judges, "contestants": contestants, "plain": plain}


def definition(**overrides):
    data = {
        "name": "2026年江北区网格员技能比武",
        "stage": "区复赛",
        "organiser_unit": "临江市/江北区",
        "rounds": [
            {
                "name": "知识竞赛",
                "kind": "知识竞赛",
                "weight": 0.4,
                "max_score": 100,
                "quiz": "技能比武知识竞赛卷",
                "starts_at": "2026-05-20 09:00",
                "duration_minutes": 30,
            },
            {
                "name": "情景模拟",
                "kind": "情景模拟",
                "weight": 0.6,
                "max_score": 30,
                "judges": ["PW002", "PW001", "PW003"],
                "award_name": "调解能手",
                "criteria": [
                    {"name": "矛盾识别", "max_score": 10, "descriptors": "0分：未识别\n3分：准确识别"},
                    {"name": "调解方法", "max_score": 20},
                ],
            },
        ],
        "entrants": ["GW003", "GW001", "GW002"],
    }
    data.update(overrides)
    return data


def snapshot():
    models = [Competition, Round, Criterion, Entry, Panel, PanelJudge, PanelSlot, Quiz]
    return [serialize("json", model.objects.order_by("pk")) for model in models]


def test_creates_competition_rounds_quiz_panel_and_running_order(people):
    summary = competition_import(data=definition())
    assert "新建" in summary
    competition = Competition.objects.get(name="2026年江北区网格员技能比武")
    assert competition.stage == "区复赛" and competition.organiser_unit.full_name == "临江市/江北区"
    knowledge, scenario = competition.rounds.order_by("order")
    assert knowledge.kind == RoundKind.KNOWLEDGE and knowledge.weight == Decimal("0.4")
    quiz = knowledge.quiz
    assert quiz.title == "技能比武知识竞赛卷" and quiz.attempts_allowed == 1 and quiz.time_limit_minutes == 30
    assert quiz.opens_at == knowledge.starts_at and quiz.closes_at == knowledge.ends_at
    assert [c.name for c in scenario.criteria.all()] == ["矛盾识别", "调解方法"]
    panel = Panel.objects.get(round=scenario)
    assert panel.name == "第一组"
    judges = list(panel.judges.order_by("-is_chief", "id").values_list("judge__employee_no", "is_chief"))
    assert judges[0] == ("PW002", True) and {j for j, chief in judges[1:] if not chief} == {"PW001", "PW003"}
    order = list(panel.slots.order_by("order").values_list("entry__worker__employee_no", flat=True))
    assert order == ["GW003", "GW001", "GW002"]
    assert set(Entry.objects.values_list("source", flat=True)) == {Entry.Source.IMPORTED}


def test_rerun_with_same_file_changes_nothing(people):
    competition_import(data=definition())
    before = snapshot()
    summary = competition_import(data=definition())
    assert "无变化" in summary
    assert snapshot() == before


def test_update_matches_rounds_by_name_removes_unscored_round_and_adds_entrants(people):
    competition_import(data=definition())
    data = definition(entrants=["GW003", "GW001", "GW002", "GW004"])
    data["rounds"] = [data["rounds"][1] | {"weight": 1, "judges": ["PW001", "PW003"]}]
    competition_import(data=data)
    competition = Competition.objects.get(name=data["name"])
    scenario = competition.rounds.get()
    assert scenario.name == "情景模拟" and scenario.weight == Decimal("1")
    panel = scenario.panels.get()
    assert list(panel.judges.filter(is_chief=True).values_list("judge__employee_no", flat=True)) == ["PW001"]
    assert panel.judges.count() == 2
    assert panel.slots.count() == 4 and competition.entries.count() == 4


def test_command_writes_and_exits_2_on_problems(people, tmp_path, capsys):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(definition(), ensure_ascii=False), encoding="utf-8")
    call_command("import_competition", str(good))
    assert Competition.objects.count() == 1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(definition(name="另一场", entrants=["NOPE1"]), ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        call_command("import_competition", str(bad))
    assert exited.value.code == 2
    assert "选手 NOPE1: 工号不存在" in capsys.readouterr().err
    assert Competition.objects.count() == 1


def test_command_rejects_broken_json(tmp_path, capsys, db):
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x",\n "rounds": [}', encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        call_command("import_competition", str(bad))
    assert exited.value.code == 2
    assert "第2行: 不是有效的 JSON" in capsys.readouterr().err


def test_works_on_a_fresh_database_without_people(db):
    data = {
        "name": "空白比赛",
        "rounds": [{"name": "知识", "kind": "知识竞赛", "weight": 1, "max_score": 100, "quiz": "新卷"}],
    }
    competition_import(data=data)
    assert Quiz.objects.filter(title="新卷").exists()
    assert Competition.objects.get(name="空白比赛").rounds.count() == 1


def rejected(data) -> list[str]:
    before = snapshot()
    with pytest.raises(ImportRejected) as caught:
        competition_import(data=data)
    assert snapshot() == before
    return caught.value.lines


def test_every_problem_is_named_and_nothing_is_written(people):
    data = definition(entrants=["GW001", "GW001", "GX404"], stage="省赛", surprise=1)
    data["rounds"][0] = {"name": "知识竞赛", "kind": "知识竞赛", "weight": 0, "max_score": 100}
    data["rounds"][1]["judges"] = ["PW001", "GW900", "PW404"]
    data["rounds"][1]["criteria"][1]["max_score"] = 15
    data["rounds"].append({"name": "实操", "kind": "操作", "weight": 1, "max_score": -1})
    lines = rejected(data)
    text = "\n".join(lines)
    assert "比赛: 未知字段 surprise" in text
    assert "比赛: 赛段 stage" in text
    assert "轮次“知识竞赛”: 权重 weight应大于 0" in text
    assert "轮次“知识竞赛”: 知识竞赛轮须填写试卷 quiz" in text
    assert "轮次“情景模拟”: 无评委角色（GW900）没有评委角色" in text
    assert "轮次“情景模拟”: 评委 PW404 不存在" in text
    assert "轮次“情景模拟”: 评分项满分合计 25 与本轮满分 30 不一致" in text
    assert "轮次“实操”: 类型 kind" in text and "轮次“实操”: 满分 max_score应大于 0" in text
    assert "选手名单 entrants中工号 GW001 重复" in text
    assert "选手 GX404: 工号不存在" in text


def test_refuses_judge_who_is_also_entrant_and_entrant_outside_organiser(people, make_worker):
    outsider = make_worker(unit=org("临江市/江南区/某街道/某社区/某网格"), employee_no="GW777")
    data = definition(entrants=["GW001", "PW001", outsider.employee_no])
    lines = rejected(data)
    assert any("评委1（PW001）既是评委又是选手" in line for line in lines)
    assert any(line.startswith("选手 GW777:") and "不在主办单位" in line for line in lines)


def test_refuses_missing_top_level_and_bad_shapes(db):
    assert rejected([]) == ['文件内容应是一个 JSON 对象：{"name": …, "rounds": […], "entrants": […]}']
    lines = rejected({"rounds": "x", "entrants": "GW1"})
    assert "比赛: 缺少比赛名称 name" in lines and "比赛: rounds 应是至少一轮的列表" in lines
    assert any("选手名单 entrants应是工号列表" in line for line in lines)
    lines = rejected(
        {
            "name": "x",
            "rounds": [
                {"name": "a", "kind": "知识竞赛", "weight": "abc", "max_score": 1, "quiz": "q", "starts_at": "明天"}
            ],
        }
    )
    assert any("权重 weight不是有效的数字" in line for line in lines)
    assert any("开赛时间 starts_at应是日期时间" in line for line in lines)
    lines = rejected(
        {
            "name": "x",
            "next_stage": "不存在的赛段",
            "organiser_unit": "无此市",
            "rounds": [
                {"name": "a", "kind": "情景模拟", "weight": 1, "max_score": 1, "quiz": "q"},
                {"name": "a", "kind": "情景模拟", "weight": 1, "max_score": 1},
            ],
        }
    )
    text = "\n".join(lines)
    assert "下一赛段 next_stage “不存在的赛段” 不存在" in text and "主办单位 organiser_unit “无此市” 不存在" in text
    assert "只有知识竞赛轮使用试卷 quiz" in text and "轮次“a”: 名称重复" in text


def test_refuses_removing_or_reshaping_a_scored_round_and_removing_a_judge_who_scored(people):
    competition_import(data=definition())
    competition = Competition.objects.get()
    scenario = competition.rounds.get(name="情景模拟")
    entry = competition.entries.get(worker__employee_no="GW001")
    judge = people["judges"][1]  # PW002, district level: no conflict
    marks = {str(c.pk): c.max_score for c in scenario.criteria.all()}
    services.judge_score_save(round_=scenario, entry=entry, judge=judge, marks=marks)
    data = definition()
    data["rounds"] = [data["rounds"][0]]
    assert "轮次“情景模拟”: 文件中没有这一轮，但它已有成绩，不能删除" in rejected(data)
    data = definition()
    data["rounds"][1]["max_score"] = 40
    data["rounds"][1]["criteria"][1]["max_score"] = 30
    lines = rejected(data)
    assert "轮次“情景模拟”: 已有成绩，不能更改满分" in lines and "轮次“情景模拟”: 已有评分，不能更改评分项" in lines
    data = definition()
    data["rounds"][1]["judges"] = ["PW001", "PW003"]
    assert "轮次“情景模拟”: 评委 PW002 已评分，不能移出评分组" in rejected(data)
    assert JudgeScore.objects.count() == 1


def test_quiz_of_another_competition_is_refused(people):
    competition_import(data=definition())
    data = definition(name="另一场比赛")
    data["rounds"] = [data["rounds"][0]]
    assert any("已用于比赛“2026年江北区网格员技能比武”" in line for line in rejected(data))


def test_actor_must_manage_the_organiser_unit(people, make_worker):
    other = make_worker(unit=org("临江市/江南区"), role_codes=(roles.TRAINER,), employee_no="PX002")
    with pytest.raises(ImportRejected) as caught:
        competition_import(data=definition(), actor=other.user)
    lines = caught.value.lines
    assert "比赛: 主办单位须在您的辖区内" in lines
    own = make_worker(unit=org("临江市/江北区"), role_codes=(roles.TRAINER,), employee_no="PX001")
    competition_import(data=definition(), actor=own.user)
    with pytest.raises(ImportRejected) as caught:
        competition_import(data=definition(), actor=other.user)
    assert "比赛: 您无权管理“2026年江北区网格员技能比武”" in caught.value.lines
