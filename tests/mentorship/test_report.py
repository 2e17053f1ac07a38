"""docs/rules.md 12, 帮带成效: a quarter's cohort — median days to sign-off against the baseline, and the
mentees' first-year competency and resident ratings against peers who joined in that quarter
without a mentor. Every figure is computed by hand in the comments."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.mentorship import services
from assessments.mentorship.selectors import cohort_report, parse_quarter
from assessments.models import CompetencyScore
from assessments.services import evidence_record_many
from lms import roles

D = dt.date


@pytest.fixture
def cohort(people, make_term, make_worker, city_tree, settings):
    """Q1 2026 in street A: four terms signed off after 100, 110, 120 and 130 days, one ended early,
    one started in Q2; two peers hired in Q1 without a mentor, one mentored peer-looking worker."""
    settings.MENTOR_BASELINE_DAYS = 180
    trainer = people["trainer_a"].user
    extra = make_worker(unit=city_tree["grid_a"])
    mentor3 = make_worker(unit=city_tree["grid_a"], role_codes={roles.TRAINEE, roles.MENTOR})
    plan = [
        ("mentor", "mentee", D(2026, 1, 5), 100),
        ("mentor", "mentee2", D(2026, 1, 10), 130),
        ("mentor2", "mentee3", D(2026, 2, 1), 110),
        ("mentor2", "plain", D(2026, 3, 31), 120),
    ]
    terms = []
    for mentor, mentee, start, days in plan:
        people[mentee].hire_date = start
        people[mentee].save(update_fields=["hire_date"])
        term = make_term(people[mentor], people[mentee], start=start, planned_end=D(start.year, start.month + 5, 1))
        terms.append(services.term_end(actor=trainer, term=term, status="已出师", on=start + dt.timedelta(days=days)))
    dropped = make_term(mentor3, extra, start=D(2026, 3, 1), planned_end=D(2026, 7, 1))
    services.term_end(actor=trainer, term=dropped, status="已终止", reason="调岗", on=D(2026, 4, 1))
    make_term(mentor3, make_worker(unit=city_tree["grid_a"]), start=D(2026, 4, 1), planned_end=D(2026, 8, 1))
    peers = [make_worker(unit=city_tree["grid_a2"], hire_date=D(2026, 2, 15)) for _ in range(2)]
    make_worker(unit=city_tree["grid_a"], hire_date=D(2026, 5, 1))  # hired in Q2: not a peer
    make_worker(unit=city_tree["street_a"], hire_date=D(2026, 2, 1), role_codes={roles.MANAGER})  # not a 网格员
    make_worker(unit=city_tree["grid_b"], hire_date=D(2026, 2, 1))  # another street
    return {"terms": terms, "peers": peers, "extra": extra}


def score(worker, period, value):
    CompetencyScore.objects.create(worker=worker, period=period, kind="overall", code="", score=Decimal(value))


def survey(worker, *pairs):
    evidence_record_many(
        worker=worker,
        source="群众评价",
        items=[("2.1", value, day, ("test.survey", f"{worker.pk}-{n}")) for n, (day, value) in enumerate(pairs)],
    )


def test_median_with_an_even_count_against_the_baseline(people, cohort, city_tree):
    report = cohort_report(city_tree["street_a"], parse_quarter("2026-Q1"))
    assert (report.terms, report.mentees, report.signed_off) == (5, 5, 4)
    # sign-offs after 100, 110, 120, 130 days: median = (110 + 120) ÷ 2 = 115
    assert report.days == [100, 110, 120, 130] and report.median_days == Decimal("115.00")
    # (180 − 115) ÷ 180 × 100 = 36.11… → 36.1 % sooner
    assert report.sooner_percent == Decimal("36.1")


def test_first_year_scores_and_ratings_against_peers(people, cohort, city_tree):
    mentee, mentee2 = people["mentee"], people["mentee2"]
    peer1, peer2 = cohort["peers"]
    score(mentee, "2026", "80.00")
    score(mentee2, "2026", "91.50")
    score(mentee2, "2026-Q1", "10.00")  # a quarter, not the first-year period
    score(peer1, "2026", "70.00")
    score(peer2, "2027", "99.00")  # not their first-year period
    survey(mentee, (D(2026, 3, 1), 80), (D(2026, 6, 1), 100), (D(2025, 12, 20), 0))  # the last is before joining
    survey(mentee2, (D(2026, 2, 1), 60))
    survey(peer1, (D(2026, 3, 3), 100), (D(2026, 4, 4), 90))
    report = cohort_report(city_tree["street_a"], parse_quarter("2026-Q1"))
    # mentees: (80.00 + 91.50) ÷ 2 = 85.75, two of five have a score
    assert (report.mentee_scores.mean, report.mentee_scores.with_data, report.mentee_scores.workers) == (
        Decimal("85.75"),
        2,
        5,
    )
    # peers: only peer1's 2026 score counts → 70.00
    assert (report.peer_scores.mean, report.peer_scores.with_data, report.peers) == (Decimal("70.00"), 1, 2)
    # mentee: (80 + 100) ÷ 2 = 90; mentee2: 60; mean of the two = 75.00
    assert (report.mentee_ratings.mean, report.mentee_ratings.with_data) == (Decimal("75.00"), 2)
    # peer1: (100 + 90) ÷ 2 = 95.00
    assert report.peer_ratings.mean == Decimal("95.00")


def test_no_signoffs_and_no_scores_is_no_data(client, people, cohort, city_tree):
    report = cohort_report(city_tree["street_a"], parse_quarter("2026-Q2"))
    assert (report.terms, report.signed_off, report.median_days, report.sooner_percent) == (1, 0, None, None)
    assert report.mentee_scores.mean is None and report.peer_ratings.mean is None
    client.force_login(people["trainer_a"].user)
    page = client.get(reverse("mentorship:report"), {"quarter": "2026-Q2"}).content.decode()
    assert "中位数：暂无数据" in page


def test_page_shows_the_figures_and_validates_parameters(client, people, cohort, city_tree):
    url = reverse("mentorship:report")
    for who in ("trainer_a", "hr_a", "manager_a"):
        client.force_login(people[who].user)
        page = client.get(url, {"quarter": "2026-Q1"}).content.decode()
        assert "中位数 <strong>115</strong> 天" in page and "快 36.1%" in page, who
    for junk in ("2026-Q5", "2026", "abc", "1999-Q1"):
        page = client.get(url, {"quarter": junk})
        assert page.status_code == 200 and "季度" in [str(m) for m in page.context["messages"]][0], junk
    page = client.get(url, {"quarter": "2026-Q1", "unit": "x1"})
    assert page.status_code == 200 and "无效" in page.content.decode()
    page = client.get(url, {"quarter": "2026-Q1", "unit": city_tree["grid_a2"].parent.pk})
    assert page.status_code == 200 and page.context["unit"] == city_tree["grid_a2"].parent
    assert page.context["r"].terms == 5  # every mentee sits in 一社区's two grids


def test_units_outside_the_subtree_are_404(client, people, cohort, city_tree, make_worker):
    manager_b = make_worker(unit=city_tree["street_b"], role_codes={roles.MANAGER})
    client.force_login(manager_b.user)
    url = reverse("mentorship:report")
    assert client.get(url, {"unit": city_tree["street_a"].pk}).status_code == 404
    assert client.get(url, {"unit": city_tree["city"].pk}).status_code == 404
    own = client.get(url, {"quarter": "2026-Q1"})
    assert own.status_code == 200 and own.context["r"].terms == 0
    for who in ("mentor", "mentee", "plain"):
        client.force_login(people[who].user)
        assert client.get(url).status_code == 404, who
