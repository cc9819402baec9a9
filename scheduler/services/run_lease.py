"""The lease of a roster run: at most one worker solves a run at a time.

A PostgreSQL session advisory lock, so it takes no rows and writes nothing (the audit's guard
against raw SQL in services allows this one module for that reason).
"""

import contextlib
from collections.abc import Iterator

from django.db import connection

# The namespace of the advisory locks that lease runs (the run id is the second key).
RUN_LEASE_NAMESPACE = 7301


@contextlib.contextmanager
def run_lease(run_id: int) -> Iterator[bool]:
    """True if this process may execute the run: nobody else holds its lease.

    The lease is a PostgreSQL session advisory lock, so a second delivery of a run that is being
    solved (the same task sent twice, a broker redelivery) does nothing, while the lease of a
    killed worker goes with its connection and a redelivery takes over. SQLite runs everything
    in one process: always granted.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [RUN_LEASE_NAMESPACE, run_id])
        taken = bool(cursor.fetchone()[0])
    try:
        yield taken
    finally:
        if taken:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [RUN_LEASE_NAMESPACE, run_id])
