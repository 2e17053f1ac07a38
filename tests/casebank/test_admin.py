"""Authoring in the Wagtail admin: a trainer edits drills and cases under the libraries; a broken
drill graph is refused with a Chinese message naming the step; the review workflow is in place."""

import json

import pytest
from wagtail.models import Workflow
from wagtail.test.utils.form_data import querydict_from_html

from casebank.models import CaseIndexPage, DrillIndexPage, DrillPage
from lms import roles
from tests.casebank.helpers import branching_steps, make_drill

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer(city_tree, make_worker):
    return make_worker(unit=city_tree["city"], role_codes=(roles.TRAINER,))


def stream_data(steps):
    """StreamField form data as Wagtail's admin (telepath) posts it."""
    data = {"steps-count": str(len(steps))}
    for i, step in enumerate(steps):
        p = f"steps-{i}"
        data.update({f"{p}-type": "step", f"{p}-deleted": "", f"{p}-order": str(i), f"{p}-id": ""})
        for name in ("key", "situation", "response_prompt", "rubric", "next_key"):
            data[f"{p}-value-{name}"] = step.get(name) or ""
        data[f"{p}-value-max_points"] = str(step.get("max_points") or "")
        choices = step.get("choices") or []
        data[f"{p}-value-choices-count"] = str(len(choices))
        for j, choice in enumerate(choices):
            c = f"{p}-value-choices-{j}"
            data.update({f"{c}-deleted": "", f"{c}-order": str(j), f"{c}-id": ""})
            for name in ("label", "next_key", "feedback"):
                data[f"{c}-value-{name}"] = choice.get(name) or ""
            data[f"{c}-value-points"] = str(choice.get("points") or 0)
    return data


def edit_form(client, page, steps):
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form").copy()
    for key, value in stream_data(steps).items():
        data[key] = value
    return data


def test_publishing_a_drill_with_a_dead_end_is_blocked(client, trainer):
    drill = make_drill()
    client.force_login(trainer.user)
    steps = branching_steps()
    steps[0]["choices"][0]["next_key"] = "S9"
    data = edit_form(client, drill, steps)
    data["action-publish"] = "action-publish"
    response = client.post(f"/admin/pages/{drill.pk}/edit/", data)
    assert response.status_code == 200  # the form comes back with the error
    content = response.content.decode()
    # the StreamField shows the message under the field (its data is JSON inside the page)
    assert json.dumps("步骤“S1”指向不存在的步骤“S9”（死胡同）")[1:-1] in content
    drill.refresh_from_db()
    assert all(c["next_key"] != "S9" for s in drill.steps for c in s.value["choices"])


def test_a_valid_edit_publishes(client, trainer):
    drill = make_drill()
    client.force_login(trainer.user)
    data = edit_form(client, drill, branching_steps())
    data["title"] = "楼道堆物演练（修订）"
    data["action-publish"] = "action-publish"
    response = client.post(f"/admin/pages/{drill.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert DrillPage.objects.get(pk=drill.pk).title == "楼道堆物演练（修订）"


def test_trainers_have_page_permissions_and_a_review_workflow(client, trainer, city_tree, make_worker):
    client.force_login(trainer.user)
    cases = CaseIndexPage.objects.get()
    drills = DrillIndexPage.objects.get()
    assert client.get(f"/admin/pages/add/casebank/casepage/{cases.pk}/").status_code == 200
    assert client.get(f"/admin/pages/add/casebank/drillpage/{drills.pk}/").status_code == 200
    workflow = Workflow.objects.get(name="案例与演练审核")
    assert cases.get_workflow() == workflow and drills.get_workflow() == workflow
    trainee = make_worker(unit=city_tree["grid_a"])
    client.force_login(trainee.user)
    assert client.get(f"/admin/pages/add/casebank/casepage/{cases.pk}/").status_code in (302, 403)
