"""What a quiz paper is made of: its fixed questions and, per random draw rule, the questions the
rule may draw (docs/rules.md §5). The quiz page's 题量 and the attempt builder both read
`paper_plan`, so the number a trainee is shown is the number an attempt holds.

The draws never repeat a question; when rules overlap (a rule for indicator 3.2 and one for
应急处置/中, all of whose questions are 3.2) a greedy draw could spend a question a later rule needed
and leave that rule short, so the number of questions would depend on luck. `draws_assign` instead
finds the largest set of distinct questions the rules can fill together (a bipartite matching by
augmenting paths), at random among such sets, so every attempt of a quiz has the same size.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from assessments.models import Question, QuestionType, Quiz


@dataclass
class PaperPlan:
    fixed: list[Question]
    # Per draw rule in order: (how many it draws, ids of the questions it may draw).
    draws: list[tuple[int, list[int]]] = field(default_factory=list)
    max_questions: int | None = None

    @property
    def size(self) -> int:
        """The number of questions every attempt of the quiz holds now."""
        drawn = sum(len(picked) for picked in draws_assign(self.draws))
        total = len(self.fixed) + drawn
        return min(total, self.max_questions) if self.max_questions else total


def paper_plan(quiz: Quiz) -> PaperPlan:
    """The quiz's fixed questions and each draw rule's candidates (one query for all the rules).

    A draw skips the fixed questions and, unless the quiz says otherwise (`draw_essays`), 简答
    questions: they need a person to mark them, and a practice paper should give a score at once."""
    fixed = [slot.question for slot in quiz.slots.select_related("question").order_by("order", "id")]
    rules = list(quiz.draw_rules.order_by("order", "id"))
    plan = PaperPlan(fixed=fixed, max_questions=quiz.max_questions)
    if not rules:
        return plan
    candidates = Question.objects.exclude(pk__in=[q.pk for q in fixed])
    if not quiz.draw_essays:
        candidates = candidates.exclude(qtype=QuestionType.ESSAY)
    rows = list(candidates.order_by("pk").values_list("pk", "category", "difficulty", "indicator_code"))
    for rule in rules:
        pool = [
            pk
            for pk, category, difficulty, indicator in rows
            if (not rule.category or category == rule.category)
            and (not rule.difficulty or difficulty == rule.difficulty)
            and (not rule.indicator_code or indicator == rule.indicator_code)
        ]
        plan.draws.append((rule.count, pool))
    return plan


def draws_assign(draws: list[tuple[int, list[int]]], rng: random.Random | None = None) -> list[list[int]]:
    """Question ids for each draw rule: distinct across rules, as many in all as possible.

    With `rng` each pool is shuffled first, so which questions are picked is random; how many is
    not (every maximum matching has the same size)."""
    pools = []
    for _count, pool in draws:
        pool = list(pool)
        if rng is not None:
            rng.shuffle(pool)
        pools.append(pool)
    owner: dict[int, int] = {}
    picked: list[list[int]] = [[] for _ in draws]

    def augment(rule: int, seen: set[int]) -> bool:
        for pk in pools[rule]:
            if pk not in owner:
                owner[pk] = rule
                picked[rule].append(pk)
                return True
        # Every candidate is taken: take one from a rule that can draw another question instead.
        for pk in pools[rule]:
            other = owner[pk]
            if other != rule and other not in seen:
                seen.add(other)
                if augment(other, seen):
                    picked[other].remove(pk)
                    owner[pk] = rule
                    picked[rule].append(pk)
                    return True
        return False

    for rule, (count, _pool) in enumerate(draws):
        for _ in range(count):
            if not augment(rule, {rule}):
                break  # the same search would fail for this rule's further questions too
    return picked
