"""The HR leave page: requests across teams with balances, notes and staffing impact, and the
approve / reject forms."""

import pytest
from django.urls import reverse

from scheduler.models.selfservice import LeaveImpact
from staffing.models import LeaveLedgerEntry, LeaveRequest
from staffing.models.leave import LeaveStatus, LedgerKind
from staffing.versions import STALE_RECORD
from tests.etag import version_of
from tests.staffing.test_leave_services import annual_request, working_week

pytestmark = pytest.mark.django_db


def other_request(world, start, days=2):
    from staffing.services import leave as svc
    from tests.factories import leave_type

    return svc.leave_request_create(
        actor=world.other.user,
        agent=world.other,
        leave_type=leave_type("annual"),
        start_on=start,
        end_on=start + __import__("datetime").timedelta(days=days - 1),
        note="dentist, please keep private",
    )


def test_hr_sees_requests_of_every_team_with_balance_note_and_impact(client, world):
    # given a request in team A with an assessed impact and one in team B with a note
    start = working_week()
    mine = annual_request(world, start, days=3, note="wedding in Hangzhou")
    LeaveImpact.objects.create(
        request=mine, rostered_days=["d1", "d2", "d3"], worst_service_level=0.72, target_holds=False
    )
    other_request(world, start)
    client.force_login(world.hr)

    # when
    response = client.get(reverse("hr:leave-list"))

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert world.agent.full_name in page and world.other.full_name in page
    assert "wedding in Hangzhou" in page  # HR may read notes
    assert "7 available (10 balance, 3 pending)" in page
    assert "Below service target" in page and "3 rostered days" in page and "72%" in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_team_lead_sees_only_own_team_and_no_notes(client, world):
    # given
    start = working_week()
    annual_request(world, start, note="wedding in Hangzhou")
    other_request(world, start)
    client.force_login(world.lead)

    # when
    page = client.get(reverse("hr:leave-list")).content.decode()

    # then
    assert world.agent.full_name in page
    assert world.other.full_name not in page
    assert "wedding in Hangzhou" not in page


def test_filters_by_team_status_and_dates(client, world):
    # given
    start = working_week()
    annual_request(world, start)
    other_request(world, start)
    client.force_login(world.hr)

    # when
    by_team = client.get(reverse("hr:leave-list"), {"team": world.team_b.pk}).content.decode()
    approved = client.get(reverse("hr:leave-list"), {"status": "approved"}).content.decode()
    bad_period = client.get(
        reverse("hr:leave-list"), {"start_on": "2030-02-10", "end_on": "2030-02-01"}
    )

    # then
    assert world.other.full_name in by_team and world.agent.full_name not in by_team
    assert world.agent.full_name not in approved and "No leave requests match" in approved
    assert "The last day cannot be before the first day." in bad_period.content.decode()


def test_hr_approves_through_the_page(client, world):
    # given
    request = annual_request(world, working_week(), days=3)
    client.force_login(world.hr)

    # when
    response = client.post(
        reverse("hr:leave-detail", args=[request.pk]),
        {"decision": "approve", "comment": "enjoy", "version": version_of(request)},
        follow=True,
    )

    # then
    request.refresh_from_db()
    assert request.status == LeaveStatus.APPROVED
    assert request.decision_comment == "enjoy"
    assert request.decided_by == world.hr
    assert LeaveLedgerEntry.objects.filter(request=request, kind=LedgerKind.USE).exists()
    assert "is approved" in response.content.decode()


def test_lead_rejects_with_a_comment_and_rejection_needs_one(client, world):
    # given
    request = annual_request(world, working_week())
    client.force_login(world.lead)
    url = reverse("hr:leave-detail", args=[request.pk])

    # when rejecting without a comment
    refused = client.post(url, {"decision": "reject", "comment": ""})
    # and then with one
    response = client.post(
        url,
        {"decision": "reject", "comment": "peak week", "version": version_of(request)},
        follow=True,
    )

    # then
    assert refused.status_code == 400
    assert "Say why the request is rejected" in refused.content.decode()
    request.refresh_from_db()
    assert request.status == LeaveStatus.REJECTED
    assert "is rejected" in response.content.decode()


def test_deciding_a_closed_request_shows_the_error_next_to_the_form(client, world):
    # given an already approved request
    request = annual_request(world, working_week())
    client.force_login(world.hr)
    url = reverse("hr:leave-detail", args=[request.pk])
    client.post(url, {"decision": "approve", "version": version_of(request)})

    # when deciding again on the page as it is now
    response = client.post(
        url, {"decision": "reject", "comment": "too late", "version": version_of(request)}
    )

    # then
    assert response.status_code == 400
    page = response.content.decode()
    assert "Only a pending request can be rejected" in page
    assert "Traceback" not in page


def test_lead_cannot_see_or_decide_another_teams_request(client, world):
    # given
    request = other_request(world, working_week())
    client.force_login(world.lead)
    url = reverse("hr:leave-detail", args=[request.pk])

    # when
    seen = client.get(url)
    decided = client.post(url, {"decision": "approve"})

    # then 404, never a hint the request exists
    assert seen.status_code == 404 and decided.status_code == 404
    assert world.other.full_name not in seen.content.decode()
    request.refresh_from_db()
    assert request.status == LeaveStatus.PENDING


def test_admin_reads_but_cannot_decide(client, world):
    # given
    request = annual_request(world, working_week(), note="private")
    client.force_login(world.admin)

    # when
    page = client.get(reverse("hr:leave-list")).content.decode()
    decided = client.post(reverse("hr:leave-detail", args=[request.pk]), {"decision": "approve"})

    # then: policy lets HR and team leads decide; notes are HR's and the requester's only
    assert world.agent.full_name in page and "private" not in page.split("<tbody>")[1]
    assert decided.status_code == 403


@pytest.mark.parametrize("name", ["hr:leave-list"])
def test_agents_get_403_and_anonymous_users_go_to_login(client, world, name):
    # when
    anonymous = client.get(reverse(name))
    client.force_login(world.agent_user)
    agent = client.get(reverse(name))

    # then
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
    assert agent.status_code == 403


def test_agent_cannot_decide_a_request(client, world):
    # given a colleague's request
    request = annual_request(world, working_week())
    client.force_login(world.colleague.user)

    # when
    response = client.post(reverse("hr:leave-detail", args=[request.pk]), {"decision": "approve"})

    # then
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == LeaveStatus.PENDING


def test_a_decision_from_a_stale_page_is_refused_and_shows_the_current_values(client, world):
    # given HR opened a pending request, and the agent then changed its note
    request = annual_request(world, working_week())
    client.force_login(world.hr)
    url = reverse("hr:leave-detail", args=[request.pk])
    shown = client.get(url)
    version = version_of(request)
    assert f'name="version" value="{version}"' in shown.content.decode()
    LeaveRequest.objects.filter(pk=request.pk).update(note="changed after HR looked")

    # when HR approves from the page they opened before
    response = client.post(url, {"decision": "approve", "comment": "ok", "version": version})

    # then it is refused with the stale-record error, nothing is decided, and the page
    # carries the current version to decide again
    assert response.status_code == 409
    page = response.content.decode()
    assert str(STALE_RECORD) in page
    request.refresh_from_db()
    assert request.status == LeaveStatus.PENDING
    assert f'name="version" value="{version_of(request)}"' in page
    assert version_of(request) != version


def test_a_decision_without_a_version_is_refused(client, world):
    # given a form posted without the version (a page cached from before the change)
    request = annual_request(world, working_week())
    client.force_login(world.hr)

    # when
    response = client.post(reverse("hr:leave-detail", args=[request.pk]), {"decision": "approve"})

    # then
    assert response.status_code == 409
    request.refresh_from_db()
    assert request.status == LeaveStatus.PENDING
