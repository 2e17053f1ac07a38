"""Ship the default competency model (docs/rules.md, "能力素质模型": 5 primary × 18 secondary indicators) as version 1,
and register the beat task that closes attempts past their deadline (every minute)."""

from django.db import migrations

from assessments.defaults import DEFAULT_INDICATORS as INDICATORS


def create_defaults(apps, schema_editor):
    CompetencyModel = apps.get_model("assessments", "CompetencyModel")
    Indicator = apps.get_model("assessments", "Indicator")
    if not CompetencyModel.objects.exists():
        model = CompetencyModel.objects.create(
            version=1, name="网格员能力素质模型", is_active=True, note="初始版本：5 个一级指标、18 个二级指标"
        )
        for order, (code, primary, name, description, methods) in enumerate(INDICATORS, start=1):
            Indicator.objects.create(
                model=model, code=code, primary_name=primary, name=name, description=description,
                evidence_methods=methods, order=order,
            )
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.update_or_create(
        name="测验：超时作答自动交卷",
        defaults={"task": "assessments.attempts_close_overdue", "interval": every_minute, "enabled": True},
    )


def remove_defaults(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="测验：超时作答自动交卷").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
