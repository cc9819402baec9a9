"""Developer machine: debug on, everything else from base (SQLite and eager Celery by default)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
