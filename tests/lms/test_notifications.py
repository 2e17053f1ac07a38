"""站内消息: unread count, reading, dedupe, and only one's own messages."""

import pytest
from django.urls import reverse

from lms.models import Notification
from lms.selectors import unread_notification_count
from lms.services import notification_send
from lms.tasks import notification_send_task


@pytest.fixture
def two(city_tree, make_worker):
    return make_worker(unit=city_tree["grid_a"]), make_worker(unit=city_tree["grid_a"])


def test_unread_count_shows_in_header_and_drops_when_read(client, two):
    me, _ = two
    first = notification_send(recipient=me.user, title="课程即将到期", url="/me/")
    notification_send(recipient=me.user, title="新的测验")
    client.force_login(me.user)
    body = client.get(reverse("trainee_home")).content.decode()
    assert 'data-testid="unread-count">2<' in body
    response = client.post(reverse("notification_open", args=[first.pk]))
    assert response["Location"] == "/me/"
    assert unread_notification_count(me.user) == 1
    client.post(reverse("notifications_read_all"))
    assert unread_notification_count(me.user) == 0


def test_dedupe_key_sends_a_reminder_once(two):
    me, _ = two
    assert notification_send(recipient=me.user, title="提醒", dedupe_key="course-7-due") is not None
    assert notification_send(recipient=me.user, title="提醒", dedupe_key="course-7-due") is None
    assert Notification.objects.filter(recipient=me.user).count() == 1


def test_cannot_open_someone_elses_message(client, two):
    me, other = two
    theirs = notification_send(recipient=other.user, title="私信")
    client.force_login(me.user)
    assert client.post(reverse("notification_open", args=[theirs.pk])).status_code == 404
    assert "私信" not in client.get(reverse("notifications")).content.decode()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_task_sends_through_the_service_on_commit(django_capture_on_commit_callbacks, two):
    me, _ = two
    with django_capture_on_commit_callbacks(execute=True):
        notification_send_task.delay_on_commit(me.user.pk, "异步提醒")
    assert Notification.objects.get(recipient=me.user).title == "异步提醒"
