"""docs/rules.md 12: month arithmetic of the 3–6 month rule and the monthly home-visit requirement
⌈2 × days of the term in the month ÷ days in the month⌉."""

import datetime as dt

import pytest

from assessments.mentorship.selectors import add_months, days_in_month, required_visits, term_length_error

D = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # clamped to February's end
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
        (D(2026, 8, 31), 6, D(2027, 2, 28)),  # across the year end
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2026, 3, 15), 3, D(2026, 6, 15)),
    ],
)
def test_add_months_clamps_to_month_end(day, months, expected):
    assert add_months(day, months) == expected


def test_three_to_six_months_inclusive():
    start = D(2026, 3, 15)
    assert term_length_error(start, D(2026, 6, 15)) is None  # exactly 3 months
    assert term_length_error(start, D(2026, 9, 15)) is None  # exactly 6 months
    assert "不足 3 个月" in term_length_error(start, D(2026, 6, 14))
    assert "超过 6 个月" in term_length_error(start, D(2026, 9, 16))
    # 11月30日 + 3 months = 2月28日 (clamped), so 2月28日 is allowed and 2月27日 is not
    assert term_length_error(D(2026, 11, 30), D(2027, 2, 28)) is None
    assert term_length_error(D(2026, 11, 30), D(2027, 2, 27)) is not None


def test_full_month_needs_two():
    # 30 of 30 days: ⌈2 × 30 / 30⌉ = 2
    assert required_visits(D(2026, 3, 15), D(2026, 7, 15), D(2026, 4, 1)) == 2


def test_partial_first_and_last_months():
    start, end = D(2026, 3, 15), D(2026, 7, 15)
    # March: 15th–31st = 17 of 31 days: ⌈34 / 31⌉ = 2
    assert days_in_month(start, end, D(2026, 3, 1)) == 17
    assert required_visits(start, end, D(2026, 3, 1)) == 2
    # July: 1st–15th = 15 of 31 days: ⌈30 / 31⌉ = 1
    assert days_in_month(start, end, D(2026, 7, 1)) == 15
    assert required_visits(start, end, D(2026, 7, 1)) == 1
    # August is not touched
    assert required_visits(start, end, D(2026, 8, 1)) == 0
    # 2026-06-16 to 2026-06-30 = 15 of 30 days: ⌈30 / 30⌉ = 1 exactly, no rounding up
    assert required_visits(D(2026, 6, 16), D(2026, 10, 1), D(2026, 6, 1)) == 1
    # 2026-06-15 to 2026-06-30 = 16 of 30 days: ⌈32 / 30⌉ = 2
    assert required_visits(D(2026, 6, 15), D(2026, 10, 1), D(2026, 6, 1)) == 2


def test_february_leap_and_normal_years():
    # Term ends 2027-02-14: 14 of 28 days in a normal February: ⌈28 / 28⌉ = 1
    assert required_visits(D(2026, 11, 14), D(2027, 2, 14), D(2027, 2, 1)) == 1
    # Term ends 2028-02-14: 14 of 29 days in a leap February: ⌈28 / 29⌉ = 1
    assert required_visits(D(2027, 11, 14), D(2028, 2, 14), D(2028, 2, 1)) == 1
    # Term ends 2028-02-15: 15 of 29 days: ⌈30 / 29⌉ = 2
    assert required_visits(D(2027, 11, 15), D(2028, 2, 15), D(2028, 2, 1)) == 2
    # Term ends 2027-02-15: 15 of 28 days: ⌈30 / 28⌉ = 2
    assert required_visits(D(2026, 11, 15), D(2027, 2, 15), D(2027, 2, 1)) == 2
    # whole leap February: 29 of 29 days: 2
    assert required_visits(D(2027, 12, 1), D(2028, 3, 31), D(2028, 2, 1)) == 2


def test_term_starting_on_the_last_day_of_a_month():
    # 1 of 31 days: ⌈2 / 31⌉ = 1 — a single day still asks for one visit
    assert required_visits(D(2026, 1, 31), D(2026, 4, 30), D(2026, 1, 1)) == 1
    # then February 2026 whole (28 of 28): 2
    assert required_visits(D(2026, 1, 31), D(2026, 4, 30), D(2026, 2, 1)) == 2


def test_setting_changes_the_requirement(settings):
    settings.MENTOR_VISITS_PER_MONTH = 4
    # 17 of 31 days: ⌈4 × 17 / 31⌉ = ⌈68 / 31⌉ = 3
    assert required_visits(D(2026, 3, 15), D(2026, 7, 15), D(2026, 3, 1)) == 3


def test_an_ended_term_runs_to_its_actual_end(people, make_term):
    from assessments.mentorship import services
    from assessments.mentorship.selectors import term_required_visits

    term = make_term(people["mentor"], people["mentee"], start=D(2025, 3, 1), planned_end=D(2025, 7, 31))
    services.term_end(actor=people["trainer_a"].user, term=term, status="已终止", reason="调离", on=D(2025, 4, 10))
    term.refresh_from_db()
    # April: 1st–10th = 10 of 30 days: ⌈20 / 30⌉ = 1; May is no longer touched
    assert term_required_visits(term, D(2025, 4, 1)) == 1
    assert term_required_visits(term, D(2025, 5, 1)) == 0
