"""The audit trail end to end: the real services change rosters, assignments, leave and
training; every row they change in an audited table has a history entry saying what it became
and who did it (staffing/audit.py)."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone
from simple_history.utils import get_history_model_for_model

from scheduler.models.rosters import Assignment, RosterRun, RunTrigger
from scheduler.roster_tasks import run_nightly_task
from scheduler.services import open_shifts, swaps
from scheduler.services import rosters as roster_services
from scheduler.services.open_shifts import open_shifts_expire
from staffing.audit import AUDITED_MODELS, audit_context, system_job
from staffing.models import AgentSkill, CourseSkillGrant, LeaveLedgerEntry
from staffing.models.leave import LedgerKind
from staffing.services import leave as leave_services
from staffing.services import training as training_services
from tests.factories import CourseFactory, TrainingSessionFactory, leave_type, skill
from tests.scheduler.rosters.conftest import center  # noqa: F401 (fixture)

from .selfservice.conftest import day_of, live, publish_week

pytestmark = pytest.mark.django_db

Snapshot = dict[str, tuple[dict[Any, dict], int]]


def _tracked(label: str) -> tuple[Any, Any, list[str]]:
    model = apps.get_model(label)
    history = get_history_model_for_model(model)
    return model, history, [field.attname for field in history.tracked_fields]


def snapshot() -> Snapshot:
    """Every audited table's rows (tracked fields) and its last history id."""
    taken: Snapshot = {}
    for label in AUDITED_MODELS:
        model, history, fields = _tracked(label)
        rows = {row["pk"]: row for row in model._default_manager.values("pk", *fields)}
        last = history.objects.order_by("-history_id").values_list("history_id", flat=True)
        taken[label] = (rows, last.first() or 0)
    return taken


def unaudited_changes(before: Snapshot, actors: set[str], user_by_name: dict) -> dict:
    """What changed since ``before`` without a matching history entry by one of ``actors``
    (usernames, or ``system:...`` labels ending in ``*`` for a prefix); also the tables changed."""
    problems: dict[str, list] = {}
    changed: dict[str, int] = {}

    def allowed(label: str) -> bool:
        return any(
            label == actor or (actor.endswith("*") and label.startswith(actor[:-1]))
            for actor in actors
        )

    for label, (rows_before, last_id) in before.items():
        model, history, fields = _tracked(label)
        rows_after = {row["pk"]: row for row in model._default_manager.values("pk", *fields)}
        entries = list(history.objects.filter(history_id__gt=last_id).order_by("history_id"))
        latest = {entry.history_object.pk: entry for entry in entries}
        for entry in entries:
            who = entry.history_actor
            if not allowed(who):
                problems.setdefault(label, []).append(("actor", entry.history_object.pk, who))
            elif who in user_by_name and entry.history_user_id != user_by_name[who].pk:
                problems.setdefault(label, []).append(("user", entry.history_object.pk, who))
        moved = [pk for pk, row in rows_after.items() if rows_before.get(pk) != row]
        gone = [pk for pk in rows_before if pk not in rows_after]
        for pk in moved:
            entry = latest.get(pk)
            recorded = None if entry is None else {f: getattr(entry, f) for f in fields}
            expected = {f: rows_after[pk][f] for f in fields}
            if recorded != expected or entry.history_type == "-":
                problems.setdefault(label, []).append(("changed", pk, recorded, expected))
        for pk in gone:
            if latest.get(pk) is None or latest[pk].history_type != "-":
                problems.setdefault(label, []).append(("deleted", pk))
        if moved or gone:
            changed[label] = len(moved) + len(gone)
    return {"problems": problems, "changed": changed}


class Step:
    """Run a block and check it left a full audit trail by the expected actors."""

    def __init__(self, users: list[Any]) -> None:
        self.users = {user.get_username(): user for user in users}
        self.figures: dict[str, dict[str, int]] = {}

    def check(self, name: str, before: Snapshot, *actors: str, tables: set[str]) -> None:
        result = unaudited_changes(before, set(actors), self.users)
        assert result["problems"] == {}, name
        assert tables <= set(result["changed"]), (name, result["changed"])
        self.figures[name] = result["changed"]


def test_every_change_by_the_services_has_a_history_entry_with_its_actor(
    center,  # noqa: F811 (the fixture)
    django_capture_on_commit_callbacks,
):
    lead, hr = center.lead, center.hr
    agents = center.agents
    step = Step([lead, hr, *(agent.user for agent in agents)])
    celery = "system:celery:*"
    # given: a published week built by hand (known swaps and give-aways), the next week free
    week = publish_week(center)
    next_monday = center.monday + datetime.timedelta(days=7)

    # when a lead generates the next week, edits a cell of the draft and publishes it
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        run = roster_services.roster_run_request(
            actor=lead, unit=center.unit, period_start=next_monday, weeks=1
        )
    draft = RosterRun.objects.get(pk=run.pk).result
    assert draft is not None, RosterRun.objects.get(pk=run.pk).error
    step.check(
        "generate",
        before,
        lead.username,
        celery,
        tables={"scheduler.RosterRun", "scheduler.Roster", "scheduler.Assignment"},
    )
    before = snapshot()
    edited = False
    for row in draft.assignments.exclude(activity="leave").order_by("day", "agent_id"):
        for code in ("day", "early", "late"):
            if row.template.code == code:
                continue
            try:
                roster_services.assignment_set(
                    actor=lead, roster=draft, agent_id=row.agent_id, day=row.day, template_code=code
                )
            except Exception:  # noqa: BLE001 - a rule refused this one; try the next
                continue
            edited = True
            break
        if edited:
            break
    assert edited
    step.check("edit a cell", before, lead.username, tables={"scheduler.Assignment"})
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        roster_services.roster_publish(actor=lead, roster=draft)
    step.check(
        "publish",
        before,
        lead.username,
        celery,
        tables={"scheduler.Roster", "scheduler.Assignment", "scheduler.FairnessEntry"},
    )

    # when two agents swap Monday shifts and the lead approves, with a comment
    before = snapshot()
    monday = day_of(center, 0)
    swap = swaps.swap_propose(
        actor=agents[4].user,
        shift=live(agents[4], monday),
        counterpart=agents[5],
        counterpart_shift=live(agents[5], monday),
    )
    swap = swaps.swap_accept(actor=agents[5].user, swap=swap)
    with django_capture_on_commit_callbacks(execute=True):
        swap = swaps.swap_approve(actor=lead, swap=swap, comment="Family event")
    step.check(
        "swap",
        before,
        agents[4].user.username,
        agents[5].user.username,
        lead.username,
        celery,
        tables={"scheduler.SwapRequest", "scheduler.Roster", "scheduler.Assignment"},
    )
    approved = swap.history.order_by("-history_id").first()
    assert approved.history_change_reason == "Family event"
    assert approved.history_user == lead

    # when agent 9 gives the Sunday shift away and agent 13 claims it
    before = snapshot()
    sunday = day_of(center, 6)
    board = open_shifts.open_shift_give_away(
        actor=agents[9].user, shift=live(agents[9], sunday), note="Exam"
    )
    with django_capture_on_commit_callbacks(execute=True):
        open_shifts.open_shift_claim(actor=agents[13].user, board=board)
    step.check(
        "claim an open shift",
        before,
        agents[9].user.username,
        agents[13].user.username,
        celery,
        tables={"scheduler.OpenShift", "scheduler.Roster", "scheduler.Assignment"},
    )

    # when HR grants next year's leave (a bulk create), an agent asks for leave, the lead
    # approves and the agent cancels, all after the rostered weeks
    before = snapshot()
    year = next_monday.year + 1
    annual = leave_type("annual")
    granted = leave_services.leave_entitlements_grant(year=year, actor=hr)
    assert granted >= len(agents)
    asker = agents[3]
    first = datetime.date(year, 3, 2)
    with django_capture_on_commit_callbacks(execute=True):
        request = leave_services.leave_request_create(
            actor=asker.user,
            agent=asker,
            leave_type=annual,
            start_on=first,
            end_on=first + datetime.timedelta(days=1),
            note="private: a medical appointment",
        )
    with django_capture_on_commit_callbacks(execute=True):
        request = leave_services.leave_request_approve(actor=lead, request=request, comment="Enjoy")
    with django_capture_on_commit_callbacks(execute=True):
        leave_services.leave_request_cancel(
            actor=asker.user, request=request, comment="Plans changed"
        )
    kinds = set(LeaveLedgerEntry.objects.filter(request=request).values_list("kind", flat=True))
    assert kinds == {LedgerKind.USE, LedgerKind.REVERSAL}
    step.check(
        "leave",
        before,
        hr.username,
        asker.user.username,
        lead.username,
        celery,
        tables={"staffing.LeaveRequest", "staffing.LeaveLedgerEntry", "scheduler.LeaveImpact"},
    )
    # the private note stays out of the history
    assert all(not hasattr(row, "note") for row in request.history.all())

    # when HR enrols an agent in a course that grants a skill, and records a pass
    before = snapshot()
    course = CourseFactory(code="audit-cards")
    CourseSkillGrant.objects.create(course=course, skill=skill("cards"), proficiency=3)
    session = TrainingSessionFactory(course=course)
    record = training_services.training_record_enroll(actor=hr, agent=agents[2], session=session)
    training_services.training_record_complete(
        actor=hr,
        record=record,
        status="passed",
        score=Decimal("90"),
        completed_on=session.starts_at.date(),
    )
    assert AgentSkill.objects.filter(agent=agents[2], skill__code="cards").exists()
    step.check(
        "training",
        before,
        hr.username,
        "system",  # the course and session made by the factories, outside any service
        tables={"staffing.TrainingRecord", "staffing.AgentSkill", "staffing.TrainingSession"},
    )

    # when the nightly job repairs the hand-built week (its inputs were never solved)
    before = snapshot()
    nightly = run_nightly_task.apply().get()
    repairs = RosterRun.objects.filter(pk__in=nightly["runs"], trigger=RunTrigger.REPAIR)
    assert repairs.filter(base_roster__period_start=week.period_start).exists(), nightly
    step.check(
        "nightly repair",
        before,
        "system:celery:scheduler.run_nightly",
        tables={"scheduler.RosterRun", "scheduler.Roster", "scheduler.Assignment"},
    )

    # when a bulk update locks the next week's rows, and a job expires open shifts in bulk
    before = snapshot()
    with audit_context(actor=lead, reason="Freeze before payroll"):
        locked = Assignment.objects.filter(roster=draft, locked=False).update(locked=True)
    assert locked > 0
    open_shifts.open_shift_post(
        actor=lead, unit=center.unit, day=day_of(center, 2), template_code="late"
    )
    with system_job("expiry-test"):
        assert open_shifts_expire(now=timezone.now() + datetime.timedelta(days=60)) >= 1
    step.check(
        "bulk update",
        before,
        lead.username,
        "system:expiry-test",
        tables={"scheduler.Assignment", "scheduler.OpenShift"},
    )
    frozen = Assignment.history.filter(roster_id=draft.pk, locked=True, history_type="~")
    assert frozen.filter(history_change_reason="Freeze before payroll").count() == locked
    print("audited rows changed per step:", step.figures)
