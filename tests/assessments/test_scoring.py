"""Every scoring rule of docs/rules.md ("测验评分"), on the pure functions."""

from decimal import Decimal

import pytest

from assessments.scoring import AnswerShapeError, fold, score_response, validate_response

P = Decimal("4")


def score(qtype, answer, response, partial=True, points=P):
    return score_response(qtype=qtype, answer=answer, points=points, response=response, partial_credit=partial)


def test_single_and_true_false_are_all_or_nothing():
    assert score("单选", "B", "B") == Decimal("4.00")
    assert score("单选", "B", "C") == Decimal("0.00")
    assert score("单选", "B", None) == Decimal("0.00")
    assert score("判断", "对", "对") == Decimal("4.00")
    assert score("判断", "对", "错") == Decimal("0.00")


@pytest.mark.parametrize(
    "response, partial, expected",
    [
        ("ACD", True, "4.00"),  # exactly right
        ("DCA", True, "4.00"),  # order does not matter
        ("AC", True, "2.00"),  # strict subset, no wrong option: half
        ("A", True, "2.00"),
        ("AC", False, "0.00"),  # all-or-nothing quiz
        ("ACB", True, "0.00"),  # a wrong option: nothing
        ("ABCD", True, "0.00"),
        ("B", True, "0.00"),
        ("", True, "0.00"),
    ],
)
def test_multi_choice_partial_credit(response, partial, expected):
    assert score("多选", "ACD", response, partial) == Decimal(expected)


def test_multi_half_of_odd_points_is_exact():
    assert score("多选", "AB", "A", points=Decimal("3")) == Decimal("1.50")


def test_blanks_each_an_equal_share_with_folding_and_alternatives():
    answer = "2|两|二;24|二十四"
    assert score("填空", answer, ["2", "24"]) == Decimal("4.00")
    assert score("填空", answer, ["两", "x"]) == Decimal("2.00")
    # full-width digits and spaces around the answer still match
    assert score("填空", answer, ["　２ ", "２４"]) == Decimal("4.00")
    assert score("填空", "SOS;App", ["ｓｏｓ", " APP "]) == Decimal("4.00")
    assert score("填空", answer, ["", ""]) == Decimal("0.00")


def test_three_blanks_share_rounds_to_cents():
    assert score("填空", "a;b;c", ["a", "x", "x"], points=Decimal("1")) == Decimal("0.33")
    assert score("填空", "a;b;c", ["a", "b", "c"], points=Decimal("1")) == Decimal("1.00")


def test_essay_is_marked_by_a_person():
    assert score("简答", "要点", "我的回答") is None


def test_fold():
    assert fold(" ＡＢｃ１２ ") == "abc12"


@pytest.mark.parametrize(
    "qtype, response, message",
    [
        ("单选", "AB", "一个选项字母"),
        ("单选", "E", "不存在"),
        ("单选", 1, "一个选项字母"),
        ("多选", ["A"], "字符串"),
        ("多选", "AAB", "重复"),
        ("判断", "正确", "对"),
        ("填空", "110", "列表"),
        ("填空", ["1", "2", "3"], "2 个空"),
        ("简答", ["x"], "文字"),
    ],
)
def test_wrong_shapes_are_refused_in_chinese(qtype, response, message):
    with pytest.raises(AnswerShapeError, match=message):
        validate_response(qtype=qtype, shown_letters="ABCD", blanks=2, response=response)


def test_shapes_are_normalised():
    assert validate_response(qtype="多选", shown_letters="ABCD", blanks=0, response="dca") == "ACD"
    assert validate_response(qtype="单选", shown_letters="ABCD", blanks=0, response="b") == "B"
    assert validate_response(qtype="填空", shown_letters="", blanks=1, response=["x"]) == ["x"]
