"""Helpers for the tests that race real threads against PostgreSQL (and the hardening checks).

Each thread has its own database connection and calls the API as a real client would. With
CI=true these tests must run; elsewhere they need DATABASE_URL pointing at PostgreSQL.
"""

import os
import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

IN_CI = os.environ.get("CI", "").lower() == "true"


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        if IN_CI:
            pytest.fail("CI runs this test on PostgreSQL: set DATABASE_URL")
        pytest.skip("needs PostgreSQL (DATABASE_URL); runs in CI")


@pytest.fixture
def postgres(transactional_db: Any) -> None:
    _require_postgresql()


@pytest.fixture
def postgres_sql(db: Any) -> None:
    """PostgreSQL for a test that checks the SQL it sends, inside the test's transaction."""
    _require_postgresql()


def run_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Start ``count`` threads at once (a barrier), each with its own connection."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def target(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - reported by the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


#: A row lock in PostgreSQL's SQL (FOR UPDATE, FOR NO KEY UPDATE).
LOCK = re.compile(r"FOR (NO KEY )?UPDATE", re.IGNORECASE)


def joined_locks_without_of(statements: list[str]) -> list[str]:
    """Locking statements that join other tables without naming which to lock (OF): they
    lock every joined row too."""
    return [sql for sql in statements if LOCK.search(sql) and " JOIN " in sql and " OF " not in sql]
