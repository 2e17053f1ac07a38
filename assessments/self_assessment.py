"""The 压力与倦怠自评 questionnaire as data (docs/rules.md, "自评与业务指标").

Twelve statements written for this project about a grid worker's own week: pressure, rest,
patience with complaints, feeling drained. Each is answered on a five-point frequency scale
(1 从不 … 5 总是) and belongs to one indicator: 5.1 压力应对能力 or 5.2 情绪管理能力. A statement
where "more often" means "worse" is reverse-scored (6 − answer) before it counts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    number: int  # 1–12, the key of the answer in SelfAssessment.answers
    text: str
    indicator_code: str  # "5.1" or "5.2"
    reverse: bool = False


SCALE = [(1, "从不"), (2, "很少"), (3, "有时"), (4, "经常"), (5, "总是")]
SCALE_LABELS = dict(SCALE)

ITEMS = [
    Item(1, "任务一多，我能分清轻重缓急，一件一件处理完。", "5.1"),
    Item(2, "遇到突发情况时，我能很快稳住自己，按流程行动。", "5.1"),
    Item(3, "下班以后，我还是放不下工作上的事，难以放松。", "5.1", reverse=True),
    Item(4, "再忙我也能保证基本的休息和睡眠。", "5.1"),
    Item(5, "压力大的时候，我会主动找同事、家人或导师聊一聊。", "5.1"),
    Item(6, "一天的走访结束时，我感到精疲力竭。", "5.1", reverse=True),
    Item(7, "面对群众的抱怨甚至指责，我能保持冷静，先耐心听完。", "5.2"),
    Item(8, "群众反复来问同一件事，我仍然能耐心解释。", "5.2"),
    Item(9, "我会因为工作上的小事对家人或同事发脾气。", "5.2", reverse=True),
    Item(10, "心情不好时，我能察觉到，并及时调整过来。", "5.2"),
    Item(11, "调解完一场纠纷后，我能较快恢复平静。", "5.2"),
    Item(12, "我觉得自己对群众的事越来越提不起劲。", "5.2", reverse=True),
]

INDICATORS = {"5.1": "压力应对能力", "5.2": "情绪管理能力"}

# Result bands on the mean of the two indicator scores; the last one is the lowest.
BAND_GOOD, BAND_FAIR, BAND_ATTENTION = "良好", "一般", "需要关注"
