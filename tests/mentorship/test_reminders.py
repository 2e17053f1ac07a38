"""docs/rules.md 12, 提醒: the daily mentorship reminders, each rule pinned on the day it starts and
once only (a rerun sends nothing twice)."""

import datetime as dt

from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from assessments.mentorship import services
from assessments.mentorship.models import GuidanceSession, SessionStatus
from lms.models import Notification

D = dt.date


def visit(term, day, status=SessionStatus.CONFIRMED, created_at=None):
    return GuidanceSession.objects.create(
        term=term,
        date=day,
        type="入户走访",
        minutes=30,
        place="3栋",
        status=status,
        created_at=created_at or timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
    )


def notes(worker, about=""):
    return list(Notification.objects.filter(recipient=worker.user, title__contains=about).order_by("pk"))


def test_beat_runs_the_reminders_daily(db):
    task = PeriodicTask.objects.get(task="mentorship.reminders_send")
    assert task.enabled and task.crontab.hour == "8" and task.crontab.day_of_month == "*"


def test_behind_from_the_20th_once_a_month(people, make_term, make_worker, city_tree):
    mentor, mentor2 = people["mentor"], people["mentor2"]
    full = make_term(mentor, people["mentee"], start=D(2026, 3, 1), planned_end=D(2026, 7, 1))
    make_term(mentor, people["mentee3"], start=D(2026, 5, 18), planned_end=D(2026, 8, 18))
    kept = make_term(mentor2, people["mentee2"], start=D(2026, 3, 1), planned_end=D(2026, 7, 1))
    mentee_b = make_worker(unit=city_tree["grid_b"])
    make_term(people["mentor_b"], mentee_b, start=D(2026, 5, 21), planned_end=D(2026, 8, 21), actor=people["trainer_b"])
    visit(full, D(2026, 5, 3))
    visit(full, D(2026, 5, 4), status=SessionStatus.PENDING)  # waiting: does not count
    visit(kept, D(2026, 5, 2))
    visit(kept, D(2026, 5, 9))
    # Due by 20 May (31-day month): the full term ⌈2 × 20 ÷ 31⌉ = ⌈1.29⌉ = 2 (1 confirmed → behind);
    # the term from 18 May has 3 days (18–20): ⌈2 × 3 ÷ 31⌉ = 1 (0 confirmed → behind);
    # mentor2 has 2 of 2; the term from 21 May is not due yet.
    assert services.reminders_send(today=D(2026, 5, 19))["behind"] == 0
    assert services.reminders_send(today=D(2026, 5, 20))["behind"] == 1
    assert services.reminders_send(today=D(2026, 5, 20))["behind"] == 0  # rerun
    assert services.reminders_send(today=D(2026, 5, 21))["behind"] == 0
    (note,) = notes(mentor)
    assert "05月入户走访未达进度：2 名徒弟" in note.title
    assert f"{people['mentee'].name}（已确认 1 / 应 2）" in note.body
    assert f"{people['mentee3'].name}（已确认 0 / 应 1）" in note.body
    assert notes(mentor2) == [] and notes(people["mentor_b"]) == []
    # June is another month and nobody logged a June visit: all three mentors are behind → 3 new messages.
    assert services.reminders_send(today=D(2026, 6, 20))["behind"] == 3
    assert len(notes(mentor, "入户走访未达进度")) == 2


def test_unconfirmed_session_older_than_three_days(people, make_term):
    term = make_term(people["mentor"], people["mentee"], start=D(2026, 3, 1), planned_end=D(2026, 7, 1))
    logged = timezone.make_aware(dt.datetime(2026, 5, 10, 15, 0))
    visit(term, D(2026, 5, 9), status=SessionStatus.PENDING, created_at=logged)
    visit(term, D(2026, 5, 8), status=SessionStatus.CONFIRMED, created_at=logged)
    assert services.reminders_send(today=D(2026, 5, 13))["unconfirmed"] == 0  # logged 3 days ago
    assert services.reminders_send(today=D(2026, 5, 14))["unconfirmed"] == 1  # 4 days: older than 3
    assert services.reminders_send(today=D(2026, 5, 15))["unconfirmed"] == 0
    (note,) = notes(people["mentee"])
    assert note.title == "有 1 条指导记录等您确认" and "05月09日入户走访" in note.body
    # another session goes stale: one new message listing both
    visit(term, D(2026, 5, 12), status=SessionStatus.PENDING, created_at=logged + dt.timedelta(days=2))
    assert services.reminders_send(today=D(2026, 5, 16))["unconfirmed"] == 1
    assert notes(people["mentee"])[-1].title == "有 2 条指导记录等您确认"
    assert notes(people["mentor"]) == []


def test_signoff_due_14_days_before_the_planned_end(people, make_term):
    term = make_term(people["mentor"], people["mentee"], start=D(2026, 3, 1), planned_end=D(2026, 6, 15))
    proposed = make_term(people["mentor2"], people["mentee2"], start=D(2026, 3, 1), planned_end=D(2026, 6, 15))
    services.signoff_propose(user=people["mentor2"].user, term=proposed, assessment="可以独立入户")
    assert services.reminders_send(today=D(2026, 5, 31))["signoff"] == 0  # 15 days away
    assert services.reminders_send(today=D(2026, 6, 1))["signoff"] == 1  # 14 days away
    assert services.reminders_send(today=D(2026, 6, 2))["signoff"] == 0
    (note,) = notes(people["mentor"], "帮带期将于")  # (on 31 May the mentor was also behind on May's visits)
    assert note.title == f"{people['mentee'].name}的帮带期将于 06月15日 结束"
    assert note.url == f"/mentorship/terms/{term.pk}/signoff/"
    assert notes(people["mentor2"], "帮带期将于") == []  # a pending proposal: nothing to remind


def test_returned_proposal_counts_as_none(people, make_term):
    term = make_term(people["mentor"], people["mentee"], start=D(2026, 3, 1), planned_end=D(2026, 6, 15))
    signoff = services.signoff_propose(user=people["mentor"].user, term=term, assessment="可以独立入户")
    services.signoff_decide(user=people["trainer_a"].user, signoff=signoff, approve=False, reason="再练一个月应急")
    assert services.reminders_send(today=D(2026, 6, 10))["signoff"] == 1


def test_inactive_users_get_nothing(people, make_term):
    term = make_term(people["mentor"], people["mentee"], start=D(2026, 3, 1), planned_end=D(2026, 6, 15))
    visit(term, D(2026, 5, 9), status=SessionStatus.PENDING, created_at=timezone.make_aware(dt.datetime(2026, 5, 9)))
    for who in ("mentor", "mentee"):
        people[who].user.is_active = False
        people[who].user.save()
    assert services.reminders_send(today=D(2026, 6, 1)) == {"behind": 0, "unconfirmed": 0, "signoff": 0}
