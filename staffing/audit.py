"""The audit trail of rosters, assignments, leave and training.

Every committed change to an audited model leaves a historical row (django-simple-history) saying
what the row became, when, who did it and, where the service has one, why. Three rules:

- The list of audited models is ``AUDITED_MODELS`` below, and only there; a guard test checks
  that each one is registered with ``AuditedHistory`` and has the ``AuditedManager``.
- Bulk writes (``QuerySet.update``, ``bulk_create``, ``bulk_update``) send no model signals, so
  the audited models' manager writes their history itself; ``QuerySet.delete`` already sends
  ``post_delete`` per row once a model has history. A developer cannot forget it: the related
  managers (``roster.assignments.update(...)``) are built from the same manager.
- History is append-only: historical rows refuse ``save()`` of an existing row and ``delete()``,
  their querysets refuse ``update()``/``delete()``, and the database refuses ``UPDATE`` and
  ``DELETE`` too (a trigger per history table; on SQLite only ``UPDATE``, because Django empties
  SQLite test databases with ``DELETE``).

Who: the actor a service was given (``audited`` decorator, or ``audit_context``), else the
user of the web request (simple-history's middleware), else the system job running: the Celery
task (``system:celery:<task>``) or the management command (``system:command:<name>``).
"""

from __future__ import annotations

import contextvars
import functools
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import models, transaction
from simple_history.manager import HistoricalQuerySet, HistoryManager
from simple_history.models import HistoricalRecords
from simple_history.utils import get_history_manager_for_model

from . import readcache

#: The audited models, by label (staffing never imports scheduler, so no classes here).
AUDITED_MODELS: tuple[str, ...] = (
    # The people rostered and trained.
    "staffing.Agent",
    "staffing.AgentSkill",
    # Leave: types, requests and every movement of a balance.
    "staffing.LeaveType",
    "staffing.LeaveRequest",
    "staffing.LeaveLedgerEntry",
    # Training: courses, what they grant, sessions and enrolments (records).
    "staffing.Course",
    "staffing.CourseSkillGrant",
    "staffing.TrainingSession",
    "staffing.TrainingRecord",
    # Rosters: their units and shifts, versions, assignments, the runs that wrote them and the
    # fairness carried between periods.
    "scheduler.PlanningUnit",
    "scheduler.ShiftTemplate",
    "scheduler.Roster",
    "scheduler.Assignment",
    "scheduler.RosterRun",
    "scheduler.FairnessEntry",
    # Self-service changes to rosters and leave, their policies, and refresher training.
    "scheduler.SwapPolicy",
    "scheduler.SwapRequest",
    "scheduler.OpenShift",
    "scheduler.LeavePolicy",
    "scheduler.LeaveImpact",
    "scheduler.RefresherProposal",
)

SYSTEM = "system"
# Errors for developers (a code path the audit trail forbids), not for users: not translated.
HISTORY_IMMUTABLE = "The audit trail is append-only: history rows cannot be changed or deleted."
BULK_CONFLICTS_REFUSED = (
    "Audited rows cannot be bulk-created with ignore_conflicts or update_conflicts: the audit "
    "trail needs to know which rows were written."
)
#: Rows per query when bulk paths read back the rows they changed.
_BATCH = 500

_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("audit_actor", default=None)
_reason: contextvars.ContextVar[str] = contextvars.ContextVar("audit_reason", default="")
_job: contextvars.ContextVar[str] = contextvars.ContextVar("audit_job", default="")
#: The system actor of this process when nothing more precise is known (set at start-up for
#: management commands).
_process_actor = SYSTEM


class ImmutableHistoryError(Exception):
    """A write to the audit trail other than appending a new row."""

    def __init__(self) -> None:
        super().__init__(str(HISTORY_IMMUTABLE))


# --- who and why ------------------------------------------------------------------------------


def _is_user(actor: Any) -> bool:
    return actor is not None and bool(getattr(actor, "is_authenticated", False))


@contextmanager
def audit_context(*, actor: Any = None, reason: str = "") -> Iterator[None]:
    """Changes inside are recorded as done by ``actor`` (a user; None keeps the outer actor),
    with ``reason`` as their change reason (empty keeps the outer one)."""
    actor_token = _actor.set(actor) if _is_user(actor) else None
    reason_token = _reason.set(str(reason)[:2000]) if reason else None
    try:
        yield
    finally:
        if reason_token is not None:
            _reason.reset(reason_token)
        if actor_token is not None:
            _actor.reset(actor_token)


@contextmanager
def system_job(name: str) -> Iterator[None]:
    """Changes inside with no user are recorded as done by the system job ``name``."""
    token = _job.set(name)
    try:
        yield
    finally:
        _job.reset(token)


F = TypeVar("F", bound=Callable[..., Any])


def audited(*, actor: str = "actor", reason: str | None = None) -> Callable[[F], F]:
    """Decorate a write service: its keyword argument ``actor`` (and ``reason``, if named) is
    who (and why) in the history of everything it changes."""

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with audit_context(
                actor=kwargs.get(actor), reason=str(kwargs.get(reason) or "") if reason else ""
            ):
                return function(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def on_commit(callback: Callable[[], Any]) -> None:
    """``transaction.on_commit`` that runs ``callback`` as the same actor, with the same reason:
    what a service does after its commit (queue a run, restore a roster) is still its doing."""
    context = contextvars.copy_context()
    transaction.on_commit(lambda: context.run(callback))


def current_user() -> Any:
    """The user a change is done by: a service's actor, else the web request's user."""
    actor = _actor.get()
    if actor is not None:
        return actor
    if _job.get():
        # A system job, even one run in-process (eager Celery) during a request.
        return None
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if _is_user(user) else None


def current_reason() -> str:
    return _reason.get()


def actor_label(user: Any) -> str:
    """What the audit trail shows as the actor: the username, or the system job."""
    if user is not None:
        return str(user.get_username())
    job = _job.get()
    return f"{SYSTEM}:{job}" if job else _process_actor


def set_process_actor(argv: Sequence[str]) -> None:
    """At start-up: a management command's changes are done by ``system:command:<name>``."""
    global _process_actor
    if len(argv) > 1 and argv[0].endswith("manage.py"):
        _process_actor = f"{SYSTEM}:command:{argv[1]}"


def connect_celery() -> None:
    """Changes made by a Celery task with no user are done by ``system:celery:<task name>``."""
    from celery.signals import task_postrun, task_prerun

    tokens: dict[str, tuple[contextvars.Token[str], contextvars.Token[Any]]] = {}

    def started(task_id: str = "", task: Any = None, **kwargs: Any) -> None:
        # A task is a system job, also when it runs eagerly inside a service with an actor;
        # the services it calls name their own actor.
        tokens[task_id] = (_job.set(f"celery:{getattr(task, 'name', task)}"), _actor.set(None))

    def finished(task_id: str = "", **kwargs: Any) -> None:
        job_token, actor_token = tokens.pop(task_id, (None, None))
        if actor_token is not None:
            _actor.reset(actor_token)
        if job_token is not None:
            _job.reset(job_token)

    task_prerun.connect(started, weak=False, dispatch_uid="audit_celery_started")
    task_postrun.connect(finished, weak=False, dispatch_uid="audit_celery_finished")


# --- append-only history ----------------------------------------------------------------------


class ImmutableQuerySetMixin:
    """Refuses every queryset write to history rows except creating them."""

    def update(self, **kwargs: Any) -> int:
        raise ImmutableHistoryError()

    def _update(self, values: Any) -> Any:
        raise ImmutableHistoryError()

    def bulk_update(self, objs: Any, fields: Any, batch_size: Any = None) -> int:
        raise ImmutableHistoryError()

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableHistoryError()

    def _raw_delete(self, using: Any) -> int:
        raise ImmutableHistoryError()

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        if kwargs.get("update_conflicts"):
            raise ImmutableHistoryError()
        objs = list(objs)
        for row in objs:
            row.fill_actor()
        return super().bulk_create(objs, *args, **kwargs)  # type: ignore[misc]


class ImmutableQuerySet(ImmutableQuerySetMixin, models.QuerySet):
    pass


class AuditHistoricalQuerySet(ImmutableQuerySetMixin, HistoricalQuerySet):
    """``Model.history`` querysets: read, never change."""


class AuditHistoryManager(HistoryManager):
    pass


class ImmutableHistoryRow(models.Model):
    """Base of the history tables of many-to-many links: append-only like the others."""

    objects = models.Manager.from_queryset(ImmutableQuerySet)()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableHistoryError()
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableHistoryError()

    def fill_actor(self) -> None:
        """The actor is on the entry these links belong to."""


class AuditRecord(models.Model):
    """Base of every historical model: who as text (survives the user account), append-only."""

    history_actor = models.CharField(max_length=200, blank=True, default="")

    objects = models.Manager.from_queryset(ImmutableQuerySet)()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableHistoryError()
        self.fill_actor()
        # Never an UPDATE, even for a new object given an existing history_id.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableHistoryError()

    def fill_actor(self) -> None:
        if not self.history_actor:
            self.history_actor = actor_label(getattr(self, "history_user", None))


def _history_user_get(entry: Any) -> Any:
    """The account that wrote ``entry`` (None once deleted); the one given when the entry was
    made is kept, so recording the actor costs no query."""
    if "_history_user_object" in entry.__dict__:
        return entry.__dict__["_history_user_object"]
    if entry.history_user_id is None:
        return None
    from django.contrib.auth import get_user_model

    user = get_user_model()._default_manager.filter(pk=entry.history_user_id).first()
    entry.__dict__["_history_user_object"] = user
    return user


def _history_user_set(entry: Any, user: Any) -> None:
    entry.history_user_id = user.pk if user is not None else None
    entry.__dict__["_history_user_object"] = user


class AuditedHistory(HistoricalRecords):
    """HistoricalRecords with the project's actor, change reason and append-only rows."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("bases", [AuditRecord])
        kwargs.setdefault("history_manager", AuditHistoryManager)
        kwargs.setdefault("historical_queryset", AuditHistoricalQuerySet)
        # Comments and notes are longer than simple-history's 100 characters.
        kwargs.setdefault("history_change_reason_field", models.TextField(null=True, blank=True))
        # Who, as a plain id rather than a foreign key: deleting a user account would otherwise
        # set it to NULL in every row they ever wrote, an UPDATE the append-only trail refuses.
        # The name stays in history_actor; history_user reads the account while it exists.
        kwargs.setdefault("history_user_id_field", models.IntegerField(null=True, blank=True))
        kwargs.setdefault("history_user_getter", _history_user_get)
        kwargs.setdefault("history_user_setter", _history_user_set)
        # Many-to-many links (m2m_fields=[...]) are recorded too: a change of the links is a
        # "~" entry of the model, with the links as they are then in a history table of its own.
        kwargs.setdefault("m2m_bases", [ImmutableHistoryRow])
        super().__init__(**kwargs)

    def m2m_changed(
        self, instance: Any, action: str, attr: str, pk_set: Any, reverse: bool, **kwargs: Any
    ) -> None:
        if not reverse:
            super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
            return
        # Changed from the other side (team.planning_units.add(unit)): simple-history would try
        # to record the *other* model; record each audited row whose links changed instead.
        model, through = kwargs["model"], kwargs["sender"]
        source = next(f for f in through._meta.fields if f.related_model is model)
        target = next(f for f in through._meta.fields if f.related_model is type(instance))
        memo = f"_audit_cleared_{attr}"
        if action == "pre_clear":
            links = through._default_manager.filter(**{target.name: instance})
            instance.__dict__[memo] = list(links.values_list(source.attname, flat=True))
            return
        if action == "post_clear":
            pks = instance.__dict__.pop(memo, [])
        elif action in ("post_add", "post_remove"):
            pks = list(pk_set or [])
        else:
            return
        for row in model._default_manager.filter(pk__in=pks):
            self.create_historical_record(row, "~")

    def get_history_user(self, instance: Any) -> Any:
        explicit = getattr(instance, "_history_user", None)
        return explicit if explicit is not None else current_user()

    def get_change_reason_for_object(self, instance: Any, history_type: Any, using: Any) -> Any:
        reason = super().get_change_reason_for_object(instance, history_type, using)
        return reason or current_reason() or None


# --- bulk writes on audited models --------------------------------------------------------------


def _batches(pks: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(pks), _BATCH):
        yield pks[start : start + _BATCH]


class AuditedQuerySet(models.QuerySet):
    """Bulk writes that leave history like ``save()`` does."""

    def _record(self, rows: list[Any], *, update: bool) -> None:
        if rows:
            get_history_manager_for_model(self.model).bulk_history_create(
                rows, update=update, default_change_reason=current_reason() or None
            )
            # Bulk writes send no post_save: cached reads of these rows are obsolete too.
            readcache.changed(self.model, using=self.db)

    def _reload(self, pks: list[Any]) -> list[Any]:
        plain: models.QuerySet[Any] = models.QuerySet(model=self.model, using=self.db)
        return [row for batch in _batches(pks) for row in plain.filter(pk__in=batch)]

    def update(self, **kwargs: Any) -> int:
        if self.query.is_sliced:
            return super().update(**kwargs)  # Django refuses it with its own message.
        with transaction.atomic(using=self.db, savepoint=False):
            # Lock the matching rows, so the rows updated are the rows recorded.
            pks = list(self.order_by().select_for_update().values_list("pk", flat=True))
            plain: models.QuerySet[Any] = models.QuerySet(model=self.model, using=self.db)
            count = sum(plain.filter(pk__in=batch).update(**kwargs) for batch in _batches(pks))
            self._record(self._reload(pks), update=True)
        return count

    update.alters_data = True  # type: ignore[attr-defined]

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        if kwargs.get("ignore_conflicts") or kwargs.get("update_conflicts"):
            raise TypeError(str(BULK_CONFLICTS_REFUSED))
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            self._record(created, update=False)
        return created

    # bulk_update needs no override: Django runs it as filter(pk__in=...).update(Case(...)),
    # which is the audited update() above (a test keeps it so).


AuditedManager = models.Manager.from_queryset(AuditedQuerySet)


# --- the database guard (used by the migrations) -------------------------------------------------

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_history_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit history is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql
"""


def history_guard_sql(vendor: str, table: str) -> list[str]:
    """Statements that make the database refuse changing rows of the history table ``table``."""
    if vendor == "postgresql":
        return [
            _PG_FUNCTION,
            f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"',
            f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION audit_history_append_only()",
        ]
    if vendor == "sqlite":
        # DELETE stays allowed: Django flushes SQLite test databases with it.
        return [
            f'DROP TRIGGER IF EXISTS "{table}_append_only"',
            f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE ON "{table}" '
            "BEGIN SELECT RAISE(ABORT, 'audit history is append-only'); END",
        ]
    return []


def history_unguard_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"']
    if vendor == "sqlite":
        return [f'DROP TRIGGER IF EXISTS "{table}_append_only"']
    return []


def guard_history_tables(*tables: str) -> Any:
    """A migration operation adding the append-only guard to history tables (reversible)."""
    from django.db import migrations

    def forward(apps: Any, schema_editor: Any) -> None:
        for table in tables:
            for statement in history_guard_sql(schema_editor.connection.vendor, table):
                schema_editor.execute(statement, params=None)

    def backward(apps: Any, schema_editor: Any) -> None:
        for table in tables:
            for statement in history_unguard_sql(schema_editor.connection.vendor, table):
                schema_editor.execute(statement, params=None)

    return migrations.RunPython(forward, backward)


def history_user_as_plain_id(model_name: str) -> Any:
    """A migration operation: the history model's ``history_user`` foreign key becomes the
    plain ``history_user_id`` of AuditedHistory. The column keeps its values; only the
    foreign-key constraint is dropped (so deleting a user updates no history row)."""
    from django.conf import settings
    from django.db import migrations

    return migrations.SeparateDatabaseAndState(
        database_operations=[
            migrations.AlterField(
                model_name=model_name,
                name="history_user",
                field=models.ForeignKey(
                    settings.AUTH_USER_MODEL,
                    db_constraint=False,
                    null=True,
                    on_delete=models.SET_NULL,
                    related_name="+",
                ),
            ),
        ],
        state_operations=[
            migrations.RemoveField(model_name=model_name, name="history_user"),
            migrations.AddField(
                model_name=model_name,
                name="history_user_id",
                field=models.IntegerField(blank=True, null=True),
            ),
        ],
    )


def start(argv: Sequence[str] = ()) -> None:
    """Called once from StaffingConfig.ready()."""
    set_process_actor(list(argv) or sys.argv)
    connect_celery()
