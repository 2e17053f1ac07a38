import datetime as dt

import pytest
from django.utils import timezone

from courses import services
from courses.models import Enrolment, EnrolmentMode, Tier
from lms import roles
from lms.importing import Row
from lms.services import workers_import
from tests.courses.helpers import make_course
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db


def test_trainer_assigns_to_units_and_roles_within_scope(make_worker, city_tree):
    trainer = make_worker(unit=city_tree["street_a"], role_codes=(roles.TRAINER,))
    in_a = make_worker(unit=city_tree["grid_a"])
    in_a2 = make_worker(unit=city_tree["grid_a2"])
    mentor_a = make_worker(unit=city_tree["grid_a"], role_codes=(roles.MENTOR,))
    in_b = make_worker(unit=city_tree["grid_b"])
    course = make_course(owner=city_tree["street_a"])
    due = timezone.localdate() + dt.timedelta(days=20)
    created = services.course_assign(
        actor=trainer.user, course=course, org_units=[city_tree["street_a"]], role_codes=[roles.TRAINEE], due_on=due
    )
    enrolled = set(Enrolment.objects.values_list("worker_id", flat=True))
    assert created == 2 and enrolled == {in_a.pk, in_a2.pk}
    assert mentor_a.pk not in enrolled and in_b.pk not in enrolled
    assert set(Enrolment.objects.values_list("due_on", flat=True)) == {due}
    # a second assignment adds nobody twice
    assert (
        services.course_assign(
            actor=trainer.user, course=course, org_units=[city_tree["street_a"]], role_codes=[roles.TRAINEE]
        )
        == 0
    )
    # a worker of another street cannot be assigned by this trainer
    with pytest.raises(services.CourseRefused):
        services.course_assign(actor=trainer.user, course=course, workers=[in_b])


def test_trainer_cannot_assign_a_course_of_another_subtree(make_worker, city_tree):
    trainer = make_worker(unit=city_tree["street_a"], role_codes=(roles.TRAINER,))
    course = make_course(owner=city_tree["street_b"])
    with pytest.raises(services.CourseRefused):
        services.course_assign(actor=trainer.user, course=course, org_units=[city_tree["street_a"]])


def test_self_enrolment_respects_mode_audience_capacity_and_prerequisites(make_worker, city_tree):
    a1, a2, a3 = (make_worker(unit=city_tree["grid_a"]) for _ in range(3))
    outsider = make_worker(unit=city_tree["grid_b"])
    assigned_only = make_course("指派课程")
    with pytest.raises(services.CourseRefused, match="指派"):
        services.enrolment_self_create(worker=a1, course=assigned_only)
    thematic = make_course("燃气专题", tier=Tier.THEMATIC, enrolment_mode=EnrolmentMode.SELF, capacity=2)
    thematic.audience_units.add(city_tree["street_a"])
    thematic.save()
    with pytest.raises(services.CourseRefused, match="不面向"):
        services.enrolment_self_create(worker=outsider, course=thematic)
    services.enrolment_self_create(worker=a1, course=thematic)
    services.enrolment_self_create(worker=a1, course=thematic)  # twice: still one
    services.enrolment_self_create(worker=a2, course=thematic)
    with pytest.raises(services.CourseRefused, match="已满"):
        services.enrolment_self_create(worker=a3, course=thematic)
    assert Enrolment.objects.filter(course=thematic).count() == 2

    advanced = make_course("进阶", tier=Tier.THEMATIC, enrolment_mode=EnrolmentMode.SELF)
    advanced.prerequisites.add(thematic)
    advanced.save()
    with pytest.raises(services.CourseRefused, match="先修"):
        services.enrolment_self_create(worker=a1, course=advanced)
    Enrolment.objects.filter(worker=a1, course=thematic).update(completed_on=timezone.localdate())
    assert services.enrolment_self_create(worker=a1, course=advanced).source == "self"


def test_role_audience(make_worker, city_tree):
    mentor = make_worker(unit=city_tree["grid_a"], role_codes=(roles.MENTOR,))
    trainee = make_worker(unit=city_tree["grid_a"])
    course = make_course("导师专题", tier=Tier.THEMATIC, enrolment_mode=EnrolmentMode.SELF, audience_roles="mentor")
    services.enrolment_self_create(worker=mentor, course=course)
    with pytest.raises(services.CourseRefused):
        services.enrolment_self_create(worker=trainee, course=course)


def _row(n, no, hired):
    return Row(
        n,
        {
            "工号": no,
            "姓名": "新员工",
            "身份证号": make_id_number(700 + n),
            "手机号": f"1390000{n:04d}",
            "所属网格": "测试市/甲区/甲街道/一社区/一网格",
            "入职日期": hired.isoformat(),
            "角色": "网格员",
        },
    )


def test_import_of_a_recent_hire_enrols_in_onboarding(city_tree):
    onboarding = make_course("入职培训", tier=Tier.ONBOARDING)
    today = timezone.localdate()
    workers_import(
        rows=[_row(1, "N0001", today - dt.timedelta(days=3)), _row(2, "N0002", today - dt.timedelta(days=400))]
    )
    enrolments = list(Enrolment.objects.filter(course=onboarding).select_related("worker"))
    assert [e.worker.employee_no for e in enrolments] == ["N0001"]
    assert enrolments[0].source == "onboarding" and enrolments[0].required
    hired = today - dt.timedelta(days=3)
    assert enrolments[0].due_on > hired and (enrolments[0].due_on - hired).days in (28, 29, 30, 31)
    # re-importing changes nothing
    workers_import(rows=[_row(1, "N0001", hired)])
    assert Enrolment.objects.filter(course=onboarding).count() == 1
