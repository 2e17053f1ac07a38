"""The annual assessment report PDF: one worker's page served to the worker and HR of their subtree
only, and HR's bulk PDF of a unit with one page per worker."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import EvidenceSource
from assessments.services import evidence_record_many
from lms import roles
from lms.periods import Period
from tests.exports import export_through_job

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils 未安装")


def pdf_pages(data: bytes, tmp_path) -> int:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "text.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def worker(city_tree, make_worker):
    w = make_worker(unit=city_tree["grid_a"], employee_no="G0001", name="张网格")
    items = [
        (EvidenceSource.TEST, "3.2", "70", dt.date(2026, 2, 1)),
        (EvidenceSource.DRILL, "3.2", "50", dt.date(2026, 3, 1)),
        (EvidenceSource.TEST, "1.3", "90", dt.date(2026, 4, 1)),
        (EvidenceSource.DRILL, "1.3", "80", dt.date(2026, 4, 2)),
        (EvidenceSource.METRIC, "1.3", "60", dt.date(2026, 4, 3)),
    ]
    for n, (source, code, score, day) in enumerate(items):
        evidence_record_many(worker=w, source=source, items=[(code, Decimal(score), day, ("test.ref", n))])
    return w


URL = "/competency/G0001/report-2026.pdf"


def test_the_worker_downloads_their_report(client, worker, tmp_path):
    client.force_login(worker.user)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert pdf_pages(response.content, tmp_path) == 1
    text = pdf_text(response.content, tmp_path)
    assert "2026年个人能力评估报告" in text and "张网格" in text
    # 3.2 = 70 × 40% + 50 × 60% = 58.00; 1.3 = 90 × 50% + 80 × 20% + 60 × 30% = 45 + 16 + 18 = 79.00
    assert "58.00" in text and "79.00" in text
    assert "测试 70.00 × 40%" in text and "演练 50.00 × 60%" in text
    assert "暂无数据" in text
    # overall = mean of 问题处置 58.00 and 政策理解 (79.00, its only scored indicator) = 68.50
    assert "68.50" in text
    # Nothing is left in the private or public media folders
    from django.conf import settings

    assert not any(p.is_file() for p in settings.PRIVATE_MEDIA_ROOT.rglob("*"))


def test_hr_of_the_subtree_may_download(client, worker, city_tree, make_worker):
    hr = make_worker(unit=city_tree["street_a"], role_codes=[roles.HR])
    client.force_login(hr.user)
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize(
    "unit, role",
    [
        ("grid_a", roles.TRAINEE),  # a peer
        ("street_a", roles.MANAGER),  # may see the profile, not the report
        ("street_a", roles.TRAINER),
        ("street_b", roles.HR),  # HR of another subtree
    ],
)
def test_everyone_else_gets_404(client, worker, city_tree, make_worker, unit, role):
    viewer = make_worker(unit=city_tree[unit], role_codes=[role])
    client.force_login(viewer.user)
    assert client.get(URL).status_code == 404


def test_bad_year_and_unknown_worker_are_404(client, worker):
    client.force_login(worker.user)
    assert client.get("/competency/G0001/report-1999.pdf").status_code == 404
    assert client.get("/competency/G0001/report-99999.pdf").status_code == 404
    assert client.get("/competency/NOSUCH/report-2026.pdf").status_code == 404


def test_profile_links_the_report_only_for_those_who_may_download(client, worker, city_tree, make_worker):
    client.force_login(worker.user)
    assert URL in client.get("/competency/").content.decode()
    manager = make_worker(unit=city_tree["street_a"], role_codes=[roles.MANAGER])
    client.force_login(manager.user)
    assert URL not in client.get("/competency/G0001/").content.decode()


def test_bulk_reports_one_page_per_worker(client, worker, city_tree, make_worker, tmp_path):
    # A worker with every source of 1.3 and 5.2 counted still fits one page; one with no evidence too.
    busy = make_worker(unit=city_tree["grid_a2"], employee_no="G0002", name="李网格")
    items = [
        (EvidenceSource.OBSERVATION, "5.2", "80"),
        (EvidenceSource.SELF, "5.2", "70"),
        (EvidenceSource.TEST, "1.3", "60"),
        (EvidenceSource.DRILL, "1.3", "70"),
        (EvidenceSource.METRIC, "1.3", "75"),
    ]
    items += [(EvidenceSource.SURVEY, "5.2", "100")] * 5
    for n, (source, code, score) in enumerate(items):
        evidence_record_many(
            worker=busy, source=source, items=[(code, Decimal(score), dt.date(2026, 6, 1), ("test.ref", 100 + n))]
        )
    make_worker(unit=city_tree["grid_a2"], employee_no="G0003", name="王网格")
    make_worker(unit=city_tree["grid_b"], employee_no="G0009")  # another street: not in the bulk file
    hr = make_worker(unit=city_tree["street_a"], role_codes=[roles.HR], employee_no="H0001")
    client.force_login(hr.user)
    job, response, body = export_through_job(
        client, reverse("assessments:competency_reports"), {"unit": city_tree["street_a"].pk, "period": "2026"}
    )
    assert response["Content-Type"] == "application/pdf"
    # 甲街道's subtree: G0001, G0002, G0003 and the HR user herself
    assert pdf_pages(body, tmp_path) == 4
    assert (job.done, job.total) == (8, 8)  # 4 workers gathered + 4 pages laid out
    text = pdf_text(body, tmp_path)
    assert text.index("G0001") < text.index("G0002") < text.index("G0003")
    assert "G0009" not in text


def test_bulk_reports_are_for_hr_only(client, worker, city_tree, make_worker):
    for role in (roles.MANAGER, roles.TRAINER, roles.TRAINEE):
        viewer = make_worker(unit=city_tree["street_a"], role_codes=[role])
        client.force_login(viewer.user)
        response = client.post(reverse("assessments:competency_reports"), {"unit": city_tree["street_a"].pk})
        assert response.status_code == 404
    hr = make_worker(unit=city_tree["street_b"], role_codes=[roles.HR])
    client.force_login(hr.user)
    response = client.post(reverse("assessments:competency_reports"), {"unit": city_tree["street_a"].pk})
    assert response.status_code == 404


def test_report_sheet_explains_each_indicator(worker):
    from assessments.reports import report_sheet

    sheet = report_sheet(worker, Period(2026))
    lines = {line.code: line for line in sheet.indicators}
    assert lines["1.3"].basis == "测试 90.00 × 50% ＋ 演练 80.00 × 20% ＋ 业务指标 60.00 × 30%"
    assert lines["3.2"].basis == "测试 70.00 × 40% ＋ 演练 50.00 × 60%"
    assert lines["4.1"].score is None and lines["4.1"].basis == "本期无计入的证据"
