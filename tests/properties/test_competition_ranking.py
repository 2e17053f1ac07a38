"""Competition scoring and ranking (docs/rules.md §14.2 计分与排名) against a reference written from
the rule's text.

Reference: a judged round's score is the mean of the panel's scores, after dropping one highest and
one lowest when 5 or more judges scored, rounded half up to cents; a knowledge round's score is given
(paper percentage × maximum). Each round becomes a percentage (score ÷ maximum × 100, rounded half
up to cents), a round not taken counts 0, and the overall score is Σ weight × percentage ÷ Σ weight
(rounded half up to cents). Rank = 1 + the number of contestants strictly ahead, comparing overall
(higher first), then the knowledge time summed over knowledge rounds (less first; none is last),
then the 情景模拟 percentages summed (higher first): equal contestants share a rank and the next rank
skips (1, 1, 3). The project's side: `assessments.competitions.ranking` (judged_score, percent_of,
overall_score, Standing, assign_ranks) — the functions the boards, exports and awards share.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from assessments.competitions import ranking
from tests.properties import examples

KINDS = ("知识竞赛", "情景模拟", "实操考核")


def cents(value: Fraction) -> Fraction:
    return Fraction((Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def reference_panel(scores: list[Fraction]) -> Fraction:
    kept = sorted(scores)
    if len(kept) >= 5:
        kept = kept[1:-1]
    return cents(sum(kept, Fraction(0)) / len(kept))


def reference_table(rounds, contestants):
    """rounds: [(kind, weight, max)]; contestants: per round None (not taken), a list of judges'
    scores (judged rounds) or (score, seconds) (knowledge). → (overall, rank) per contestant."""
    rows = []
    for results in contestants:
        weighted, seconds, scenario = Fraction(0), None, Fraction(0)
        for (kind, weight, maximum), result in zip(rounds, results, strict=True):
            if result is None:
                continue
            score = result[0] if kind == "知识竞赛" else reference_panel(result)
            percent = cents(score * 100 / maximum)
            weighted += weight * percent
            if kind == "知识竞赛":
                seconds = (seconds or 0) + result[1]
            if kind == "情景模拟":
                scenario += percent
        overall = cents(weighted / sum((w for _, w, _ in rounds), Fraction(0)))
        rows.append((overall, math.inf if seconds is None else seconds, scenario))

    def ahead(a, b) -> bool:
        return (-a[0], a[1], -a[2]) < (-b[0], b[1], -b[2])

    return [(row[0], 1 + sum(ahead(other, row) for other in rows)) for row in rows]


@st.composite
def competition(draw):
    rounds = [
        (
            draw(st.sampled_from(KINDS)),
            Fraction(draw(st.sampled_from([1, 2, 3, 5]))),
            Fraction(draw(st.sampled_from([10, 20, 30, 100]))),
        )
        for _ in range(draw(st.integers(min_value=1, max_value=4)))
    ]
    contestants = []
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        results = []
        for kind, _, maximum in rounds:
            # Few distinct marks, so that equal totals and the tie-breaks come up often.
            mark = st.sampled_from([0, 25, 50, 75, 100]).map(lambda p, m=maximum: m * p / 100) | st.integers(
                min_value=0, max_value=int(maximum * 100)
            ).map(lambda n: Fraction(n, 100))
            if kind == "知识竞赛":
                taken = st.tuples(mark, st.sampled_from([60, 90, 120, 300]))
            else:
                taken = st.lists(mark, min_size=1, max_size=7)
            results.append(draw(st.none() | taken))
        contestants.append(results)
    return rounds, contestants


def decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def project_table(rounds, contestants):
    weights = {f"r{i}": decimal(weight) for i, (_, weight, _) in enumerate(rounds)}
    standings = []
    for number, results in enumerate(contestants):
        percents, seconds, scenario = {}, None, ranking.ZERO
        for i, ((kind, _, maximum), result) in enumerate(zip(rounds, results, strict=True)):
            if result is None:
                percents[f"r{i}"] = None
                continue
            if kind == "知识竞赛":
                score = decimal(result[0])
                seconds = (seconds or 0) + result[1]
            else:
                score = ranking.judged_score([decimal(s) for s in result])
            percent = ranking.percent_of(score, decimal(maximum))
            percents[f"r{i}"] = percent
            if kind == "情景模拟":
                scenario += percent
        standings.append(
            ranking.Standing(
                entry_id=number,
                worker_no=f"W{number:03d}",
                name="",
                unit_path="",
                unit_name="",
                overall=ranking.overall_score(percents, weights),
                rounds=percents,
                knowledge_seconds=seconds,
                scenario_percent=scenario,
            )
        )
    ranked = ranking.assign_ranks(standings)
    by_entry = {s.entry_id: s for s in ranked}
    return [(Fraction(by_entry[n].overall), by_entry[n].rank) for n in range(len(contestants))]


@examples(500)
@given(case=competition())
def test_overall_scores_and_ranks_follow_the_rule(case):
    rounds, contestants = case
    assert project_table(rounds, contestants) == reference_table(rounds, contestants)


@examples(300)
@given(st.lists(st.integers(min_value=0, max_value=10000).map(lambda n: Fraction(n, 100)), min_size=1, max_size=9))
def test_a_panels_score_follows_the_rule(scores):
    assert Fraction(ranking.judged_score([decimal(s) for s in scores])) == reference_panel(scores)
