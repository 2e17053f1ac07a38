"""Register the daily mentorship reminders (docs/rules.md 12, 提醒): mentors behind the month's home
visits from the 20th, sessions left unconfirmed for more than 3 days, terms 14 days from their
planned end without a sign-off proposal."""

from django.db import migrations

TASK_NAME = "导师制：走访、确认与出师提醒"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="8", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={"task": "mentorship.reminders_send", "crontab": daily, "interval": None, "enabled": True},
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mentorship", "0002_signoff_feedback"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
