import datetime as dt

import pytest
from django.utils import timezone

from assessments.mentorship import services
from assessments.mentorship.selectors import add_months
from lms import roles


@pytest.fixture
def people(city_tree, make_worker):
    """Street A: a trainer, HR, a manager, two mentors, three trainees (one without the mentor role
    acting as a would-be mentor); street B: a trainer and a mentor."""
    mentor_roles = {roles.TRAINEE, roles.MENTOR}
    return {
        "trainer_a": make_worker(unit=city_tree["street_a"], role_codes={roles.TRAINER}),
        "hr_a": make_worker(unit=city_tree["street_a"], role_codes={roles.HR}),
        "manager_a": make_worker(unit=city_tree["street_a"], role_codes={roles.MANAGER}),
        "trainer_b": make_worker(unit=city_tree["street_b"], role_codes={roles.TRAINER}),
        "mentor": make_worker(unit=city_tree["grid_a"], role_codes=mentor_roles),
        "mentor2": make_worker(unit=city_tree["grid_a2"], role_codes=mentor_roles),
        "mentor_b": make_worker(unit=city_tree["grid_b"], role_codes=mentor_roles),
        "mentee": make_worker(unit=city_tree["grid_a"]),
        "mentee2": make_worker(unit=city_tree["grid_a2"]),
        "mentee3": make_worker(unit=city_tree["grid_a"]),
        "plain": make_worker(unit=city_tree["grid_a"]),
    }


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def make_term(people):
    """A term opened by street A's trainer; by default started 40 days ago and planned for 4 months."""

    def make(mentor, mentee, start=None, planned_end=None, actor=None):
        start = start or timezone.localdate() - dt.timedelta(days=40)
        planned_end = planned_end or add_months(start, 4)
        return services.term_create(
            actor=(actor or people["trainer_a"]).user,
            mentor=mentor,
            mentee=mentee,
            start=start,
            planned_end=planned_end,
        )

    return make
