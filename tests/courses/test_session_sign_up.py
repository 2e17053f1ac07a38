"""A finished session offers no 报名 button and the server refuses a sign-up for it with a Chinese
message (issue 14, defect 10a); an upcoming one can still be signed up for."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from courses import services
from courses.models import Attendance, TrainingSession

pytestmark = pytest.mark.django_db


def _session(unit, *, starts_in: dt.timedelta) -> TrainingSession:
    starts_at = timezone.now() + starts_in
    return TrainingSession.objects.create(
        title="燃气安全大讲堂",
        owner_unit=unit,
        place="甲街道市民中心三楼",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=3),
        capacity=20,
        hours=Decimal("3"),
    )


def test_a_finished_session_shows_no_sign_up_button_and_refuses_one(make_worker, city_tree, client):
    worker = make_worker(unit=city_tree["grid_a"])
    past = _session(city_tree["street_a"], starts_in=-dt.timedelta(days=2))
    client.force_login(worker.user)
    page = client.get(f"/courses/sessions/{past.pk}/").content.decode()
    assert "本场课堂已结束，不能再报名" in page
    assert f"/courses/sessions/{past.pk}/sign-up/" not in page
    response = client.post(f"/courses/sessions/{past.pk}/sign-up/", follow=True)
    assert "本场课堂已结束，不能再报名" in response.content.decode()
    assert not Attendance.objects.filter(session=past).exists()


def test_the_sign_up_closes_when_the_session_ends(make_worker, city_tree):
    worker = make_worker(unit=city_tree["grid_a"])
    session = _session(city_tree["street_a"], starts_in=dt.timedelta(days=1))
    with pytest.raises(services.CheckInRefused, match="已结束"):
        services.session_sign_up(worker=worker, session=session, now=session.ends_at)
    started = services.session_sign_up(worker=worker, session=session, now=session.starts_at + dt.timedelta(hours=1))
    assert started.signed_up_at is not None  # a session under way still takes late sign-ups


def test_an_upcoming_session_can_be_signed_up_for(make_worker, city_tree, client):
    worker = make_worker(unit=city_tree["grid_a"])
    upcoming = _session(city_tree["street_a"], starts_in=dt.timedelta(days=3))
    client.force_login(worker.user)
    page = client.get(f"/courses/sessions/{upcoming.pk}/").content.decode()
    assert f"/courses/sessions/{upcoming.pk}/sign-up/" in page and "已结束" not in page
    response = client.post(f"/courses/sessions/{upcoming.pk}/sign-up/", follow=True)
    assert "报名成功" in response.content.decode()
    assert Attendance.objects.filter(session=upcoming, worker=worker, signed_up_at__isnull=False).exists()
