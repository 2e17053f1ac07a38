"""Paper score sheets: `manage.py import_scores FILE --competition NAME --round NAME` and the
organisers' page share judge_scores_import — each refusal as `第N行: 原因`, exit 2, nothing written,
a re-import replaces (纸质录入), a re-run changes nothing."""

from __future__ import annotations

import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assessments.competitions import services
from assessments.competitions.models import JudgeScore, RoundResult
from lms import roles
from tests.factories import org

pytestmark = pytest.mark.django_db

HEADER = "评委工号,选手工号,得分\n"


def run(path, competition="测试技能比武", round_name="情景模拟"):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_scores", str(path), competition=competition, round=round_name, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def write(tmp_path, lines, name="scores.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8-sig")
    return path


def snapshot():
    return sorted(JudgeScore.objects.values_list("judge__employee_no", "entry__worker__employee_no", "score", "source"))


def test_imports_then_rerun_changes_nothing(tmp_path, contest):
    path = write(tmp_path, ["PW901,XS003,21", "PW902,XS003,22.5", "PW903,XS003,24", "PW905,XS001,18"])
    code, out, err = run(path)
    assert (code, err) == (0, "")
    assert "已新增评分 4 条，已替换 0 条，未变化 0 条" in out
    assert snapshot() == [
        ("PW901", "XS003", D("21.00"), "纸质录入"),
        ("PW902", "XS003", D("22.50"), "纸质录入"),
        ("PW903", "XS003", D("24.00"), "纸质录入"),
        ("PW905", "XS001", D("18.00"), "纸质录入"),
    ]
    result = RoundResult.objects.get(round=contest["scenario"], entry=contest["entries"][2])
    assert (result.score, result.judge_count) == (D("22.50"), 3)
    stamps = list(JudgeScore.objects.order_by("pk").values_list("updated_at", flat=True))
    code, out, err = run(path)
    assert code == 0 and "已新增评分 0 条，已替换 0 条，未变化 4 条" in out
    assert list(JudgeScore.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps


def test_reimport_replaces_never_duplicates(tmp_path, contest):
    entry, judge = contest["entries"][2], contest["judges"][1]
    services.judge_score_save(
        round_=contest["scenario"],
        entry=entry,
        judge=judge,
        marks={c.pk: 5 for c in contest["scenario"].criteria.all()},
        comment="现场点评",
    )
    code, out, _ = run(write(tmp_path, ["PW902,XS003,25", "PW903,XS003,20"]))
    assert code == 0 and "已新增评分 1 条，已替换 1 条" in out
    code, out, _ = run(write(tmp_path, ["PW902,XS003,26"], name="again.csv"))
    assert code == 0 and "已替换 1 条" in out
    assert JudgeScore.objects.count() == 2
    score = JudgeScore.objects.get(entry=entry, judge=judge)
    assert (score.score, score.marks, score.source, score.comment) == (D("26.00"), {}, "纸质录入", "现场点评")


def test_xlsx_is_read_too(tmp_path, contest):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["评委工号", "选手工号", "得分", "备注"])
    sheet.append(["PW902", "XS004", 19.5, "按纸质表"])
    sheet.append(["PW903", "XS004", 20, None])
    path = tmp_path / "scores.xlsx"
    workbook.save(path)
    code, out, err = run(path)
    assert (code, err) == (0, "") and "已新增评分 2 条" in out
    assert RoundResult.objects.get(entry=contest["entries"][3]).score == D("19.75")


def test_every_refusal_reported_and_nothing_written(tmp_path, contest, make_worker):
    make_worker(unit=org("测试市/甲区"), role_codes=(roles.JUDGE,), employee_no="PW950", name="闲置评委")  # no panel
    make_worker(unit=org("测试市/甲区/甲街道/二社区/一网格"), employee_no="XS099")  # not entered
    path = write(
        tmp_path,
        [
            "PW902,XS003,20",  # good
            "PW950,XS003,20",  # judge not on the round's panel
            "PW902,XS099,20",  # contestant not entered
            "PW902,XS004,31",  # above the round's max (30)
            "PW902,XS005,-1",  # below 0
            "PW904,XS001,20",  # same 社区 (一社区)
            "PW777,XS003,20",  # no such judge
            "PW902,XS888,20",  # no such contestant
            "PW903,XS003,abc",  # not a number
            ",XS003,",  # empty cells
            "PW902,XS003,21",  # the same judge × contestant twice
        ],
    )
    code, out, err = run(path)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert lines == [
        "第2行: 闲置评委（PW950）不是本轮评分组的评委",
        "第3行: 选手工号“XS099”未报名本比赛",
        "第4行: 得分应在 0–30 之间",
        "第5行: 得分应在 0–30 之间",
        "第6行: 评委评委四与选手选手1同属一个社区，须回避，不能为其评分",
        "第7行: 评委工号“PW777”不存在",
        "第8行: 选手工号“XS888”不存在",
        "第9行: 得分不是有效的数字：abc",
        "第10行: 评委工号不能为空；请填写得分",
        "第11行: 与第1行是同一评委对同一选手的评分，请只保留一行",
    ]
    assert not JudgeScore.objects.exists() and not RoundResult.objects.exists()


def test_contestant_of_another_panel_is_refused(tmp_path, contest, make_worker):
    from assessments.competitions.models import Entry, Panel, PanelJudge, PanelSlot

    panel = Panel.objects.create(round=contest["scenario"], name="第二组")
    judge = make_worker(unit=org("测试市/甲区"), role_codes=(roles.JUDGE,), employee_no="PW960", name="二组评委")
    PanelJudge.objects.create(panel=panel, judge=judge)
    contestant = make_worker(unit=org("测试市/甲区/甲街道/二社区/一网格"), employee_no="XS070", name="选手70")
    PanelSlot.objects.create(
        panel=panel, entry=Entry.objects.create(competition=contest["competition"], worker=contestant), order=1
    )
    code, _, err = run(write(tmp_path, ["PW960,XS070,20", "PW960,XS003,20", "PW902,XS070,20"]))
    assert code == 2
    assert err.strip().splitlines() == [
        "第2行: 选手3（XS003）不在评委二组评委所在评分组的选手名单中",
        "第3行: 选手70（XS070）不在评委评委二所在评分组的选手名单中",
    ]
    assert not JudgeScore.objects.exists()


def test_closed_round_refuses_every_row(tmp_path, contest):
    path = write(tmp_path, ["PW902,XS003,20", "PW903,XS003,20"])
    assert run(path)[0] == 0
    services.round_close(round_=contest["scenario"], actor=contest["trainer"].user)
    before = snapshot()
    code, _, err = run(write(tmp_path, ["PW902,XS003,25", "PW903,XS004,20"], name="late.csv"))
    assert code == 2
    assert err.strip().splitlines() == [
        "第1行: 本轮评分已截止，改分须由裁判长填写原因后操作",
        "第2行: 本轮评分已截止，改分须由裁判长填写原因后操作",
    ]
    code, _, _ = run(path)  # the same file again: still refused once closed
    assert code == 2 and snapshot() == before


def test_unknown_competition_or_round_and_knowledge_round(tmp_path, contest):
    path = write(tmp_path, ["PW902,XS003,20"])
    with pytest.raises(CommandError, match="未找到比赛“无此比赛”的轮次“情景模拟”"):
        run(path, competition="无此比赛")
    with pytest.raises(CommandError, match="轮次“决赛”"):
        run(path, round_name="决赛")
    code, _, err = run(path, round_name="知识竞赛")
    assert code == 2 and "知识竞赛轮由系统按答卷计分" in err
    missing = tmp_path / "none.csv"
    code, _, err = run(missing)
    assert code == 2 and "文件不存在" in err
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("工号,分数\nPW902,20\n", encoding="utf-8")
    code, _, err = run(wrong)
    assert code == 2 and "缺少必需的列：评委工号、选手工号、得分" in err
    assert not JudgeScore.objects.exists()


# --- the organisers' page ---------------------------------------------------------------------------------


def page_url(contest):
    return reverse("competitions:scores_import", args=[contest["scenario"].pk])


def upload(client, contest, text, name="scores.csv"):
    data = (HEADER + text).encode("utf-8-sig")
    return client.post(page_url(contest), {"step": "preview", "file": SimpleUploadedFile(name, data, "text/csv")})


def test_page_previews_then_confirms(client, contest):
    client.force_login(contest["trainer"].user)
    page = upload(client, contest, "PW902,XS003,20\nPW903,XS003,22\n")
    assert page.status_code == 200
    preview = page.context["preview"]
    assert (preview.created, preview.updated, preview.unchanged) == (2, 0, 0)
    assert "确认导入" in page.content.decode()
    assert not JudgeScore.objects.exists() and not RoundResult.objects.exists()  # a preview writes nothing
    page = client.post(page_url(contest), {"step": "confirm"}, follow=True)
    assert "导入完成：已新增评分 2 条" in page.content.decode()
    assert snapshot() == [("PW902", "XS003", D("20.00"), "纸质录入"), ("PW903", "XS003", D("22.00"), "纸质录入")]
    assert JudgeScore.objects.get(judge=contest["judges"][1]).entered_by == contest["trainer"].user
    page = client.post(page_url(contest), {"step": "confirm"}, follow=True)  # confirming twice does nothing
    assert "请先上传评分表并预览" in page.content.decode() and JudgeScore.objects.count() == 2


def test_page_shows_every_bad_row_and_writes_nothing(client, contest):
    client.force_login(contest["trainer"].user)
    page = upload(client, contest, "PW902,XS003,20\nPW904,XS001,20\nPW902,XS004,99\n")
    body = page.content.decode()
    assert page.status_code == 400
    assert "第2行: 评委评委四与选手选手1同属一个社区" in body and "第3行: 得分应在 0–30 之间" in body
    assert page.context["preview"] is None and "确认导入" not in body
    assert client.post(page_url(contest), {"step": "confirm"}).status_code == 302
    assert not JudgeScore.objects.exists()


def test_page_refuses_wrong_files_in_chinese(client, contest):
    client.force_login(contest["trainer"].user)
    page = client.post(page_url(contest), {"step": "preview", "file": SimpleUploadedFile("a.txt", b"x")})
    assert "只支持 .csv 或 .xlsx 文件" in page.content.decode()
    page = client.post(page_url(contest), {"step": "preview"})
    assert "请选择要导入的文件" in page.content.decode()
    page = client.post(page_url(contest), {"step": "preview", "file": SimpleUploadedFile("a.xlsx", b"not a zip")})
    assert "无法读取 Excel 文件" in page.content.decode()
    page = client.post(page_url(contest), {"step": "junk"}, follow=True)
    assert "请求无效" in page.content.decode()
    page = client.get(page_url(contest), {"template": "pdf"})
    assert page.status_code == 200 and "模板格式参数无效" in page.content.decode()
    assert not JudgeScore.objects.exists()


def test_template_lists_panel_pairs_without_recused_ones(client, contest):
    client.force_login(contest["trainer"].user)
    response = client.get(page_url(contest), {"template": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("评委工号", "选手工号", "得分")
    pairs = {(r[0], r[1]) for r in rows[1:]}
    assert len(pairs) == 26 and ("PW904", "XS001") not in pairs and ("PW905", "XS005") not in pairs
    assert all(r[2] is None for r in rows[1:])


@pytest.mark.parametrize("who", ["judge", "chief", "hr", "contestant", "street_trainer"])
def test_only_organisers_reach_the_import_page(client, contest, make_worker, who):
    users = {
        "judge": contest["judges"][1].user,
        "chief": contest["judges"][0].user,
        "hr": make_worker(unit=org("测试市"), role_codes=(roles.HR,)).user,
        "contestant": contest["entries"][0].worker.user,
        "street_trainer": make_worker(unit=org("测试市/甲区/甲街道"), role_codes=(roles.TRAINER,)).user,
    }
    client.force_login(users[who])
    assert client.get(page_url(contest)).status_code == 404
    assert client.get(page_url(contest), {"template": "xlsx"}).status_code == 404
    assert upload(client, contest, "PW902,XS003,20\n").status_code == 404
    assert not JudgeScore.objects.exists()


def test_knowledge_round_has_no_paper_import(client, contest):
    client.force_login(contest["trainer"].user)
    page = client.get(reverse("competitions:scores_import", args=[contest["knowledge"].pk]))
    assert page.status_code == 400 and "知识竞赛轮由系统按答卷计分" in page.content.decode()
