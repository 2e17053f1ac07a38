"""One scoping path (lms.access) for certificates and allowances: HR of 江南区 sees nothing of
江北区 — lists, HR pages, every export on screen and through its job — and city HR sees both."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from certificates import selectors
from certificates.models import Incentive, IssuanceJob
from certificates.services import (
    allowance_adjustment_add,
    allowance_month_approve,
    allowance_month_compute,
    allowances_export,
    certificate_register_export,
    incentive_award,
    incentives_export,
)
from lms import roles
from lms.access import EVERYONE
from lms.models import AuditLog
from tests.exports import export_through_job
from tests.factories import org

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_worker, make_cert, media):
    city = org("临江市")
    south = org("临江市/江南区")
    north = org("临江市/江北区")
    south_grid = org("临江市/江南区/南湖街道/南湖社区/一网格")
    north_grid = org("临江市/江北区/北岸街道/北岸社区/一网格")
    jn = make_worker(unit=south_grid, employee_no="JN001", name="江南甲")
    jb = make_worker(unit=north_grid, employee_no="JB001", name="江北乙")
    certs = {
        "jn": make_cert(jn, "SW-3", D(2024, 1, 1), serial_no="SW3-JN"),
        "jb": make_cert(jb, "PSY", D(2024, 1, 1), serial_no="PSY-JB"),
    }
    allowance_month_compute(month=D(2025, 1, 1))
    allowance_month_approve(month=D(2025, 1, 1))
    allowance_month_compute(month=D(2025, 2, 1))
    for worker, reason in ((jn, "江南补发"), (jb, "江北补发")):
        allowance_adjustment_add(
            worker=worker, corrects=D(2025, 1, 1), month=D(2025, 2, 1), amount=Decimal("50"), reason=reason
        )
        incentive_award(
            worker=worker, kind=Incentive.Kind.ANNUAL_EXCELLENT, month=D(2025, 2, 1), reason=f"{worker.name}年度优秀"
        )
    people = {
        "jn": jn,
        "jb": jb,
        "south_hr": make_worker(unit=south, role_codes={roles.HR}, employee_no="HRJN", name="江南人事"),
        "south_hr2": make_worker(unit=south, role_codes={roles.HR}, employee_no="HRJN2", name="江南人事二"),
        "north_hr": make_worker(unit=north, role_codes={roles.HR}, employee_no="HRJB", name="江北人事"),
        "city_hr": make_worker(unit=city, role_codes={roles.HR}, employee_no="HRCITY", name="市人事"),
    }
    jobs = {
        "jn": IssuanceJob.objects.create(
            title="江南批次", certificate_type=certs["jn"].certificate_type, issued_on=D(2024, 1, 1), org_unit=south
        ),
        "jb": IssuanceJob.objects.create(
            title="江北批次", certificate_type=certs["jb"].certificate_type, issued_on=D(2024, 1, 1), org_unit=north
        ),
    }
    return {**people, "certs": certs, "jobs": jobs, "south": south, "north": north}


def _ids(rows):
    return sorted({row[0] for row in rows if row and row[0] not in ("工号",)})


def _csv_ids(text: str) -> list[str]:
    return _ids(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


# --- selectors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees"),
    [("south_hr", {"JN001"}), ("north_hr", {"JB001"}), ("city_hr", {"JN001", "JB001"})],
)
def test_every_certificate_and_allowance_selector_is_scoped(world, who, sees):
    user = world[who].user
    run = selectors.allowance_months_visible(user).get(month=D(2025, 2, 1))

    def numbers(qs):
        return {row.worker.employee_no for row in qs} - {world[who].employee_no}

    assert numbers(selectors.visible_certificates(user)) == sees
    assert numbers(selectors.certificates_downloadable_by(user)) == sees
    assert numbers(selectors.allowance_lines_visible(user, run)) == sees
    assert numbers(selectors.allowance_adjustments_visible(user, run)) == sees
    assert numbers(selectors.incentives_visible(user, D(2025, 2, 1))) == sees
    assert run.visible_count == len(sees)
    assert run.visible_total == sum(line.amount for line in selectors.allowance_lines_visible(user, run))
    rates = selectors.certification_rates(user)
    assert sum(r["total"] for r in rates) == len(sees)
    titles = {job.title for job in selectors.jobs_for(user)}
    assert titles == {{"JN001": "江南批次", "JB001": "江北批次"}[n] for n in sees}


def test_certification_rates_split_the_viewers_scope(world):
    south = [r["unit"].name for r in selectors.certification_rates(world["south_hr"].user)]
    assert south == ["南湖街道"]
    city = {r["unit"].name: r["total"] for r in selectors.certification_rates(world["city_hr"].user)}
    assert city == {"江南区": 1, "江北区": 1}
    # EVERYONE and a superuser see the whole tree the same way as city HR sees the city.
    assert {r["unit"].name for r in selectors.certification_rates(EVERYONE)} >= {"江南区", "江北区"}


def test_a_trainee_downloads_only_their_own_certificate(world):
    own = selectors.certificates_downloadable_by(world["jn"].user)
    assert list(own.values_list("serial_no", flat=True)) == ["SW3-JN"]
    assert not selectors.jobs_for(world["jn"].user).exists()


# --- exports --------------------------------------------------------------------------------------


def test_each_export_writes_only_the_viewers_rows(world):
    south, city = world["south_hr"].user, world["city_hr"].user
    for viewer, expected in ((south, ["JN001"]), (city, ["JB001", "JN001"]), (EVERYONE, ["JB001", "JN001"])):
        out = io.StringIO()
        allowances_export(month=D(2025, 2, 1), output=out, fmt="csv", viewer=viewer, with_incentives=True)
        assert _csv_ids(out.getvalue()) == expected
        out = io.StringIO()
        incentives_export(output=out, fmt="csv", viewer=viewer)
        assert _csv_ids(out.getvalue()) == expected
        stream = io.BytesIO()
        certificate_register_export(output=stream, fmt="xlsx", viewer=viewer)
        book = load_workbook(io.BytesIO(stream.getvalue()))
        assert _ids(book["持证登记"].iter_rows(min_row=2, values_only=True)) == expected
    rows = AuditLog.objects.filter(action=AuditLog.Action.EXPORT).order_by("pk")
    assert [(r.actor_id, r.detail["scope"]) for r in rows[:3]] == [(south.pk, "临江市/江南区")] * 3
    assert [(r.actor_id, r.detail["scope"]) for r in rows[6:]] == [(None, "全部")] * 3


def test_an_export_without_a_viewer_is_refused_not_taken_for_everyone(world):
    for call in (
        lambda: allowances_export(month=D(2025, 2, 1), output=io.StringIO(), fmt="csv", viewer=None),
        lambda: incentives_export(output=io.StringIO(), fmt="csv", viewer=None),
        lambda: certificate_register_export(output=io.StringIO(), fmt="csv", viewer=None),
    ):
        with pytest.raises(TypeError, match="EVERYONE"):
            call()
    with pytest.raises(TypeError):
        allowances_export(month=D(2025, 2, 1), output=io.StringIO(), fmt="csv")  # viewer is required


@pytest.mark.parametrize(("who", "expected"), [("south_hr", ["JN001"]), ("city_hr", ["JB001", "JN001"])])
def test_each_export_job_writes_only_the_requesters_rows(client, world, who, expected):
    client.force_login(world[who].user)
    _, _, body = export_through_job(client, "/certificates/hr/allowances/2025-02/export.csv")
    assert _csv_ids(body.decode("utf-8")) == expected
    _, _, body = export_through_job(client, "/certificates/hr/exports/incentives.csv")
    assert _csv_ids(body.decode("utf-8")) == expected
    _, _, body = export_through_job(client, "/certificates/hr/exports/register.csv")
    assert [n for n in _csv_ids(body.decode("utf-8")) if n in ("JN001", "JB001")] == expected


# --- HR pages -------------------------------------------------------------------------------------


def test_district_hr_pages_show_nothing_of_the_other_district(client, world):
    client.force_login(world["south_hr"].user)
    pages = {
        url: client.get(url).content.decode()
        for url in (
            "/certificates/hr/",
            "/certificates/hr/?q=江北",
            "/certificates/hr/allowances/",
            "/certificates/hr/allowances/2025-02/",
            "/hr/",
        )
    }
    for url, page in pages.items():
        for text in ("江北乙", "JB001", "PSY-JB", "江北补发", "江北批次", "江北区"):
            assert text not in page, (url, text)
    assert "江南甲" in pages["/certificates/hr/"] and "江南批次" in pages["/certificates/hr/"]
    month = pages["/certificates/hr/allowances/2025-02/"]
    assert "江南补发" in month and "江南甲年度优秀" in month and "计发人数（江南区）" in month
    assert "全市" not in pages["/certificates/hr/allowances/"]

    client.force_login(world["city_hr"].user)
    month = client.get("/certificates/hr/allowances/2025-02/").content.decode()
    assert "江南补发" in month and "江北补发" in month and "江北乙" in month
    index = client.get("/certificates/hr/").content.decode()
    assert "江南区" in index and "江北区" in index and "江北批次" in index


def test_a_peer_hr_asking_by_id_gets_404(client, world):
    north_cert, north_job = world["certs"]["jb"], world["jobs"]["jb"]
    client.force_login(world["south_hr"].user)
    for url in (
        f"/certificates/hr/c/{north_cert.verification_code}/",
        f"/certificates/{north_cert.verification_code}.pdf",
        f"/certificates/hr/jobs/{north_job.pk}/",
        f"/certificates/hr/jobs/{north_job.pk}/status/",
        f"/certificates/hr/jobs/{north_job.pk}/batch.pdf",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/certificates/hr/jobs/{world['jobs']['jn'].pk}/").status_code == 200
    # The same role in the same district sees the same subtree; the other district's HR does not.
    client.force_login(world["south_hr2"].user)
    assert client.get(f"/certificates/hr/c/{world['certs']['jn'].verification_code}/").status_code == 200
    client.force_login(world["north_hr"].user)
    assert client.get(f"/certificates/hr/c/{world['certs']['jn'].verification_code}/").status_code == 404


def test_a_trainee_asking_for_anothers_certificate_pdf_gets_404(client, world):
    client.force_login(world["jb"].user)
    assert client.get(f"/certificates/{world['certs']['jn'].verification_code}.pdf").status_code == 404
