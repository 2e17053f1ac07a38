"""Home pages per role, the landing page, the admin, the API schema and the demo data."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from lms import roles
from lms.models import OrgUnit, Worker


def test_landing_page_is_chinese(client, db):
    body = client.get("/").content.decode()
    assert 'lang="zh-Hans"' in body and "网格学院" in body and 'name="viewport"' in body


@pytest.mark.parametrize(
    "role,target,heading",
    [
        (roles.TRAINEE, "trainee_home", "我的学习"),
        (roles.MANAGER, "manager_home", "辖区概览"),
        (roles.HR, "hr_home", "人事工作台"),
    ],
)
def test_home_redirects_each_role_to_its_page(client, city_tree, make_worker, role, target, heading):
    worker = make_worker(unit=city_tree["street_a"], role_codes={role})
    client.force_login(worker.user)
    response = client.get("/", follow=True)
    assert response.request["PATH_INFO"] == reverse(target)
    assert f"<h1>{heading}" in response.content.decode()


def test_manager_overview_counts_own_subtree_only(client, city_tree, make_worker):
    manager = make_worker(unit=city_tree["street_a"], role_codes={roles.MANAGER})
    make_worker(unit=city_tree["grid_a"], role_codes={roles.TRAINEE, roles.MENTOR})
    make_worker(unit=city_tree["grid_a2"])
    make_worker(unit=city_tree["grid_b"])
    client.force_login(manager.user)
    overview = client.get(reverse("manager_home")).context["overview"]
    assert overview["total"] == 3  # the manager and two trainees of street A
    assert overview["grids"] == 2
    # A worker with two roles is still one person in every column; the manager sits at the
    # street itself, above the rows.
    assert sum(row["total"] for row in overview["rows"]) == 2
    assert sum(row["trainees"] for row in overview["rows"]) == 2


def test_trainer_enters_wagtail_admin_but_trainee_does_not(client, city_tree, make_worker):
    trainer = make_worker(unit=city_tree["street_a"], role_codes={roles.TRAINER})
    trainee = make_worker(unit=city_tree["grid_a"])
    client.force_login(trainer.user)
    assert client.get("/admin/").status_code == 200
    client.force_login(trainee.user)
    assert client.get("/admin/").status_code == 302


def test_api_me_and_openapi(client, city_tree, make_worker):
    worker = make_worker(unit=city_tree["grid_a"])
    assert client.get("/api/v1/me").status_code == 401
    client.force_login(worker.user)
    data = client.get("/api/v1/me").json()
    assert data["employee_no"] == worker.employee_no and data["roles"] == ["trainee"]
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "网格学院 API"


@pytest.mark.django_db
def test_load_demo_builds_the_city_once_and_accounts_log_in(client):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert OrgUnit.objects.filter(level=1).count() == 1
    assert OrgUnit.objects.filter(level=2).count() == 2
    assert OrgUnit.objects.filter(level=3).count() == 4
    assert OrgUnit.objects.filter(level=4).count() == 8
    assert OrgUnit.objects.filter(level=5).count() == 40
    trainees = Worker.objects.filter(user__groups__name="网格员")
    assert trainees.count() == 200
    for code in (roles.MENTOR, roles.TRAINER, roles.JUDGE, roles.HR, roles.MANAGER):
        assert Worker.objects.filter(user__groups__name=roles.LABEL_BY_CODE[code]).exists()
    text = out.getvalue()
    assert "Wangge@2026" in text and "rs001" in text
    count = Worker.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert Worker.objects.count() == count
    from lms.validators import id_number_problem

    assert all(id_number_problem(n) is None for n in Worker.objects.values_list("id_number", flat=True))
    assert client.post("/login/", {"username": "rs001", "password": "Wangge@2026"}).status_code == 302


def test_navigation_tabs_follow_roles_and_mark_the_current_page(client, city_tree, make_worker):
    trainee = make_worker(unit=city_tree["grid_a"])
    client.force_login(trainee.user)
    tabs = client.get(reverse("trainee_home")).context["nav_tabs"]
    labels = [t["label"] for t in tabs]
    assert labels == ["我的学习", "课程", "案例库", "测验", "证书", "技能比武"]
    assert [t["label"] for t in tabs if t["active"]] == ["我的学习"]
    judge = make_worker(unit=city_tree["city"], role_codes={roles.JUDGE})
    client.force_login(judge.user)
    tabs = client.get("/drills/review/").context["nav_tabs"]
    assert "阅卷" in [t["label"] for t in tabs] and "人事工作台" not in [t["label"] for t in tabs]
    assert [t["label"] for t in tabs if t["active"]] == ["演练评审"]
