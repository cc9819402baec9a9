"""The Celery application. With no CELERY_BROKER_URL, settings make tasks run in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("opencenter")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Roster solver tasks live beside the demand tasks, in their own module.
app.autodiscover_tasks(["scheduler"], related_name="roster_tasks")
app.autodiscover_tasks(["scheduler"], related_name="self_service_tasks")
