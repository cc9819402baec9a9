import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_login_locks_out_after_repeated_failures(client, world):
    world.agent_user.set_password("the-right-password-1")
    world.agent_user.save()
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "agent", "password": "wrong"})
    # then even the right password is refused while locked out
    response = client.post(
        reverse("login"), {"username": "agent", "password": "the-right-password-1"}
    )
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


@override_settings(AXES_ENABLED=True)
def test_login_rotates_the_session_and_logout_ends_it(client, world):
    world.agent_user.set_password("the-right-password-1")
    world.agent_user.save()
    client.get(reverse("login"))
    before = client.session.session_key
    response = client.post(
        reverse("login"), {"username": "agent", "password": "the-right-password-1"}
    )
    assert response.status_code == 302
    assert client.session.session_key != before
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "Welcome" in home.content.decode()
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_home_in_chinese(client, world):
    client.force_login(world.agent_user)
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "欢迎" in response.content.decode()
