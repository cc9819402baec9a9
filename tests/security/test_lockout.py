"""Login lockout (django-axes): repeated wrong passwords lock the username, on the login page
and on the API token endpoint, until the cool-off has passed; then the right password works."""

import datetime
import time

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PASSWORD = "the-right-password-1"
LIMIT = 3


@pytest.fixture
def agent(world):
    world.agent_user.set_password(PASSWORD)
    world.agent_user.save()
    return world.agent_user


def page_login(client: Client, password: str) -> int:
    return client.post(reverse("login"), {"username": "agent", "password": password}).status_code


def token_login(client: APIClient, password: str) -> int:
    response = client.post(
        reverse("api:auth-token"), {"username": "agent", "password": password}, format="json"
    )
    if response.status_code == 200:
        assert "token" in response.data
    return response.status_code


@pytest.mark.parametrize(
    ("make_client", "attempt", "wrong_code", "locked_code"),
    [
        (Client, page_login, 200, 429),
        # the token endpoint answers a locked username 429 too (not the 400 of a wrong password)
        (APIClient, token_login, 400, 429),
    ],
    ids=["login-page", "api-token"],
)
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=LIMIT)
def test_repeated_failures_lock_even_the_right_password(
    agent, make_client, attempt, wrong_code, locked_code
):
    # the right password works before any failure
    assert attempt(make_client(), PASSWORD) in (200, 302)
    client = make_client()
    # given LIMIT - 1 wrong passwords, each answered as a plain failure
    for _ in range(LIMIT - 1):
        assert attempt(client, "wrong") == wrong_code
    # when one more wrong password is sent
    attempt(client, "wrong")
    # then the username is locked: the right password is refused, from any client
    assert attempt(client, PASSWORD) == locked_code
    assert attempt(make_client(), PASSWORD) == locked_code


@override_settings(
    AXES_ENABLED=True, AXES_FAILURE_LIMIT=LIMIT, AXES_COOLOFF_TIME=datetime.timedelta(seconds=1)
)
def test_the_lock_lifts_after_the_cool_off(agent):
    client = Client()
    for _ in range(LIMIT):
        page_login(client, "wrong")
    assert page_login(client, PASSWORD) == 429
    # when the cool-off has passed
    time.sleep(1.2)
    # then the right password logs in
    assert page_login(client, PASSWORD) == 302


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=LIMIT)
def test_a_lock_on_one_user_leaves_the_others_alone(agent, world):
    world.colleague.user.set_password(PASSWORD)
    world.colleague.user.save()
    client = Client()
    for _ in range(LIMIT):
        page_login(client, "wrong")
    response = client.post(
        reverse("login"), {"username": world.colleague.user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
