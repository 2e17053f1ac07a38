"""Workers read indicator names, not codes, on course pages and in 我的课程; trainers tick indicators
and audience roles by name in the course editor, which stores the same ";"-separated codes
(issue 14, defect 9)."""

import pytest
from wagtail.test.utils.form_data import querydict_from_html

from assessments.models import CompetencyModel
from courses import selectors
from courses.models import CoursePage, EnrolmentMode, Tier
from lms import roles
from tests.courses.helpers import make_course

pytestmark = pytest.mark.django_db


def test_the_course_page_names_its_indicators(make_worker, city_tree, client):
    worker = make_worker(unit=city_tree["grid_a"])
    course = make_course("矛盾调解实务", indicator_codes="2.3;3.2")
    client.force_login(worker.user)
    page = client.get(course.url).content.decode()
    assert "2.3 矛盾调解能力、3.2 应急处置规范性" in page
    assert "2.3;3.2" not in page


def test_without_a_competency_model_the_codes_are_shown(make_worker, city_tree, client):
    CompetencyModel.objects.update(is_active=False)
    worker = make_worker(unit=city_tree["grid_a"])
    course = make_course("矛盾调解实务", indicator_codes="2.3;3.2")
    client.force_login(worker.user)
    response = client.get(course.url)
    assert response.status_code == 200 and "2.3、3.2" in response.content.decode()
    assert selectors.indicator_labels(["2.3"]) == ["2.3"]


def test_recommended_courses_in_my_courses_show_names(make_worker, city_tree, client):
    worker = make_worker(unit=city_tree["grid_a"])
    make_course("燃气专题", tier=Tier.THEMATIC, enrolment_mode=EnrolmentMode.SELF, indicator_codes="1.1;3.2")
    client.force_login(worker.user)
    page = client.get("/courses/my/").content.decode()
    assert "燃气专题" in page and "能力指标 1.1 政策学习主动性、3.2 应急处置规范性" in page
    assert "1.1;3.2" not in page


@pytest.fixture
def editing(make_worker, city_tree, client):
    trainer = make_worker(unit=city_tree["city"], role_codes=(roles.TRAINER,))
    course = make_course("矛盾调解实务", owner=city_tree["city"], indicator_codes="2.3", audience_roles="trainee")
    client.force_login(trainer.user)
    response = client.get(f"/admin/pages/{course.pk}/edit/")
    assert response.status_code == 200
    return course, response.content.decode()


def test_the_editor_offers_checkboxes_by_name(editing):
    course, page = editing
    assert 'type="checkbox" name="indicator_codes" value="2.3"' in page
    assert "2.3 矛盾调解能力" in page and "沟通协调能力" in page  # grouped under the primary indicator
    assert 'type="checkbox" name="audience_roles" value="mentor"' in page and "导师" in page
    data = querydict_from_html(page, form_id="page-edit-form")
    assert data.getlist("indicator_codes") == ["2.3"] and data.getlist("audience_roles") == ["trainee"]


def _save(client, course, page, **lists):
    data = querydict_from_html(page, form_id="page-edit-form").copy()
    for name, values in lists.items():
        data.setlist(name, values)
    data["action-publish"] = "action-publish"
    # a dict of lists: the test client posts only the last value of each key of a QueryDict
    return client.post(f"/admin/pages/{course.pk}/edit/", {key: data.getlist(key) for key in data})


def test_ticked_choices_are_stored_as_before(editing, client):
    course, page = editing
    response = _save(client, course, page, indicator_codes=["2.3", "3.2"], audience_roles=["trainee", "mentor"])
    assert response.status_code == 302, response.content.decode()[:2000]
    course = CoursePage.objects.get(pk=course.pk)
    assert course.indicator_codes == "2.3;3.2" and course.audience_roles == "trainee;mentor"
    assert course.indicators == ["2.3", "3.2"] and course.audience_role_codes == {"trainee", "mentor"}


def test_unknown_choices_are_refused(editing, client):
    course, page = editing
    response = _save(client, course, page, indicator_codes=["9.9"], audience_roles=["boss"])
    assert response.status_code == 200
    assert CoursePage.objects.get(pk=course.pk).indicator_codes == "2.3"


def test_a_new_course_offers_the_same_choosers(make_worker, city_tree, client):
    from courses.services import course_index_ensure

    trainer = make_worker(unit=city_tree["city"], role_codes=(roles.TRAINER,))
    index = course_index_ensure()
    client.force_login(trainer.user)
    page = client.get(f"/admin/pages/add/courses/coursepage/{index.pk}/").content.decode()
    assert 'type="checkbox" name="indicator_codes" value="5.2"' in page and "5.2 情绪管理能力" in page
    assert 'type="checkbox" name="audience_roles" value="trainee"' in page
