"""Pure scoring rules (docs/rules.md, "测验评分"), with no database access.

- 单选/判断: full marks or 0.
- 多选: full marks for exactly the right set; with partial credit on, a non-empty strict subset of
  the right options with no wrong option earns half marks; anything else 0.
- 填空: each blank an equal share; a response matches after trimming, folding full-width to
  half-width (NFKC) and ignoring case; alternatives of one blank are separated by `|`. An
  alternative listed in `blank_credit` ({"Cat": "50"}, Moodle's `=%50%Cat`) earns that percent
  of the blank's share instead of all of it.
- 简答: None here — a person marks it.
"""

from __future__ import annotations

import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from assessments.models import OPTION_LETTERS, TRUE_FALSE_VALUES, QuestionType

CENT = Decimal("0.01")


class AnswerShapeError(ValueError):
    """A response that does not have the shape its question type needs (HTTP 400)."""


def fold(text: str) -> str:
    """Trim, fold full-width to half-width and ignore case: `" ＡＢｃ１２ "` → `"abc12"`."""
    return unicodedata.normalize("NFKC", str(text)).strip().casefold()


def split_blanks(answer: str) -> list[list[str]]:
    """`"110|一一〇;120"` → `[["110", "一一〇"], ["120"]]` (a full-width `；`/`｜` works too)."""
    text = answer.replace("；", ";").replace("｜", "|")
    return [[alt.strip() for alt in part.split("|") if alt.strip()] for part in text.split(";")]


def blank_count(answer: str) -> int:
    return len(split_blanks(answer))


def plain(value: Decimal) -> str:
    """`Decimal("10.00")` → "10", `Decimal("2.50")` → "2.5" (never exponent notation)."""
    return format(Decimal(value).normalize(), "f")


def quantize(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def score_response(
    *,
    qtype: str,
    answer: str,
    points: Decimal,
    response,
    partial_credit: bool = True,
    blank_credit: dict[str, str] | None = None,
) -> Decimal | None:
    """Marks for `response` (already in the question's own option letters). None for 简答.

    `blank_credit` is the version's partial-credit alternatives of a 填空 (docs/rules.md §5)."""
    points = Decimal(points)
    if qtype == QuestionType.ESSAY:
        return None
    if response is None or response == "" or response == []:
        return quantize(Decimal(0))
    if qtype in (QuestionType.SINGLE, QuestionType.TRUE_FALSE):
        return quantize(points if str(response).strip() == answer.strip() else Decimal(0))
    if qtype == QuestionType.MULTI:
        chosen = set(str(response).strip().upper())
        right = set(answer.strip().upper())
        if chosen == right:
            return quantize(points)
        if partial_credit and chosen and chosen < right:
            return quantize(points / 2)
        return quantize(Decimal(0))
    if qtype == QuestionType.BLANK:
        blanks = split_blanks(answer)
        given = list(response) if isinstance(response, (list, tuple)) else [response]
        credit = {fold(alt): Decimal(percent) / 100 for alt, percent in (blank_credit or {}).items()}
        earned = Decimal(0)
        for index, alternatives in enumerate(blanks):
            if index < len(given) and given[index] is not None:
                value = fold(given[index])
                if value and value in {fold(alt) for alt in alternatives}:
                    earned += credit.get(value, Decimal(1))
        return quantize(points * earned / len(blanks))
    raise ValueError(f"未知题型：{qtype}")


def validate_response(*, qtype: str, shown_letters: str, blanks: int, response):
    """Check the shape of a response as the client sends it; return it normalised.

    `None` clears an answer. Single "B", multi "ACD", true/false "对"/"错", blanks a list of
    strings with one element per blank, 简答 a string. Raises AnswerShapeError (Chinese message).
    """
    if response is None:
        return None
    if qtype == QuestionType.SINGLE:
        if not isinstance(response, str) or len(response.strip()) != 1:
            raise AnswerShapeError('单选题的答案应为一个选项字母，例如 "B"')
        letter = response.strip().upper()
        if letter not in shown_letters:
            raise AnswerShapeError(f"选项“{letter}”不存在，可选：{'、'.join(shown_letters)}")
        return letter
    if qtype == QuestionType.MULTI:
        if not isinstance(response, str):
            raise AnswerShapeError('多选题的答案应为选项字母组成的字符串，例如 "ACD"')
        letters = response.strip().upper()
        if not letters:
            return ""
        if len(set(letters)) != len(letters):
            raise AnswerShapeError("多选题的答案中有重复的选项字母")
        bad = [c for c in letters if c not in shown_letters]
        if bad:
            raise AnswerShapeError(f"选项“{''.join(bad)}”不存在，可选：{'、'.join(shown_letters)}")
        return "".join(sorted(letters))
    if qtype == QuestionType.TRUE_FALSE:
        if response not in TRUE_FALSE_VALUES:
            raise AnswerShapeError('判断题的答案应为 "对" 或 "错"')
        return response
    if qtype == QuestionType.BLANK:
        if not isinstance(response, list) or not all(isinstance(item, str) for item in response):
            raise AnswerShapeError('填空题的答案应为字符串列表，例如 ["110"]，每空一项')
        if len(response) != blanks:
            raise AnswerShapeError(f"本题共有 {blanks} 个空，答案列表应有 {blanks} 项")
        if any(len(item) > 500 for item in response):
            raise AnswerShapeError("填空答案过长（每空不超过 500 字）")
        return response
    if qtype == QuestionType.ESSAY:
        if not isinstance(response, str):
            raise AnswerShapeError("简答题的答案应为文字")
        if len(response) > 5000:
            raise AnswerShapeError("简答答案过长（不超过 5000 字）")
        return response
    raise AnswerShapeError("未知题型")


def to_original_letters(response: str, option_map: dict[str, str]) -> str:
    """Translate shown letters back to the question's own letters when options were shuffled."""
    if not option_map or not isinstance(response, str):
        return response
    return "".join(sorted(option_map.get(c, c) for c in response))


def is_answered(qtype: str, response) -> bool:
    if response is None:
        return False
    if isinstance(response, list):
        return any(str(item).strip() for item in response)
    return bool(str(response).strip())


__all__ = [
    "AnswerShapeError",
    "OPTION_LETTERS",
    "blank_count",
    "fold",
    "is_answered",
    "plain",
    "quantize",
    "score_response",
    "split_blanks",
    "to_original_letters",
    "validate_response",
]
