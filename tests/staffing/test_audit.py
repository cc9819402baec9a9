"""The audit trail's guarantees (staffing/audit.py): every audited model is registered, every bulk
path writes history, history rows cannot be changed or deleted, and the actor is recorded."""

import ast
import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse
from simple_history.models import registered_models
from simple_history.utils import get_history_model_for_model

from staffing import audit
from staffing.audit import (
    AUDITED_MODELS,
    AuditedQuerySet,
    AuditRecord,
    ImmutableHistoryError,
    audit_context,
    system_job,
)
from staffing.models import LeaveLedgerEntry, LeaveRequest, LeaveType
from staffing.models.leave import LedgerKind
from staffing.services.leave import leave_request_approve, leave_request_create
from tests.concurrency import client_for
from tests.etag import patch_fresh
from tests.factories import leave_type

ROOT = Path(__file__).resolve().parent.parent.parent


def audited_models() -> list:
    return [apps.get_model(label) for label in AUDITED_MODELS]


@pytest.mark.parametrize("label", AUDITED_MODELS)
def test_every_audited_model_has_append_only_history_and_the_audited_manager(label):
    model = apps.get_model(label)
    history = get_history_model_for_model(model)
    assert issubclass(history, AuditRecord)
    assert isinstance(model._default_manager.get_queryset(), AuditedQuerySet)
    assert isinstance(model.history.all(), audit.AuditHistoricalQuerySet)
    assert isinstance(history._default_manager.get_queryset(), audit.ImmutableQuerySet)


def test_every_model_with_history_is_in_the_one_list():
    # (the link tables of many-to-many fields that are recorded register too; not models of ours)
    with_history = {
        model._meta.label for model in registered_models.values() if not model._meta.auto_created
    }
    assert with_history == set(AUDITED_MODELS)


def test_related_managers_of_audited_models_write_history_in_bulk_too(world):
    # roster.assignments.update(...) and the like are built from the default manager
    queryset = world.agent.leave_ledger.all()
    assert isinstance(queryset, AuditedQuerySet)


# Modules allowed raw SQL because they take no rows and write nothing.
WRITES_NO_ROWS = {"scheduler/services/run_lease.py"}  # PostgreSQL advisory locks


def test_no_code_bypasses_the_audited_managers():
    """The ways around a model's default manager are not used outside staffing/audit.py."""
    bypasses = ("_base_manager", "_raw_delete", "_update", "raw", "cursor", "bulk_history_create")
    offenders = []
    for folder in ("staffing", "scheduler"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" in path.parts or path.name == "audit.py":
                continue
            if path.relative_to(ROOT).as_posix() in WRITES_NO_ROWS:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute) and node.attr in bypasses:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.attr}")
    assert offenders == []


def test_leave_notes_stay_out_of_the_history():
    history = get_history_model_for_model(LeaveRequest)
    assert "note" not in {field.name for field in history._meta.get_fields()}


# --- bulk paths ---------------------------------------------------------------------------------


def _grant(world, year: int, days: str = "5") -> LeaveLedgerEntry:
    return LeaveLedgerEntry(
        agent=world.agent,
        leave_type=leave_type("annual"),
        year=year,
        kind=LedgerKind.ADJUSTMENT,
        days=Decimal(days),
    )


@pytest.mark.django_db
def test_bulk_create_writes_a_created_entry_per_row_with_the_actor(world):
    # when
    with audit_context(actor=world.hr, reason="Correction"):
        rows = LeaveLedgerEntry.objects.bulk_create([_grant(world, 2031), _grant(world, 2032)])
    # then
    entries = LeaveLedgerEntry.history.filter(id__in=[row.pk for row in rows])
    assert sorted(e.history_type for e in entries) == ["+", "+"]
    assert {(e.history_user, e.history_actor, e.history_change_reason) for e in entries} == {
        (world.hr, "hr", "Correction")
    }


@pytest.mark.django_db
def test_queryset_update_writes_the_new_values_of_every_row_it_changed(world):
    # given
    rows = LeaveLedgerEntry.objects.bulk_create([_grant(world, 2031), _grant(world, 2032)])
    matched = LeaveLedgerEntry.objects.filter(pk__in=[row.pk for row in rows])
    # when: the filter no longer matches the rows after the update
    with audit_context(actor=world.hr):
        count = matched.filter(note="").update(note="moved")
    # then
    assert count == 2
    changed = LeaveLedgerEntry.history.filter(history_type="~", id__in=[r.pk for r in rows])
    assert sorted(e.note for e in changed) == ["moved", "moved"]
    assert {e.history_actor for e in changed} == {"hr"}


@pytest.mark.django_db
def test_bulk_update_records_the_stored_rows_not_stale_objects(world):
    rows = LeaveLedgerEntry.objects.bulk_create([_grant(world, 2031)])
    row = rows[0]
    row.days = Decimal("7")
    row.note = "not saved: not in the fields updated"
    with system_job("import"):
        LeaveLedgerEntry.objects.bulk_update([row], ["days"])
    entry = LeaveLedgerEntry.history.filter(id=row.pk, history_type="~").get()
    assert (entry.days, entry.note, entry.history_actor) == (Decimal("7"), "", "system:import")


@pytest.mark.django_db
def test_queryset_delete_writes_a_deleted_entry_per_row(world):
    rows = LeaveLedgerEntry.objects.bulk_create([_grant(world, 2031), _grant(world, 2032)])
    with audit_context(actor=world.admin):
        LeaveLedgerEntry.objects.filter(pk__in=[r.pk for r in rows]).delete()
    deleted = LeaveLedgerEntry.history.filter(history_type="-", id__in=[r.pk for r in rows])
    assert {e.history_actor for e in deleted} == {"root"} and deleted.count() == 2


@pytest.mark.django_db
def test_bulk_create_ignoring_conflicts_is_refused_on_audited_models(world):
    with pytest.raises(TypeError, match="ignore_conflicts"):
        LeaveLedgerEntry.objects.bulk_create([_grant(world, 2031)], ignore_conflicts=True)


# --- who ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_service_records_its_actor_and_comment(world):
    request = leave_request_create(
        actor=world.agent_user,
        agent=world.agent,
        leave_type=leave_type("annual"),
        start_on=datetime.date.today() + datetime.timedelta(days=60),
        end_on=datetime.date.today() + datetime.timedelta(days=60),
    )
    leave_request_approve(actor=world.lead, request=request, comment="Approved early")
    created, approved = request.history.order_by("history_id")
    assert (created.history_user, created.history_actor) == (world.agent_user, "agent")
    assert (approved.history_user, approved.history_actor) == (world.lead, "lead")
    assert approved.history_change_reason == "Approved early"
    use = LeaveLedgerEntry.history.get(request_id=request.pk, kind=LedgerKind.USE)
    assert use.history_user == world.lead


@pytest.mark.django_db
def test_a_user_account_can_be_deleted_and_the_trail_keeps_who_it_was(world):
    # given: an HR clerk's account that renamed an agent, so it appears in the trail
    from staffing.services.agents import agent_update
    from tests.factories import UserFactory

    clerk = UserFactory(username="clerk", roles=["hr"])
    agent_update(actor=clerk, agent=world.agent, full_name="Renamed By Clerk")
    clerk_id = clerk.pk
    # when: the account is deleted (nothing of the domain refers to it; the trail's rows are
    # never updated for it)
    clerk.delete()
    # then: the entry keeps the account's id and name; the account itself is gone
    entry = world.agent.history.order_by("history_id").last()
    assert entry.full_name == "Renamed By Clerk"
    assert (entry.history_user_id, entry.history_actor) == (clerk_id, "clerk")
    assert entry.history_user is None


@pytest.mark.django_db
def test_the_web_request_user_is_the_actor(world):
    # given the HR user changing a leave type through the API
    annual = leave_type("annual")
    client = client_for(world.hr)
    # when
    response = patch_fresh(
        client,
        reverse("api:staffing:leave-type-detail", args=[annual.pk]),
        {"notice_days": 9},
        format="json",
    )
    # then
    assert response.status_code == 200, response.content
    entry = annual.history.order_by("-history_id").first()
    assert (entry.notice_days, entry.history_user, entry.history_actor) == (9, world.hr, "hr")


def test_management_commands_and_celery_tasks_are_named_system_actors(monkeypatch):
    monkeypatch.setattr(audit, "_process_actor", audit.SYSTEM)
    assert audit.actor_label(None) == "system"
    audit.set_process_actor(["/srv/app/manage.py", "run_nightly", "--today", "2026-01-01"])
    assert audit.actor_label(None) == "system:command:run_nightly"
    with system_job("celery:scheduler.run_nightly"):
        assert audit.actor_label(None) == "system:celery:scheduler.run_nightly"


@pytest.mark.django_db
def test_a_celery_task_is_a_system_job_even_run_inside_a_service(world):
    from celery import shared_task

    @shared_task(name="tests.audit_probe")
    def probe() -> str:
        LeaveType.objects.filter(code="annual").update(notice_days=3)
        return audit.actor_label(audit.current_user())

    with audit_context(actor=world.hr):
        assert probe.apply().get() == "system:celery:tests.audit_probe"
        assert audit.actor_label(audit.current_user()) == "hr"
    entry = leave_type("annual").history.order_by("-history_id").first()
    assert (entry.history_user, entry.history_actor) == (None, "system:celery:tests.audit_probe")


# --- append-only ----------------------------------------------------------------------------------


@pytest.fixture
def entry(db):
    annual = leave_type("annual")
    annual.notice_days = 4
    annual.save()
    return annual.history.order_by("-history_id").first()


def test_history_rows_refuse_save_and_delete(entry):
    entry.history_change_reason = "rewritten"
    with pytest.raises(ImmutableHistoryError):
        entry.save()
    with pytest.raises(ImmutableHistoryError):
        entry.delete()


def test_a_new_history_row_cannot_overwrite_an_existing_one(entry):
    history = type(entry)
    copy = history(**{f.attname: getattr(entry, f.attname) for f in history._meta.concrete_fields})
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


@pytest.mark.parametrize(
    "write",
    [
        lambda qs: qs.update(history_change_reason="rewritten"),
        lambda qs: qs.delete(),
        lambda qs: qs.bulk_update(list(qs), ["history_change_reason"]),
    ],
    ids=["update", "delete", "bulk_update"],
)
def test_history_querysets_refuse_update_and_delete(entry, write):
    for queryset in (LeaveType.history.all(), type(entry).objects.all()):
        with pytest.raises(ImmutableHistoryError):
            write(queryset)
    assert type(entry).objects.get(pk=entry.pk).history_change_reason == entry.history_change_reason


def _guarded_tables() -> list[str]:
    tables = []
    for model in audited_models():
        tables.append(get_history_model_for_model(model)._meta.db_table)
        history = model._meta.simple_history_manager_attribute
        records = getattr(model, history).model  # the historical model
        for field in records._history_m2m_fields:  # the links' history tables
            tables.append(getattr(records, field.name).model._meta.db_table)
    return tables


def test_the_links_of_units_and_courses_have_history_tables():
    tables = set(_guarded_tables())
    assert {
        "scheduler_historicalplanningunit_teams",
        "scheduler_historicalplanningunit_queues",
        "staffing_historicalcourse_mandatory_for_skills",
    } <= tables


@pytest.mark.django_db
def test_a_change_of_links_is_an_entry_from_either_side(world):
    # given: a planning unit of team A
    from scheduler.models.rosters import PlanningUnit

    unit = PlanningUnit.objects.create(code="links", name="Links", site=world.team_a.site)
    unit.teams.add(world.team_a)
    # when: team B is added from the unit's side, then team A removed from the team's side
    with audit.audit_context(actor=world.hr, reason="reorganised"):
        unit.teams.add(world.team_b)
        world.team_a.planning_units.remove(unit)
    # then: each change is an entry of the unit, with its links as they were then
    entries = list(unit.history.order_by("history_id"))
    linked = [sorted(link.team_id for link in entry.teams.all()) for entry in entries]
    assert linked[-2:] == [
        sorted([world.team_a.pk, world.team_b.pk]),
        [world.team_b.pk],
    ]
    assert [(e.history_type, e.history_actor) for e in entries[-2:]] == [("~", "hr"), ("~", "hr")]
    # and the links' history is append-only too
    link = entries[-1].teams.first()
    with pytest.raises(ImmutableHistoryError):
        link.delete()


@pytest.mark.django_db
def test_every_history_table_has_the_database_guard():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        triggers = {row[0] for row in cursor.fetchall()}
    assert {f"{table}_append_only" for table in _guarded_tables()} <= triggers


def test_the_database_refuses_a_raw_update(entry):
    table = type(entry)._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET history_change_reason = 'x'")  # noqa: S608


def test_on_postgresql_the_database_refuses_a_raw_delete(entry):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite test databases are emptied with DELETE: only UPDATE is guarded")
    table = type(entry)._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608


@pytest.mark.django_db
def test_the_admin_shows_history_read_only(world, client):
    assert settings.SIMPLE_HISTORY_REVERT_DISABLED is True
    assert getattr(settings, "SIMPLE_HISTORY_EDIT", False) is False
    annual = leave_type("annual")
    annual.notice_days = 6
    annual.save()
    client.force_login(world.admin)
    response = client.get(reverse("admin:staffing_leavetype_history", args=[annual.pk]))
    assert response.status_code == 200
    assert annual.history.count() == 1  # looking changes nothing
