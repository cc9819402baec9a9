"""The open-shift board: shifts given away by agents, posted by team leads, or posted by the
engine where the live roster is short. Eligible agents claim them; the first valid claim wins
(the board row is locked, so a second claim finds it taken and gets a conflict)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scheduler import bridge
from scheduler.models.rosters import Activity, Assignment, PlanningUnit, Roster, ShiftTemplate
from scheduler.models.selfservice import (
    OpenShift,
    OpenShiftSource,
    OpenShiftStatus,
)
from scheduler.services import live
from scheduler.services.errors import Conflict
from scheduler.services.notifications import Kind, notify
from scheduler.services.swaps import NOT_A_SHIFT, NOT_YOUR_SHIFT, check_notice, swap_policy_for
from staffing import policy
from staffing.audit import audited
from staffing.models import Agent

NOT_OPEN = _("This open shift is %(status)s: someone else took it or it was withdrawn.")
OWN_SHIFT = _("You cannot claim the shift you gave away.")
NOT_IN_UNIT = _("This open shift is for another planning unit.")
NOT_FREE = _("You already have a shift or leave on %(day)s.")
UNKNOWN_GROUP = _("Unknown skill group %(group)s for this unit.")
NOT_A_PLANNER = _("Only the unit's team leads, HR and admins can post or withdraw open shifts.")
CANNOT_WITHDRAW = _("Only whoever posted it, or a team lead of the unit, can withdraw it.")
DAY_NOT_LIVE = _("No published roster of this unit covers %(day)s.")


def _dominant_group(allocation: dict) -> str:
    if not allocation:
        return ""
    return max(allocation.items(), key=lambda item: item[1])[0]


def _check_notice(unit: PlanningUnit, start_at: datetime.datetime) -> None:
    check_notice(start_at, swap_policy_for(unit.site))


@audited(reason="note")
def open_shift_give_away(*, actor: Any, shift: Assignment, note: str = "") -> OpenShift:
    """An agent puts their own published shift on the board; they keep it until claimed."""
    agent = policy.own_agent(actor)
    if agent is None or shift.agent_id != agent.pk:
        raise PermissionDenied(NOT_YOUR_SHIFT)
    if not shift.is_live:
        raise Conflict(
            live.NOT_LIVE % {"status": shift.roster.get_status_display()}, rule="not_published"
        )
    if shift.activity == Activity.LEAVE or shift.template is None:
        raise Conflict(NOT_A_SHIFT % {"day": shift.day}, rule="not_a_shift")
    unit = shift.roster.unit
    _check_notice(unit, shift.start_at)
    board = OpenShift(
        unit=unit,
        day=shift.day,
        template=shift.template,
        start_at=shift.start_at,
        end_at=shift.end_at,
        skill_group=_dominant_group(shift.allocation or {}),
        source=OpenShiftSource.AGENT,
        from_agent=agent,
        posted_by=actor,
        note=note,
    )
    board.full_clean(exclude=["skill_group"], validate_constraints=False)
    try:
        with transaction.atomic():
            board.save()
    except IntegrityError as error:
        raise Conflict(
            _("This shift is already on the open board."), rule="already_offered"
        ) from error
    return board


def _groups(unit: PlanningUnit) -> dict[str, tuple[str, ...]]:
    from scheduler.selectors.roster_demand import unit_queues

    groups = {}
    for queue in unit_queues(unit):
        skills = tuple(sorted(skill.code for skill in queue.skills.all()))
        if skills:
            groups[bridge.group_id_for(skills)] = skills
    return groups


@audited(reason="note")
def open_shift_post(
    *,
    actor: Any,
    unit: PlanningUnit,
    day: datetime.date,
    template_code: str,
    skill_group: str = "",
    note: str = "",
    source: str = OpenShiftSource.TEAM_LEAD,
) -> OpenShift:
    """A team lead asks for extra cover: a shift of a template on a day, for a skill group."""
    from scheduler.services.rosters import can_plan

    if actor is not None and not can_plan(actor, unit):
        raise PermissionDenied(NOT_A_PLANNER)
    template = ShiftTemplate.objects.filter(
        site=unit.site, code=template_code, is_active=True
    ).first()
    if template is None:
        raise ValidationError(
            {
                "template": _("Unknown shift template %(code)s for this site.")
                % {"code": template_code}
            }
        )
    if skill_group and skill_group not in _groups(unit):
        raise ValidationError({"skill_group": UNKNOWN_GROUP % {"group": skill_group}})
    if live.live_roster_on(unit, day) is None:
        raise ValidationError({"day": DAY_NOT_LIVE % {"day": day}})
    from zoneinfo import ZoneInfo

    cell = live.Cell.from_template(template, day, ZoneInfo(unit.site.time_zone))
    _check_notice(unit, cell.start_at)
    board = OpenShift(
        unit=unit,
        day=day,
        template=template,
        start_at=cell.start_at,
        end_at=cell.end_at,
        skill_group=skill_group,
        source=source,
        posted_by=actor,
        note=note,
    )
    board.full_clean()
    board.save()
    return board


@audited()
def open_shifts_post_under_covered(
    *, actor: Any, roster: Roster, min_intervals: int = 8, limit: int = 50
) -> list[OpenShift]:
    """The engine posts shifts where the live roster is short: for each day and skill group,
    the template covering the most under-covered intervals, while one covers at least
    ``min_intervals`` (4 hours at 30 minutes) of them."""
    from scheduler.services.rosters import can_plan

    if actor is not None and not can_plan(actor, roster.unit):
        raise PermissionDenied(NOT_A_PLANNER)
    if roster.status != "published":
        raise Conflict(
            live.NOT_LIVE % {"status": roster.get_status_display()}, rule="not_published"
        )
    period = live.period_for(roster)
    rows = list(roster.assignments.select_related("agent", "template"))
    solution = bridge.solution_from_rows(period, rows)
    interval = period.problem.horizon.interval_minutes
    short: dict[str, dict[int, int]] = defaultdict(dict)
    for row in solution.coverage:
        if row.under > 0:
            short[row.skill_group_id][row.interval] = row.under
    already = OpenShift.objects.filter(
        unit=roster.unit,
        status=OpenShiftStatus.OPEN,
        day__gte=roster.period_start,
        day__lte=roster.period_end,
    )
    for board in already:
        first = period.minute_of(board.start_at) // interval
        last = period.minute_of(board.end_at) // interval
        for slot in range(first, last):
            if board.skill_group in short and short[board.skill_group].get(slot):
                short[board.skill_group][slot] -= 1
    limit_at = timezone.now() + datetime.timedelta(
        hours=swap_policy_for(roster.unit.site).notice_hours
    )
    posted: list[OpenShift] = []
    templates = list(period.templates.values())
    with transaction.atomic():
        for group, slots in sorted(short.items()):
            for offset in range(roster.num_days):
                day = roster.period_start + datetime.timedelta(days=offset)
                while len(posted) < limit:
                    best, best_count = None, 0
                    for template in templates:
                        cell = live.Cell.from_template(template, day, period.zone)
                        if cell.start_at < limit_at:
                            continue
                        first = period.minute_of(cell.start_at) // interval
                        last = period.minute_of(cell.end_at) // interval
                        count = sum(1 for slot in range(first, last) if slots.get(slot, 0) > 0)
                        if count > best_count:
                            best, best_count = (template, cell, first, last), count
                    if best is None or best_count < min_intervals:
                        break
                    template, cell, first, last = best
                    for slot in range(first, last):
                        if slots.get(slot, 0) > 0:
                            slots[slot] -= 1
                    board = OpenShift(
                        unit=roster.unit,
                        day=day,
                        template=template,
                        start_at=cell.start_at,
                        end_at=cell.end_at,
                        skill_group=group,
                        source=OpenShiftSource.ENGINE,
                        posted_by=actor,
                        note=str(_("%(count)s under-covered intervals")) % {"count": best_count},
                    )
                    board.save()
                    posted.append(board)
    return posted


@audited()
def open_shift_withdraw(*, actor: Any, board: OpenShift) -> OpenShift:
    from scheduler.services.rosters import can_plan

    with transaction.atomic():
        board = (
            OpenShift.objects.select_for_update(of=("self",))
            .select_related("unit")
            .get(pk=board.pk)
        )
        own = policy.own_agent(actor)
        is_poster = board.posted_by_id == actor.pk or (
            own is not None and board.from_agent_id == own.pk
        )
        if not is_poster and not can_plan(actor, board.unit):
            raise PermissionDenied(CANNOT_WITHDRAW)
        if board.status != OpenShiftStatus.OPEN:
            raise Conflict(NOT_OPEN % {"status": board.get_status_display()}, rule="not_open")
        board.status = OpenShiftStatus.WITHDRAWN
        board.save(update_fields=["status"])
    return board


def _claim_changes(board: OpenShift, claimer: Agent, roster: Roster) -> tuple[live.Changes, dict]:
    from zoneinfo import ZoneInfo

    existing = roster.assignments.filter(agent=claimer, day=board.day).first()
    if existing is not None:
        raise Conflict(
            NOT_FREE % {"day": board.day},
            rule="availability" if existing.activity == Activity.LEAVE else "one_shift_per_day",
        )
    changes: live.Changes = {}
    if board.from_agent is not None:
        row = live.require_unchanged(
            board.from_agent, board.day, board.start_at, board.end_at, roster
        )
        changes[(board.from_agent_id, board.day)] = None
        changes[(claimer.pk, board.day)] = live.Cell.of(row)
        allocation = dict(row.allocation or {})
    else:
        cell = live.Cell.from_template(
            board.template, board.day, ZoneInfo(roster.unit.site.time_zone)
        )
        allocation = {board.skill_group: board.template.paid_minutes} if board.skill_group else {}
        changes[(claimer.pk, board.day)] = live.Cell(
            template=cell.template,
            start_at=board.start_at,
            end_at=board.end_at,
            break_start_at=cell.break_start_at,
            break_minutes=cell.break_minutes,
            allocation=allocation,
        )
    return changes, {(claimer.pk, board.day): allocation}


def open_shift_check(
    *, board: OpenShift, claimer: Agent, roster: Roster, period: Any = None, rows: Any = None
) -> live.ChangeCheck:
    """Would this agent's claim pass every rule? Used to show eligible shifts and to claim."""
    changes, skills_from = _claim_changes(board, claimer, roster)
    agents = {claimer.pk: claimer}
    if board.from_agent is not None:
        agents[board.from_agent_id] = board.from_agent
    # An extra shift only adds cover; a hand-over moves it, so the site's tolerance applies.
    tolerance = swap_policy_for(roster.unit.site).coverage_tolerance if board.from_agent else None
    return live.live_change_check(
        roster=roster,
        changes=changes,
        agents=agents,
        tolerance=tolerance,
        skills_from=skills_from,
        period=period,
        rows=rows,
        giving_away=frozenset({board.from_agent_id}) if board.from_agent_id else frozenset(),
    )


@audited()
def open_shift_claim(*, actor: Any, board: OpenShift) -> OpenShift:
    claimer = policy.own_agent(actor)
    if claimer is None:
        raise PermissionDenied(_("Only agents can claim open shifts."))
    with transaction.atomic():
        board = (
            OpenShift.objects.select_for_update(of=("self",))
            .select_related("unit__site", "template", "from_agent")
            .get(pk=board.pk)
        )
        if board.status != OpenShiftStatus.OPEN:
            raise Conflict(NOT_OPEN % {"status": board.get_status_display()}, rule="not_open")
        if board.from_agent_id == claimer.pk:
            raise Conflict(OWN_SHIFT, rule="with_yourself")
        if not board.unit.teams.filter(pk=claimer.team_id).exists():
            raise PermissionDenied(NOT_IN_UNIT)
        _check_notice(board.unit, board.start_at)
        parties = [claimer] + ([board.from_agent] if board.from_agent else [])
        agents = live.lock_agents(parties)
        roster = live.lock_live_roster(board.unit, board.day)
        claimer = agents[claimer.pk]
        result = open_shift_check(board=board, claimer=claimer, roster=roster)
        refusal = result.refusal()
        if refusal is not None:
            raise refusal
        changes, _skills = _claim_changes(board, claimer, roster)
        new = live.live_change_apply(
            roster=roster,
            changes=changes,
            agents=agents,
            actor=actor,
            reason=f"open shift {board.pk}",
            notify_agents=False,
            check=result,
        )
        board.status = OpenShiftStatus.CLAIMED
        board.claimed_by = claimer
        board.claimed_at = timezone.now()
        board.result_roster = new
        board.save()
        start, end = timezone.localtime(board.start_at), timezone.localtime(board.end_at)
        when = f"{start:%Y-%m-%d %H:%M}-{end:%H:%M}"
        notify(
            [claimer.user, board.from_agent.user if board.from_agent else None],
            kind=Kind.OPEN_SHIFT_CLAIMED,
            title=str(_("Open shift of %(when)s taken by %(agent)s"))
            % {"when": when, "agent": claimer.full_name},
            body=when,
            payload={"open_shift": board.pk, "roster": new.pk},
        )
    return board


def open_shifts_expire(*, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    return OpenShift.objects.filter(status=OpenShiftStatus.OPEN, start_at__lte=now).update(
        status=OpenShiftStatus.EXPIRED
    )
