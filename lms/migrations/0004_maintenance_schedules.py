"""Nightly beat entries (django-celery-beat) for the core's housekeeping: old login failures (the
rate-limit window only needs the last minutes) and finished export jobs with their files."""

from django.db import migrations

SCHEDULES = [
    ("清理登录失败记录（每日）", "lms.login_failures_prune", "0"),
    ("清理过期导出文件（每日）", "lms.export_jobs_prune", "30"),
]


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
        )
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


def remove_schedules(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task__in=[t for _, t, _ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0003_exportjob"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedules, remove_schedules)]
