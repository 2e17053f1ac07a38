"""The compliance report (/courses/compliance/) counts only the people the annual requirement
applies to (COURSES_REQUIRED_ROLES), names each worker's grid unambiguously, pages and filters its
rows, and answers junk parameters with a Chinese message instead of a 500 (issue 14, defects 2, 8)."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from courses import selectors
from courses.models import HoursEntry
from lms import roles
from lms.models import Worker
from lms.services import worker_roles_set
from tests.exports import export_through_job
from tests.factories import org

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def _hours(worker, hours):
    HoursEntry.objects.create(
        worker=worker, source="external", hours=Decimal(hours), earned_on=timezone.localdate(), title="外训"
    )


@pytest.fixture
def staffed_street(make_worker, city_tree):
    """A street with two trainees (one with a mentor role too), a mentor only, and one of each staff role."""
    grid = city_tree["grid_a"]
    people = {
        "trainee": make_worker(unit=grid, name="张网格"),
        "trainee_mentor": make_worker(unit=grid, role_codes=(roles.TRAINEE, roles.MENTOR)),
        "mentor": make_worker(unit=grid, role_codes=(roles.MENTOR,)),
        "trainer": make_worker(unit=city_tree["street_a"], role_codes=(roles.TRAINER,)),
        "hr": make_worker(unit=city_tree["street_a"], role_codes=(roles.HR,)),
        "manager": make_worker(unit=city_tree["street_a"], role_codes=(roles.MANAGER,)),
        "judge": make_worker(unit=city_tree["street_a"], role_codes=(roles.JUDGE,)),
    }
    _hours(people["trainee"], "40")
    return people


def _listed(report) -> set[str]:
    return {row["worker"].employee_no for row in report["rows"]}


def test_only_the_required_roles_are_counted(staffed_street, city_tree):
    people = staffed_street
    report = selectors.compliance_rows(people["trainer"].user, city_tree["street_a"], YEAR)
    assert _listed(report) == {people["trainee"].employee_no, people["trainee_mentor"].employee_no}
    assert (report["total"], report["met"], report["short_count"]) == (2, 1, 1)
    assert report["required_roles"] == ["网格员"]


def test_the_required_roles_are_a_setting(staffed_street, city_tree, settings):
    settings.COURSES_REQUIRED_ROLES = [roles.TRAINEE, roles.MENTOR]
    people = staffed_street
    report = selectors.compliance_rows(people["trainer"].user, city_tree["street_a"], YEAR)
    # a person holding both roles is one row
    assert [r["worker"].employee_no for r in report["rows"]].count(people["trainee_mentor"].employee_no) == 1
    assert _listed(report) == {people[k].employee_no for k in ("trainee", "trainee_mentor", "mentor")}
    assert Worker.objects.filter(selectors.annual_requirement_q()).count() == 3


def test_staff_who_also_hold_the_trainee_role_are_counted_and_inactive_accounts_are_not(staffed_street, city_tree):
    people = staffed_street
    worker_roles_set(worker=people["manager"], role_codes={roles.MANAGER, roles.TRAINEE})
    people["trainee_mentor"].user.is_active = False
    people["trainee_mentor"].user.save()
    report = selectors.compliance_rows(people["trainer"].user, city_tree["street_a"], YEAR)
    assert _listed(report) == {people["trainee"].employee_no, people["manager"].employee_no}


def test_the_page_counts_and_lists_only_required_people(staffed_street, client):
    people = staffed_street
    client.force_login(people["hr"].user)
    page = client.get("/courses/compliance/").content.decode()
    assert '<strong data-testid="total">2</strong>' in page
    for key in ("trainer", "hr", "manager", "judge", "mentor"):
        assert people[key].employee_no not in page, key


def test_grids_of_the_same_name_are_told_apart(make_worker, city_tree, client):
    trainer = make_worker(unit=city_tree["city"], role_codes=(roles.TRAINER,))
    first = make_worker(unit=org("测试市/甲区/甲街道/一社区/第一网格"))
    second = make_worker(unit=org("测试市/甲区/乙街道/二社区/第一网格"))
    report = selectors.compliance_rows(trainer.user, city_tree["city"], YEAR)
    grids = {r["worker"].pk: r["grid"] for r in report["rows"]}
    assert grids[first.pk] == "一社区/第一网格" and grids[second.pk] == "二社区/第一网格"
    client.force_login(trainer.user)
    page = client.get("/courses/compliance/").content.decode()
    assert "一社区/第一网格" in page and "二社区/第一网格" in page


def test_rows_are_paged_and_filtered(make_worker, city_tree, client):
    trainer = make_worker(unit=city_tree["city"], role_codes=(roles.TRAINER,))
    workers = [make_worker(unit=city_tree["grid_a"], employee_no=f"P{n:03d}") for n in range(1, 61)]
    for worker in workers[:5]:
        _hours(worker, "41")
    client.force_login(trainer.user)
    first = client.get("/courses/compliance/").content.decode()
    assert "P001" in first and "P050" in first and "P051" not in first and "1 / 2" in first
    second = client.get("/courses/compliance/?page=2").content.decode()
    assert "P051" in second and "P060" in second and "P001" not in second
    assert '<strong data-testid="total">60</strong>' in second  # the summary covers every page

    met = client.get("/courses/compliance/?status=met").content.decode()
    assert all(f"P00{n}" in met for n in range(1, 6)) and "P006" not in met and "符合条件 5 人" in met
    short = client.get("/courses/compliance/?status=short").content.decode()
    assert "P001" not in short and "P006" in short
    assert "符合条件 1 人" in client.get("/courses/compliance/?q=P007").content.decode()
    workers[6].name = "欧阳检索"
    workers[6].save()
    found = client.get("/courses/compliance/?q=欧阳").content.decode()
    assert "P007" in found and "P008" not in found
    # the pager keeps the filters
    assert "status=short" in short and "page=2" in short


JUNK = [
    "year=20266",
    "year=-1",
    "year=99999",
    "year=abc",
    "year=0",
    "year=2026-13",
    "year=%00",
    "year=" + "9" * 400,
    "year=2026&year=abc",
    "page=abc",
    "page=0",
    "page=-1",
    "page=" + "9" * 400,
    "unit=abc",
    "unit=-1",
    "unit=99999999999999999999",
    "unit=%00",
    "status=abc",
    "q=" + "长" * 400,
]
MESSAGES = ("年份应为", "页码", "所选组织", "达标情况只能", "检索词")


@pytest.mark.parametrize("query", JUNK)
def test_junk_parameters_show_the_page_with_a_chinese_message(query, make_worker, city_tree, client):
    trainer = make_worker(unit=city_tree["street_a"], role_codes=(roles.TRAINER,))
    make_worker(unit=city_tree["grid_a"])
    client.force_login(trainer.user)
    response = client.get(f"/courses/compliance/?{query}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "学时达标报表" in page and any(message in page for message in MESSAGES), query


def test_a_nul_in_the_search_finds_nobody_instead_of_failing(make_worker, city_tree, client):
    """lms.middleware.QueryNullReplaceMiddleware turns the NUL into U+FFFD (PostgreSQL refuses NUL)."""
    trainer = make_worker(unit=city_tree["street_a"], role_codes=(roles.TRAINER,))
    make_worker(unit=city_tree["grid_a"])
    client.force_login(trainer.user)
    response = client.get("/courses/compliance/?q=%00")
    assert response.status_code == 200
    assert "\x00" not in response.content.decode()
    assert response.context["report"]["rows"] == []


@pytest.mark.parametrize("query", ["year=", "page=", "page=99999", "unit=", "status=", "q="])
def test_empty_or_past_the_end_values_fall_back_quietly(query, make_worker, city_tree, client):
    trainer = make_worker(unit=city_tree["street_a"], role_codes=(roles.TRAINER,))
    make_worker(unit=city_tree["grid_a"])
    client.force_login(trainer.user)
    response = client.get(f"/courses/compliance/?{query}")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{YEAR}年学时" in page and not any(message in page for message in MESSAGES), query


def test_a_bad_year_shows_this_year(make_worker, city_tree, client):
    trainer = make_worker(unit=city_tree["street_a"], role_codes=(roles.TRAINER,))
    client.force_login(trainer.user)
    page = client.get("/courses/compliance/?year=20266").content.decode()
    assert "年份应为 2000–2100 之间的整数" in page and f"{YEAR}年学时" in page


def test_the_export_has_the_same_people_and_filters(staffed_street, client, city_tree):
    people = staffed_street
    client.force_login(people["trainer"].user)
    _, _, body = export_through_job(client, "/courses/compliance.xlsx", {"unit": city_tree["street_a"].pk})
    rows = list(load_workbook(BytesIO(body)).active.iter_rows(values_only=True))
    assert {row[0] for row in rows[1:]} == {people["trainee"].employee_no, people["trainee_mentor"].employee_no}
    _, _, body = export_through_job(
        client, "/courses/compliance.xlsx", {"unit": city_tree["street_a"].pk, "status": "short"}
    )
    rows = list(load_workbook(BytesIO(body)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [people["trainee_mentor"].employee_no]
    assert rows[1][2] == city_tree["grid_a"].full_name


def test_an_export_with_a_bad_year_is_refused_with_a_message(staffed_street, client, city_tree):
    from lms.models import ExportJob

    client.force_login(staffed_street["trainer"].user)
    response = client.post("/courses/compliance.xlsx", {"unit": city_tree["street_a"].pk, "year": "20266"}, follow=True)
    assert response.status_code == 200 and "未导出：年份应为" in response.content.decode()
    assert not ExportJob.objects.exists()
