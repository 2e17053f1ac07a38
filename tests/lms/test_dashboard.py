"""辖区概览 (docs/rules.md §15): each figure per sub-unit on a small world computed by hand, the scope of
a district manager, junk query strings, the trend SVG, and a constant number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Attempt, AttemptState, Quiz
from casebank.models import DrillAttempt, DrillAttemptState
from certificates.models import AllowanceAdjustment, AllowanceLine, AllowanceMonth, Certificate, CertificateType
from courses.models import CoursePage, Enrolment, HoursEntry
from lms import roles
from lms.dashboard import Period, Ratio
from lms.selectors import dashboard
from tests.casebank.helpers import make_drill
from tests.factories import org

TODAY = dt.date(2026, 8, 15)
Q2 = Period(2026, 2)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def world(city_tree, make_worker):
    from certificates.defaults import ensure_default_types
    from certificates.models import AllowanceRate

    ensure_default_types(CertificateType, AllowanceRate)
    other_district = org("测试市/丙区/丙街道/三社区/一网格")
    w = {
        "a1": make_worker(unit=city_tree["grid_a"], employee_no="A1"),
        "a2": make_worker(unit=city_tree["grid_a"], employee_no="A2"),
        "a3": make_worker(unit=city_tree["grid_a2"], employee_no="A3", hire_date=dt.date(2026, 4, 30)),
        "a4": make_worker(unit=city_tree["grid_a2"], employee_no="A4", hire_date=dt.date(2026, 5, 31)),
        "b1": make_worker(unit=city_tree["grid_b"], employee_no="B1", hire_date=dt.date(2026, 6, 20)),
        "c1": make_worker(unit=other_district, employee_no="C1", hire_date=dt.date(2026, 4, 1)),
        # Staff are not required to train, whatever hours they have.
        "trainer": make_worker(unit=city_tree["street_a"], employee_no="PX1", role_codes={roles.TRAINER}),
        "manager": make_worker(unit=city_tree["street_a"].parent, employee_no="GL1", role_codes={roles.MANAGER}),
        "manager_c": make_worker(
            unit=other_district.parent.parent.parent, employee_no="GL2", role_codes={roles.MANAGER}
        ),
    }

    def hours(worker, amount, day):
        HoursEntry.objects.create(
            worker=w[worker], source=HoursEntry.Source.EXTERNAL, hours=Decimal(amount), earned_on=day, title="培训"
        )

    hours("a1", "35", dt.date(2026, 2, 1))
    hours("a1", "10", dt.date(2026, 5, 10))
    hours("a2", "5", dt.date(2026, 7, 1))
    hours("a3", "30", dt.date(2026, 5, 1))
    hours("a3", "10", dt.date(2026, 5, 30))  # the last day of A3's onboarding month
    hours("a4", "40", dt.date(2026, 7, 1))  # a day after A4's deadline (6/30)
    hours("b1", "12", dt.date(2026, 6, 25))
    hours("c1", "80", dt.date(2026, 4, 2))
    hours("trainer", "50", dt.date(2026, 5, 1))
    course = CoursePage.objects.first() or _course()
    Enrolment.objects.create(worker=w["a2"], course=course, enrolled_at=at(dt.date(2026, 4, 3)))

    def cert(worker, code, issued, *, valid_until=None, revoked=None):
        Certificate.objects.create(
            worker=w[worker],
            certificate_type=CertificateType.objects.get(code=code),
            serial_no=f"{code}-{worker}",
            verification_code=f"{worker}{code}".ljust(32, "x"),
            issued_on=issued,
            valid_until=valid_until,
            revoked_on=revoked,
            issuer="发证机关",
            source=Certificate.Source.EXTERNAL,
        )

    cert("a1", "SW-1", dt.date(2025, 1, 1))
    cert("a2", "PSY", dt.date(2026, 7, 1))  # after the quarter
    cert("a3", "PSY", dt.date(2025, 1, 1), revoked=dt.date(2026, 6, 15))
    cert("b1", "ERS", dt.date(2024, 1, 1), valid_until=dt.date(2026, 6, 30))  # valid on its last day
    cert("c1", "SW-1", dt.date(2025, 1, 1))

    may = AllowanceMonth.objects.create(month=dt.date(2026, 5, 1), status=AllowanceMonth.Status.APPROVED)
    june = AllowanceMonth.objects.create(month=dt.date(2026, 6, 1))  # not approved: not paid
    july = AllowanceMonth.objects.create(month=dt.date(2026, 7, 1), status=AllowanceMonth.Status.APPROVED)
    april = AllowanceMonth.objects.create(month=dt.date(2026, 4, 1), status=AllowanceMonth.Status.APPROVED)
    for run, worker, amount in [
        (may, "a1", "200.00"),
        (may, "a2", "300.50"),
        (may, "c1", "200.00"),
        (june, "a1", "200.00"),
        (july, "a1", "200.00"),
    ]:
        AllowanceLine.objects.create(run=run, worker=w[worker], amount=Decimal(amount), basis_text="证书")
    AllowanceAdjustment.objects.create(run=may, corrects=april, worker=w["b1"], amount=Decimal("50.25"), reason="补发")

    quiz = Quiz.objects.create(title="政策测验")
    for number, (worker, passed, day) in enumerate(
        [
            ("a1", True, dt.date(2026, 5, 2)),
            ("a1", False, dt.date(2026, 4, 2)),
            ("a2", True, dt.date(2026, 7, 2)),  # Q3
            ("b1", True, dt.date(2026, 6, 2)),
            ("c1", False, dt.date(2026, 6, 2)),
        ],
        start=1,
    ):
        Attempt.objects.create(
            quiz=quiz,
            worker=w[worker],
            number=number,
            state=AttemptState.GRADED,
            graded_at=at(day),
            passed=passed,
            score=Decimal(1),
        )
    Attempt.objects.create(quiz=quiz, worker=w["a3"], number=9, state=AttemptState.PENDING_MARKING)

    drill = make_drill()
    for worker, score, day in [
        ("a1", "80", dt.date(2026, 5, 5)),
        ("a3", "40", dt.date(2026, 6, 5)),
        ("c1", "90", dt.date(2026, 5, 5)),
    ]:
        DrillAttempt.objects.create(
            drill=drill, worker=w[worker], state=DrillAttemptState.COMPLETED, score=Decimal(score), finished_at=at(day)
        )
    DrillAttempt.objects.create(
        drill=drill, worker=w["b1"], state=DrillAttemptState.IN_PROGRESS, started_at=at(dt.date(2026, 5, 5))
    )
    return w


def _course():
    from courses.services import course_index_ensure

    index = course_index_ensure()
    course = CoursePage(title="年度轮训", slug="annual", hours=Decimal("40"))
    index.add_child(instance=course)
    return course


def figures_of(result) -> dict:
    return {row["label"]: {cell["figure"].key: cell["value"] for cell in row["cells"]} for row in result["rows"]}


def test_each_figure_per_street_matches_the_hand_count(world, city_tree):
    district = city_tree["street_a"].parent
    result = dashboard(world["manager"].user, unit=district, period=Q2, today=TODAY)
    by_street = figures_of(result)
    assert list(by_street) == ["甲街道", "乙街道"]  # 丙区's street is not a row
    a, b = by_street["甲街道"], by_street["乙街道"]
    # 参训率: A1 (hours 5/10) and A3 of A1–A4; A2 was only enrolled (4/3); the trainer does not count.
    assert a["participation"] == Ratio(2, 4) and a["participation"].percent == Decimal("50.0")
    assert b["participation"] == Ratio(1, 1)
    # 年度学时达标 by 6/30: A1 45, A3 40 of 40.
    assert a["annual_hours"] == Ratio(2, 4) and b["annual_hours"] == Ratio(0, 1)
    # Onboarding: A3 made 40 by its deadline 5/30, A4's 40 came on 7/1; B1 has 12.
    assert a["onboarding"] == Ratio(1, 2) and b["onboarding"] == Ratio(0, 1)
    # Quizzes graded in Q2: A1 passed once, failed once; B1 passed. A2's July pass is Q3.
    assert a["quiz_pass"] == Ratio(1, 2) and b["quiz_pass"] == Ratio(1, 1)
    # Drills finished in Q2: A1 80 (pass), A3 40; B1's run is unfinished.
    assert (a["drills"], b["drills"]) == (2, 0)
    assert a["drills_passed"] == Ratio(1, 2) and b["drills_passed"] == Ratio()
    # 持证率 on 6/30: A1 only (A2's is later, A3's revoked); B1's ERS is valid on its last day.
    assert a["certified"] == Ratio(1, 4) and b["certified"] == Ratio(1, 1)
    # Approved months of Q2: May's lines of street A; B1's adjustment paid in May.
    assert a["allowance"] == Decimal("500.50") and b["allowance"] == Decimal("50.25")

    totals = {t["figure"].key: t["value"] for t in result["totals"]}
    assert totals["participation"] == Ratio(3, 5) and totals["allowance"] == Decimal("50.25") + Decimal("500.50")
    assert totals["certified"].percent == Decimal("40.0")


def test_whole_year_and_trend(world, city_tree):
    district = city_tree["street_a"].parent
    result = dashboard(world["manager"].user, unit=district, period=Period(2026), today=TODAY)
    a = figures_of(result)["甲街道"]
    assert a["participation"] == Ratio(4, 4)  # A4's July hours count in the year
    assert a["annual_hours"] == Ratio(3, 4)  # A4 reaches 40 on 7/1
    assert a["quiz_pass"] == Ratio(2, 3)
    assert a["allowance"] == Decimal("700.50")  # May and July; June is not approved
    participation = next(f for f in result["figures"] if f.key == "participation")
    assert [q.quarter for q in result["trend"]] == [1, 2, 3, 4]
    # Q1: A1; Q2: A1 A3 B1; Q3: A2 A4; Q4 has not started.
    assert participation.trend == [Ratio(1, 5), Ratio(3, 5), Ratio(2, 5), Ratio()]
    svg = result["chart"]
    assert svg.startswith("<svg") and "参训率：20.0%、60.0%、40.0%、—" in svg and "<script" not in svg


def test_page_shows_figures_links_and_svg(client, world, city_tree):
    client.force_login(world["manager"].user)
    html = client.get(reverse("manager_home"), {"year": "2026", "quarter": "2"}).content.decode()
    assert "2026年第2季度" in html and 'data-testid="dashboard-trend"' in html and "<svg" in html
    street_a = city_tree["street_a"]
    assert f'href="/courses/compliance/?unit={street_a.pk}&amp;year=2026"' in html
    assert f'href="/competency/analysis/?unit={street_a.pk}&amp;period=2026-Q2"' in html
    assert "丙街道" not in html and "丙区" not in html


def test_a_district_manager_never_sees_another_district(client, world, city_tree):
    other = world["c1"].org_unit
    district_c = other.parent.parent.parent
    client.force_login(world["manager"].user)
    for unit in (district_c, other, other.parent, city_tree["city"]):
        response = client.get(reverse("manager_home"), {"unit": unit.pk, "year": "2026"})
        assert response.status_code == 404
    # The peer manager of 丙区 sees its own district and not 甲区's numbers.
    client.force_login(world["manager_c"].user)
    response = client.get(reverse("manager_home"), {"unit": city_tree["street_a"].pk})
    assert response.status_code == 404
    response = client.get(reverse("manager_home"), {"year": "2026", "quarter": "2"})
    rows = figures_of(response.context["dashboard"])
    assert list(rows) == ["丙街道"]
    assert rows["丙街道"]["participation"] == Ratio(1, 1) and rows["丙街道"]["allowance"] == Decimal("200.00")
    assert "甲街道" not in response.content.decode()


def test_drill_down_to_a_street_and_people_at_the_unit_itself(client, world, city_tree):
    client.force_login(world["manager"].user)
    street_a = city_tree["street_a"]
    response = client.get(reverse("manager_home"), {"unit": street_a.pk, "year": "2026", "quarter": "2"})
    assert response.status_code == 200
    rows = figures_of(response.context["dashboard"])
    assert list(rows) == ["一社区"]  # the trainer at the street is not required and has no figure
    assert rows["一社区"]["participation"] == Ratio(2, 4)
    assert [a.name for a in response.context["dashboard"]["ancestors"]] == ["甲区"]


@pytest.mark.parametrize(
    "params",
    [
        {"year": "20266"},
        {"year": "-1"},
        {"year": "99999"},
        {"year": "abc"},
        {"quarter": "5"},
        {"quarter": "x"},
        {"unit": "abc"},
        {"unit": "-3"},
        {"unit": "99999999999999999999"},
        {"year": "2026", "quarter": "0", "unit": "1.5"},
    ],
)
def test_junk_parameters_show_the_page_with_a_chinese_message(client, world, params):
    client.force_login(world["manager"].user)
    response = client.get(reverse("manager_home"), params)
    assert response.status_code == 200
    errors = response.context["errors"]
    assert errors and all(("年份" in e or "季度" in e or "单位" in e) for e in errors)
    assert response.context["dashboard"]["period"].year == timezone.localdate().year
    assert errors[0] in response.content.decode()


def test_only_managers_open_it(client, world):
    client.force_login(world["a1"].user)
    assert client.get(reverse("manager_home")).status_code == 404
    client.force_login(world["trainer"].user)
    assert client.get(reverse("manager_home")).status_code == 404


def _grow(city_tree, count: int) -> None:
    from tests.factories import WorkerFactory

    quiz = Quiz.objects.get()
    for n in range(count):
        worker = WorkerFactory(
            org_unit=city_tree["grid_a"] if n % 2 else city_tree["grid_b"],
            employee_no=f"G{count}-{n}",
            hire_date=dt.date(2026, 4, 1 + n % 28),
            roles={roles.TRAINEE},
        )
        HoursEntry.objects.create(
            worker=worker,
            source=HoursEntry.Source.EXTERNAL,
            hours=Decimal(20),
            earned_on=dt.date(2026, 4, 20),
            title="x",
        )
        Attempt.objects.create(
            quiz=quiz,
            worker=worker,
            number=1,
            state=AttemptState.GRADED,
            graded_at=at(dt.date(2026, 5, 1)),
            passed=True,
        )


def test_query_count_is_the_same_for_10_and_100_workers(client, world, city_tree):
    client.force_login(world["manager"].user)
    url = reverse("manager_home")

    def queries() -> int:
        client.get(url, {"year": "2026", "quarter": "2"})  # warm the per-process caches
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"year": "2026", "quarter": "2"})
        assert response.status_code == 200
        return len(captured)

    _grow(city_tree, 10)
    with_ten = queries()
    _grow(city_tree, 90)
    assert queries() == with_ten
    rows = figures_of(dashboard(world["manager"].user, unit=city_tree["street_a"].parent, period=Q2, today=TODAY))
    assert rows["甲街道"]["participation"].denominator == 4 + 50
