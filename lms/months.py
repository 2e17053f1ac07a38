"""Calendar months as pages, commands and the API take them: `YYYY-MM` (one parser for every app)."""

from __future__ import annotations

import datetime as dt
import re

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
MIN_YEAR, MAX_YEAR = 2000, 2100


def parse_month(text) -> dt.date:
    """`2026-05` → date(2026, 5, 1); ValueError with a Chinese message for anything else, including a
    year outside 2000–2100 (no record of the platform lies there, and date arithmetic stays in range)."""
    match = _MONTH.match(text.strip()) if isinstance(text, str) else None
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"月份“{text}”格式应为 YYYY-MM，例如 2026-05")
    year = int(match.group(1))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"月份“{text}”的年份应在 {MIN_YEAR}–{MAX_YEAR} 之间")
    return dt.date(year, int(match.group(2)), 1)
