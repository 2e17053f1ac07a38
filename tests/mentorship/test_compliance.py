"""The monthly home-visit board (page, API, XLSX export): required vs mentee-confirmed 入户走访,
who sees which rows, validated ?month=."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.mentorship import services
from tests.exports import export_through_job

D = dt.date
API = "/api/v1/mentorship/compliance"


def visit(people, mentor, mentee, day, type="入户走访", confirm=True):
    session = services.session_log(
        mentor_user=people[mentor].user, mentee=people[mentee], date=day, type=type, minutes=30, place="小区"
    )
    if confirm:
        services.session_confirm(user=people[mentee].user, session=session)
    return session


@pytest.fixture
def board(people, make_term):
    """mentor → mentee 2026-01-31..2026-04-30; mentor2 → mentee2 2026-02-15..2026-05-15;
    street B: mentor_b → a street-B mentee."""
    make_term(people["mentor"], people["mentee"], start=D(2026, 1, 31), planned_end=D(2026, 4, 30))
    make_term(people["mentor2"], people["mentee2"], start=D(2026, 2, 15), planned_end=D(2026, 5, 15))
    # February: mentee has two confirmed visits (needs 28/28 → 2); a pending one does not count
    visit(people, "mentor", "mentee", D(2026, 2, 3))
    visit(people, "mentor", "mentee", D(2026, 2, 20))
    visit(people, "mentor", "mentee", D(2026, 2, 25), confirm=False)
    # mentee2 (needs ⌈2 × 14 / 28⌉ = 1): a confirmed 现场示范 is not a home visit
    visit(people, "mentor2", "mentee2", D(2026, 2, 16), type="现场示范")
    return people


def rows_of(response):
    return {(r["mentor"], r["mentee"]): (r["required"], r["confirmed_visits"], r["status"]) for r in response.json()}


def test_api_rows_per_role(client, board):
    p = {k: w.employee_no for k, w in board.items()}
    client.force_login(board["trainer_a"].user)
    assert rows_of(client.get(API, {"month": "2026-02"})) == {
        (p["mentor"], p["mentee"]): (2, 2, "达标"),
        (p["mentor2"], p["mentee2"]): (1, 0, "未达标"),
    }
    # January: mentee's term has 1 day of 31 → ⌈2/31⌉ = 1, no visit; mentee2's term has not started
    assert rows_of(client.get(API, {"month": "2026-01"})) == {(p["mentor"], p["mentee"]): (1, 0, "未达标")}
    # June: no term touches it
    assert client.get(API, {"month": "2026-06"}).json() == []
    client.force_login(board["mentor"].user)
    assert set(rows_of(client.get(API, {"month": "2026-02"}))) == {(p["mentor"], p["mentee"])}
    client.force_login(board["mentee2"].user)
    assert set(rows_of(client.get(API, {"month": "2026-02"}))) == {(p["mentor2"], p["mentee2"])}
    for who in ("trainer_b", "plain"):
        client.force_login(board[who].user)
        assert client.get(API, {"month": "2026-02"}).json() == []


def test_api_month_is_validated(client, board):
    client.force_login(board["trainer_a"].user)
    for junk in ("2026-13", "26-02", "x", "2026-2"):
        response = client.get(API, {"month": junk})
        assert response.status_code == 422 and response.json()["code"] == "validation_error", junk
        assert "month" in response.json()["detail"]
    # well-formed but outside the platform's years: the parser's range, in Chinese
    for junk in ("0000-01", "1999-12", "2101-01"):
        response = client.get(API, {"month": junk})
        assert response.status_code == 422 and response.json()["code"] == "validation_error", junk
        assert "2000–2100" in response.json()["detail"]


def test_confirming_flips_the_row(client, board):
    p = {k: w.employee_no for k, w in board.items()}
    session = visit(board, "mentor2", "mentee2", D(2026, 2, 27), confirm=False)
    client.force_login(board["trainer_a"].user)
    assert rows_of(client.get(API, {"month": "2026-02"}))[(p["mentor2"], p["mentee2"])] == (1, 0, "未达标")
    services.session_confirm(user=board["mentee2"].user, session=session)
    assert rows_of(client.get(API, {"month": "2026-02"}))[(p["mentor2"], p["mentee2"])] == (1, 1, "达标")


def test_board_page(client, board):
    client.force_login(board["manager_a"].user)
    page = client.get(reverse("mentorship:compliance"), {"month": "2026-02"})
    assert page.status_code == 200
    assert [(r.term.mentee, r.required, r.confirmed_visits, r.status) for r in page.context["page"].object_list] == [
        (board["mentee2"], 1, 0, "未达标"),  # behind first
        (board["mentee"], 2, 2, "达标"),
    ]
    behind = client.get(reverse("mentorship:compliance"), {"month": "2026-02", "behind": "1"})
    assert [r.term.mentee for r in behind.context["page"].object_list] == [board["mentee2"]]
    assert (behind.context["met"], behind.context["total"]) == (1, 2)


def test_board_page_validates_month(client, board, today):
    client.force_login(board["trainer_a"].user)
    for junk in ("2026-13", "abc", "0000-01", "2026-02-01"):
        page = client.get(reverse("mentorship:compliance"), {"month": junk})
        assert page.status_code == 200
        assert page.context["month"] == today.replace(day=1)
        assert "月份" in [str(m) for m in page.context["messages"]][0]


def test_board_page_access(client, board):
    url = reverse("mentorship:compliance")
    client.force_login(board["mentor2"].user)  # a mentor: own terms only
    page = client.get(url, {"month": "2026-02"})
    assert [r.term.mentee for r in page.context["page"].object_list] == [board["mentee2"]]
    client.force_login(board["trainer_b"].user)  # staff of another street: nothing of street A
    assert list(client.get(url, {"month": "2026-02"}).context["page"].object_list) == []
    for who in ("mentee", "plain"):
        client.force_login(board[who].user)
        assert client.get(url).status_code == 404


def test_export_through_the_job_machinery(client, board):
    client.force_login(board["hr_a"].user)
    job, response, body = export_through_job(client, reverse("mentorship:compliance_export") + "?month=2026-02")
    assert job.requested_by == board["hr_a"].user
    sheet = load_workbook(io.BytesIO(body)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("导师工号", "导师", "徒弟工号")
    assert [(r[2], r[7], r[8], r[9]) for r in rows[1:]] == [
        (board["mentee2"].employee_no, 1, 0, "未达标"),
        (board["mentee"].employee_no, 2, 2, "达标"),
    ]
    client.force_login(board["plain"].user)
    assert client.post(reverse("mentorship:compliance_export") + "?month=2026-02").status_code == 404
