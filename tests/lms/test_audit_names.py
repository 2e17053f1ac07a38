"""The audit log names its targets in Chinese wherever it is listed (HR home, django-admin), and every
target type the code writes has a Chinese name."""

import ast
from pathlib import Path

import pytest

from lms import roles
from lms.models import AUDIT_TARGET_NAMES, AuditLog
from lms.services import audit_log_record

ROOT = Path(__file__).resolve().parents[2]


def _written_target_types() -> set[str]:
    found = set()
    for app in ("lms", "courses", "casebank", "assessments", "certificates"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.keyword) and node.arg == "target_type":
                    if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                        found.add(node.value.value)
    return found


def test_every_written_target_type_has_a_chinese_name():
    written = _written_target_types()
    assert {"attendance", "training_compliance", "worker"} <= written
    for code in written:
        label = AuditLog(target_type=code).target_label
        assert any("\u4e00" <= ch <= "\u9fff" for ch in label), code


@pytest.mark.django_db
def test_hr_home_and_admin_show_chinese_target_names(client, city_tree, make_worker, admin_client):
    hr = make_worker(unit=city_tree["city"], role_codes=(roles.HR,))
    for code in ("attendance", "training_compliance"):
        audit_log_record(actor=hr.user, action=AuditLog.Action.EXPORT, target_type=code, target_id="2026")
    client.force_login(hr.user)
    page = client.get("/hr/").content.decode()
    assert AUDIT_TARGET_NAMES["attendance"] in page and AUDIT_TARGET_NAMES["training_compliance"] in page
    assert "training_compliance" not in page
    listing = admin_client.get("/django-admin/lms/auditlog/").content.decode()
    assert AUDIT_TARGET_NAMES["training_compliance"] in listing
    assert ">training_compliance<" not in listing
