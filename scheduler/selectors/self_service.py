"""Reads for self-service: who sees which swaps, open shifts, leave impacts and refreshers, and
which shifts an agent may take (checked by the engine's validators)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from scheduler import bridge
from scheduler.models.rosters import Activity, Assignment
from scheduler.models.selfservice import (
    LeaveImpact,
    OpenShift,
    OpenShiftStatus,
    RefresherProposal,
    SwapRequest,
)
from scheduler.services import live
from scheduler.services.errors import Conflict
from staffing import policy
from staffing.models import Agent


def _team_scope(user: Any) -> tuple[bool, set[int], Agent | None]:
    everyone = policy.is_hr_or_admin(user)
    return everyone, set(policy.led_team_ids(user)), policy.own_agent(user)


def swaps_visible_to(user: Any) -> QuerySet[SwapRequest]:
    """HR and admins: all; team leads: their teams' agents'; agents: their own."""
    rows = SwapRequest.objects.select_related(
        "requester__team", "counterpart__team", "unit", "result_roster"
    )
    everyone, led, own = _team_scope(user)
    if everyone:
        return rows
    scope = Q(requester__team__in=led) | Q(counterpart__team__in=led)
    if own is not None:
        scope |= Q(requester=own) | Q(counterpart=own)
    return rows.filter(scope).distinct()


def open_shifts_visible_to(user: Any) -> QuerySet[OpenShift]:
    """HR and admins: all; others: the boards of the units of their teams."""
    rows = OpenShift.objects.select_related("unit", "template", "from_agent", "claimed_by")
    everyone, led, own = _team_scope(user)
    if everyone:
        return rows
    teams = set(led)
    if own is not None:
        teams.add(own.team_id)
    return rows.filter(unit__teams__in=teams).distinct()


def leave_impacts_visible_to(user: Any) -> QuerySet[LeaveImpact]:
    requests = policy.leave_requests_visible_to(user)
    return LeaveImpact.objects.filter(request__in=requests).select_related("request__agent")


def refreshers_visible_to(user: Any) -> QuerySet[RefresherProposal]:
    rows = RefresherProposal.objects.select_related("agent", "course", "record")
    everyone, led, own = _team_scope(user)
    if everyone:
        return rows
    scope = Q(agent__team__in=led)
    if own is not None:
        scope |= Q(agent=own)
    return rows.filter(scope)


def open_shifts_eligible(*, agent: Agent, limit: int = 50) -> list[tuple[OpenShift, dict]]:
    """Open shifts of the agent's units that the agent may claim now, each with the service
    figures of taking it: skills, hard rules and hours are checked by the validators."""
    from scheduler.services.open_shifts import open_shift_check
    from scheduler.services.swaps import swap_policy_for

    boards = (
        OpenShift.objects.filter(
            status=OpenShiftStatus.OPEN,
            unit__teams=agent.team_id,
            start_at__gt=timezone.now(),
        )
        .exclude(from_agent=agent)
        .select_related("unit__site", "template", "from_agent")
        .order_by("start_at")[: limit * 2]
    )
    found: list[tuple[OpenShift, dict]] = []
    periods: dict[int, tuple[Any, list[Assignment]]] = {}
    for board in boards:
        limit_at = timezone.now() + datetime.timedelta(
            hours=swap_policy_for(board.unit.site).notice_hours
        )
        if board.start_at < limit_at:
            continue
        roster = live.live_roster_on(board.unit, board.day)
        if roster is None:
            continue
        if roster.pk not in periods:
            periods[roster.pk] = (
                live.period_for(roster),
                list(roster.assignments.select_related("agent", "template")),
            )
        period, rows = periods[roster.pk]
        try:
            result = open_shift_check(
                board=board, claimer=agent, roster=roster, period=period, rows=rows
            )
        except Conflict:
            continue
        if result.ok:
            found.append((board, result.summary()))
        if len(found) >= limit:
            break
    return found


def swap_candidates(*, shift: Assignment, limit: int = 30) -> list[dict]:
    """For one of an agent's published shifts: the colleagues who could take it (give-away)
    and the colleagues' shifts on the same day it could be swapped for, every one passing
    the checks a swap would meet."""
    from scheduler.services.swaps import swap_policy_for

    roster = shift.roster
    if not shift.is_live or shift.activity == Activity.LEAVE or shift.template_id is None:
        return []
    unit = roster.unit
    tolerance = swap_policy_for(unit.site).coverage_tolerance
    period = live.period_for(roster)
    rows = list(roster.assignments.select_related("agent", "template"))
    by_key = {(row.agent_id, row.day): row for row in rows}
    colleagues = [
        agent
        for agent in bridge.unit_agents(unit, roster.period_start, roster.period_end)
        if agent.pk != shift.agent_id and agent.is_active
    ]
    me = shift.agent
    found: list[dict] = []
    for colleague in colleagues:
        theirs = by_key.get((colleague.pk, shift.day))
        agents = {me.pk: me, colleague.pk: colleague}
        if theirs is None:
            changes: live.Changes = {
                (me.pk, shift.day): None,
                (colleague.pk, shift.day): live.Cell.of(shift),
            }
            skills = {(colleague.pk, shift.day): dict(shift.allocation or {})}
            kind = "give_away"
        elif theirs.activity != Activity.LEAVE and theirs.template_id is not None:
            if theirs.start_at == shift.start_at:
                continue  # the same shift: nothing would change
            changes = {
                (me.pk, shift.day): live.Cell.of(theirs),
                (colleague.pk, shift.day): live.Cell.of(shift),
            }
            skills = {
                (colleague.pk, shift.day): dict(shift.allocation or {}),
                (me.pk, shift.day): dict(theirs.allocation or {}),
            }
            kind = "swap"
        else:
            continue
        result = live.live_change_check(
            roster=roster,
            changes=changes,
            agents=agents,
            tolerance=tolerance,
            skills_from=skills,
            period=period,
            rows=rows,
            giving_away=frozenset({me.pk}) if kind == "give_away" else frozenset(),
        )
        if not result.ok:
            continue
        found.append(
            {
                "kind": kind,
                "agent": colleague.pk,
                "employee_number": colleague.employee_number,
                "name": colleague.full_name,
                "shift": theirs.pk if kind == "swap" and theirs is not None else None,
                "start_at": theirs.start_at if kind == "swap" and theirs is not None else None,
                "end_at": theirs.end_at if kind == "swap" and theirs is not None else None,
                "target_holds": result.summary()["target_holds"],
            }
        )
        if len(found) >= limit:
            break
    return found
