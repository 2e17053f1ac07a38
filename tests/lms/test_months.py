"""One month parser for pages, commands and the API (lms/months.py)."""

import datetime as dt

import pytest

from lms.months import parse_month


def test_months_parse():
    assert parse_month("2026-05") == dt.date(2026, 5, 1)
    assert parse_month(" 2026-5 ") == dt.date(2026, 5, 1)
    assert parse_month("2000-01") == dt.date(2000, 1, 1) and parse_month("2100-12") == dt.date(2100, 12, 1)


@pytest.mark.parametrize("junk", ["", "2026", "2026-13", "2026-00", "26-05", "abc", "2026-05-01", None, 202605])
def test_malformed_months_are_refused_in_chinese(junk):
    with pytest.raises(ValueError, match="格式应为 YYYY-MM"):
        parse_month(junk)


@pytest.mark.parametrize("junk", ["0000-01", "1999-12", "2101-01"])
def test_years_outside_the_platform_are_refused(junk):
    with pytest.raises(ValueError, match="2000–2100"):
        parse_month(junk)
