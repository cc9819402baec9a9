"""Shift templates the roster engine can always read (both found by schemathesis: the coverage of
a roster answered 500 after a template it used was deactivated, or moved off the planning grid)."""

from django.urls import reverse

from scheduler.models.rosters import ShiftTemplate
from scheduler.selectors.roster_service import roster_evaluate
from tests.conftest import client_for
from tests.etag import patch_fresh
from tests.scheduler.rosters.conftest import Center
from tests.scheduler.selfservice.conftest import publish_week


def test_coverage_of_a_roster_using_a_deactivated_template(center: Center) -> None:
    # given a published week whose late shifts use a template HR has since deactivated
    roster = publish_week(center)
    late_shifts = roster.assignments.filter(template__code="late").count()
    assert late_shifts > 0
    ShiftTemplate.objects.filter(site=center.unit.site, code="late").update(is_active=False)

    # when the roster is evaluated, through the engine and through the API
    _, solution = roster_evaluate(roster)
    response = client_for(center.lead).get(reverse("api:rosters:roster-coverage", args=[roster.pk]))

    # then the late shifts still count, and the API answers instead of failing
    assert sum(1 for item in solution.assignments if item.template_id == "late") == late_shifts
    assert response.status_code == 200, response.content
    assert response.json()["coverage"]


def test_a_template_off_the_planning_grid_is_refused_naming_the_field(center: Center) -> None:
    # given the Hangzhou site, planned in 30-minute intervals, and its late template
    late = ShiftTemplate.objects.get(site=center.unit.site, code="late")
    url = reverse("api:rosters:shift-template-detail", args=[late.pk])
    client = client_for(center.hr)  # HR and admins write configuration

    # when it is moved to 14:07, and its break to 45 minutes
    moved = {"start_time": "14:07:00", "break_minutes": 45}
    response = patch_fresh(client, url, moved, format="json")

    # then both fields are refused with the reason, and the roster engine keeps working
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"start_time", "break_minutes"}
    assert "30-minute" in response.json()["start_time"][0]
    late.refresh_from_db()
    assert late.start_time.minute == 0
