"""Fixtures of the job hardening checks: the Hangzhou centre of the roster tests, a private
Redis per module and the app pointed at it."""

from tests.hard.jobs.support import celery_on, private_redis  # noqa: F401 (fixtures)
from tests.scheduler.rosters.conftest import center  # noqa: F401 (fixture)
