"""An external qualification is never printed as a certificate in its issuing authority's name: the
platform keeps the scanned original (served only to the holder and HR of their subtree) and prints
the centre's own 持证登记凭证, which the public verification page shows as a registration record."""

import datetime as dt
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from certificates.services import (
    CertificateError,
    certificate_issue,
    certificate_record_external,
    issuance_job_create,
)
from lms import roles

D = dt.date
CENTRE = "临江市城市网格化管理中心"
MINISTRY = "人力资源和社会保障部、民政部"
SCAN = b"%PDF-1.4\n% the scanned original\n"


@pytest.fixture
def people(city_tree, make_worker, settings):
    settings.CERTIFICATE_ISSUER = CENTRE
    return {
        "holder": make_worker(unit=city_tree["grid_a"], name="欧阳明月"),
        "peer": make_worker(unit=city_tree["grid_a"]),
        "hr": make_worker(unit=city_tree["street_a"], role_codes={roles.HR}),
        "hr_other": make_worker(unit=city_tree["street_b"], role_codes={roles.HR}),
    }


@pytest.fixture
def external(people, media, private_media):
    return certificate_record_external(
        worker=people["holder"],
        type_code="SW-2",
        serial_no="SW2-2022-0001",
        issued_on=D(2022, 9, 20),
        valid_until=None,
        issuer=MINISTRY,
        scan=SimpleUploadedFile("scan.pdf", SCAN, content_type="application/pdf"),
        recorded_by=people["hr"].user,
    )


def pdf_lines(client, code, tmp_path) -> list[str]:
    response = client.get(f"/certificates/{code}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / f"{code}.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info  # one sheet, nothing spilling over
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils 未安装")
def test_the_pdf_of_an_external_qualification_is_the_centres_registration_record(client, people, external, tmp_path):
    client.force_login(people["holder"].user)
    lines = pdf_lines(client, external.verification_code, tmp_path)
    text = "".join(lines)
    assert lines[0] == CENTRE  # the heading names the centre, not the ministry
    assert "持证登记凭证" in text and "本中心已登记" in text and "登记机构：" + CENTRE in text
    assert "SW2-2022-0001" in text and "欧阳明月" in text and "社会工作师" in text
    assert "特发此证" not in text and "经审核" not in text
    # The ministry appears only as what the original says, never as who issues this paper.
    assert text.count(MINISTRY) == 1 and "原件载明的发证机关：" + MINISTRY in text
    assert not any(line.startswith(MINISTRY) for line in lines)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils 未安装")
def test_a_platform_certificate_still_prints_as_the_centres_certificate(client, people, media, tmp_path):
    course = certificate_issue(worker=people["holder"], type_code="COURSE", issued_on=D(2025, 4, 1))
    client.force_login(people["holder"].user)
    text = "".join(pdf_lines(client, course.verification_code, tmp_path))
    assert "结业证书" in text and "持证登记凭证" not in text


def test_verification_shows_a_registration_record_not_a_ministry_certificate(client, external):
    page = client.get(f"/verify/{external.verification_code}/").content.decode()
    assert "持证登记记录" in page and CENTRE in page and "登记机构" in page
    assert "原件载明的发证机关" in page and "<dt>发证机关</dt>" not in page
    data = client.get(f"/api/v1/certificates/verify/{external.verification_code}").json()
    assert data["record_type"] == "registration" and data["registrar"] == CENTRE
    assert data["status"] == "valid" and data["serial_no"] == "SW2-2022-0001"


def test_the_platform_refuses_to_issue_a_qualification_of_another_authority(people, media):
    with pytest.raises(CertificateError, match="外部资格证书"):
        certificate_issue(worker=people["holder"], type_code="SW-2", issued_on=D(2025, 1, 1))
    with pytest.raises(CertificateError, match="外部资格证书"):
        issuance_job_create(
            title="批量", type_code="PSY", issued_on=D(2025, 1, 1), workers=[people["holder"]], created_by=None
        )


def test_the_scan_is_served_only_to_the_holder_and_hr_of_their_subtree(client, people, external):
    url = f"/certificates/{external.verification_code}/scan/"
    assert client.get(url).status_code == 302  # to the login page
    for who, status in (("holder", 200), ("hr", 200), ("peer", 404), ("hr_other", 404)):
        client.force_login(people[who].user)
        response = client.get(url)
        assert response.status_code == status, who
        if status == 200:
            assert b"".join(response.streaming_content) == SCAN
    client.force_login(people["holder"].user)
    mine = client.get("/certificates/mine/").content.decode()
    assert "下载持证登记凭证" in mine and url in mine
