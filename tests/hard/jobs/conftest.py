"""Fixtures of the job hardening checks: the Hangzhou centre of the roster tests, a private
Redis per module and the app pointed at it."""

import pytest

from tests.hard.jobs.support import celery_on, private_redis  # noqa: F401 (fixtures)
from tests.scheduler.rosters.conftest import center  # noqa: F401 (fixture)


@pytest.fixture(autouse=True)
def _no_read_cache_across_processes(settings):  # type: ignore[no-untyped-def]
    """The worker is another process: its writes change the generations in *its* memory cache,
    not this one's. Production shares one cache (Redis) between them; here reads go to the
    database."""
    settings.READ_CACHE = False
