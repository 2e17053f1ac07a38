"""The drill graph: steps joined by choices. Pure functions (no database): the publish check,
the best possible score and the score of a path taken."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


class DrillGraphError(ValueError):
    """The drill cannot be published; the message (Chinese) names the step."""


@dataclass
class Choice:
    label: str
    next_key: str  # "" = the drill ends here
    points: int = 0
    feedback: str = ""


@dataclass
class Step:
    key: str
    situation: str
    choices: list[Choice] = field(default_factory=list)
    response_prompt: str = ""
    rubric: str = ""
    max_points: int | None = None
    next_key: str = ""  # after a response step

    @property
    def is_response(self) -> bool:
        return bool(self.response_prompt.strip())

    @property
    def is_end(self) -> bool:
        return not self.is_response and not self.choices

    def exits(self) -> list[str]:
        """Keys this step leads to; "" stands for the end of the drill."""
        if self.is_response:
            return [self.next_key.strip()]
        return [c.next_key.strip() for c in self.choices]


@dataclass
class DrillGraph:
    steps: list[Step]

    @property
    def by_key(self) -> dict[str, Step]:
        return {s.key: s for s in self.steps}

    @property
    def start(self) -> Step | None:
        return self.steps[0] if self.steps else None


def graph_from_stream(stream) -> DrillGraph:
    """Build the graph from a DrillPage's `steps` StreamField value (or a list of plain dicts)."""
    steps = []
    for item in stream or []:
        value = getattr(item, "value", item)
        choices = [
            Choice(
                label=str(c.get("label") or ""),
                next_key=str(c.get("next_key") or "").strip(),
                points=int(c.get("points") or 0),
                feedback=str(c.get("feedback") or ""),
            )
            for c in (value.get("choices") or [])
        ]
        steps.append(
            Step(
                key=str(value.get("key") or "").strip(),
                situation=str(value.get("situation") or ""),
                choices=choices,
                response_prompt=str(value.get("response_prompt") or ""),
                rubric=str(value.get("rubric") or ""),
                max_points=value.get("max_points"),
                next_key=str(value.get("next_key") or "").strip(),
            )
        )
    return DrillGraph(steps=steps)


def drill_graph_check(graph: DrillGraph) -> None:
    """Raise DrillGraphError unless every step is reachable and every branch reaches an end."""
    if not graph.steps:
        raise DrillGraphError("演练至少需要一个步骤")
    keys: dict[str, Step] = {}
    for number, step in enumerate(graph.steps, start=1):
        if not step.key:
            raise DrillGraphError(f"第{number}个步骤没有编号")
        if step.key in keys:
            raise DrillGraphError(f"步骤编号“{step.key}”重复")
        keys[step.key] = step
    for step in graph.steps:
        if step.is_response and not step.max_points:
            raise DrillGraphError(f"步骤“{step.key}”是文字作答，须填写作答满分")
        for target in step.exits():
            if target and target not in keys:
                raise DrillGraphError(f"步骤“{step.key}”指向不存在的步骤“{target}”（死胡同）")
    # reachable from the start
    reachable, frontier = {graph.start.key}, [graph.start.key]
    while frontier:
        for target in keys[frontier.pop()].exits():
            if target and target not in reachable:
                reachable.add(target)
                frontier.append(target)
    unreachable = [s.key for s in graph.steps if s.key not in reachable]
    if unreachable:
        raise DrillGraphError(f"步骤“{'”“'.join(unreachable)}”从起始步骤无法到达")
    # steps from which an end can be reached: fixed point over "some exit is the end or such a step"
    ending: set[str] = set()
    changed = True
    while changed:
        changed = False
        for step in graph.steps:
            if step.key in ending:
                continue
            exits = step.exits()
            if step.is_end or any(t == "" or t in ending for t in exits):
                ending.add(step.key)
                changed = True
    stuck = [s.key for s in graph.steps if s.key not in ending]
    if stuck:
        raise DrillGraphError(f"步骤“{'”“'.join(stuck)}”陷入没有结束的循环，无论如何选择都走不到结束")
    # every single branch must lead somewhere that ends (a choice into a stuck step is caught above)


def drill_max_points(graph: DrillGraph) -> Decimal:
    """The most points any run can collect (each step counted once, as when scoring)."""
    by_key = graph.by_key
    best = Decimal(0)

    def walk(key: str, visited: frozenset, total: Decimal) -> None:
        nonlocal best
        best = max(best, total)
        if not key or key in visited:
            return
        step = by_key[key]
        visited = visited | {key}
        if step.is_response:
            walk(step.next_key, visited, total + Decimal(step.max_points or 0))
        for choice in step.choices:
            walk(choice.next_key, visited, total + Decimal(choice.points))

    if graph.start:
        walk(graph.start.key, frozenset(), Decimal(0))
    return best


# A completed run passes at 60 of 100, the 合格 line of the competency levels (docs/rules.md, 情景演练).
DRILL_PASS_PERCENT = Decimal(60)


def drill_passed(score: Decimal | None) -> bool | None:
    """Whether a completed run's 0–100 score passes; None for a run not scored yet."""
    return None if score is None else Decimal(score) >= DRILL_PASS_PERCENT


def drill_percent(points: Decimal, max_points: Decimal) -> Decimal:
    """A run's score on the 0–100 scale used for competency evidence."""
    if max_points <= 0:
        return Decimal("100.00")
    return min(Decimal(100), (Decimal(points) * 100 / Decimal(max_points))).quantize(Decimal("0.01"))
