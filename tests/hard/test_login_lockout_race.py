"""Login lockout under parallel attempts, on PostgreSQL with real threads: a burst of wrong
passwords from many connections at once still locks the username, every failure is counted,
the right password is refused until the cool-off, and works after it."""

import datetime
import time
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from tests.concurrency import run_threads
from tests.factories import UserFactory

pytestmark = pytest.mark.hard

PASSWORD = "the-right-password-1"
LIMIT = 5
THREADS = 24
COOL_OFF = datetime.timedelta(seconds=3)


def page_login(password: str) -> int:
    return Client().post(reverse("login"), {"username": "target", "password": password}).status_code


def token_login(password: str) -> int:
    return (
        APIClient()
        .post(reverse("api:auth-token"), {"username": "target", "password": password})
        .status_code
    )


# (how to log in, the answer to a wrong password, the answer to the right one)
ENDPOINTS = {"login-page": (page_login, 200, 302), "api-token": (token_login, 400, 200)}


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=LIMIT, AXES_COOLOFF_TIME=COOL_OFF)
def test_parallel_wrong_passwords_lock_the_user_until_the_cool_off(
    postgres: Any, endpoint: str
) -> None:
    from axes.models import AccessAttempt

    login, wrong_code, right_code = ENDPOINTS[endpoint]
    # given a user with a known password
    UserFactory(username="target", password=PASSWORD, roles=["agent"])
    # when many connections send wrong passwords at the same moment
    codes = run_threads(THREADS, lambda index: login(f"wrong-{index}"))
    locked_at = time.monotonic()
    assert not [code for code in codes if isinstance(code, Exception)], codes
    got_through = sum(1 for code in codes if code == wrong_code)  # checked: "wrong password"
    refused = sum(1 for code in codes if code == 429)
    print(
        f"\nlockout race ({endpoint}): {THREADS} parallel wrong passwords, limit {LIMIT}: "
        f"{got_through} checked before the lock, {refused} refused as locked"
    )
    # then every attempt was either checked or refused as locked, never a 500
    assert got_through + refused == THREADS
    # and the burst did not slip more wrong passwords past the limit than one at a time would
    assert got_through <= LIMIT
    # and every failure was counted: no lost update in the attempt counter
    attempt = AccessAttempt.objects.get(username="target")
    assert attempt.failures_since_start >= LIMIT
    # and the right password is refused now, from a fresh client
    assert login(PASSWORD) == 429
    # until the cool-off has passed
    time.sleep(max(0.0, COOL_OFF.total_seconds() - (time.monotonic() - locked_at)) + 0.5)
    assert login(PASSWORD) == right_code
