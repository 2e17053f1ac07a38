"""身份证号 and 手机号 are masked except to HR and the person; unmasked views write AuditLog rows."""

import pytest
from django.urls import reverse

from lms import roles
from lms.models import AuditLog
from lms.pii import mask_id_number, mask_name, mask_phone


def test_mask_formats():
    assert mask_id_number("110101199001011234") == "1101**********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("张三丰") == "张*丰"
    assert mask_name("李四") == "李*"
    assert mask_id_number("") == ""


@pytest.fixture
def trio(city_tree, make_worker):
    return (
        make_worker(unit=city_tree["grid_a"]),
        make_worker(unit=city_tree["street_a"], role_codes={roles.HR}),
        make_worker(unit=city_tree["street_a"], role_codes={roles.MANAGER}),
    )


def test_lists_show_masked_numbers_only(client, trio):
    trainee, hr, manager = trio
    for viewer in (hr, manager):
        client.force_login(viewer.user)
        body = client.get(reverse("worker_list")).content.decode()
        assert trainee.id_number not in body and trainee.phone not in body
        assert mask_id_number(trainee.id_number) in body


def test_hr_reveal_shows_full_numbers_and_writes_audit_row(client, trio):
    trainee, hr, _ = trio
    client.force_login(hr.user)
    url = reverse("worker_detail", args=[trainee.employee_no])
    assert trainee.id_number not in client.get(url).content.decode()
    assert AuditLog.objects.count() == 0
    body = client.post(url, {"reveal": "1"}).content.decode()
    assert trainee.id_number in body and trainee.phone in body
    entry = AuditLog.objects.get()
    assert entry.actor == hr.user
    assert entry.action == AuditLog.Action.VIEW_PII
    assert entry.target_id == trainee.employee_no


def test_worker_may_reveal_own_numbers_with_audit(client, trio):
    trainee, _, _ = trio
    client.force_login(trainee.user)
    body = client.post(reverse("worker_detail", args=[trainee.employee_no]), {"reveal": "1"}).content.decode()
    assert trainee.id_number in body
    assert AuditLog.objects.filter(actor=trainee.user, action=AuditLog.Action.VIEW_PII).count() == 1


def test_manager_cannot_reveal(client, trio):
    trainee, _, manager = trio
    client.force_login(manager.user)
    url = reverse("worker_detail", args=[trainee.employee_no])
    assert "查看完整信息" not in client.get(url).content.decode()
    response = client.post(url, {"reveal": "1"})
    assert response.status_code == 404
    assert trainee.id_number not in response.content.decode()
    assert AuditLog.objects.count() == 0
