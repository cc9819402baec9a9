"""A leave request's note, reason and document are private to HR and the requester: the team
lead who decides it, admins and colleagues see neither, in the API, on the pages or in the
admin. (tests/hard/test_leave_privacy_crawl.py crawls everything each role can read.)"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from staffing.services import leave as leave_services
from tests.factories import leave_type
from tests.staffing.test_permission_matrix import future_working_day

pytestmark = pytest.mark.django_db

NOTE = "IVF treatment, second cycle"


@pytest.fixture
def private_request(world):
    day = future_working_day() + datetime.timedelta(days=7)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return leave_services.leave_request_create(
        actor=world.agent_user,
        agent=world.agent,
        leave_type=leave_type("annual"),
        start_on=day,
        end_on=day,
        reason_category="medical",
        note=NOTE,
    )


def readers(world):
    # (user, may see the private fields)
    return {
        "requester": (world.agent_user, True),
        "hr": (world.hr, True),
        "team_lead": (world.lead, False),
        "admin": (world.admin, False),
    }


def test_the_api_shows_note_and_reason_only_to_hr_and_the_requester(world, private_request):
    for role, (user, sees) in readers(world).items():
        client = APIClient()
        client.force_authenticate(user)
        detail = client.get(reverse("api:staffing:leave-request-detail", args=[private_request.pk]))
        listing = client.get(reverse("api:staffing:leave-request-list"))
        assert detail.status_code == 200, role
        row = next(r for r in listing.data["results"] if r["id"] == private_request.pk)
        for shown in (detail.data, row):
            assert ("note" in shown) is sees, role
            assert ("reason_category" in shown) is sees, role
            assert ("document" in shown) is sees, role
        assert (NOTE in listing.content.decode()) is sees, role


def test_the_leave_page_shows_note_and_reason_only_to_hr_and_the_requester(world, private_request):
    # the requester has no HR pages; HR, the lead and the admin open the request's page
    for role, (user, sees) in readers(world).items():
        if role == "requester":
            continue
        client = Client()
        client.force_login(user)
        page = client.get(reverse("hr:leave-detail", args=[private_request.pk])).content.decode()
        assert (NOTE in page) is sees, role
        assert ("Medical appointment" in page) is sees, role


def test_the_admin_hides_note_reason_and_document_from_non_hr_staff(world, private_request):
    # given an admin (staff, not HR) and an HR user with admin access
    world.hr.is_staff = True
    world.hr.save()
    url = f"/admin/staffing/leaverequest/{private_request.pk}/change/"
    for user, sees in ((world.admin, False), (world.hr, True)):
        client = Client()
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200
        text = page.content.decode()
        assert (NOTE in text) is sees
        assert ('name="reason_category"' in text) is sees
        assert ('name="document"' in text) is sees
    # and saving the form without those fields leaves them as they were
    client = Client()
    client.force_login(world.admin)
    response = client.get(url)
    form = response.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["_save"] = "Save"
    client.post(url, data)
    private_request.refresh_from_db()
    assert private_request.note == NOTE
    assert private_request.reason_category == "medical"
