"""Access scoping: subtree roles see their subtree, everyone else only themself; peers get 404."""

import pytest
from django.http import Http404
from django.urls import reverse

from lms import roles
from lms.access import _providers, get_scoped_object_or_404, register_scope_provider, scope_queryset
from lms.models import Worker
from lms.selectors import visible_workers


@pytest.fixture
def people(city_tree, make_worker):
    return {
        "manager_a": make_worker(unit=city_tree["street_a"], role_codes={roles.MANAGER}),
        "hr_a": make_worker(unit=city_tree["street_a"], role_codes={roles.HR}),
        "trainer_a": make_worker(unit=city_tree["street_a"], role_codes={roles.TRAINER}),
        "trainee_a": make_worker(unit=city_tree["grid_a"]),
        "trainee_a2": make_worker(unit=city_tree["grid_a2"]),
        "trainee_b": make_worker(unit=city_tree["grid_b"]),
        "judge": make_worker(unit=city_tree["city"], role_codes={roles.JUDGE}),
        "mentor_a": make_worker(unit=city_tree["grid_a"], role_codes={roles.MENTOR, roles.TRAINEE}),
    }


@pytest.mark.parametrize("role", ["manager_a", "hr_a", "trainer_a"])
def test_subtree_roles_see_only_their_subtree(people, role):
    seen = set(visible_workers(people[role].user).values_list("pk", flat=True))
    assert people["trainee_a"].pk in seen
    assert people["trainee_a2"].pk in seen
    assert people["trainee_b"].pk not in seen
    assert people["judge"].pk not in seen  # the judge sits above street A


@pytest.mark.parametrize("role", ["trainee_a", "judge", "mentor_a"])
def test_other_roles_see_only_themself(people, role):
    assert list(visible_workers(people[role].user)) == [people[role]]


def test_manager_of_street_a_gets_404_for_worker_of_street_b(client, people):
    client.force_login(people["manager_a"].user)
    assert client.get(reverse("worker_detail", args=[people["trainee_b"].employee_no])).status_code == 404
    assert client.get(reverse("worker_detail", args=[people["trainee_a"].employee_no])).status_code == 200


def test_trainee_gets_404_for_another_trainee(client, people):
    client.force_login(people["trainee_a"].user)
    assert client.get(reverse("worker_detail", args=[people["trainee_a2"].employee_no])).status_code == 404
    assert client.get(reverse("worker_detail", args=[people["trainee_a"].employee_no])).status_code == 200


def test_hr_peer_in_another_street_gets_404(client, people, city_tree, make_worker):
    hr_b = make_worker(unit=city_tree["street_b"], role_codes={roles.HR})
    client.force_login(hr_b.user)
    assert client.get(reverse("worker_detail", args=[people["trainee_a"].employee_no])).status_code == 404


def test_worker_list_is_scoped_and_refused_to_trainees(client, people):
    client.force_login(people["hr_a"].user)
    body = client.get(reverse("worker_list")).content.decode()
    assert people["trainee_a"].employee_no in body
    assert people["trainee_b"].employee_no not in body
    client.force_login(people["trainee_a"].user)
    assert client.get(reverse("worker_list")).status_code == 404


def test_role_home_pages_are_refused_to_other_roles(client, people):
    client.force_login(people["trainee_a"].user)
    assert client.get(reverse("hr_home")).status_code == 404
    assert client.get(reverse("manager_home")).status_code == 404
    client.force_login(people["hr_a"].user)
    assert client.get(reverse("hr_home")).status_code == 200
    client.force_login(people["manager_a"].user)
    assert client.get(reverse("manager_home")).status_code == 200


def test_scope_queryset_follows_a_worker_foreign_key(people):
    from lms.models import Notification
    from lms.services import notification_send

    for key in ("trainee_a", "trainee_b"):
        notification_send(recipient=people[key].user, title="t")
    qs = scope_queryset(people["manager_a"].user, Notification.objects.all(), worker_path="recipient__worker")
    assert {n.recipient_id for n in qs} == {people["trainee_a"].user_id}


def test_registered_provider_widens_scope(people):
    from django.db.models import Q

    def mentor_sees_grid_mates(user, prefix):
        if not roles.has_role(user, roles.MENTOR):
            return Q(**{f"{prefix}pk__in": []})
        return Q(**{f"{prefix}pk__in": Worker.objects.filter(org_unit=user.worker.org_unit).values("pk")})

    register_scope_provider(mentor_sees_grid_mates)
    try:
        seen = set(visible_workers(people["mentor_a"].user))
        assert people["trainee_a"] in seen and people["trainee_a2"] not in seen
        with pytest.raises(Http404):
            get_scoped_object_or_404(people["mentor_a"].user, Worker.objects.all(), "", pk=people["trainee_b"].pk)
    finally:
        _providers.remove(mentor_sees_grid_mates)


def test_anonymous_is_sent_to_login(client, people):
    response = client.get(reverse("worker_detail", args=[people["trainee_a"].employee_no]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_within_narrows_to_a_units_subtree_inside_what_the_user_may_see(people, city_tree):
    hr = people["hr_a"].user
    grid_a = set(scope_queryset(hr, Worker.objects.all(), "", within=city_tree["grid_a"]))
    assert grid_a == {people["trainee_a"], people["mentor_a"]}
    # A unit outside the user's subtree yields nobody, not that unit's workers.
    assert not scope_queryset(hr, Worker.objects.all(), "", within=city_tree["grid_b"]).exists()


def test_everyone_is_explicit_and_none_sees_nothing(people):
    from lms.access import EVERYONE, org_scope_q, scope_label, scope_roots, viewer_required
    from lms.models import OrgUnit

    assert scope_queryset(EVERYONE, Worker.objects.all(), "").count() == Worker.objects.count()
    assert OrgUnit.objects.filter(org_scope_q(EVERYONE)).count() == OrgUnit.objects.count()
    assert not scope_queryset(None, Worker.objects.all(), "").exists()
    assert not OrgUnit.objects.filter(org_scope_q(None)).exists()
    assert [u.name for u in scope_roots(EVERYONE)] == ["测试市"] and scope_label(EVERYONE) == "全部"
    assert scope_label(people["hr_a"].user) == "测试市/甲区/甲街道"
    assert scope_roots(people["trainee_a"].user) == []
    with pytest.raises(TypeError):
        viewer_required(None)


def test_manager_overview_counts_only_the_managers_units(client, people, city_tree, make_worker):
    from lms.selectors import org_overview

    overview = org_overview(people["manager_a"].user)
    assert overview["root"] == city_tree["street_a"]
    assert [row["unit"].name for row in overview["rows"]] == ["一社区"]
    assert overview["total"] == 6 and overview["grids"] == 2  # street A's staff and grid workers, not B's
    manager_b = make_worker(unit=city_tree["street_b"], role_codes={roles.MANAGER})
    overview_b = org_overview(manager_b.user)
    assert overview_b["total"] == 2 and overview_b["grids"] == 1
    client.force_login(manager_b.user)
    page = client.get(reverse("manager_home")).content.decode()
    assert "乙街道" in page and "一社区" not in page


def test_pii_is_unmasked_only_for_hr_of_the_workers_subtree(people, city_tree, make_worker):
    from lms.pii import may_view_unmasked

    hr_b = make_worker(unit=city_tree["street_b"], role_codes={roles.HR})
    assert may_view_unmasked(people["hr_a"].user, people["trainee_a"])
    assert not may_view_unmasked(hr_b.user, people["trainee_a"])
    assert not may_view_unmasked(people["manager_a"].user, people["trainee_a"])  # sees, but masked
    assert may_view_unmasked(people["trainee_a"].user, people["trainee_a"])
