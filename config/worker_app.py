"""Entry point for worker processes: `celery -A config.worker_app worker`.

Sets Django up before the app loads tasks (the same app as config.celery_app).
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()

from config.celery_app import app  # noqa: E402

__all__ = ["app"]
