"""Every hardening check that commits (real threads, workers, servers) restores the data the
migrations seeded, so their order does not matter: a flush without it re-creates the content
types with new ids, and a later test restoring the old ones would collide with them."""

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _restore_seeded_data(django_db_serialized_rollback: Any) -> None:
    return None
