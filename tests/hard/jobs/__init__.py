"""Hardening checks of the background jobs (real Celery workers on a private Redis)."""
