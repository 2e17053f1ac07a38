"""Periods of a report: a calendar year (`2026`) or quarter (`2026-Q2`) (docs/rules.md, "能力评分", "辖区概览").

Only evidence dated inside a period counts for it; evidence of one day counts for its year and
for its quarter.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from lms.months import MAX_YEAR, MIN_YEAR

_PERIOD = re.compile(r"^(\d{4})(?:-Q([1-4]))?$")


class PeriodError(ValueError):
    """A period that is not `YYYY` or `YYYY-Qn` within 2000–2100; the message is Chinese."""


@dataclass(frozen=True, order=True)
class Period:
    year: int
    quarter: int | None = None  # 1–4, or None for the whole year

    @property
    def code(self) -> str:
        return f"{self.year}" if self.quarter is None else f"{self.year}-Q{self.quarter}"

    @property
    def label(self) -> str:
        return f"{self.year}年" if self.quarter is None else f"{self.year}年第{self.quarter}季度"

    @property
    def short_label(self) -> str:
        """The trend chart's axis label (`2026`, `26Q2`)."""
        return f"{self.year}" if self.quarter is None else f"{self.year % 100:02d}Q{self.quarter}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1 if self.quarter is None else 3 * self.quarter - 2, 1)

    @property
    def end(self) -> dt.date:
        if self.quarter is None or self.quarter == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.quarter + 1, 1) - dt.timedelta(days=1)

    def as_of(self, today: dt.date) -> dt.date:
        """The day a "holds on the day" figure is read on: the period's last day, or today while it runs."""
        return min(self.end, today)

    def has_ended(self, today: dt.date) -> bool:
        return self.end < today

    def previous_quarters(self, count: int) -> list[Period]:
        """The `count` quarters ending with this one (a year: ending with its fourth quarter), oldest first."""
        year, quarter = self.year, self.quarter or 4
        result = []
        for _ in range(count):
            result.append(Period(year, quarter))
            year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        return result[::-1]

    def __str__(self) -> str:
        return self.code


def parse_period(text: str) -> Period:
    match = _PERIOD.match((text or "").strip())
    if not match:
        raise PeriodError(f"期间“{text}”格式不对，应为年份（如 2026）或季度（如 2026-Q2）")
    year = int(match.group(1))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(f"期间“{text}”的年份应在 {MIN_YEAR}–{MAX_YEAR} 之间")
    return Period(year, int(match.group(2)) if match.group(2) else None)


def periods_of(day: dt.date) -> tuple[Period, Period]:
    """The year and the quarter a day belongs to."""
    return Period(day.year), Period(day.year, (day.month - 1) // 3 + 1)


def year_and_quarters(year: int) -> list[Period]:
    return [Period(year)] + [Period(year, q) for q in range(1, 5)]
