"""Fixtures of the roster tests, shared with the page tests."""

from tests.scheduler.rosters.conftest import center  # noqa: F401 (fixture)
