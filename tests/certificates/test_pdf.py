"""The certificate PDF: holder's name in its text, an embedded CJK font, and who may download it."""

import datetime as dt
import shutil
import subprocess

import pytest

from certificates.services import certificate_issue
from lms import roles

D = dt.date
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils 未安装")


def pdf_text(path):
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_fonts(path):
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def people(city_tree, make_worker):
    return {
        "holder": make_worker(unit=city_tree["grid_a"], name="王堃"),  # 堃 is outside GB 2312
        "peer": make_worker(unit=city_tree["grid_a"]),
        "mentor": make_worker(unit=city_tree["grid_a"], role_codes={roles.MENTOR}),
        "trainer": make_worker(unit=city_tree["street_a"], role_codes={roles.TRAINER}),
        "judge": make_worker(unit=city_tree["city"], role_codes={roles.JUDGE}),
        "manager": make_worker(unit=city_tree["street_a"], role_codes={roles.MANAGER}),
        "hr": make_worker(unit=city_tree["street_a"], role_codes={roles.HR}),
        "hr_other": make_worker(unit=city_tree["street_b"], role_codes={roles.HR}),
    }


def test_pdf_holds_name_rare_character_and_embedded_cjk_font(client, people, private_media, tmp_path):
    holder = people["holder"]
    cert = certificate_issue(
        worker=holder, type_code="COURSE", issued_on=D(2025, 4, 1), source_label="完成网格员岗前培训"
    )
    client.force_login(holder.user)
    response = client.get(f"/certificates/{cert.verification_code}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "c.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    text = pdf_text(path)
    assert "王堃" in text and "结业证书" in text and cert.serial_no in text
    fonts = pdf_fonts(path)
    cjk_lines = [line for line in fonts.splitlines() if "GACommon" in line or "GAFull" in line or "CJK" in line]
    assert cjk_lines, fonts
    assert all(" yes " in line for line in cjk_lines)  # embedded
    assert any("GAFull" in line or "Noto" in line for line in cjk_lines)  # 堃 came from the full font
    # Cached: the second download serves the same file.
    cert.refresh_from_db()
    assert cert.pdf_path and (private_media / cert.pdf_path).exists()


def test_pdf_access_by_role(client, people, media):
    cert = certificate_issue(worker=people["holder"], type_code="AWARD", issued_on=D(2025, 4, 1))
    url = f"/certificates/{cert.verification_code}.pdf"
    expected = {
        "holder": 200,
        "hr": 200,
        "peer": 404,
        "mentor": 404,
        "trainer": 404,
        "judge": 404,
        "manager": 404,
        "hr_other": 404,
    }
    for who, status in expected.items():
        client.force_login(people[who].user)
        assert client.get(url).status_code == status, who
    client.logout()
    # Not logged in: sent to log in, like every other private download (docs/rules.md §2).
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/login/")
