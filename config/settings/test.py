"""Test settings: fast hashing, in-memory email. DATABASE_URL and CELERY_BROKER_URL still apply,
so CI runs the same suite against PostgreSQL and Redis."""

from .base import *  # noqa: F403
from .base import CACHES, env

DEBUG = False
SECRET_KEY = "test-only-secret-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests run tasks in-process unless a test asks for the real broker explicitly.
CELERY_TASK_ALWAYS_EAGER = True
TEST_CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
AXES_ENABLED = env.bool("AXES_ENABLED", default=False)
# No progress-writer thread in tests (SQLite test databases are per connection).
SOLVER_PROGRESS_SECONDS = env.float("SOLVER_PROGRESS_SECONDS", default=0.0)

# The read cache (staffing/readcache.py) is on, so every page and API test also checks that a
# write makes the cached reads of it obsolete. Each pytest-xdist worker has its own memory cache
# (and its own key prefix, should CACHE_URL name a shared one); tests/conftest.py empties it
# before each test.
READ_CACHE = env.bool("READ_CACHE", default=True)
CACHES["default"]["KEY_PREFIX"] = env("PYTEST_XDIST_WORKER", default="")
