"""Public verification: statuses as of today, masked holder, 404 for unknown codes, reissue."""

import datetime as dt

import pytest
from django.utils import timezone

from certificates.services import certificate_issue, certificate_reissue, certificate_revoke

D = dt.date


@pytest.fixture
def holder(city_tree, make_worker):
    return make_worker(unit=city_tree["grid_a"], name="欧阳明月")


def test_valid_certificate_api_and_page_show_masked_name(client, holder, media):
    cert = certificate_issue(worker=holder, type_code="COURSE", issued_on=D(2025, 3, 1))
    data = client.get(f"/api/v1/certificates/verify/{cert.verification_code}").json()
    assert data["status"] == "valid"
    assert data["holder"] == "欧**月"
    assert data["type"] == "结业证书" and data["issued_on"] == "2025-03-01" and data["valid_until"] is None
    page = client.get(f"/verify/{cert.verification_code}/").content.decode()
    assert "有效" in page and "欧**月" in page and "欧阳明月" not in page
    assert holder.employee_no not in page and holder.id_number not in page


def test_expired_certificate(client, holder, make_cert):
    cert = make_cert(holder, "ERS", D(2020, 1, 1), valid_until=timezone.localdate() - dt.timedelta(days=1))
    assert client.get(f"/api/v1/certificates/verify/{cert.verification_code}").json()["status"] == "expired"
    assert "已过期" in client.get(f"/verify/{cert.verification_code}/").content.decode()
    cert.valid_until = timezone.localdate()  # inclusive: still valid on its last day
    cert.save()
    assert client.get(f"/api/v1/certificates/verify/{cert.verification_code}").json()["status"] == "valid"


def test_revoked_certificate_keeps_working_and_shows_date(client, holder, make_cert):
    cert = make_cert(holder, "PSY", D(2020, 1, 1))
    certificate_revoke(certificate=cert, reason="材料造假", revoked_on=D(2025, 6, 3))
    data = client.get(f"/api/v1/certificates/verify/{cert.verification_code}").json()
    assert data["status"] == "revoked" and data["revoked_on"] == "2025-06-03"
    page = client.get(f"/verify/{cert.verification_code}/").content.decode()
    assert "已撤销" in page and "2025年6月3日" in page
    assert "材料造假" not in page  # the reason stays internal


def test_unknown_code_is_404(client, db):
    assert client.get("/api/v1/certificates/verify/no-such-code").status_code == 404
    assert client.get("/verify/no-such-code/").status_code == 404


def test_reissue_gives_new_code_old_shows_revoked_without_pointer(client, holder):
    old = certificate_issue(worker=holder, type_code="AWARD", issued_on=D(2025, 1, 5))
    new = certificate_reissue(certificate=old)
    assert new.verification_code != old.verification_code and new.serial_no != old.serial_no
    old.refresh_from_db()
    assert old.revoked_on == timezone.localdate() and old.replaced_by_id == new.pk
    page = client.get(f"/verify/{old.verification_code}/").content.decode()
    assert "已撤销" in page and "已换发新证书" in page
    assert new.verification_code not in page and new.serial_no not in page
    assert client.get(f"/api/v1/certificates/verify/{new.verification_code}").json()["status"] == "valid"


def test_codes_are_long_and_distinct(holder):
    codes = {certificate_issue(worker=holder, type_code="COURSE").verification_code for _ in range(20)}
    assert len(codes) == 20
    assert all(len(code) >= 32 for code in codes)  # 24 random bytes = 192 bits


def test_expiry_reminder_once_per_expiry_date(holder, make_cert):
    from certificates.services import certificate_expiry_reminders_send
    from lms.models import Notification

    today = timezone.localdate()
    soon = make_cert(holder, "ERS", D(2022, 1, 1), valid_until=today + dt.timedelta(days=20))
    make_cert(holder, "PSY", D(2022, 1, 1), valid_until=today + dt.timedelta(days=90))  # not yet
    gone = make_cert(holder, "SW-1", D(2022, 1, 1), valid_until=today + dt.timedelta(days=5))
    certificate_revoke(certificate=gone, reason="注销", revoked_on=today)
    assert certificate_expiry_reminders_send() == 1
    assert certificate_expiry_reminders_send() == 0
    note = Notification.objects.get(recipient=holder.user)
    assert "应急救援员" in note.title and soon.serial_no in note.body
