"""A published roster stays readable after one of its shift templates is deactivated (found by
schemathesis: the coverage of such a roster answered 500)."""

from django.urls import reverse

from scheduler.models.rosters import ShiftTemplate
from scheduler.selectors.roster_service import roster_evaluate
from tests.conftest import client_for
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
