"""GET /api/v1/competency/profile (docs/api.md) and assessments.profiles.visible_worker: who sees
whose profile, the response shape, a bad period, and new evidence showing at once. The staff
recompute page: who may open it, a bad period, the result message.

Figures are computed by hand in comments; the same figures hold on PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from assessments.models import CompetencyStale
from assessments.profiles import visible_worker
from assessments.services import evidence_record
from lms import roles

pytestmark = pytest.mark.django_db

URL = "/api/v1/competency/profile"
THIS_YEAR = timezone.localdate().year
_refs = iter(range(1, 10**6))


@pytest.fixture
def trainee(city_tree, make_worker):
    return make_worker(unit=city_tree["grid_a"], employee_no="G0001")


def record(worker, source, code, score, day):
    evidence_record(
        worker=worker,
        source=source,
        indicator_code=code,
        score=Decimal(str(score)),
        occurred_on=day,
        reference=("tests.evidence", next(_refs)),
    )


def test_own_profile_shape_and_new_evidence_shows_at_once(client, trainee):
    day = dt.date(THIS_YEAR, 1, 15)
    record(trainee, "测试", "3.2", 80, day)
    record(trainee, "演练", "3.2", 90, day)
    client.force_login(trainee.user)
    data = client.get(URL).json()
    assert data["worker"] == "G0001" and data["period"] == str(THIS_YEAR)
    assert [p["code"] for p in data["primaries"]] == ["1", "2", "3", "4", "5"]
    assert len(data["indicators"]) == 18 and data["indicators"][0]["code"] == "1.1"
    line = next(i for i in data["indicators"] if i["code"] == "3.2")
    # 测试 40 %, 演练 60 %: 0.4·80 + 0.6·90 = 32 + 54 = 86.00 → 良好
    assert line == {"code": "3.2", "name": "应急处置规范性", "score": "86.00", "level": "良好", "evidence_count": 2}
    assert data["overall"] == {"score": "86.00", "level": "良好"}
    assert data["primaries"][0] == {"code": "1", "name": "政策理解能力", "score": None, "level": None}
    assert not CompetencyStale.objects.filter(worker=trainee, period=str(THIS_YEAR)).exists()

    record(trainee, "测试", "3.2", 100, day + dt.timedelta(days=1))
    # 测试 decay: 0.65·100 + 0.35·80 = 65 + 28 = 93; 0.4·93 + 0.6·90 = 37.2 + 54 = 91.20 → 优秀
    data = client.get(URL, {"period": str(THIS_YEAR)}).json()
    assert data["overall"] == {"score": "91.20", "level": "优秀"}
    quarter = client.get(URL, {"period": f"{THIS_YEAR}-Q1"}).json()
    assert quarter["period"] == f"{THIS_YEAR}-Q1" and quarter["overall"]["score"] == "91.20"


@pytest.mark.parametrize("bad", ["2026-Q5", "20266", "1999", "今年"])
def test_bad_period_is_400_in_chinese(client, trainee, bad):
    client.force_login(trainee.user)
    response = client.get(URL, {"period": bad})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "period" in body["detail"] and "期间" in body["detail"]


def test_nul_in_a_parameter_is_422(client, trainee):
    client.force_login(trainee.user)
    response = client.get(URL, {"worker": "G\x00"})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


def test_anonymous_is_401(client):
    assert client.get(URL).status_code == 401


def test_scoping(client, city_tree, make_worker, trainee):
    record(trainee, "测试", "3.2", 70, dt.date(THIS_YEAR, 2, 1))
    peer = make_worker(unit=city_tree["grid_a"])
    manager_a = make_worker(unit=city_tree["street_a"], role_codes={roles.MANAGER})
    trainer_a = make_worker(unit=city_tree["street_a"], role_codes={roles.TRAINER})
    hr_b = make_worker(unit=city_tree["street_b"], role_codes={roles.HR})
    superuser = get_user_model().objects.create_superuser("root", password="Root@12345")

    def status(user, employee_no="G0001"):
        client.force_login(user)
        return client.get(URL, {"worker": employee_no}).status_code

    assert status(trainee.user) == 200  # oneself by 工号
    assert status(peer.user) == 404  # a peer worker
    assert status(manager_a.user) == 200 and status(trainer_a.user) == 200  # staff of the subtree
    assert status(hr_b.user) == 404  # staff of another subtree
    assert status(superuser) == 200
    assert status(manager_a.user, "NOPE") == 404
    body = client.get(URL, {"worker": "NOPE"}).json()
    assert body == {"detail": "未找到该人员或无权查看", "code": "not_found"}
    client.force_login(manager_a.user)
    assert client.get(URL, {"worker": "G0001"}).json()["overall"]["score"] == "70.00"

    assert visible_worker(trainee.user, None) == trainee
    assert visible_worker(peer.user, "G0001") is None
    assert visible_worker(manager_a.user, "G0001") == trainee
    assert visible_worker(hr_b.user, "G0001") is None
    assert visible_worker(superuser, "G0001") == trainee
    assert visible_worker(superuser, None) is None  # no worker profile of its own


def test_a_login_without_worker_gets_404_for_oneself(client):
    superuser = get_user_model().objects.create_superuser("root", password="Root@12345")
    client.force_login(superuser)
    assert client.get(URL).status_code == 404


# --- the staff recompute page ---------------------------------------------------------------------

PAGE = "/competency/recompute/"


def test_recompute_page_for_trainer_hr_and_superuser_only(client, city_tree, make_worker, trainee):
    trainer = make_worker(unit=city_tree["city"], role_codes={roles.TRAINER})
    hr = make_worker(unit=city_tree["street_b"], role_codes={roles.HR})
    manager = make_worker(unit=city_tree["city"], role_codes={roles.MANAGER})
    superuser = get_user_model().objects.create_superuser("root", password="Root@12345")
    for user, expected in ((trainer.user, 200), (hr.user, 200), (superuser, 200), (trainee.user, 404)):
        client.force_login(user)
        assert client.get(PAGE).status_code == expected
    client.force_login(manager.user)
    assert client.post(PAGE, {"period": "2026"}).status_code == 404
    client.force_login(hr.user)
    home = client.get("/hr/")
    assert PAGE in home.content.decode()
    client.force_login(trainer.user)
    assert PAGE in client.get("/me/").content.decode()


def test_recompute_page_validates_and_reports(client, city_tree, make_worker, trainee):
    trainer = make_worker(unit=city_tree["city"], role_codes={roles.TRAINER})
    record(trainee, "测试", "3.2", 70, dt.date(2026, 5, 1))
    client.force_login(trainer.user)
    response = client.post(PAGE, {"period": "2026-Q7"})
    assert response.status_code == 200 and "格式不对" in response.content.decode()
    response = client.post(PAGE, {"period": "2026-Q2"}, follow=True)
    # one worker with 3.2 only: indicator, primary and overall = 3 rows
    assert "已重新计算2026年第2季度的能力得分：写入 3 条得分" in response.content.decode()
