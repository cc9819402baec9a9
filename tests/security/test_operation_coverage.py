"""Every API operation (each prefix, each method, custom actions included) and every page has a
permission-matrix row somewhere, and the rows the area matrices leave out are here: the token
endpoint under /api/ itself, the public pages (login, language, calendar feed, schema, docs)
and the admin site.

`test_matrix_cell_counts` prints the size of each matrix (the figure for the report).
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from tests.api_operations import api_operations
from tests.hard import test_owner_matrix as owner
from tests.scheduler import test_permission_matrix as demand
from tests.scheduler.rosters import test_roster_api_matrix as rosters
from tests.scheduler.selfservice import test_api_matrix as self_service
from tests.staffing import test_permission_matrix as staffing
from tests.test_page_matrix import MATRIX as PAGES
from tests.test_page_matrix import PUBLIC, page_names

ROLES = ["agent", "team_lead", "hr", "admin"]


def api_namespaces() -> set[str]:
    """Every namespace under the API, read from the URL conf (":api", ":api:staffing", ...)."""
    found: set[str] = set()

    def walk(patterns: list, current: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(
                    pattern.url_patterns,
                    f"{current}:{pattern.namespace}" if pattern.namespace else current,
                )
            elif isinstance(pattern, URLPattern) and current.startswith(":api"):
                found.add(current)

    walk(get_resolver().url_patterns, "")
    return found


# The token endpoint is the only operation directly under /api/: anyone may ask for a token
# with a username and password (the lockout tests cover repeated failures).
TOKEN_MATRIX = {("auth-token", "POST")}

COVERED = {
    ":api": TOKEN_MATRIX,
    ":api:staffing": set(staffing.MATRIX),
    ":api:scheduler": set(demand.MATRIX),
    ":api:rosters": set(rosters.MATRIX),
    ":api:self-service": set(self_service.MATRIX),
}


def test_every_api_namespace_and_operation_has_a_matrix():
    # a new API prefix without a matrix fails here
    assert api_namespaces() == set(COVERED)
    missing = {
        (namespace, name, method)
        for namespace in COVERED
        for name, method in api_operations(namespace=namespace)
        if (name, method) not in COVERED[namespace]
    }
    assert missing == set()


def test_every_page_has_a_row_or_is_public():
    assert page_names() <= set(PAGES)
    # the public ones are checked below
    assert {"login", "set_language", "calendar-feed", "api-schema", "api-docs"} == PUBLIC


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_token_endpoint(world, role):
    # given the role's own credentials (anonymous: an unknown user)
    user = world.user_for(role) if role != "anonymous" else None
    if user is not None:
        user.set_password("the-right-password-1")
        user.save()
    username = user.get_username() if user else "nobody"
    client = APIClient()
    url = reverse("api:auth-token")
    # when asking for a token with the right and a wrong password
    right = client.post(url, {"username": username, "password": "the-right-password-1"})
    wrong = client.post(url, {"username": username, "password": "wrong"})
    # then only a real user with the right password gets one, and it authenticates as them
    assert wrong.status_code == 400 and "token" not in wrong.data
    if user is None:
        assert right.status_code == 400
        return
    assert right.status_code == 200
    bearer = APIClient()
    bearer.credentials(HTTP_AUTHORIZATION=f"Token {right.data['token']}")
    assert bearer.get(reverse("api:staffing:me")).data["username"] == username
    # and GET is not an operation of the endpoint
    assert client.get(url).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_public_pages(world, role):
    from scheduler.services import calendar

    client = Client()
    if role != "anonymous":
        client.force_login(world.user_for(role))
    feed = calendar.calendar_feed_get(actor=world.agent_user, agent=world.agent)
    # the login page and the language switch serve everyone
    assert client.get(reverse("login")).status_code == 200
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302
    # the calendar feed: the token is the key, for anyone holding it; a wrong token is unknown
    assert client.get(reverse("calendar-feed", args=[feed.token])).status_code == 200
    assert client.get(reverse("calendar-feed", args=["not-a-token"])).status_code == 404
    # the schema and docs are public by design (PUBLIC in the page matrix): metadata only,
    # no records; the API behind them answers anonymous callers 401/403
    assert client.get(reverse("api-schema")).status_code == 200
    assert client.get(reverse("api-docs")).status_code == 200
    if role == "anonymous":
        assert client.get(reverse("api:staffing:agent-list")).status_code in (401, 403)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_admin_site_is_for_staff_with_hr_or_admin_roles(world, role):
    # given the world, where only the admin is staff, and HR made staff as well
    world.hr.is_staff = True
    world.hr.save()
    client = Client()
    if role != "anonymous":
        client.force_login(world.user_for(role))
    index = client.get("/admin/")
    leave = client.get("/admin/staffing/leaverequest/")
    config = client.get("/admin/staffing/site/")
    if role in ("hr", "admin"):
        assert (index.status_code, leave.status_code, config.status_code) == (200, 200, 200)
    else:
        # agents and team leads are not staff: sent to the admin login
        for response in (index, leave, config):
            assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_matrix_cell_counts():
    counts = {
        "staffing API (role x op x owner)": len(staffing.cells()),
        "demand API (role x op)": len(demand.MATRIX) * len(staffing.ROLES),
        "rosters API (role x op x unit)": len(rosters.cells()),
        "self-service API (role x op)": len(self_service.MATRIX) * (len(self_service.ROLES) + 1),
        "pages (role x page)": len(PAGES) * 5,
        "owner matrix (other team / other site)": owner.cell_count(),
        "token, public pages, admin site": 5 * 3,
    }
    print("\nmatrix cells: " + "; ".join(f"{name}: {count}" for name, count in counts.items()))
    print(f"matrix cells total: {sum(counts.values())}")
    operations = sum(len(api_operations(namespace=namespace)) for namespace in COVERED)
    print(f"API operations: {operations}; pages: {len(PAGES) + len(PUBLIC)}")
    assert all(counts.values())
