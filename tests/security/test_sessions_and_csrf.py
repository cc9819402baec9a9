"""Sessions and CSRF: every page form refuses a post without the token, every rendered post
form carries one, the session key changes at login, logout kills the old cookie and an idle
session expires after SESSION_COOKIE_AGE."""

import datetime
import re
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scheduler.models import Notification
from tests.factories import UserFactory
from tests.scheduler.rosters.conftest import center  # noqa: F401 (fixture)
from tests.scheduler.selfservice.conftest import publish_week
from tests.test_page_matrix import MATRIX, ROLES, World

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "the-right-password-1"


def page_world(center_fixture) -> World:  # noqa: ANN001
    roster = publish_week(center_fixture)
    world = World(
        center=center_fixture,
        admin=UserFactory(username="admin-csrf", roles=["admin"]),
        roster=roster,
    )
    Notification.objects.create(user=center_fixture.agents[4].user, kind="x", title="t")
    return world


def allowed_role(name: str) -> str | None:
    """A role the page matrix lets through (so a 403 can only come from the CSRF check)."""
    for role in ROLES[:-1]:
        expected = MATRIX[name].expect(role)
        codes = expected if isinstance(expected, tuple) else (expected,)
        if any(code != 403 for code in codes):
            return role
    return None


# --- CSRF ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_page_post_without_the_token_is_refused(center):  # noqa: F811
    # given the page matrix world and, per page, a role that may use it
    world = page_world(center)
    posted, failures = [], []
    for name in sorted(MATRIX):
        role = allowed_role(name)
        assert role is not None, f"{name}: no role may use it"
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.user(role))
        # when the page is called exactly as the matrix does, but without a CSRF token
        with transaction.atomic():
            response = MATRIX[name].call(client, world)
            transaction.set_rollback(True)
        if response.request["REQUEST_METHOD"] != "POST":
            continue
        posted.append(name)
        # then every post is refused by the CSRF check, not by a permission
        if response.status_code != 403 or b"CSRF" not in response.content:
            failures.append(f"{name} as {role}: {response.status_code}")
    assert not failures, "\n".join(failures)
    print(f"\nCSRF: {len(posted)} page posts refused without the token")
    assert posted


@pytest.mark.django_db
def test_login_language_and_session_api_posts_need_the_token(world):
    # given an anonymous browser and a logged-in one (session, not token, authentication)
    anonymous = Client(enforce_csrf_checks=True)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.hr)
    # when they post without the token
    login = anonymous.post(reverse("login"), {"username": "agent", "password": "x"})
    language = anonymous.post(reverse("set_language"), {"language": "en"})
    api = browser.post(
        reverse("api:staffing:skill-list"),
        {"code": "x", "name": "X", "kind": "other"},
        content_type="application/json",
    )
    # then all are refused
    assert login.status_code == 403
    assert language.status_code == 403
    assert api.status_code == 403
    assert "CSRF" in api.json()["detail"]


def offer_swap_and_give_away(world: World) -> None:
    """Agent 12 offers agent 4 a swap and agent 8 gives a shift away (not the shifts the matrix
    rows use), so the accept, decline, cancel, claim and withdraw forms are rendered too."""
    from scheduler.services import open_shifts, swaps
    from tests.scheduler.selfservice.conftest import day_of, live

    first, second = world.center.agents[12], world.center.agents[4]
    day = day_of(world.center, 3)
    swaps.swap_propose(
        actor=first.user,
        shift=live(first, day),
        counterpart=second,
        counterpart_shift=live(second, day),
    )
    giver = world.center.agents[8]
    open_shifts.open_shift_give_away(actor=giver.user, shift=live(giver, day_of(world.center, 5)))


class PostForms(HTMLParser):
    """Collects, for each <form method="post">, whether it holds a csrfmiddlewaretoken input."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[bool] = []
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = dict(attrs)
        if tag == "form" and (values.get("method") or "get").lower() == "post":
            self.forms.append(False)
            self.inside = True
        elif tag == "form":
            self.inside = False
        elif tag == "input" and self.inside and values.get("name") == "csrfmiddlewaretoken":
            self.forms[-1] = bool(values.get("value"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


@pytest.mark.django_db
def test_every_rendered_post_form_carries_the_token(center):  # noqa: F811
    # given the page world with something to act on (a swap to answer, a shift on the board)
    world = page_world(center)
    offer_swap_and_give_away(world)
    pages, forms, failures = 0, 0, []
    for name in sorted(MATRIX):
        for role in ROLES[:-1]:
            client = Client()
            client.force_login(world.user(role))
            with transaction.atomic():
                response = MATRIX[name].call(client, world)
                transaction.set_rollback(True)
            if response.request["REQUEST_METHOD"] != "GET" or response.status_code != 200:
                continue
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            parser = PostForms()
            parser.feed(response.content.decode())
            pages += 1
            forms += len(parser.forms)
            # then each post form holds a non-empty token
            if not all(parser.forms):
                failures.append(f"{name} as {role}: {parser.forms}")
    login = Client().get(reverse("login"))
    parser = PostForms()
    parser.feed(login.content.decode())
    assert parser.forms and all(parser.forms)
    assert not failures, "\n".join(failures)
    print(f"\nCSRF: {forms} post forms on {pages} rendered pages all carry the token")
    assert forms > pages  # every page has at least the logout and language forms


def test_every_post_form_template_has_a_csrf_token():
    offenders = []
    for template in ROOT.glob("*/templates/**/*.html"):
        text = template.read_text()
        for form in re.finditer(r"<form\b[^>]*>(.*?)</form>", text, re.S | re.I):
            opening = form.group(0)[: form.group(0).index(">") + 1]
            if re.search(r"method=[\"']post[\"']", opening, re.I) and "{% csrf_token %}" not in (
                form.group(1)
            ):
                offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


# --- sessions ------------------------------------------------------------------------------------


def log_in(client: Client, username: str) -> None:
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content


@pytest.fixture
def agent_with_password(world):
    world.agent_user.set_password(PASSWORD)
    world.agent_user.save()
    return world.agent_user


@pytest.mark.django_db
def test_login_rotates_the_session_key(client, agent_with_password):
    # given an anonymous session with something in it (a language choice, a visited page)
    client.get(reverse("login"))
    session = client.session
    session["probe"] = "anonymous"
    session.save()
    before = session.session_key
    # when the user logs in
    log_in(client, "agent")
    # then the old key no longer exists and a new one carries the login
    from django.contrib.sessions.models import Session

    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


@pytest.mark.django_db
def test_logout_invalidates_the_old_session_cookie(client, agent_with_password):
    # given a logged-in browser whose cookie an attacker has copied
    log_in(client, "agent")
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(reverse("scheduler:my-schedule")).status_code == 200
    # when the user logs out
    client.post(reverse("logout"))
    # then the copied cookie no longer authenticates, on pages or the API
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = stolen
    page = attacker.get(reverse("scheduler:my-schedule"))
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert attacker.get(reverse("api:staffing:me")).status_code in (401, 403)


@contextmanager
def clock_at(moment: datetime.datetime) -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@pytest.mark.django_db
def test_an_idle_session_expires_and_activity_keeps_it_alive(client, agent_with_password):
    age = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    # idle, not absolute, timeout: the activity middleware renews a session in use
    assert "staffing.middleware.SessionActivityMiddleware" in settings.MIDDLEWARE
    assert settings.SESSION_ACTIVITY_REFRESH_SECONDS < 0.1 * settings.SESSION_COOKIE_AGE
    start = timezone.now()
    with clock_at(start):
        log_in(client, "agent")
    # when the user works every 0.6 x age, the session survives past the age
    for step in (0.6, 1.2, 1.8):
        with clock_at(start + step * age):
            assert client.get(reverse("scheduler:my-schedule")).status_code == 200
    # when the user then stays idle a little longer than the age
    with clock_at(start + 1.8 * age + age + datetime.timedelta(minutes=1)):
        response = client.get(reverse("scheduler:my-schedule"))
    # then the session is refused
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_a_session_in_use_is_renewed_at_most_once_per_refresh_period(client, agent_with_password):
    # given a signed-in agent
    start = timezone.now()
    with clock_at(start):
        log_in(client, "agent")
    refresh = datetime.timedelta(seconds=settings.SESSION_ACTIVITY_REFRESH_SECONDS)

    def session_writes(moment: datetime.datetime) -> int:
        with clock_at(moment), CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("scheduler:my-schedule")).status_code == 200
        return sum('UPDATE "django_session"' in q["sql"] for q in queries.captured_queries)

    # when the agent reads their schedule again and again within the period
    # then the session is not written on each request; past the period it is, once
    assert session_writes(start + refresh / 2) == 0  # the login stamped it
    assert session_writes(start + refresh / 2 + datetime.timedelta(seconds=1)) == 0
    assert session_writes(start + refresh * 3) == 1
    assert session_writes(start + refresh * 3 + datetime.timedelta(seconds=1)) == 0
