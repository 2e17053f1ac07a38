"""The competition scoring and ranking rules (docs/rules.md, 14.2), as pure functions over plain values
so tests pin them without a database and the board builder, exports and awards share them."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")
TEAM_SIZE = 3


def quantize(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def judged_score(scores: Sequence[Decimal]) -> Decimal | None:
    """The panel's score: the mean, after dropping one highest and one lowest when 5 or more scored."""
    if not scores:
        return None
    ordered = sorted(Decimal(s) for s in scores)
    if len(ordered) >= 5:
        ordered = ordered[1:-1]
    return quantize(sum(ordered, ZERO) / len(ordered))


def percent_of(score: Decimal, max_score: Decimal) -> Decimal:
    if not max_score:
        return ZERO
    return quantize(Decimal(score) * 100 / Decimal(max_score))


def overall_score(percents: dict[str, Decimal | None], weights: dict[str, Decimal]) -> Decimal:
    """Weighted mean of the round percentages; a round not taken counts 0."""
    total_weight = sum(weights.values(), ZERO)
    if not total_weight:
        return ZERO
    weighted = sum(((percents.get(name) or ZERO) * weight for name, weight in weights.items()), ZERO)
    return quantize(weighted / total_weight)


def spread_exceeds(marks: Sequence[Decimal], max_score: Decimal, share_percent: Decimal) -> Decimal | None:
    """The spread of two or more judges' marks on one criterion if it exceeds the share of its maximum."""
    if len(marks) < 2:
        return None
    spread = max(marks) - min(marks)
    return spread if spread * 100 > Decimal(share_percent) * Decimal(max_score) else None


@dataclass
class Standing:
    entry_id: int
    worker_no: str
    name: str
    unit_path: str
    unit_name: str
    overall: Decimal
    rounds: dict[str, Decimal | None]
    knowledge_seconds: int | None
    scenario_percent: Decimal
    rank: int = 0
    extra: dict = field(default_factory=dict)

    def sort_key(self) -> tuple:
        seconds = self.knowledge_seconds if self.knowledge_seconds is not None else math.inf
        return (-self.overall, seconds, -self.scenario_percent)


def assign_ranks(standings: Iterable[Standing]) -> list[Standing]:
    """Order best first: overall (higher), knowledge time taken (less; not taken is last), 情景模拟
    percentage (higher); still equal → the same rank, and the next rank skips (1, 1, 3)."""
    ordered = sorted(standings, key=lambda s: (s.sort_key(), s.worker_no))
    previous_key = None
    for position, standing in enumerate(ordered, start=1):
        key = standing.sort_key()
        standing.rank = ordered[position - 2].rank if key == previous_key else position
        previous_key = key
    return ordered


@dataclass
class TeamStanding:
    unit_id: int
    unit_name: str
    score: Decimal
    members: list[str]
    rank: int = 0


def team_standings(standings: Sequence[Standing], unit_of: dict[int, tuple[int, str]]) -> list[TeamStanding]:
    """Per org unit: the mean of its best three contestants' overall scores (missing places count 0).

    `unit_of` maps an entry id to its (unit id, unit name) at the team level; entries without one
    are left out."""
    by_unit: dict[int, list[Standing]] = defaultdict(list)
    names: dict[int, str] = {}
    for standing in standings:
        unit = unit_of.get(standing.entry_id)
        if unit is None:
            continue
        by_unit[unit[0]].append(standing)
        names[unit[0]] = unit[1]
    teams = []
    for unit_id, members in by_unit.items():
        best = sorted(members, key=lambda s: (s.sort_key(), s.worker_no))[:TEAM_SIZE]
        score = quantize(sum((s.overall for s in best), ZERO) / TEAM_SIZE)
        teams.append(TeamStanding(unit_id, names[unit_id], score, [s.worker_no for s in best]))
    teams.sort(key=lambda t: (-t.score, t.unit_name))
    previous = None
    for position, team in enumerate(teams, start=1):
        team.rank = teams[position - 2].rank if team.score == previous else position
        previous = team.score
    return teams


def promoted(standings: Sequence[Standing], top_n: int, group_of: dict[int, int] | None = None) -> list[Standing]:
    """The top N overall, or the top N of each group (org unit), by rank; a tie at the N-th place
    promotes everyone tied. Only contestants with a score above 0 are promoted."""
    ranked = assign_ranks(list(standings))
    if top_n <= 0:
        return []
    if group_of is None:
        groups = {0: ranked}
    else:
        groups = defaultdict(list)
        for standing in ranked:
            if standing.entry_id in group_of:
                groups[group_of[standing.entry_id]].append(standing)
    chosen = []
    for members in groups.values():
        cut_key = None
        for index, standing in enumerate(members):
            if standing.overall <= 0:
                break
            if index < top_n:
                chosen.append(standing)
                cut_key = standing.sort_key()
            elif standing.sort_key() == cut_key:
                chosen.append(standing)
            else:
                break
    return chosen


def award_tiers(count: int, shares: Sequence[Decimal]) -> list[int]:
    """How many contestants each prize tier covers: the share of `count`, rounded half up, at least
    one when the share is above 0 and contestants remain."""
    tiers = []
    remaining = count
    for share in shares:
        size = int((Decimal(count) * Decimal(share) / 100).to_integral_value(rounding=ROUND_HALF_UP))
        if share > 0 and size == 0 and remaining > 0:
            size = 1
        size = min(size, remaining)
        tiers.append(size)
        remaining -= size
    return tiers
