"""Shift swaps between agents on a published roster.

Flow: the requester proposes (checked at once, so an impossible swap is refused before the
colleague is bothered), the colleague accepts, then the team lead approves, or the swap is
applied at once when the site's policy approves automatically. Every step re-checks under row
locks; four clients accepting the same proposal at once get one winner and three conflicts.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scheduler.models.rosters import Activity, Assignment, RosterStatus
from scheduler.models.selfservice import (
    OPEN_SWAP_STATUSES,
    SwapKind,
    SwapPolicy,
    SwapRequest,
    SwapStatus,
)
from scheduler.services import live
from scheduler.services.errors import Conflict
from scheduler.services.notifications import Kind, notify
from staffing import policy
from staffing.audit import audited
from staffing.models import Agent, Site

NOT_YOUR_SHIFT = _("You can only offer your own shifts.")
WITH_YOURSELF = _("You cannot swap with yourself.")
NOT_COLLEAGUE = _("%(agent)s is not rostered in your planning unit.")
COUNTERPART_SHIFT_NOT_THEIRS = _("The shift you asked for is not %(agent)s's.")
NOT_A_SHIFT = _("%(day)s is leave, not a shift.")
DIFFERENT_PERIODS = _("Both shifts must lie in the same published roster period.")
ALREADY_WORKING = _("%(agent)s already works on %(day)s.")
ON_LEAVE = _("%(agent)s is on leave on %(day)s.")
IN_NOTICE = _(
    "Shifts starting before %(moment)s are inside the site's %(hours)s-hour notice window and "
    "can no longer be swapped; ask your team lead."
)
ALREADY_OFFERED = _("This shift already has an open swap proposal.")
NOT_OPEN = _("This swap is %(status)s and can no longer be %(action)s.")
ONLY_COUNTERPART = _("Only %(agent)s can answer this proposal.")
ONLY_PARTIES = _("Only the two agents can cancel this swap.")
ONLY_LEADS = _("Only the team leads of both agents (or HR) can decide this swap.")
EXPIRED = _("This proposal expired at %(moment)s.")


def swap_policy_for(site: Site) -> SwapPolicy:
    policy_row, _created = SwapPolicy.objects.get_or_create(site=site)
    return policy_row


def _own_agent(actor: Any) -> Agent | None:
    return policy.own_agent(actor)


def can_decide_swap(actor: Any, swap: SwapRequest) -> bool:
    if policy.is_hr_or_admin(actor):
        return True
    led = set(policy.led_team_ids(actor))
    own = _own_agent(actor)
    parties = {swap.requester_id, swap.counterpart_id}
    if own is not None and own.pk in parties:
        return False
    return swap.requester.team_id in led and swap.counterpart.team_id in led


def _leads_of(*agents: Agent) -> list[Any]:
    users = []
    for agent in agents:
        users.extend(agent.team.team_leads.all())
    return users


def check_notice(earliest: datetime.datetime, swap_policy: SwapPolicy) -> None:
    """Refuse a change of shifts starting inside the site's notice window (swaps, give-aways
    and open-shift claims alike)."""
    limit = timezone.now() + datetime.timedelta(hours=swap_policy.notice_hours)
    if earliest < limit:
        raise Conflict(
            IN_NOTICE
            % {
                "moment": f"{timezone.localtime(limit):%Y-%m-%d %H:%M}",
                "hours": swap_policy.notice_hours,
            },
            rule="notice_window",
        )


def _changes(
    swap: SwapRequest,
    requester_row: Assignment,
    counterpart_row: Assignment | None,
    roster: Any,
) -> tuple[live.Changes, dict]:
    """The cells after the swap, and which allocation each new holder takes over."""
    a, b = swap.requester, swap.counterpart
    d1 = swap.requester_day
    changes: live.Changes = {}
    skills_from: dict = {}
    rows = {
        (row.agent_id, row.day): row
        for row in roster.assignments.filter(agent__in=[a, b]).select_related("template")
    }

    def must_be_free(agent: Agent, day: datetime.date) -> None:
        row = rows.get((agent.pk, day))
        if row is None:
            return
        message = ON_LEAVE if row.activity == Activity.LEAVE else ALREADY_WORKING
        rule = "availability" if row.activity == Activity.LEAVE else "one_shift_per_day"
        raise Conflict(message % {"agent": agent.employee_number, "day": day}, rule=rule)

    if swap.kind == SwapKind.GIVE_AWAY:
        must_be_free(b, d1)
        changes[(a.pk, d1)] = None
        changes[(b.pk, d1)] = live.Cell.of(requester_row)
        skills_from[(b.pk, d1)] = dict(requester_row.allocation or {})
        return changes, skills_from
    assert counterpart_row is not None
    d2 = counterpart_row.day
    if d1 != d2:
        must_be_free(a, d2)
        must_be_free(b, d1)
        changes[(a.pk, d1)] = None
        changes[(b.pk, d2)] = None
    changes[(b.pk, d1)] = live.Cell.of(requester_row)
    changes[(a.pk, d2)] = live.Cell.of(counterpart_row)
    skills_from[(b.pk, d1)] = dict(requester_row.allocation or {})
    skills_from[(a.pk, d2)] = dict(counterpart_row.allocation or {})
    return changes, skills_from


def _check(
    swap: SwapRequest, roster: Any, agents: dict[int, Agent], swap_policy: SwapPolicy
) -> live.ChangeCheck:
    requester_row = live.require_unchanged(
        swap.requester, swap.requester_day, swap.requester_start_at, swap.requester_end_at, roster
    )
    counterpart_row = None
    if swap.kind == SwapKind.SWAP:
        assert swap.counterpart_day is not None
        counterpart_row = live.require_unchanged(
            swap.counterpart,
            swap.counterpart_day,
            swap.counterpart_start_at,
            swap.counterpart_end_at,
            roster,
        )
    changes, skills_from = _changes(swap, requester_row, counterpart_row, roster)
    result = live.live_change_check(
        roster=roster,
        changes=changes,
        agents=agents,
        tolerance=swap_policy.coverage_tolerance,
        skills_from=skills_from,
        giving_away=(
            frozenset({swap.requester_id}) if swap.kind == SwapKind.GIVE_AWAY else frozenset()
        ),
    )
    refusal = result.refusal()
    if refusal is not None:
        raise refusal
    return result


@audited(reason="message")
def swap_propose(
    *,
    actor: Any,
    shift: Assignment,
    counterpart: Agent,
    counterpart_shift: Assignment | None = None,
    message: str = "",
) -> SwapRequest:
    """Offer one of your shifts to a colleague: for one of theirs (a swap) or for nothing."""
    requester = _own_agent(actor)
    if requester is None or shift.agent_id != requester.pk:
        raise PermissionDenied(NOT_YOUR_SHIFT)
    if counterpart.pk == requester.pk:
        raise Conflict(WITH_YOURSELF, rule="with_yourself")
    roster = shift.roster
    if roster.status != RosterStatus.PUBLISHED or not shift.is_live:
        raise Conflict(
            live.NOT_LIVE % {"status": roster.get_status_display()}, rule="not_published"
        )
    if shift.activity == Activity.LEAVE or shift.template_id is None:
        raise Conflict(NOT_A_SHIFT % {"day": shift.day}, rule="not_a_shift")
    unit = roster.unit
    if not unit.teams.filter(pk=counterpart.team_id).exists():
        raise Conflict(NOT_COLLEAGUE % {"agent": counterpart.employee_number}, rule="not_colleague")
    kind = SwapKind.SWAP if counterpart_shift is not None else SwapKind.GIVE_AWAY
    if counterpart_shift is not None:
        if counterpart_shift.agent_id != counterpart.pk:
            raise Conflict(
                COUNTERPART_SHIFT_NOT_THEIRS % {"agent": counterpart.employee_number},
                rule="not_theirs",
            )
        if (
            counterpart_shift.roster.status != RosterStatus.PUBLISHED
            or not counterpart_shift.is_live
        ):
            raise Conflict(
                live.NOT_LIVE % {"status": counterpart_shift.roster.get_status_display()},
                rule="not_published",
            )
        if counterpart_shift.roster_id != roster.pk:
            raise Conflict(DIFFERENT_PERIODS, rule="different_periods")
        if counterpart_shift.activity == Activity.LEAVE or counterpart_shift.template_id is None:
            raise Conflict(NOT_A_SHIFT % {"day": counterpart_shift.day}, rule="not_a_shift")
    swap_policy = swap_policy_for(unit.site)
    earliest = min(
        shift.start_at, counterpart_shift.start_at if counterpart_shift else shift.start_at
    )
    check_notice(earliest, swap_policy)
    if SwapRequest.objects.filter(
        requester=requester, requester_day=shift.day, status__in=OPEN_SWAP_STATUSES
    ).exists():
        raise Conflict(ALREADY_OFFERED, rule="already_offered")
    with transaction.atomic():
        agents = live.lock_agents([requester, counterpart])
        roster = live.lock_live_roster(unit, shift.day)
        swap = SwapRequest(
            kind=kind,
            unit=unit,
            requester=agents[requester.pk],
            requester_day=shift.day,
            requester_start_at=shift.start_at,
            requester_end_at=shift.end_at,
            counterpart=agents[counterpart.pk],
            counterpart_day=counterpart_shift.day if counterpart_shift else None,
            counterpart_start_at=counterpart_shift.start_at if counterpart_shift else None,
            counterpart_end_at=counterpart_shift.end_at if counterpart_shift else None,
            message=message,
            expires_at=min(
                timezone.now() + datetime.timedelta(hours=swap_policy.expiry_hours),
                earliest - datetime.timedelta(hours=swap_policy.notice_hours),
            ),
        )
        result = _check(swap, roster, agents, swap_policy)
        swap.impact = result.summary()
        try:
            with transaction.atomic():
                swap.save()
        except IntegrityError as error:
            raise Conflict(ALREADY_OFFERED, rule="already_offered") from error
        notify(
            [counterpart.user],
            kind=Kind.SWAP_PROPOSED,
            title=str(_("%(agent)s proposes a shift swap")) % {"agent": requester.full_name},
            body=_describe(swap),
            payload={"swap": swap.pk},
        )
    return swap


def _describe(swap: SwapRequest) -> str:
    def times(start: Any, end: Any) -> str:
        return f"{timezone.localtime(start):%Y-%m-%d %H:%M}-{timezone.localtime(end):%H:%M}"

    text = (
        f"{swap.requester.employee_number}: {times(swap.requester_start_at, swap.requester_end_at)}"
    )
    if swap.kind == SwapKind.SWAP:
        text += f"\n{swap.counterpart.employee_number}: " + times(
            swap.counterpart_start_at, swap.counterpart_end_at
        )
    return text


def _lock_open(swap: SwapRequest, action: str) -> SwapRequest:
    locked = (
        SwapRequest.objects.select_for_update(of=("self",))
        .select_related("unit__site", "requester__team", "counterpart__team")
        .get(pk=swap.pk)
    )
    if locked.status not in OPEN_SWAP_STATUSES:
        raise Conflict(
            NOT_OPEN % {"status": locked.get_status_display(), "action": action},
            rule="not_open",
        )
    if locked.expires_at <= timezone.now():
        raise Conflict(
            EXPIRED % {"moment": f"{timezone.localtime(locked.expires_at):%Y-%m-%d %H:%M}"},
            rule="expired",
        )
    return locked


def _apply(swap: SwapRequest, actor: Any) -> SwapRequest:
    """Apply an accepted swap: re-check under the locks and publish the next version."""
    swap_policy = swap_policy_for(swap.unit.site)
    earliest = min(swap.requester_start_at, swap.counterpart_start_at or swap.requester_start_at)
    check_notice(earliest, swap_policy)
    agents = live.lock_agents([swap.requester, swap.counterpart])
    roster = live.lock_live_roster(swap.unit, swap.requester_day)
    result = _check(swap, roster, agents, swap_policy)
    requester_row = live.require_unchanged(
        swap.requester, swap.requester_day, swap.requester_start_at, swap.requester_end_at, roster
    )
    counterpart_row = (
        live.require_unchanged(
            swap.counterpart,
            swap.counterpart_day,
            swap.counterpart_start_at,
            swap.counterpart_end_at,
            roster,
        )
        if swap.kind == SwapKind.SWAP and swap.counterpart_day is not None
        else None
    )
    changes, _skills = _changes(swap, requester_row, counterpart_row, roster)
    new = live.live_change_apply(
        roster=roster,
        changes=changes,
        agents=agents,
        actor=actor,
        reason=f"swap {swap.pk}",
        notify_agents=False,
        check=result,
    )
    swap.status = SwapStatus.APPROVED
    swap.decided_at = timezone.now()
    swap.decided_by = actor
    swap.result_roster = new
    swap.impact = result.summary()
    swap.save()
    notify(
        [swap.requester.user, swap.counterpart.user],
        kind=Kind.SWAP_APPROVED,
        title=str(_("Shift swap approved: your roster changed")),
        body=_describe(swap),
        payload={"swap": swap.pk, "roster": new.pk},
    )
    return swap


@audited()
def swap_accept(*, actor: Any, swap: SwapRequest) -> SwapRequest:
    """The colleague agrees. With automatic approval the swap is applied at once."""
    with transaction.atomic():
        swap = _lock_open(swap, str(_("accepted")))
        if swap.status != SwapStatus.PROPOSED:
            raise Conflict(
                NOT_OPEN % {"status": swap.get_status_display(), "action": _("accepted")},
                rule="not_open",
            )
        if swap.counterpart.user_id != actor.pk:
            raise PermissionDenied(ONLY_COUNTERPART % {"agent": swap.counterpart.employee_number})
        swap.accepted_at = timezone.now()
        if swap_policy_for(swap.unit.site).auto_approve:
            return _apply(swap, None)
        swap.status = SwapStatus.ACCEPTED
        swap.save()
        notify(
            [swap.requester.user, *_leads_of(swap.requester, swap.counterpart)],
            kind=Kind.SWAP_ACCEPTED,
            title=str(_("Shift swap accepted by %(agent)s: waiting for approval"))
            % {"agent": swap.counterpart.full_name},
            body=_describe(swap),
            payload={"swap": swap.pk},
        )
    return swap


@audited(reason="comment")
def swap_approve(*, actor: Any, swap: SwapRequest, comment: str = "") -> SwapRequest:
    with transaction.atomic():
        swap = _lock_open(swap, str(_("approved")))
        if not can_decide_swap(actor, swap):
            raise PermissionDenied(ONLY_LEADS)
        if swap.status != SwapStatus.ACCEPTED:
            raise Conflict(
                NOT_OPEN % {"status": swap.get_status_display(), "action": _("approved")},
                rule="not_open",
            )
        swap.decision_comment = comment
        return _apply(swap, actor)


@audited(reason="comment")
def swap_reject(*, actor: Any, swap: SwapRequest, comment: str = "") -> SwapRequest:
    """The colleague declines a proposal, or a team lead refuses an accepted swap."""
    with transaction.atomic():
        swap = _lock_open(swap, str(_("rejected")))
        if swap.status == SwapStatus.PROPOSED:
            if swap.counterpart.user_id != actor.pk and not can_decide_swap(actor, swap):
                raise PermissionDenied(
                    ONLY_COUNTERPART % {"agent": swap.counterpart.employee_number}
                )
        elif not can_decide_swap(actor, swap):
            raise PermissionDenied(ONLY_LEADS)
        swap.status = SwapStatus.REJECTED
        swap.decided_at = timezone.now()
        swap.decided_by = actor
        swap.decision_comment = comment
        swap.save()
        notify(
            [swap.requester.user, swap.counterpart.user],
            kind=Kind.SWAP_REJECTED,
            title=str(_("Shift swap rejected")),
            body=_describe(swap) + (f"\n{comment}" if comment else ""),
            payload={"swap": swap.pk},
        )
    return swap


@audited()
def swap_cancel(*, actor: Any, swap: SwapRequest) -> SwapRequest:
    """Either agent withdraws before approval."""
    with transaction.atomic():
        locked = (
            SwapRequest.objects.select_for_update(of=("self",))
            .select_related("requester", "counterpart")
            .get(pk=swap.pk)
        )
        if actor.pk not in (locked.requester.user_id, locked.counterpart.user_id):
            raise PermissionDenied(ONLY_PARTIES)
        if locked.status not in OPEN_SWAP_STATUSES:
            raise Conflict(
                NOT_OPEN % {"status": locked.get_status_display(), "action": _("cancelled")},
                rule="not_open",
            )
        locked.status = SwapStatus.CANCELLED
        locked.decided_at = timezone.now()
        locked.save()
        other = locked.counterpart if actor.pk == locked.requester.user_id else locked.requester
        notify(
            [other.user],
            kind=Kind.SWAP_CANCELLED,
            title=str(_("Shift swap cancelled")),
            body=_describe(locked),
            payload={"swap": locked.pk},
        )
    return locked


def swaps_expire(*, now: datetime.datetime | None = None) -> int:
    """Close proposals nobody acted on in time; both agents are told."""
    now = now or timezone.now()
    count = 0
    for swap_id in SwapRequest.objects.filter(
        status__in=OPEN_SWAP_STATUSES, expires_at__lte=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            swap = (
                SwapRequest.objects.select_for_update(of=("self",))
                .select_related("requester__user", "counterpart__user")
                .get(pk=swap_id)
            )
            if swap.status not in OPEN_SWAP_STATUSES or swap.expires_at > now:
                continue
            swap.status = SwapStatus.EXPIRED
            swap.decided_at = now
            swap.save()
            notify(
                [swap.requester.user, swap.counterpart.user],
                kind=Kind.SWAP_EXPIRED,
                title=str(_("Shift swap expired")),
                body=_describe(swap),
                payload={"swap": swap.pk},
                email=False,
            )
            count += 1
    return count
