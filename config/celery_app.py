"""The Celery application. With no CELERY_BROKER_URL, settings make tasks run in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("opencenter")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
