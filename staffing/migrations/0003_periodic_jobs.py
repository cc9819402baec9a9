from django.conf import settings
from django.db import migrations

JOBS = [
    # name, task, minute, hour, day of month, month
    ("Lapse skills whose certificate expired", "staffing.skills_lapse_expired", "30", "0", "*", "*"),
    ("Grant yearly leave entitlements", "staffing.leave_entitlements_grant", "10", "0", "1", "1"),
]


def create_jobs(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour, day, month in JOBS:
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week="*",
            day_of_month=day,
            month_of_year=month,
            timezone=settings.TIME_ZONE,
        )
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": schedule})


def remove_jobs(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[job[0] for job in JOBS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("staffing", "0002_reference_data"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_jobs, remove_jobs)]
