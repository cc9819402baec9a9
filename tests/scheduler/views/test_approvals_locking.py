"""The approvals page decides on the version of a request it showed: a request changed after the
lead opened the page is not decided (optimistic locking), one unchanged is."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from staffing.models import LeaveRequest
from staffing.models.leave import LeaveStatus
from staffing.versions import STALE_RECORD
from tests.etag import version_of
from tests.staffing.test_leave_services import annual_request, working_week

pytestmark = pytest.mark.django_db


def decide(client, request, version):
    url = reverse("scheduler:approval-decide", args=["leave", request.pk, "approve"])
    data = {"comment": "fine"} | ({"version": version} if version is not None else {})
    return client.post(url, data)


def test_the_page_shows_the_version_of_each_request(client, world):
    # given
    request = annual_request(world, working_week())
    client.force_login(world.lead)
    # when
    page = client.get(reverse("scheduler:approvals")).content.decode()
    # then both forms of the request carry its version
    assert page.count(f'name="version" value="{version_of(request)}"') == 2


@pytest.mark.parametrize("version", ["stale", None])
def test_a_decision_on_a_changed_or_unversioned_request_is_refused(client, world, version):
    # given the lead opened the page, then the agent changed the request
    request = annual_request(world, working_week())
    client.force_login(world.lead)
    shown = version_of(request)
    LeaveRequest.objects.filter(pk=request.pk).update(note="changed after the lead looked")
    # when the lead approves from the page opened before (or a form without a version)
    response = decide(client, request, shown if version == "stale" else None)
    # then nothing is decided and the lead is told why
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == LeaveStatus.PENDING
    assert str(STALE_RECORD) in [str(m) for m in get_messages(response.wsgi_request)]


def test_a_decision_on_the_current_version_is_saved(client, world):
    # given
    request = annual_request(world, working_week())
    client.force_login(world.lead)
    # when
    response = decide(client, request, version_of(request))
    # then
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == LeaveStatus.APPROVED
