"""Roster lifecycle: request a run, execute it, publish, edit a draft, repair a published roster.

A run is written in one transaction at its end, so a failed or killed run leaves nothing
behind and the published version stays live. Runs are idempotent: one active run per unit and
period (a database constraint), and a redelivered run whose inputs are unchanged writes nothing
new.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scheduler import bridge, solver
from scheduler.models.rosters import (
    ACTIVE_RUN_STATUSES,
    Activity,
    Assignment,
    AssignmentSource,
    FairnessEntry,
    PlanningUnit,
    Roster,
    RosterRun,
    RosterStatus,
    RunStatus,
    RunTrigger,
    ShiftTemplate,
)
from scheduler.selectors.roster_demand import unit_demand
from scheduler.services.errors import Conflict
from scheduler.services.run_lease import run_lease
from staffing import policy
from staffing.audit import audited, on_commit

logger = logging.getLogger(__name__)

NOT_A_PLANNER = _("Only HR, admins and the team leads of this unit can plan its rosters.")
PERIOD_OVERLAPS_DRAFT = _(
    "The period overlaps the draft of %(start)s to %(end)s (version %(version)s): publish or "
    "re-solve that draft instead."
)
WEEKS_OUT_OF_RANGE = _("A roster covers 1 to 8 weeks.")
NO_AGENTS = _("Planning unit %(unit)s has no agents in this period.")
NO_FORECAST = _(
    "No requirements for %(unit)s between %(start)s and %(end)s: generate the forecasts of "
    "its queues first."
)
NO_TEMPLATES = _("Site %(site)s has no active shift templates.")
NOT_A_DRAFT = _("Only a draft can be %(action)s; this roster is %(status)s.")
NOT_PUBLISHED = _("Only a published roster can be repaired.")
RUN_FINISHED = _("This run has already finished (%(status)s).")
RULE_BROKEN = _("Refused: %(rule)s: %(message)s")
UNKNOWN_TEMPLATE = _("Unknown shift template %(code)s for this site.")
DAY_OUTSIDE_ROSTER = _("The day is outside the roster's period.")
AGENT_NOT_IN_UNIT = _("This agent is not in the roster's planning unit.")
NOT_YOUR_TEAM = _("Team leads change the shifts of their own teams' agents only.")
STALE_DRAFT = _(
    "The published roster changed after this draft was made (now version %(version)s): "
    "re-solve the draft (version %(draft)s) so it starts from the live roster, then publish."
)
OVERLAPS_LIVE_ROSTER = _(
    "An agent would hold two overlapping shifts with the live roster of the next or previous "
    "period: change the shift at the boundary."
)
INFEASIBLE = _("No roster satisfies the hard rules: %(reasons)s")
TIMED_OUT = _(
    "The solver found no roster within %(seconds)s s: allow more time or relax the rules."
)
RUN_TIME_LIMIT = _(
    "The run went past its time limit (%(seconds)s s of solving plus %(grace)s s to read and "
    "write) and was stopped; nothing was written."
)
WORKER_LOST = _(
    "The worker executing this run stopped (killed or past its hard time limit) and the run was "
    "not taken over; nothing was written. Ask for the roster again."
)
QUEUE_UNREACHABLE = "job queue unreachable: the run waits here and is sent when the queue is back"


def can_plan(user: Any, unit: PlanningUnit) -> bool:
    if policy.is_hr_or_admin(user):
        return True
    led = set(policy.led_team_ids(user))
    if not led:
        return False  # an agent: no need to read the unit's teams
    return bool(led & set(unit.teams.values_list("id", flat=True)))


def can_edit_agent_shifts(user: Any, agent: Any) -> bool:
    """A team lead changes the shifts of their own teams' agents; HR and admins anyone's."""
    return policy.is_hr_or_admin(user) or agent.team_id in policy.led_team_ids(user)


def _require_planner(user: Any, unit: PlanningUnit) -> None:
    if not can_plan(user, unit):
        raise PermissionDenied(NOT_A_PLANNER)


def solver_config(time_limit_seconds: float) -> solver.SolverConfig:
    return solver.SolverConfig(
        time_limit_seconds=time_limit_seconds,
        num_workers=settings.SOLVER_WORKERS,
        random_seed=settings.SOLVER_SEED,
    )


# --- requesting runs ----------------------------------------------------------------------------


def _send(run_id: int, time_limit_seconds: int) -> bool:
    """Hand a run to the job queue; False (and a line in the run's log) if it is unreachable."""
    from django.db.models.functions import Concat

    from scheduler.roster_tasks import roster_run_send

    task_id = roster_run_send(run_id=run_id, time_limit_seconds=time_limit_seconds)
    if task_id is None:
        line = f"{timezone.now():%Y-%m-%d %H:%M:%S} {QUEUE_UNREACHABLE}\n"
        RosterRun.objects.filter(pk=run_id).update(log=Concat("log", Value(line)))
        return False
    RosterRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(task_id=task_id)
    return True


def _enqueue(run: RosterRun) -> None:
    """Send the run once its transaction commits: a rolled-back request sends nothing. A broker
    outage does not fail the request: the run stays queued and the sweeper sends it later. The
    audit's on_commit keeps the acting user for the task id written after commit."""
    run_id, time_limit_seconds = run.pk, run.time_limit_seconds
    on_commit(lambda: _send(run_id, time_limit_seconds))


@audited()
def roster_run_request(
    *,
    actor: Any,
    unit: PlanningUnit,
    period_start: datetime.date,
    weeks: int = 4,
    trigger: str = RunTrigger.MANUAL,
    base_roster: Roster | None = None,
    options: dict | None = None,
) -> RosterRun:
    """Ask for a roster of ``weeks`` weeks from ``period_start``; the solve runs after commit.

    A request for a unit and period that already has a queued or running run returns that run.
    """
    if actor is not None:
        _require_planner(actor, unit)
    if not 1 <= weeks <= 8:
        raise ValidationError({"weeks": WEEKS_OUT_OF_RANGE})
    period_end = period_start + datetime.timedelta(days=7 * weeks - 1)
    with transaction.atomic():
        PlanningUnit.objects.select_for_update(no_key=True).get(pk=unit.pk)
        active = RosterRun.objects.filter(
            unit=unit, period_start=period_start, status__in=ACTIVE_RUN_STATUSES
        ).first()
        if active is not None:
            return active
        overlapping = (
            Roster.objects.filter(
                unit=unit,
                status=RosterStatus.DRAFT,
                period_start__lte=period_end,
                period_end__gte=period_start,
            )
            .exclude(period_start=period_start, period_end=period_end)
            .first()
        )
        if overlapping is not None:
            raise ValidationError(
                {
                    "period_start": PERIOD_OVERLAPS_DRAFT
                    % {
                        "start": overlapping.period_start,
                        "end": overlapping.period_end,
                        "version": overlapping.version,
                    }
                }
            )
        run = RosterRun(
            unit=unit,
            period_start=period_start,
            period_end=period_end,
            trigger=trigger,
            requested_by=actor,
            time_limit_seconds=unit.time_limit_seconds,
            base_roster=base_roster,
            options=options or {},
        )
        run.full_clean()
        try:
            with transaction.atomic():
                run.save()
        except IntegrityError:
            # Another request won the race for this unit and period: join it.
            return RosterRun.objects.get(
                unit=unit, period_start=period_start, status__in=ACTIVE_RUN_STATUSES
            )
        _enqueue(run)
    return run


@audited()
def roster_run_cancel(*, actor: Any, run: RosterRun) -> RosterRun:
    _require_planner(actor, run.unit)
    with transaction.atomic():
        run = RosterRun.objects.select_for_update().get(pk=run.pk)
        if run.status not in ACTIVE_RUN_STATUSES:
            raise Conflict(
                {"status": RUN_FINISHED % {"status": run.get_status_display()}},
                rule="already_finished",
            )
        run.status = RunStatus.CANCELLED
        run.finished_at = timezone.now()
        run.log += "cancelled by user\n"
        run.save()
    return run


# --- executing runs -----------------------------------------------------------------------------


def _fail(run_id: int, reason: str) -> RosterRun:
    with transaction.atomic():
        run = RosterRun.objects.select_for_update().get(pk=run_id)
        if run.status == RunStatus.RUNNING:
            run.status = RunStatus.FAILED
            run.error = reason
            run.finished_at = timezone.now()
            run.save()
    return run


class _ProgressReporter:
    """Writes the share of the time budget used to the run every few seconds while solving."""

    def __init__(self, run_id: int, budget_seconds: float) -> None:
        self.run_id = run_id
        self.budget = max(budget_seconds, 1.0)
        self.started = time.monotonic()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.objective: float | None = None
        self.bound: float | None = None

    def on_progress(self, seconds: float, objective: float | None, bound: float | None) -> None:
        """Called from the solver's thread: only remember; the writer thread saves."""
        if objective is not None:
            self.objective = objective
        if bound is not None:
            self.bound = bound

    def __enter__(self) -> _ProgressReporter:
        if settings.SOLVER_PROGRESS_SECONDS > 0:
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join(timeout=5)

    def _loop(self) -> None:

        try:
            while not self.stop.wait(settings.SOLVER_PROGRESS_SECONDS):
                used = (time.monotonic() - self.started) / self.budget
                RosterRun.objects.filter(pk=self.run_id, status=RunStatus.RUNNING).update(
                    progress_percent=min(99, int(used * 100)),
                    objective=self.objective,
                    bound=self.bound,
                )
        finally:
            connection.close()


def _build(run: RosterRun, *, previous: Roster | None) -> bridge.PeriodProblem:
    unit = run.unit
    num_days = (run.period_end - run.period_start).days + 1
    if not ShiftTemplate.objects.filter(site=unit.site, is_active=True).exists():
        raise ValidationError(NO_TEMPLATES % {"site": unit.site})
    if not bridge.unit_agents(unit, run.period_start, run.period_end):
        raise ValidationError(NO_AGENTS % {"unit": unit})
    demand = unit_demand(unit=unit, first_day=run.period_start, num_days=num_days)
    if not demand:
        raise ValidationError(
            NO_FORECAST % {"unit": unit, "start": run.period_start, "end": run.period_end}
        )
    draft = Roster.objects.filter(
        unit=unit, period_start=run.period_start, status=RosterStatus.DRAFT
    ).first()
    return bridge.build_period_problem(
        unit=unit,
        first_day=run.period_start,
        num_days=num_days,
        demand=demand,
        locked_from=draft,
        previous_version=previous,
    )


def _explain(solution: solver.Solution, period: bridge.PeriodProblem) -> str:
    if solution.infeasibility is None:
        return str(TIMED_OUT % {"seconds": period.unit.time_limit_seconds})
    parts = []
    for conflict in solution.infeasibility.conflicts[:10]:
        days = ", ".join(
            str(period.first_day + datetime.timedelta(days=day)) for day in conflict.days[:5]
        )
        parts.append(f"{conflict.message}" + (f" ({days})" if days else ""))
    if solution.infeasibility.relaxations:
        parts.append(
            str(_("cheapest relaxations: %(list)s"))
            % {"list": ", ".join(solution.infeasibility.relaxations)}
        )
    return str(INFEASIBLE % {"reasons": "; ".join(parts) or _("no detail")})


def roster_figures(period: bridge.PeriodProblem, solution: solver.Solution) -> dict:
    """What a team lead reads about a solved roster: solver figures, coverage, penalties."""
    under = sum(row.under for row in solution.coverage)
    over = sum(row.over for row in solution.coverage)
    required = sum(row.required for row in solution.coverage)
    intervals_short = sum(1 for row in solution.coverage if row.under > 0)
    penalties: dict[str, int] = {}
    for item in solution.penalties:
        penalties[item.rule] = penalties.get(item.rule, 0) + item.cost
    figures = solution.figures
    return {
        "status": str(solution.status),
        "objective": figures.objective,
        "bound": figures.bound,
        "gap": figures.gap,
        "seconds": round(figures.seconds, 2),
        "mode": figures.mode,
        "agents": len(period.problem.agents),
        "shifts": len(solution.assignments),
        "required_agent_intervals": required,
        "under_covered_agent_intervals": under,
        "over_covered_agent_intervals": over,
        "intervals_short": intervals_short,
        "coverage_percent": round(100.0 * (required - under) / required, 2) if required else 100.0,
        "penalties": penalties,
        "changes": [
            {"agent": c.agent_id, "day": c.day, "before": c.before, "after": c.after}
            for c in solution.changes
        ],
    }


def _solve(run: RosterRun, period: bridge.PeriodProblem) -> solver.Solution:
    from dataclasses import replace

    with _ProgressReporter(run.pk, run.time_limit_seconds) as reporter:
        config = replace(solver_config(run.time_limit_seconds), on_progress=reporter.on_progress)
        if run.trigger == RunTrigger.REPAIR and run.base_roster is not None:
            published = bridge.solution_from_rows(
                period, list(run.base_roster.assignments.select_related("agent", "template"))
            )
            change = solver.RosterChange(
                new_leave=tuple(
                    (agent_id, (datetime.date.fromisoformat(day) - period.first_day).days)
                    for agent_id, day in run.options.get("new_leave", [])
                ),
                agents_leaving=tuple(run.options.get("agents_leaving", [])),
                notice_until_minute=_notice_minute(period),
                allow_changes_in_notice=bool(run.options.get("allow_changes_in_notice")),
            )
            return solver.repair_roster(period.problem, published, change, config)
        return solver.solve_roster(period.problem, config)


def _notice_minute(period: bridge.PeriodProblem) -> int:
    notice_end = timezone.now() + datetime.timedelta(hours=period.unit.notice_hours)
    return max(0, period.minute_of(notice_end))


def roster_run_execute(
    *,
    run_id: int,
    on_solved: Callable[[], None] | None = None,
    time_limit_errors: tuple[type[BaseException], ...] = (),
) -> RosterRun:
    """Solve a queued run and write its draft in one transaction. Safe to call twice, also at
    the same time: only the holder of the run's lease executes it.

    ``time_limit_errors`` are the exceptions by which the caller (a Celery task) is told its time
    is up: the run then fails with RUN_TIME_LIMIT, and its draft, if it was being written, is
    rolled back with the transaction.
    """
    with run_lease(run_id) as leased:
        if not leased:
            logger.info("roster run %s is being executed elsewhere: duplicate ignored", run_id)
            return RosterRun.objects.get(pk=run_id)
        try:
            return _execute(run_id, on_solved, time_limit_errors)
        except time_limit_errors:
            run = RosterRun.objects.get(pk=run_id)
            reason = RUN_TIME_LIMIT % {
                "seconds": run.time_limit_seconds,
                "grace": settings.SOLVER_TASK_GRACE_SECONDS,
            }
            return _fail(run_id, str(reason))


def _execute(
    run_id: int,
    on_solved: Callable[[], None] | None,
    time_limit_errors: tuple[type[BaseException], ...],
) -> RosterRun:
    with transaction.atomic():
        # of=self: the unit and site rows read along are not locked (a site row locked FOR
        # UPDATE would hold up every insert that references the site until this commits)
        run = (
            RosterRun.objects.select_for_update(of=("self",))
            .select_related("unit__site")
            .get(pk=run_id)
        )
        if run.status not in ACTIVE_RUN_STATUSES:
            return run  # finished or cancelled: a redelivery does nothing
        run.status = RunStatus.RUNNING
        run.started_at = run.started_at or timezone.now()
        run.attempts += 1
        run.log += f"attempt {run.attempts} started {timezone.now():%Y-%m-%d %H:%M:%S}\n"
        run.save()

    previous = run.base_roster
    if previous is None:
        previous = Roster.objects.filter(
            unit=run.unit, period_start=run.period_start, status=RosterStatus.PUBLISHED
        ).first()
    try:
        period = _build(run, previous=previous)
    except ValidationError as error:
        return _fail(run.pk, " ".join(str(m) for m in error.messages))
    except time_limit_errors:
        raise
    except Exception as error:  # a bad row must end the run with a reason, not leave it running
        logger.exception("roster run %s could not read its inputs", run.pk)
        return _fail(run.pk, f"{type(error).__name__}: {error}")
    fingerprint = period.fingerprint()

    same = Roster.objects.filter(
        unit=run.unit, period_start=run.period_start, input_fingerprint=fingerprint
    ).exclude(status=RosterStatus.ARCHIVED)
    if run.trigger != RunTrigger.MANUAL and same.exists():
        with transaction.atomic():
            locked = RosterRun.objects.select_for_update().get(pk=run.pk)
            if locked.status == RunStatus.RUNNING:
                locked.status = RunStatus.SUCCEEDED
                locked.result = same.first()
                locked.progress_percent = 100
                locked.input_fingerprint = fingerprint
                locked.finished_at = timezone.now()
                locked.log += "inputs unchanged: the existing roster stands\n"
                locked.save()
        return RosterRun.objects.get(pk=run.pk)

    try:
        solution = _solve(run, period)
    except time_limit_errors:
        raise
    except Exception as error:  # a solver crash is recorded, not half-written
        logger.exception("roster run %s crashed", run.pk)
        return _fail(run.pk, f"{type(error).__name__}: {error}")
    if on_solved is not None:
        on_solved()
    if settings.SOLVER_FAULT_DELAY_SECONDS:
        time.sleep(settings.SOLVER_FAULT_DELAY_SECONDS)
    if not solution.has_roster:
        return _fail(run.pk, _explain(solution, period))
    violations = [
        v for v in solver.check_roster(period.problem, solution) if v.rule not in SOFT_CHECKS
    ]
    if violations:
        details = "; ".join(f"{v.rule}: {v.message}" for v in violations[:10])
        return _fail(
            run.pk, str(_("The roster failed validation: %(details)s")) % {"details": details}
        )

    with transaction.atomic():
        PlanningUnit.objects.select_for_update(no_key=True).get(pk=run.unit_id)
        run = RosterRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.RUNNING:
            return run  # cancelled while solving: discard the result
        # Versions only go up, so a replaced draft's number is never reused.
        version = (
            Roster.objects.filter(unit=run.unit, period_start=run.period_start).aggregate(
                top=Max("version")
            )["top"]
            or 0
        ) + 1
        Roster.objects.filter(
            unit=run.unit, period_start=run.period_start, status=RosterStatus.DRAFT
        ).delete()
        roster = Roster.objects.create(
            unit=run.unit,
            period_start=run.period_start,
            period_end=run.period_end,
            version=version,
            status=RosterStatus.DRAFT,
            based_on=previous,
            created_by=run.requested_by,
            input_fingerprint=fingerprint,
            figures=roster_figures(period, solution),
        )
        Assignment.objects.bulk_create(
            bridge.assignments_from_solution(period, solution, roster), batch_size=2000
        )
        run.status = RunStatus.SUCCEEDED
        run.result = roster
        run.progress_percent = 100
        run.objective = solution.figures.objective
        run.bound = solution.figures.bound
        run.input_fingerprint = fingerprint
        run.finished_at = timezone.now()
        run.log += f"draft v{version} written: {len(solution.assignments)} shifts\n"
        run.save()
    return run


SOFT_CHECKS = frozenset({"coverage", "preferences", "fairness", "changes_vs_previous"})


def roster_run_sweep(
    *,
    now: datetime.datetime | None = None,
    unsent_after_seconds: int | None = None,
    resend_after_seconds: int | None = None,
) -> dict[str, list[int]]:
    """The periodic safety net of the job queue.

    Sends the queued runs the broker never got (it was down when they were asked for) and sends
    again runs queued for so long that the broker must have lost them; a duplicate is harmless
    (one lease per run). Fails the runs left running by a worker that is gone and whose task will
    not come back: past the run's hard time limit plus the broker's redelivery delay, with no
    process holding the run's lease.
    """
    now = now or timezone.now()
    unsent = datetime.timedelta(
        seconds=settings.ROSTER_RUN_UNSENT_AFTER_SECONDS
        if unsent_after_seconds is None
        else unsent_after_seconds
    )
    resend = datetime.timedelta(
        seconds=settings.ROSTER_RUN_RESEND_AFTER_SECONDS
        if resend_after_seconds is None
        else resend_after_seconds
    )
    queued = RosterRun.objects.filter(status=RunStatus.QUEUED)
    due = queued.filter(task_id="", created_at__lte=now - unsent) | queued.filter(
        created_at__lte=now - resend
    )
    sent = [
        run.pk for run in due.order_by("created_at", "id") if _send(run.pk, run.time_limit_seconds)
    ]

    redelivery = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 0)
    failed = []
    for run in RosterRun.objects.filter(status=RunStatus.RUNNING, started_at__isnull=False):
        hard_limit = (
            run.time_limit_seconds
            + settings.SOLVER_TASK_GRACE_SECONDS
            + settings.SOLVER_TASK_KILL_AFTER_SECONDS
        )
        assert run.started_at is not None
        if run.started_at + datetime.timedelta(seconds=hard_limit + redelivery) > now:
            continue
        with run_lease(run.pk) as free:
            if free and _fail(run.pk, str(WORKER_LOST)).status == RunStatus.FAILED:
                failed.append(run.pk)
    return {"sent": sent, "failed": failed}


# --- publishing ---------------------------------------------------------------------------------


def _describe(row: Assignment | None, zone: Any) -> str | None:
    if row is None:
        return None
    if row.activity == Activity.LEAVE:
        return str(_("leave"))
    start = timezone.localtime(row.start_at, zone)
    end = timezone.localtime(row.end_at, zone)
    return f"{start:%H:%M}-{end:%H:%M}"


def roster_diff(*, before: Roster | None, after: Roster) -> list[dict]:
    """Per agent and day, what changed between two versions (shift times or leave)."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(after.unit.site.time_zone)

    def index(roster: Roster | None) -> dict[tuple[int, datetime.date], Assignment]:
        if roster is None:
            return {}
        return {
            (row.agent_id, row.day): row
            for row in roster.assignments.select_related("agent", "template")
        }

    old, new = index(before), index(after)
    rows = []
    for key in sorted(set(old) | set(new), key=lambda k: (k[1], k[0])):
        was, now = _describe(old.get(key), zone), _describe(new.get(key), zone)
        if was != now:
            agent = (new.get(key) or old[key]).agent
            rows.append(
                {
                    "agent": agent.pk,
                    "employee_number": agent.employee_number,
                    "day": key[1].isoformat(),
                    "before": was,
                    "after": now,
                }
            )
    return rows


def _fairness_rows(roster: Roster) -> list[FairnessEntry]:
    from staffing.workdays import is_public_holiday

    counts: dict[int, dict[str, Any]] = {}
    for row in roster.assignments.exclude(activity=Activity.LEAVE).select_related("template"):
        entry = counts.setdefault(row.agent_id, {"nights": 0, "weekends": set(), "holidays": 0})
        if row.template is not None and row.template.is_night:
            entry["nights"] += 1
        if row.day.weekday() >= 5:
            entry["weekends"].add(row.day.isocalendar()[:2])
        if is_public_holiday(row.day):
            entry["holidays"] += 1
    return [
        FairnessEntry(
            agent_id=agent_id,
            roster=roster,
            period_start=roster.period_start,
            nights=values["nights"],
            weekends=len(values["weekends"]),
            holidays=values["holidays"],
        )
        for agent_id, values in counts.items()
    ]


@audited()
def roster_publish(*, actor: Any, roster: Roster) -> Roster:
    """Make a draft the live version: the previous one is archived, agents whose shifts changed
    are told what changed, and the fairness ledger is updated."""
    _require_planner(actor, roster.unit)
    with transaction.atomic():
        PlanningUnit.objects.select_for_update(no_key=True).get(pk=roster.unit_id)
        roster = (
            Roster.objects.select_for_update(of=("self",))
            .select_related("unit__site")
            .get(pk=roster.pk)
        )
        if roster.status != RosterStatus.DRAFT:
            raise Conflict(
                {"status": NOT_A_DRAFT % {"action": _("published"), "status": roster.status}},
                rule="not_a_draft",
            )
        current = Roster.objects.filter(
            unit=roster.unit, period_start=roster.period_start, status=RosterStatus.PUBLISHED
        ).first()
        if current is not None and roster.based_on_id != current.pk:
            # A swap, a claimed open shift or approved leave changed the live roster after
            # this draft was made: publishing it would silently undo that change.
            raise Conflict(
                STALE_DRAFT % {"version": current.version, "draft": roster.version},
                rule="stale_draft",
            )
        if current is not None:
            current.status = RosterStatus.ARCHIVED
            current.save(update_fields=["status"])
            current.assignments.update(is_live=False)
            FairnessEntry.objects.filter(roster=current).delete()
        roster.status = RosterStatus.PUBLISHED
        roster.published_by = actor
        roster.published_at = timezone.now()
        roster.save()
        try:
            with transaction.atomic():
                roster.assignments.update(is_live=True)
        except IntegrityError as error:
            raise Conflict(OVERLAPS_LIVE_ROSTER, rule="no_overlap") from error
        FairnessEntry.objects.bulk_create(_fairness_rows(roster))
        changes = roster_diff(before=current, after=roster)
        _notify_changes(roster, changes, first_version=current is None)
    return roster


def _notify_changes(roster: Roster, changes: list[dict], *, first_version: bool) -> None:
    from scheduler.services.notifications import Kind, notify
    from staffing.models import Agent

    by_agent: dict[int, list[dict]] = {}
    for change in changes:
        by_agent.setdefault(change["agent"], []).append(change)
    for agent in Agent.objects.filter(pk__in=by_agent).select_related("user"):
        items = by_agent[agent.pk]
        if first_version:
            title = str(_("Your roster for %(start)s to %(end)s is published")) % {
                "start": roster.period_start,
                "end": roster.period_end,
            }
        else:
            title = str(_("Your roster changed: %(count)s day(s)")) % {"count": len(items)}
        lines = [
            f"{item['day']}: {item['before'] or '-'} -> {item['after'] or '-'}" for item in items
        ]
        notify(
            [agent.user],
            kind=Kind.ROSTER_PUBLISHED if first_version else Kind.ROSTER_CHANGED,
            title=title,
            body="\n".join(lines),
            payload={"roster": roster.pk, "changes": items},
            email=not first_version,
        )


# --- editing a draft ----------------------------------------------------------------------------


@audited()
def assignment_set(
    *,
    actor: Any,
    roster: Roster,
    agent_id: int,
    day: datetime.date,
    template_code: str | None,
) -> Assignment | None:
    """Give an agent a shift (or a day off, with no template) on a draft, checked by the
    engine's validators: refused with the broken rule named, or accepted and locked."""
    _require_planner(actor, roster.unit)
    with transaction.atomic():
        roster = (
            Roster.objects.select_for_update(of=("self",))
            .select_related("unit__site")
            .get(pk=roster.pk)
        )
        if roster.status != RosterStatus.DRAFT:
            raise ValidationError(
                {"roster": NOT_A_DRAFT % {"action": _("edited"), "status": roster.status}}
            )
        if not roster.period_start <= day <= roster.period_end:
            raise ValidationError({"day": DAY_OUTSIDE_ROSTER})
        template = None
        if template_code:
            template = ShiftTemplate.objects.filter(
                site=roster.unit.site, code=template_code, is_active=True
            ).first()
            if template is None:
                raise ValidationError({"template": UNKNOWN_TEMPLATE % {"code": template_code}})
        demand = unit_demand(
            unit=roster.unit, first_day=roster.period_start, num_days=roster.num_days
        )
        period = bridge.build_period_problem(
            unit=roster.unit, first_day=roster.period_start, num_days=roster.num_days, demand=demand
        )
        agent = next((a for a in period.agents.values() if a.pk == agent_id), None)
        if agent is None:
            raise ValidationError({"agent": AGENT_NOT_IN_UNIT})
        if not can_edit_agent_shifts(actor, agent):
            raise PermissionDenied(NOT_YOUR_TEAM)
        rows = [
            row
            for row in roster.assignments.select_related("agent", "template")
            if not (row.agent_id == agent_id and row.day == day)
        ]
        new_row = None
        if template is not None:
            offset = (day - roster.period_start).days
            start = offset * 1440 + template.start_time.hour * 60 + template.start_time.minute
            candidate = (
                start + template.break_earliest_offset_minutes if template.break_minutes else None
            )
            new_row = Assignment(
                roster=roster,
                agent=agent,
                day=day,
                template=template,
                start_at=period.at(start),
                end_at=period.at(start + template.span_minutes),
                break_start_at=period.at(candidate) if candidate is not None else None,
                break_minutes=template.break_minutes,
                activity=Activity.PHONE,
                locked=True,
                source=AssignmentSource.MANUAL,
            )
            rows.append(new_row)
        solution = bridge.solution_from_rows(period, rows)
        broken = [
            v
            for v in solver.check_roster(period.problem, solution)
            if v.rule not in SOFT_CHECKS and v.agent_id in (agent.employee_number, None)
        ]
        if broken:
            first = broken[0]
            raise ValidationError(
                {"template": RULE_BROKEN % {"rule": first.rule, "message": first.message}}
            )
        roster.assignments.filter(agent_id=agent_id, day=day).delete()
        if new_row is not None:
            new_row.save()
        roster.figures = {
            **roster_figures(period, solution),
            "edited": True,
        }
        roster.save(update_fields=["figures"])
        return new_row


# --- repair -------------------------------------------------------------------------------------


@audited()
def roster_repair_request(
    *,
    actor: Any,
    roster: Roster,
    new_leave: Sequence[tuple[str, datetime.date]] = (),
    agents_leaving: Sequence[str] = (),
    allow_changes_in_notice: bool = False,
) -> RosterRun:
    """Minimal-change re-solve of a published roster after leave, a sick day or a departure."""
    if roster.status != RosterStatus.PUBLISHED:
        raise ValidationError({"roster": NOT_PUBLISHED})
    weeks = roster.num_days // 7 or 1
    return roster_run_request(
        actor=actor,
        unit=roster.unit,
        period_start=roster.period_start,
        weeks=weeks,
        trigger=RunTrigger.REPAIR,
        base_roster=roster,
        options={
            "new_leave": [[agent_id, day.isoformat()] for agent_id, day in new_leave],
            "agents_leaving": list(agents_leaving),
            "allow_changes_in_notice": allow_changes_in_notice,
        },
    )
