"""评委 pages (docs/rules.md, 14.3): who reaches which judging page, the score sheet through
judge_score_save, 回避, closed rounds, the chief's audited change, reviews and closing."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.urls import reverse

from assessments.competitions import services
from assessments.competitions.models import (
    Entry,
    JudgeScore,
    Panel,
    PanelJudge,
    PanelSlot,
    Round,
    RoundKind,
    RoundResult,
    ScoreChange,
    ScoreReview,
)
from lms import roles
from lms.models import AuditLog, Notification
from tests.factories import org

pytestmark = pytest.mark.django_db


def marks(contest, a, b, c):
    ids = [c_.pk for c_ in contest["scenario"].criteria.all()]
    return dict(zip(ids, [a, b, c], strict=True))


def sheet_post(contest, a, b, c, **extra):
    data = {f"c{cid}": v for cid, v in marks(contest, a, b, c).items()}
    data.update(extra)
    return data


def url(name, *args):
    return reverse(f"competitions:{name}", args=args)


@pytest.fixture
def second_panel(contest, make_worker):
    """A second panel of the same round: its own judge and one contestant of its own."""
    scenario = contest["scenario"]
    judge = make_worker(unit=org("测试市/甲区"), role_codes=(roles.JUDGE,), employee_no="PW906", name="二组评委")
    contestant = make_worker(unit=org("测试市/甲区/甲街道/二社区/一网格"), employee_no="XS007", name="选手7")
    entry = Entry.objects.create(competition=contest["competition"], worker=contestant)
    panel = Panel.objects.create(round=scenario, name="第二组")
    PanelJudge.objects.create(panel=panel, judge=judge, is_chief=True)
    PanelSlot.objects.create(panel=panel, entry=entry, order=1)
    return {"judge": judge, "entry": entry, "panel": panel}


@pytest.fixture
def outsiders(make_worker):
    return {
        "hr": make_worker(unit=org("测试市"), role_codes=(roles.HR,), employee_no="RS001"),
        "idle_judge": make_worker(unit=org("测试市/甲区"), role_codes=(roles.JUDGE,), employee_no="PW999"),
    }


# --- who reaches what ---------------------------------------------------------------------------------


def test_judge_index_lists_my_rounds_open_first(client, contest, make_worker):
    judge = contest["judges"][1]
    closed = Round.objects.create(
        competition=contest["competition"], order=3, name="实操考核", kind=RoundKind.PRACTICAL, max_score=D("20")
    )
    panel = Panel.objects.create(round=closed, name="第一组")
    PanelJudge.objects.create(panel=panel, judge=judge)
    services.round_close(round_=closed, actor=contest["trainer"].user)
    client.force_login(judge.user)
    page = client.get(url("judging"))
    assert page.status_code == 200
    assert [s.round.pk for s in page.context["seats"]] == [contest["scenario"].pk, closed.pk]
    assert "已截止" in page.content.decode()


def test_judge_without_a_panel_sees_an_empty_list(client, outsiders):
    client.force_login(outsiders["idle_judge"].user)
    page = client.get(url("judging"))
    assert page.status_code == 200 and "没有被安排到任何评分组" in page.content.decode()


@pytest.mark.parametrize("who", ["contestant", "hr"])
def test_contestants_and_hr_cannot_reach_judge_pages(client, contest, outsiders, who):
    user = contest["entries"][0].worker.user if who == "contestant" else outsiders["hr"].user
    client.force_login(user)
    scenario, entry = contest["scenario"], contest["entries"][2]
    for address in (
        url("judging"),
        url("judge_round", scenario.pk),
        url("judge_entry", scenario.pk, entry.pk),
        url("reviews", scenario.pk),
        url("round_close", scenario.pk),
        url("scores_import", scenario.pk),
    ):
        page = client.get(address)
        assert page.status_code == 404, address
        assert "无权" in page.content.decode() or "只对评委" in page.content.decode()
    page = client.post(url("judge_entry", scenario.pk, entry.pk), sheet_post(contest, 5, 5, 5))
    assert page.status_code == 404 and not JudgeScore.objects.exists()
    assert client.post(url("round_close", scenario.pk)).status_code == 404
    assert contest["scenario"].__class__.objects.get(pk=scenario.pk).closed_at is None


def test_judge_round_shows_only_my_panel_in_running_order(client, contest, second_panel):
    client.force_login(contest["judges"][3].user)  # 评委四, 一社区: 回避 for 选手1 and 选手2
    page = client.get(url("judge_round", contest["scenario"].pk))
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [r.entry.pk for r in rows] == [e.pk for e in contest["entries"]]
    assert [r.status for r in rows] == ["回避", "回避", "待评", "待评", "待评", "待评"]
    assert second_panel["entry"].worker.name not in page.content.decode()
    client.force_login(second_panel["judge"].user)
    rows = client.get(url("judge_round", contest["scenario"].pk)).context["rows"]
    assert [r.entry.pk for r in rows] == [second_panel["entry"].pk]


def test_peer_judge_of_another_panel_gets_404_by_id(client, contest, second_panel):
    scenario = contest["scenario"]
    client.force_login(second_panel["judge"].user)
    other = contest["entries"][2]
    assert client.get(url("judge_entry", scenario.pk, other.pk)).status_code == 404
    assert client.post(url("judge_entry", scenario.pk, other.pk), {"total": "5"}).status_code == 404
    # …and the other way round; a chief of panel two cannot rescore panel one's judges either way but
    # may only name judges of the contestant's own panel.
    client.force_login(contest["judges"][1].user)
    assert client.get(url("judge_entry", scenario.pk, second_panel["entry"].pk)).status_code == 404
    client.force_login(second_panel["judge"].user)
    page = client.get(url("judge_entry", scenario.pk, second_panel["entry"].pk), {"judge": contest["judges"][1].pk})
    assert page.status_code == 404 and "评分组" in page.content.decode()
    assert not JudgeScore.objects.exists()


def test_knowledge_round_and_unknown_ids_answer_in_chinese(client, contest):
    client.force_login(contest["judges"][1].user)
    for address in (
        url("judge_round", contest["knowledge"].pk),
        url("judge_round", 999999),
        url("judge_entry", contest["scenario"].pk, 999999),
        url("reviews", 999999),
        url("round_close", 999999),
    ):
        page = client.get(address)
        assert page.status_code == 404 and "未找到" in page.content.decode(), address


# --- the score sheet ------------------------------------------------------------------------------------


def test_sheet_shows_criteria_descriptors_and_tap_levels(client, contest):
    client.force_login(contest["judges"][1].user)
    page = client.get(url("judge_entry", contest["scenario"].pk, contest["entries"][2].pk))
    body = page.content.decode()
    assert page.status_code == 200
    assert "矛盾识别（满分 10）" in body and "3分：准确识别" in body
    assert 'data-value="3"' in body and 'step="0.5"' in body and 'max="10"' in body


def test_saving_goes_to_the_next_unscored_contestant(client, contest):
    scenario, entries, judge = contest["scenario"], contest["entries"], contest["judges"][1]
    services.judge_score_save(round_=scenario, entry=entries[1], judge=judge, marks=marks(contest, 5, 5, 5))
    client.force_login(judge.user)
    page = client.post(
        url("judge_entry", scenario.pk, entries[0].pk), sheet_post(contest, 7.5, 8, 9, comment="思路清晰")
    )
    assert page.status_code == 302
    assert page["Location"] == url("judge_entry", scenario.pk, entries[2].pk)  # 选手2 is already scored
    score = JudgeScore.objects.get(entry=entries[0], judge=judge)
    assert (score.score, score.comment, score.source, score.entered_by) == (
        D("24.50"),
        "思路清晰",
        JudgeScore.Source.PHONE,
        judge.user,
    )
    rows = client.get(url("judge_round", scenario.pk)).context["rows"]
    assert [r.status for r in rows[:3]] == ["已评", "已评", "待评"] and rows[0].score == D("24.50")


def test_last_contestant_returns_to_the_list(client, contest):
    scenario, judge = contest["scenario"], contest["judges"][1]
    for entry in contest["entries"][:-1]:
        services.judge_score_save(round_=scenario, entry=entry, judge=judge, marks=marks(contest, 5, 5, 5))
    client.force_login(judge.user)
    page = client.post(
        url("judge_entry", scenario.pk, contest["entries"][-1].pk), sheet_post(contest, 5, 5, 5), follow=True
    )
    assert page.redirect_chain[-1][0] == url("judge_round", scenario.pk)
    assert "全部完成" in page.content.decode()


def test_judge_never_sees_another_judges_marks(client, contest):
    scenario, entry = contest["scenario"], contest["entries"][2]
    services.judge_score_save(
        round_=scenario,
        entry=entry,
        judge=contest["judges"][2],
        marks=marks(contest, 9.5, 9.5, 9.5),
        comment="秘密点评",
    )
    client.force_login(contest["judges"][1].user)
    for address in (url("judge_round", scenario.pk), url("judge_entry", scenario.pk, entry.pk)):
        body = client.get(address).content.decode()
        assert "9.5" not in body and "28.5" not in body and "秘密点评" not in body
    assert client.get(url("reviews", scenario.pk)).status_code == 404  # not the chief


def test_conflict_of_interest_refused_on_the_page_nothing_written(client, contest):
    scenario, entry = contest["scenario"], contest["entries"][0]
    client.force_login(contest["judges"][3].user)  # same 一社区
    page = client.get(url("judge_entry", scenario.pk, entry.pk))
    assert page.status_code == 200 and "须回避" in page.content.decode() and 'id="sheet"' not in page.content.decode()
    page = client.post(url("judge_entry", scenario.pk, entry.pk), sheet_post(contest, 5, 5, 5))
    assert page.status_code == 400 and "同属一个社区" in page.content.decode()
    assert not JudgeScore.objects.exists() and not RoundResult.objects.exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ((11, 5, 5), "矛盾识别”的得分应在 0–10 之间"),
        (("", 5, 5), "请为评分项“矛盾识别”打分"),
        (("abc", 5, 5), "不是有效的数字"),
        (("NaN", 5, 5), "不是有效的数字"),
        (("-1", 5, 5), "0–10"),
    ],
)
def test_bad_marks_are_chinese_form_errors(client, contest, values, message):
    client.force_login(contest["judges"][1].user)
    page = client.post(
        url("judge_entry", contest["scenario"].pk, contest["entries"][2].pk), sheet_post(contest, *values)
    )
    assert page.status_code == 400 and message in page.content.decode()
    assert not JudgeScore.objects.exists()


def test_junk_parameters_answer_in_chinese(client, contest):
    scenario, entry = contest["scenario"], contest["entries"][2]
    client.force_login(contest["judges"][1].user)
    page = client.get(url("judge_entry", scenario.pk, entry.pk), {"judge": "abc"})
    assert page.status_code == 400 and "评委参数无效" in page.content.decode()
    page = client.get(url("judge_entry", scenario.pk, entry.pk), {"judge": "9" * 40})
    assert page.status_code == 400
    page = client.get(url("judge_entry", scenario.pk, entry.pk), {"judge": contest["judges"][2].pk})
    assert page.status_code == 404  # only the chief may open another judge's sheet
    page = client.post(url("judge_entry", scenario.pk, entry.pk), sheet_post(contest, 5, 5, 5, comment="长" * 2001))
    assert page.status_code == 400 and "专家点评不超过" in page.content.decode()
    client.force_login(contest["judges"][0].user)
    page = client.post(url("reviews", scenario.pk), {"review": "x' or 1=1", "note": "好"}, follow=True)
    assert "未找到该分差复核记录" in page.content.decode()
    page = client.post(url("reviews", scenario.pk), {"review": "9" * 30, "note": "好"}, follow=True)
    assert "未找到该分差复核记录" in page.content.decode()
    assert not JudgeScore.objects.exists()


def test_round_without_criteria_takes_a_single_total(client, contest):
    practical = Round.objects.create(
        competition=contest["competition"], order=3, name="实操考核", kind=RoundKind.PRACTICAL, max_score=D("20")
    )
    panel = Panel.objects.create(round=practical, name="第一组")
    judge, entry = contest["judges"][1], contest["entries"][2]
    PanelJudge.objects.create(panel=panel, judge=judge)
    PanelSlot.objects.create(panel=panel, entry=entry, order=1)
    client.force_login(judge.user)
    page = client.get(url("judge_entry", practical.pk, entry.pk))
    assert 'name="total"' in page.content.decode() and 'max="20"' in page.content.decode()
    page = client.post(url("judge_entry", practical.pk, entry.pk), {"total": "21"})
    assert page.status_code == 400 and "得分应在 0–20 之间" in page.content.decode()
    page = client.post(url("judge_entry", practical.pk, entry.pk), {"total": "17.5"})
    assert page.status_code == 302
    assert JudgeScore.objects.get(round=practical).score == D("17.50")


# --- closed rounds ----------------------------------------------------------------------------------------


def test_closed_round_is_read_only_for_judges(client, contest):
    scenario, entry, judge = contest["scenario"], contest["entries"][2], contest["judges"][1]
    services.judge_score_save(round_=scenario, entry=entry, judge=judge, marks=marks(contest, 5, 5, 5))
    services.round_close(round_=scenario, actor=contest["trainer"].user)
    client.force_login(judge.user)
    page = client.get(url("judge_entry", scenario.pk, entry.pk))
    body = page.content.decode()
    assert page.status_code == 200 and "成绩只读" in body and 'id="sheet"' not in body
    page = client.post(url("judge_entry", scenario.pk, entry.pk), sheet_post(contest, 9, 9, 9, reason="想改"))
    assert page.status_code == 400 and "已截止" in page.content.decode()
    assert JudgeScore.objects.get().score == D("15.00") and not ScoreChange.objects.exists()
    # an unscored contestant cannot be added after the close, not even by the chief
    client.force_login(contest["judges"][0].user)
    page = client.post(
        url("judge_entry", scenario.pk, contest["entries"][3].pk), sheet_post(contest, 5, 5, 5, reason="补录")
    )
    assert page.status_code == 400 and "不能补录" in page.content.decode()
    assert JudgeScore.objects.count() == 1


def test_chief_changes_a_score_after_close_with_a_reason_audited(client, contest):
    scenario, entry, judge, chief = (
        contest["scenario"],
        contest["entries"][2],
        contest["judges"][1],
        contest["judges"][0],
    )
    services.judge_score_save(round_=scenario, entry=entry, judge=judge, marks=marks(contest, 5, 5, 5))
    services.round_close(round_=scenario, actor=contest["trainer"].user)
    client.force_login(chief.user)
    address = url("judge_entry", scenario.pk, entry.pk) + f"?judge={judge.pk}"
    page = client.get(address)
    assert page.status_code == 200 and "改分原因" in page.content.decode() and "评委二" in page.content.decode()
    page = client.post(address, sheet_post(contest, 6, 6, 6, judge=judge.pk))
    assert page.status_code == 400 and "须填写原因" in page.content.decode()
    assert not ScoreChange.objects.exists()
    page = client.post(address, sheet_post(contest, 6, 6, 6, judge=judge.pk, reason="核对纸质评分表"))
    assert page.status_code == 302
    change = ScoreChange.objects.get()
    assert (change.old_score, change.new_score, change.reason, change.changed_by) == (
        D("15.00"),
        D("18.00"),
        "核对纸质评分表",
        chief.user,
    )
    log = AuditLog.objects.get(target_type="竞赛评分")
    assert log.actor == chief.user and log.detail["原因"] == "核对纸质评分表"
    assert RoundResult.objects.get(round=scenario, entry=entry).score == D("18.00")


# --- reviews ------------------------------------------------------------------------------------------------


def test_review_opens_notifies_the_chief_once_and_is_resolved_on_the_page(client, contest):
    scenario, entry, chief = contest["scenario"], contest["entries"][2], contest["judges"][0]
    services.judge_score_save(round_=scenario, entry=entry, judge=contest["judges"][1], marks=marks(contest, 2, 5, 5))
    services.judge_score_save(round_=scenario, entry=entry, judge=contest["judges"][2], marks=marks(contest, 8, 5, 5))
    services.judge_score_save(round_=scenario, entry=entry, judge=contest["judges"][4], marks=marks(contest, 9, 5, 5))
    review = ScoreReview.objects.get()
    notes = Notification.objects.filter(recipient=chief.user)
    assert notes.count() == 1 and "待复核" in notes.get().title and notes.get().url == url("reviews", scenario.pk)
    assert not Notification.objects.exclude(recipient=chief.user).exists()
    client.force_login(chief.user)
    page = client.get(url("reviews", scenario.pk))
    body = page.content.decode()
    assert page.status_code == 200 and "矛盾识别" in body and "分差 <strong>7</strong>" in body
    row = page.context["rows"][0]
    assert [(j.name, m) for j, m in row.marks] == [("评委二", D("2")), ("评委三", D("8")), ("评委五", D("9"))]
    assert f"?judge={contest['judges'][1].pk}&amp;from=reviews" in body
    page = client.post(url("reviews", scenario.pk), {"review": review.pk, "note": ""}, follow=True)
    assert "请填写复核意见" in page.content.decode()
    page = client.post(url("reviews", scenario.pk), {"review": review.pk, "note": "现场复议，维持"}, follow=True)
    review.refresh_from_db()
    assert review.resolved_at is not None and review.note == "现场复议，维持" and review.resolved_by == chief.user
    assert "已复核" in page.content.decode()


def test_chief_rescoring_from_reviews_returns_there(client, contest):
    scenario, entry, chief, judge = (
        contest["scenario"],
        contest["entries"][2],
        contest["judges"][0],
        contest["judges"][1],
    )
    services.judge_score_save(round_=scenario, entry=entry, judge=judge, marks=marks(contest, 2, 5, 5))
    services.judge_score_save(round_=scenario, entry=entry, judge=contest["judges"][2], marks=marks(contest, 8, 5, 5))
    client.force_login(chief.user)
    page = client.post(
        url("judge_entry", scenario.pk, entry.pk) + f"?judge={judge.pk}&from=reviews",
        sheet_post(contest, 7, 5, 5, judge=judge.pk, **{"from": "reviews"}),
    )
    assert page.status_code == 302 and page["Location"] == url("reviews", scenario.pk)
    score = JudgeScore.objects.get(entry=entry, judge=judge)
    assert score.score == D("17.00") and score.entered_by == chief.user
    assert not ScoreReview.objects.exists()  # back within the line: the open review is dropped


# --- closing ---------------------------------------------------------------------------------------------


def test_close_confirmation_counts_and_pending_reviews_refusal(client, contest):
    scenario, entry = contest["scenario"], contest["entries"][2]
    services.judge_score_save(round_=scenario, entry=entry, judge=contest["judges"][1], marks=marks(contest, 2, 5, 5))
    services.judge_score_save(round_=scenario, entry=entry, judge=contest["judges"][2], marks=marks(contest, 8, 5, 5))
    client.force_login(contest["judges"][0].user)
    page = client.get(url("round_close", scenario.pk))
    counts = page.context["counts"]
    # 6 contestants × 5 judges, less 4 回避 pairs (评委四 × 一社区 ×2, 评委五 × 三社区 ×2)
    assert (counts.contestants, counts.scored_contestants, counts.scores, counts.expected_scores) == (6, 1, 2, 26)
    assert counts.pending_reviews == 1 and "待复核" in page.content.decode()
    page = client.post(url("round_close", scenario.pk))
    assert page.status_code == 400 and "复核后才能截止评分" in page.content.decode()
    scenario.refresh_from_db()
    assert scenario.closed_at is None
    services.review_resolve(review=ScoreReview.objects.get(), actor=contest["judges"][0].user, note="维持")
    page = client.post(url("round_close", scenario.pk))
    assert page.status_code == 302
    scenario.refresh_from_db()
    assert scenario.closed_at is not None and scenario.closed_by == contest["judges"][0].user
    page = client.post(url("round_close", scenario.pk))
    assert page.status_code == 400 and "已截止" in page.content.decode()


def test_organiser_may_close_a_plain_judge_may_not(client, contest):
    scenario = contest["scenario"]
    client.force_login(contest["judges"][1].user)
    assert client.get(url("round_close", scenario.pk)).status_code == 404
    assert client.post(url("round_close", scenario.pk)).status_code == 404
    scenario.refresh_from_db()
    assert scenario.closed_at is None
    client.force_login(contest["trainer"].user)
    assert client.get(url("round_close", scenario.pk)).status_code == 200
    page = client.post(url("round_close", scenario.pk))
    assert page.status_code == 302 and page["Location"] == url("judging")
    scenario.refresh_from_db()
    assert scenario.closed_by == contest["trainer"].user


def test_organiser_of_another_unit_cannot_close(client, contest, make_worker):
    street_trainer = make_worker(unit=org("测试市/甲区/甲街道"), role_codes=(roles.TRAINER,))
    client.force_login(street_trainer.user)  # the competition is city-wide: a street's trainer does not manage it
    assert client.post(url("round_close", contest["scenario"].pk)).status_code == 404
    contest["scenario"].refresh_from_db()
    assert contest["scenario"].closed_at is None


def test_knowledge_round_close_refused_before_its_end(client, contest):
    client.force_login(contest["trainer"].user)
    page = client.post(url("round_close", contest["knowledge"].pk))
    assert page.status_code == 400 and "答题时间尚未结束" in page.content.decode()


# --- the rule through the service ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        ([10, 20, 25, 30], D("21.25")),  # 4 judges: plain mean
        ([10, 20, 25, 28, 30], D("24.33")),  # 5: drop 10 and 30 → mean of 20, 25, 28
        ([5, 12, 20, 22, 24, 26, 30], D("20.80")),  # 7: drop 5 and 30 → mean of 12…26
    ],
)
def test_trimmed_mean_with_4_5_and_7_judges(contest, make_worker, totals, expected):
    practical = Round.objects.create(
        competition=contest["competition"], order=3, name="实操考核", kind=RoundKind.PRACTICAL, max_score=D("30")
    )
    panel = Panel.objects.create(round=practical, name="第一组")
    entry = contest["entries"][2]  # 二社区
    PanelSlot.objects.create(panel=panel, entry=entry, order=1)
    judges = list(contest["judges"][:3]) + [
        make_worker(unit=org("测试市/甲区"), role_codes=(roles.JUDGE,), employee_no=f"PW9{n}") for n in range(10, 14)
    ]
    for judge, total in zip(judges, totals, strict=False):
        PanelJudge.objects.create(panel=panel, judge=judge)
        services.judge_score_save(round_=practical, entry=entry, judge=judge, total=total)
    result = RoundResult.objects.get(round=practical, entry=entry)
    assert (result.score, result.judge_count) == (expected, len(totals))
    assert result.percent == (expected * 100 / D("30")).quantize(D("0.01"))


def test_home_card_for_judges_of_open_rounds_only(client, contest, outsiders):
    client.force_login(contest["judges"][1].user)
    body = client.get(reverse("trainee_home")).content.decode()
    assert 'data-testid="judge-card"' in body and url("judge_round", contest["scenario"].pk) in body
    for user in (contest["entries"][0].worker.user, outsiders["idle_judge"].user):
        client.force_login(user)
        assert 'data-testid="judge-card"' not in client.get(reverse("trainee_home")).content.decode()
    services.round_close(round_=contest["scenario"], actor=contest["trainer"].user)
    client.force_login(contest["judges"][1].user)
    assert 'data-testid="judge-card"' not in client.get(reverse("trainee_home")).content.decode()


def test_organiser_index_links_import_and_close(client, contest):
    client.force_login(contest["trainer"].user)
    page = client.get(url("judging"))
    body = page.content.decode()
    assert page.status_code == 200 and page.context["seats"] == []
    assert url("scores_import", contest["scenario"].pk) in body and url("round_close", contest["scenario"].pk) in body
    assert url("scores_import", contest["knowledge"].pk) not in body


def test_close_screen_of_a_round_without_panels(client, contest):
    empty = Round.objects.create(
        competition=contest["competition"], order=3, name="实操考核", kind=RoundKind.PRACTICAL, max_score=D("20")
    )
    client.force_login(contest["trainer"].user)
    page = client.get(url("round_close", empty.pk))
    counts = page.context["counts"]
    assert page.status_code == 200 and (counts.contestants, counts.scores, counts.expected_scores) == (0, 0, 0)
    page = client.get(url("round_close", contest["knowledge"].pk))
    assert page.status_code == 200 and page.context["counts"].contestants == 6
