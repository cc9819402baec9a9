import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from scheduler import solver
from scheduler.models.rosters import (
    Assignment,
    FairnessEntry,
    Notification,
    Roster,
    RosterRun,
    RosterStatus,
    RunStatus,
    ShiftTemplate,
)
from scheduler.selectors.roster_service import roster_evaluate, roster_service_levels
from scheduler.services import rosters as svc
from staffing.services.leave import leave_request_approve, leave_request_create
from tests.factories import UserFactory, leave_type

pytestmark = pytest.mark.django_db


def move_one_shift(center, roster):
    """Move some agent's shift to another day template the rules accept; return the row."""
    rows = roster.assignments.exclude(activity="leave").order_by("day", "agent_id")
    for row in rows:
        for code in ("day", "early", "late"):
            if row.template.code == code:
                continue
            try:
                svc.assignment_set(
                    actor=center.lead,
                    roster=roster,
                    agent_id=row.agent_id,
                    day=row.day,
                    template_code=code,
                )
            except ValidationError:
                continue
            return row
    raise AssertionError("no edit was accepted")


def build(center, captured, weeks=1, actor=None):
    with captured(execute=True):
        run = svc.roster_run_request(
            actor=actor or center.lead, unit=center.unit, period_start=center.monday, weeks=weeks
        )
    run.refresh_from_db()
    return run


def hard_violations(roster):
    period, solution = roster_evaluate(roster)
    return [
        v for v in solver.check_roster(period.problem, solution) if v.rule not in svc.SOFT_CHECKS
    ]


def test_request_becomes_a_valid_draft(center, django_capture_on_commit_callbacks):
    # when a team lead asks for a week
    run = build(center, django_capture_on_commit_callbacks)
    # then the run succeeded and wrote one draft that passes every hard rule
    assert run.status == RunStatus.SUCCEEDED, run.error
    roster = run.result
    assert roster.status == RosterStatus.DRAFT
    assert roster.version == 1
    shifts = roster.assignments.exclude(activity="leave")
    assert shifts.count() == 14 * 5  # everyone works their five contracted days
    assert hard_violations(roster) == []
    assert roster.figures["coverage_percent"] > 90
    assert run.progress_percent == 100


def test_publish_archives_previous_and_notifies_changes(center, django_capture_on_commit_callbacks):
    # given a published first version
    first = build(center, django_capture_on_commit_callbacks).result
    svc.roster_publish(actor=center.lead, roster=first)
    assert Notification.objects.filter(kind="roster_published").count() == 14
    assert FairnessEntry.objects.filter(roster=first).count() == 14
    # when a second version is built, edited and published
    second = build(center, django_capture_on_commit_callbacks).result
    assert second.version == 2
    row = move_one_shift(center, second)
    svc.roster_publish(actor=center.lead, roster=second)
    # then the first is archived, the second live, and the changed agent is told
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == RosterStatus.ARCHIVED
    assert second.status == RosterStatus.PUBLISHED
    changed = Notification.objects.filter(kind="roster_changed", user=row.agent.user)
    assert changed.exists()
    assert str(row.day) in changed.first().body
    # and a published version cannot be edited
    with pytest.raises(ValidationError):
        svc.assignment_set(
            actor=center.lead,
            roster=second,
            agent_id=row.agent_id,
            day=row.day,
            template_code="day",
        )


def test_edit_breaking_rest_is_refused_with_the_rule_named(
    center, django_capture_on_commit_callbacks
):
    roster = build(center, django_capture_on_commit_callbacks).result
    # given an agent working a night shift
    night = (
        roster.assignments.filter(template__code="night", day__lt=roster.period_end)
        .order_by("day")
        .first()
    )
    assert night is not None, "a 24/7 week has nights before its last day"
    next_day = night.day + datetime.timedelta(days=1)
    # when the lead gives them an early shift the morning after
    with pytest.raises(ValidationError) as error:
        svc.assignment_set(
            actor=center.lead,
            roster=roster,
            agent_id=night.agent_id,
            day=next_day,
            template_code="early",
        )
    # then it is refused naming a hard rule and nothing changed
    message = str(error.value.message_dict["template"][0])
    assert "min_rest_between_shifts" in message or "one_shift_per_day" in message
    assert not roster.assignments.filter(
        agent_id=night.agent_id, day=next_day, template__code="early", source="manual"
    ).exists()


def test_accepted_edit_is_locked_and_kept_by_the_next_solve(
    center, django_capture_on_commit_callbacks
):
    # given a draft with one shift moved by hand
    roster = build(center, django_capture_on_commit_callbacks).result
    row = move_one_shift(center, roster)
    edited = roster.assignments.get(agent_id=row.agent_id, day=row.day)
    assert edited.locked and edited.source == "manual"
    # when the draft is solved again
    again = build(center, django_capture_on_commit_callbacks).result
    # then the hand edit is kept
    kept = again.assignments.get(agent_id=row.agent_id, day=row.day)
    assert kept.template_id == edited.template_id
    assert kept.locked


def test_day_off_that_breaks_contract_hours_is_refused(center, django_capture_on_commit_callbacks):
    roster = build(center, django_capture_on_commit_callbacks).result
    row = roster.assignments.exclude(activity="leave").first()
    with pytest.raises(ValidationError) as error:
        svc.assignment_set(
            actor=center.lead, roster=roster, agent_id=row.agent_id, day=row.day, template_code=None
        )
    assert "contract_hours" in error.value.message_dict["template"][0]


def test_only_planners_of_the_unit(center):
    outsider = UserFactory(username="outsider", roles=["agent"])
    with pytest.raises(PermissionDenied):
        svc.roster_run_request(actor=outsider, unit=center.unit, period_start=center.monday)


def test_second_request_joins_the_active_run(center):
    first = svc.roster_run_request(actor=center.lead, unit=center.unit, period_start=center.monday)
    second = svc.roster_run_request(actor=center.hr, unit=center.unit, period_start=center.monday)
    assert first.pk == second.pk
    assert RosterRun.objects.count() == 1


def test_overlapping_draft_is_refused(center, django_capture_on_commit_callbacks):
    build(center, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as error:
        svc.roster_run_request(
            actor=center.lead,
            unit=center.unit,
            period_start=center.monday + datetime.timedelta(days=3),
            weeks=1,
        )
    assert "overlaps" in error.value.message_dict["period_start"][0]


def test_no_forecast_fails_with_a_reason_and_writes_nothing(
    center, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = svc.roster_run_request(
            actor=center.lead,
            unit=center.unit,
            period_start=center.monday + datetime.timedelta(days=28),
            weeks=1,
        )
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "No requirements" in run.error
    assert not Roster.objects.exists()


def test_infeasible_rules_fail_with_the_engines_explanation(
    center, django_capture_on_commit_callbacks
):
    # given shifts only allowed on Mondays, while contracts need five days a week
    ShiftTemplate.objects.update(weekdays=[0])
    run = build(center, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.FAILED
    assert "No roster satisfies the hard rules" in run.error
    assert not Roster.objects.exists()


def test_redelivered_run_writes_once(center, django_capture_on_commit_callbacks):
    run = build(center, django_capture_on_commit_callbacks)
    again = svc.roster_run_execute(run_id=run.pk)
    assert again.status == RunStatus.SUCCEEDED
    assert Roster.objects.count() == 1


def test_approved_leave_triggers_a_minimal_repair(center, django_capture_on_commit_callbacks):
    # given a published roster
    roster = build(center, django_capture_on_commit_callbacks).result
    svc.roster_publish(actor=center.lead, roster=roster)
    worked = roster.assignments.exclude(activity="leave").order_by("day", "agent_id")
    row = worked.filter(agent__level="intermediate").last()
    agent = row.agent
    # when HR records and approves sick leave on a rostered day
    sick = leave_request_create(
        actor=center.hr,
        agent=agent,
        leave_type=leave_type("sick"),
        start_on=row.day,
        end_on=row.day,
        document="note.pdf",
        today=row.day,
    )
    with django_capture_on_commit_callbacks(execute=True):
        leave_request_approve(actor=center.hr, request=sick)
    # then a repair run wrote a new draft where the agent is off that day, the rest mostly kept
    repair = RosterRun.objects.filter(trigger="repair").get()
    assert repair.status == RunStatus.SUCCEEDED, repair.error
    draft = repair.result
    assert draft.status == RosterStatus.DRAFT
    assert not draft.assignments.filter(agent=agent, day=row.day).exclude(activity="leave")
    assert draft.assignments.filter(agent=agent, day=row.day, activity="leave").exists()
    changes = svc.roster_diff(before=roster, after=draft)
    changed_agents = {c["agent"] for c in changes}
    assert agent.pk in changed_agents
    assert len(changed_agents) <= 6
    assert hard_violations(draft) == []


def test_service_levels_are_predicted_per_queue(center, django_capture_on_commit_callbacks):
    roster = build(center, django_capture_on_commit_callbacks).result
    period, solution = roster_evaluate(roster)
    levels = roster_service_levels(roster, solution, period)
    assert [item.queue for item in levels] == ["hz-hotline"]
    assert 0.0 <= levels[0].predicted_service_level <= 1.0


def test_assignment_rows_do_not_overlap_for_an_agent(center, django_capture_on_commit_callbacks):
    roster = build(center, django_capture_on_commit_callbacks).result
    for agent in center.agents:
        rows = list(
            Assignment.objects.filter(roster=roster, agent=agent)
            .exclude(activity="leave")
            .order_by("start_at")
        )
        for before, after in zip(rows, rows[1:], strict=False):
            assert before.end_at <= after.start_at


def test_team_lead_edits_only_their_own_teams_agents(center, django_capture_on_commit_callbacks):
    from staffing.models import Team
    from tests.factories import AgentFactory

    # given a second team in the unit with its own lead
    other_team = Team.objects.create(code="hz-2", name="Second", site=center.unit.site)
    center.unit.teams.add(other_team)
    stranger = AgentFactory(team=other_team, employee_number="HZ900")
    roster = build(center, django_capture_on_commit_callbacks).result
    # when the first team's lead edits the other team's agent
    with pytest.raises(PermissionDenied):
        svc.assignment_set(
            actor=center.lead,
            roster=roster,
            agent_id=stranger.pk,
            day=roster.period_start,
            template_code="day",
        )


def test_unit_without_agents_fails_with_a_reason(center, django_capture_on_commit_callbacks):
    from staffing.models import Agent

    Agent.objects.filter(team__in=center.unit.teams.all()).update(
        is_active=False, left_on=center.monday - datetime.timedelta(days=30)
    )
    run = build(center, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.FAILED
    assert "has no agents" in run.error
    assert not Roster.objects.exists()
