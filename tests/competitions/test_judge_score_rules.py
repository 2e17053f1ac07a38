"""judge_score_save: range, panel, conflict of interest, locking and the audited change (docs/rules.md, 14.3)."""

from decimal import Decimal as D

import pytest

from assessments.competitions import services
from assessments.competitions.models import JudgeScore, RoundResult, ScoreChange
from lms.models import AuditLog

pytestmark = pytest.mark.django_db


def marks(contest, a, b, c):
    ids = [c_.pk for c_ in contest["scenario"].criteria.all()]
    return dict(zip(ids, [a, b, c], strict=True))


def test_score_is_trimmed_mean_of_five_judges(contest):
    entry = contest["entries"][2]  # 二社区: no judge conflicts
    for judge, values in zip(contest["judges"], [(9, 9, 9), (8, 8, 8), (7, 7, 7), (6, 6, 6), (1, 1, 1)], strict=True):
        services.judge_score_save(round_=contest["scenario"], entry=entry, judge=judge, marks=marks(contest, *values))
    result = RoundResult.objects.get(round=contest["scenario"], entry=entry)
    assert result.score == D("21.00") and result.percent == D("70.00") and result.judge_count == 5


def test_judge_from_contestants_community_is_refused_and_nothing_written(contest):
    with pytest.raises(services.CompetitionError, match="同属一个社区"):
        services.judge_score_save(
            round_=contest["scenario"],
            entry=contest["entries"][0],
            judge=contest["judges"][3],
            marks=marks(contest, 5, 5, 5),
        )
    assert not JudgeScore.objects.exists()


def test_mark_outside_criterion_range_is_refused(contest):
    with pytest.raises(services.CompetitionError, match="矛盾识别.*0–10"):
        services.judge_score_save(
            round_=contest["scenario"],
            entry=contest["entries"][2],
            judge=contest["judges"][1],
            marks=marks(contest, 11, 5, 5),
        )
    assert not JudgeScore.objects.exists()


def test_closed_round_needs_chief_and_reason_and_writes_audit(contest):
    scenario, entry, chief, judge = (
        contest["scenario"],
        contest["entries"][2],
        contest["judges"][0],
        contest["judges"][1],
    )
    services.judge_score_save(round_=scenario, entry=entry, judge=judge, marks=marks(contest, 5, 5, 5))
    services.round_close(round_=scenario, actor=contest["trainer"].user)
    scenario.refresh_from_db()
    with pytest.raises(services.CompetitionError, match="截止"):
        services.judge_score_save(
            round_=scenario, entry=entry, judge=judge, marks=marks(contest, 6, 6, 6), actor=judge.user
        )
    with pytest.raises(services.CompetitionError, match="原因"):
        services.judge_score_save(
            round_=scenario, entry=entry, judge=judge, marks=marks(contest, 6, 6, 6), actor=chief.user
        )
    services.judge_score_save(
        round_=scenario,
        entry=entry,
        judge=judge,
        marks=marks(contest, 6, 6, 6),
        actor=chief.user,
        reason="核对纸质评分表",
    )
    change = ScoreChange.objects.get()
    assert (change.old_score, change.new_score, change.reason) == (D("15.00"), D("18.00"), "核对纸质评分表")
    assert AuditLog.objects.filter(target_type="竞赛评分", action=AuditLog.Action.CHANGE).count() == 1


def test_divergent_judges_block_closing_until_chief_reviews(contest):
    scenario, entry = contest["scenario"], contest["entries"][2]
    services.judge_score_save(round_=scenario, entry=entry, judge=contest["judges"][1], marks=marks(contest, 2, 5, 5))
    services.judge_score_save(round_=scenario, entry=entry, judge=contest["judges"][2], marks=marks(contest, 8, 5, 5))
    with pytest.raises(services.CompetitionError, match="复核"):
        services.round_close(round_=scenario, actor=contest["trainer"].user)
    review = scenario.reviews.get()
    with pytest.raises(services.CompetitionError, match="裁判长"):
        services.review_resolve(review=review, actor=contest["judges"][1].user)
    services.review_resolve(review=review, actor=contest["judges"][0].user, note="已复核")
    services.round_close(round_=scenario, actor=contest["trainer"].user)
