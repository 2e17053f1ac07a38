"""The resident survey's items: five questions worded for residents, each mapped to an indicator
(docs/rules.md, "群众评价与观察评价"). Plain data shared by the service, the selectors and the form."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class SurveyItem:
    key: str  # the form field and the key in SurveyResponse.answers
    indicator_code: str
    text: str  # worded for residents
    kind: str  # "stars" (1–5, × 20) or "yesno" (是 100, 否 0)


SURVEY_ITEMS = (
    SurveyItem("policy", "1.2", "网格员给您讲政策、讲办事流程，讲得清楚吗？", "stars"),
    SurveyItem("patience", "2.1", "网格员和您沟通时耐心吗？让您觉得可以信任吗？", "stars"),
    SurveyItem("closure", "3.3", "您向网格员反映的问题，办得及时吗？", "stars"),
    SurveyItem("calm", "5.2", "您有不满或抱怨时，网格员能冷静、耐心地对待吗？", "stars"),
    SurveyItem("aware", "1.4", "您是否了解近期的惠民政策？", "yesno"),
)
YES, NO = "是", "否"


def item_score(item: SurveyItem, answer) -> Decimal:
    """The evidence score of one answer: stars × 20, or 是 100 / 否 0."""
    if item.kind == "yesno":
        return Decimal(100) if answer == YES else Decimal(0)
    return Decimal(int(answer) * 20)
