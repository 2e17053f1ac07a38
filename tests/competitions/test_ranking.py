"""The scoring and ranking rules (docs/rules.md, 14.2) as pure functions."""

from decimal import Decimal as D

from assessments.competitions import ranking
from assessments.competitions.ranking import Standing


def standing(no, overall, seconds=None, scenario="0"):
    return Standing(
        entry_id=int(no[1:]),
        worker_no=no,
        name=no,
        unit_path="",
        unit_name="",
        overall=D(overall),
        rounds={},
        knowledge_seconds=seconds,
        scenario_percent=D(scenario),
    )


def test_four_judges_plain_mean():
    assert ranking.judged_score([D(7), D(8), D(9), D(10)]) == D("8.50")


def test_five_judges_drop_one_highest_and_one_lowest():
    assert ranking.judged_score([D(1), D(8), D(8), D(9), D(30)]) == D("8.33")


def test_seven_judges_drop_only_one_each_end():
    assert ranking.judged_score([D(0), D(6), D(7), D(8), D(9), D(10), D(30)]) == D("8.00")


def test_no_scores_is_no_result():
    assert ranking.judged_score([]) is None


def test_overall_is_weighted_mean_of_percentages_with_missing_round_zero():
    weights = {"知识竞赛": D("0.4"), "情景模拟": D("0.6")}
    assert ranking.overall_score({"知识竞赛": D(90), "情景模拟": D(80)}, weights) == D("84.00")
    assert ranking.overall_score({"知识竞赛": D(90), "情景模拟": None}, weights) == D("36.00")
    assert ranking.percent_of(D("24"), D("30")) == D("80.00")


def test_tie_break_knowledge_time_then_scenario_then_same_rank():
    rows = ranking.assign_ranks(
        [
            standing("X1", "80", seconds=600, scenario="70"),
            standing("X2", "80", seconds=500, scenario="60"),
            standing("X3", "80", seconds=600, scenario="75"),
            standing("X4", "80", seconds=600, scenario="70"),
            standing("X5", "90"),
            standing("X6", "80", seconds=None, scenario="99"),
        ]
    )
    assert [(r.worker_no, r.rank) for r in rows] == [
        ("X5", 1),
        ("X2", 2),
        ("X3", 3),
        ("X1", 4),
        ("X4", 4),
        ("X6", 6),
    ]


def test_team_is_mean_of_best_three_missing_places_zero():
    rows = ranking.assign_ranks(
        [standing("X1", "90"), standing("X2", "60"), standing("X3", "30"), standing("X4", "10"), standing("X5", "99")]
    )
    unit_of = {1: (1, "甲"), 2: (1, "甲"), 3: (1, "甲"), 4: (1, "甲"), 5: (2, "乙")}
    teams = ranking.team_standings(rows, unit_of)
    assert [(t.unit_name, t.score, t.rank) for t in teams] == [("甲", D("60.00"), 1), ("乙", D("33.00"), 2)]


def test_promotion_top_n_overall_and_per_unit_with_tie_at_cut():
    rows = [standing("X1", "90"), standing("X2", "80"), standing("X3", "80"), standing("X4", "70"), standing("X5", "0")]
    assert [s.worker_no for s in ranking.promoted(rows, 2)] == ["X1", "X2", "X3"]
    per_unit = ranking.promoted(rows, 1, group_of={1: 1, 2: 2, 3: 1, 4: 2, 5: 3})
    assert sorted(s.worker_no for s in per_unit) == ["X1", "X2"]


def test_award_tiers_by_share():
    assert ranking.award_tiers(20, [D(10), D(20), D(30)]) == [2, 4, 6]
    assert ranking.award_tiers(3, [D(10), D(20), D(30)]) == [1, 1, 1]


def test_spread_beyond_share_of_maximum():
    assert ranking.spread_exceeds([D(2), D(6)], D(10), D(34)) == D(4)
    assert ranking.spread_exceeds([D(4), D(6)], D(10), D(34)) is None
