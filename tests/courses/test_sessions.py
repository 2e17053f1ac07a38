import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from courses import services
from courses.models import Attendance, HoursEntry, TrainingSession
from lms import roles

pytestmark = pytest.mark.django_db

START = timezone.make_aware(dt.datetime(2026, 6, 10, 9, 0))


@pytest.fixture
def session(city_tree):
    return TrainingSession.objects.create(
        title="燃气安全大讲堂",
        owner_unit=city_tree["street_a"],
        place="甲街道市民中心三楼",
        starts_at=START,
        ends_at=START + dt.timedelta(hours=3),
        capacity=2,
        hours=Decimal("3"),
    )


def code(session, phase, at):
    return services.qr_token(session.pk, phase, services.qr_window(at))


def test_check_in_and_out_credit_the_hours_once(session, make_worker, city_tree):
    worker = make_worker(unit=city_tree["grid_a"])
    at = START + dt.timedelta(minutes=5)
    services.session_check(worker=worker, session=session, phase="in", token=code(session, "in", at), now=at)
    assert not HoursEntry.objects.exists()  # credited only when both are recorded
    out = START + dt.timedelta(hours=3)
    services.session_check(worker=worker, session=session, phase="out", token=code(session, "out", out), now=out)
    entry = HoursEntry.objects.get(worker=worker)
    assert (entry.source, entry.hours, entry.earned_on) == ("session", Decimal("3.00"), dt.date(2026, 6, 10))
    with pytest.raises(services.CheckInRefused, match="已于"):
        services.session_check(worker=worker, session=session, phase="out", token=code(session, "out", out), now=out)
    with pytest.raises(services.CheckInRefused, match="无需重复签到"):
        services.session_check(worker=worker, session=session, phase="in", token=code(session, "in", out), now=out)
    assert HoursEntry.objects.count() == 1


def test_code_of_the_previous_window_works_older_does_not(session, make_worker, city_tree):
    worker = make_worker(unit=city_tree["grid_a"])
    shown = START + dt.timedelta(minutes=1)
    token = code(session, "in", shown)
    with pytest.raises(services.CheckInRefused, match="过期"):
        services.session_check(
            worker=worker, session=session, phase="in", token=token, now=shown + dt.timedelta(seconds=61)
        )
    assert not Attendance.objects.exists()
    services.session_check(
        worker=worker, session=session, phase="in", token=token, now=shown + dt.timedelta(seconds=30)
    )
    assert Attendance.objects.get(worker=worker).checked_in_at is not None


def test_foreign_or_wrong_phase_code_is_refused(session, make_worker, city_tree):
    other = TrainingSession.objects.create(
        title="其他课堂",
        owner_unit=city_tree["street_b"],
        place="乙街道",
        starts_at=START,
        ends_at=START + dt.timedelta(hours=2),
        capacity=5,
    )
    worker = make_worker(unit=city_tree["grid_a"])
    at = START + dt.timedelta(minutes=2)
    with pytest.raises(services.CheckInRefused, match="不属于本场"):
        services.session_check(worker=worker, session=session, phase="in", token=code(other, "in", at), now=at)
    with pytest.raises(services.CheckInRefused):
        services.session_check(worker=worker, session=session, phase="in", token=code(session, "out", at), now=at)
    with pytest.raises(services.CheckInRefused, match="尚未签到"):
        services.session_check(worker=worker, session=session, phase="out", token=code(session, "out", at), now=at)
    assert not Attendance.objects.exists() and not HoursEntry.objects.exists()


def test_full_session_refuses_walk_ins_but_not_signed_up(session, make_worker, city_tree):
    a, b, c = (make_worker(unit=city_tree["grid_a"]) for _ in range(3))
    before = START - dt.timedelta(days=1)
    services.session_sign_up(worker=a, session=session, now=before)
    services.session_sign_up(worker=b, session=session, now=before)
    with pytest.raises(services.CheckInRefused, match="已满"):
        services.session_sign_up(worker=c, session=session, now=before)
    at = START + dt.timedelta(minutes=1)
    with pytest.raises(services.CheckInRefused, match="已满"):
        services.session_check(worker=c, session=session, phase="in", token=code(session, "in", at), now=at)
    services.session_check(worker=a, session=session, phase="in", token=code(session, "in", at), now=at)
    assert Attendance.objects.filter(checked_in_at__isnull=False).count() == 1


def test_outside_the_session_time_is_refused(session, make_worker, city_tree):
    worker = make_worker(unit=city_tree["grid_a"])
    late = START + dt.timedelta(hours=5)
    with pytest.raises(services.CheckInRefused, match="签到时间"):
        services.session_check(worker=worker, session=session, phase="in", token=code(session, "in", late), now=late)


def test_trainer_records_attendance_by_hand_within_scope(session, make_worker, city_tree):
    trainer = make_worker(unit=city_tree["street_a"], role_codes=(roles.TRAINER,))
    other_trainer = make_worker(unit=city_tree["street_b"], role_codes=(roles.TRAINER,))
    worker = make_worker(unit=city_tree["grid_a"])
    kwargs = dict(session=session, worker=worker, checked_in_at=START, checked_out_at=START + dt.timedelta(hours=3))
    with pytest.raises(services.CheckInRefused):
        services.attendance_record(actor=other_trainer.user, **kwargs)
    services.attendance_record(actor=trainer.user, **kwargs)
    services.attendance_record(actor=trainer.user, **kwargs)
    assert HoursEntry.objects.filter(worker=worker, source="session").count() == 1


def test_qr_screen_and_scan_views(session, make_worker, city_tree, client):
    trainer = make_worker(unit=city_tree["street_a"], role_codes=(roles.TRAINER,))
    worker = make_worker(unit=city_tree["grid_a"])
    outsider = make_worker(unit=city_tree["grid_b"])
    client.force_login(trainer.user)
    svg = client.get(f"/courses/sessions/{session.pk}/qr.svg?phase=in")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and svg["Cache-Control"] == "no-store"
    client.force_login(worker.user)
    assert client.get(f"/courses/sessions/{session.pk}/qr.svg").status_code == 404
    response = client.post(f"/courses/sessions/{session.pk}/check/", {"phase": "in", "t": "deadbeef"}, follow=True)
    assert "二维码已过期或不属于本场课堂" in response.content.decode()
    client.force_login(outsider.user)
    assert client.get(f"/courses/sessions/{session.pk}/").status_code == 404
