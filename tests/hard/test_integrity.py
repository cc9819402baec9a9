"""Data integrity under real concurrency on PostgreSQL: no overlapping shifts even with the code's
own checks switched off (the database constraint holds the line), no shift on a day of approved
leave, no deadlock or server error from swaps offered both ways, no reader seeing half of one
published version and half of the next, and one record per Idempotency-Key.

Each race uses real threads, each with its own connection, calling the API as clients would.
The rounds are set by environment variables (defaults in brackets): LEAVE_RACE_ROUNDS [100],
OPPOSITE_SWAP_ROUNDS [100], OVERLAP_OPERATIONS [40 a phase], PUBLISHED_VERSIONS [12],
IDEMPOTENCY_THREADS [8], IDEMPOTENCY_ROUNDS [10].
"""

from __future__ import annotations

import datetime
import importlib
import os
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from rest_framework.test import APIClient

from scheduler.models.rosters import Activity, Assignment, Roster, RosterStatus, ShiftTemplate
from scheduler.models.selfservice import (
    OPEN_SWAP_STATUSES,
    OpenShift,
    OpenShiftStatus,
    SwapKind,
    SwapPolicy,
    SwapRequest,
    SwapStatus,
)
from scheduler.services import live as live_changes
from scheduler.services import rosters as roster_services
from scheduler.services.open_shifts import open_shift_post
from staffing.models import Agent, IdempotencyRecord, LeaveRequest, LeaveType
from staffing.models.leave import LeaveStatus
from staffing.workdays import is_working_day
from tests.concurrency import client_for, run_threads
from tests.factories import TeamFactory
from tests.scheduler.rosters.conftest import SHIFTS, Center, center  # noqa: F401 (fixture)
from tests.scheduler.selfservice.conftest import CODES, ZONE, day_of, shift_row, works
from tests.scheduler.selfservice.test_concurrency import (
    overlapping_live_rows,
    shifts_on_leave_days,
)
from tests.staffing.test_idempotency import working_day

pytestmark = pytest.mark.hard

#: agents kept in the unit (agent 0 is the team lead): a live change re-checks the whole
#: roster, and six agents make it cheap enough for a hundred rounds inside the time budget
UNIT_AGENTS = 6
OVERLAP_GUARD = importlib.import_module("scheduler.migrations.0005_self_service")


def rounds(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


@pytest.fixture
def small_center(center: Center) -> Center:  # noqa: F811
    """The Hangzhou unit of the roster tests with its first six agents; the others move to a
    team outside the unit."""
    elsewhere = TeamFactory(code="elsewhere", site=center.unit.site)
    Agent.objects.filter(pk__in=[a.pk for a in center.agents[UNIT_AGENTS:]]).update(team=elsewhere)
    center.agents = center.agents[:UNIT_AGENTS]
    return center


Plan = dict[tuple[int, int], str]  # (agent index, day offset) -> template code


def draft_of(hz: Center, plan: Plan) -> Roster:
    """A draft of the week with the plan's shifts, based on the live version (if any)."""
    unit, monday = hz.unit, hz.monday
    templates = {t.code: t for t in ShiftTemplate.objects.filter(site=unit.site)}
    live = Roster.objects.filter(
        unit=unit, period_start=monday, status=RosterStatus.PUBLISHED
    ).first()
    Roster.objects.filter(unit=unit, period_start=monday, status=RosterStatus.DRAFT).delete()
    top = Roster.objects.filter(unit=unit, period_start=monday).aggregate(top=Max("version"))
    draft = Roster.objects.create(
        unit=unit,
        period_start=monday,
        period_end=monday + datetime.timedelta(days=6),
        version=(top["top"] or 0) + 1,
        status=RosterStatus.DRAFT,
        created_by=hz.lead,
        based_on=live,
    )
    Assignment.objects.bulk_create(
        shift_row(draft, hz.agents[index], day_of(hz, offset), templates[code])
        for (index, offset), code in sorted(plan.items())
    )
    return draft


def publish_plan(hz: Center, plan: Plan) -> Roster:
    return roster_services.roster_publish(actor=hz.lead, roster=draft_of(hz, plan))


def live_row(agent: Any, day: datetime.date) -> Assignment | None:
    return Assignment.objects.filter(agent=agent, day=day, is_live=True).first()


class Answers:
    """Every API answer of a race: status codes, the rule of each 409, and anything else."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.codes: Counter[int] = Counter()
        self.rules: Counter[str] = Counter()
        self.errors: list[str] = []
        self.wins: Counter[str] = Counter()

    def record(self, response: Any, what: str) -> Any:
        with self.lock:
            self.codes[response.status_code] += 1
            if response.status_code == 409:
                self.rules[str(response.data.get("rule", ""))] += 1
                if not response.data.get("detail"):
                    self.errors.append(f"{what}: 409 without a reason")
            elif 200 <= response.status_code < 300:
                self.wins[what] += 1
            else:
                self.errors.append(
                    f"{what}: {response.status_code} {getattr(response, 'data', '')}"
                )
        return response


# --- 0 overlapping assignments, guaranteed by the database ------------------------------------


def alternate_nights(hz: Center) -> Plan:
    """Every agent works nights every other day, so on each day half the unit is free after a
    night that ends at 07:00: an 05:00 "dawn" shift claimed by one of them overlaps it."""
    return {
        (index, offset): "night"
        for index in range(len(hz.agents))
        for offset in range(7)
        if (index + offset) % 2 == 0
    }


@contextmanager
def overlap_constraint_dropped() -> Iterator[None]:
    """Drop the exclusion constraint; afterwards take the overlapping rows out of the live
    roster and put the constraint back, whatever happened in between."""
    with connection.cursor() as cursor:
        for statement in OVERLAP_GUARD.PG_DROP:
            cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE scheduler_assignment SET is_live = false")
            for statement in OVERLAP_GUARD.PG_CREATE:
                cursor.execute(statement)


def constraint_present() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE conname = 'assignment_no_live_overlap'"
        )
        return cursor.fetchone()[0] == 1


def code_checks_bypassed(monkeypatch: pytest.MonkeyPatch) -> None:
    """No agent or roster row locks, and no rule (rest, one shift a day, overlap...) refuses a
    live change: only the database stands between two writers and an overlap."""

    def no_agent_locks(agents: Any) -> dict[int, Agent]:
        return {a.pk: a for a in Agent.objects.filter(pk__in={a.pk for a in agents})}

    def no_roster_lock(unit: Any, day: datetime.date) -> Roster:
        roster = live_changes.live_roster_on(unit, day)
        assert roster is not None
        return roster

    monkeypatch.setattr(live_changes, "lock_agents", no_agent_locks)
    monkeypatch.setattr(live_changes, "lock_live_roster", no_roster_lock)
    monkeypatch.setattr(live_changes.ChangeCheck, "refusal", lambda self: None)


#: 409 rules of a write that lost the race for the next version while the locks are off
LOST_RACE = frozenset({"concurrent_change", "not_published"})


def overlap_workload(hz: Center, seed: int, operations: int) -> Answers:
    """Four threads post "dawn" and "day" shifts on the board, claim them (the claimer is free
    that day), give shifts away to free colleagues and withdraw board entries, at random. A
    write that lost the race for the next version (without locks: a 409 concurrent_change, or
    not_published when its version was archived under it) is sent again, so every dawn claim
    is decided by what remains of the guard, not by a lost race."""
    answers = Answers()
    lock = threading.Lock()
    plan = random.Random(seed)
    work = [(plan.random(), plan.randrange(7), plan.random()) for _ in range(operations)]
    pending = iter(work)
    days = [day_of(hz, offset) for offset in range(7)]
    claim_url = "api:self-service:open-shift-claim"

    def send(request: Callable[[], Any], what: str) -> Any:
        for _attempt in range(10):
            response = request()
            if response.status_code != 409 or response.data.get("rule") not in LOST_RACE:
                return answers.record(response, what)
            answers.record(response, what)
        return response

    def free_on(day: datetime.date, pick: float) -> Any:
        free = [
            a
            for a in hz.agents
            if not Assignment.objects.filter(agent=a, day=day, is_live=True).exists()
        ]
        return free[int(pick * len(free))] if free else None

    def one(roll: float, offset: int, pick: float) -> None:
        day = days[offset]
        if roll < 0.4:
            # dawn from Tuesday on (after Monday's night) or a day shift, which overlaps nothing
            send(
                lambda: client_for(hz.lead).post(
                    reverse("api:self-service:open-shift-list"),
                    {
                        "unit": hz.unit.pk,
                        "day": days[1 + offset % 6].isoformat() if pick < 0.9 else day.isoformat(),
                        "template": "dawn" if pick < 0.9 else "day",
                    },
                    format="json",
                ),
                "post",
            )
        elif roll < 0.85:
            board = (
                OpenShift.objects.filter(status=OpenShiftStatus.OPEN)
                .select_related("template")
                .order_by("?")
                .first()
            )
            claimer = free_on(board.day, pick) if board else None
            if board is None or claimer is None:
                return
            send(
                lambda: client_for(claimer.user).post(reverse(claim_url, args=[board.pk])),
                f"claim {board.template.code}",
            )
        elif roll < 0.95:
            shift = (
                Assignment.objects.filter(day=day, is_live=True, agent__in=hz.agents[1:])
                .select_related("agent__user")
                .first()
            )
            taker = free_on(day, pick)
            if shift is None or taker is None:
                return
            # not resent: a lost race archived the shift named here
            given = answers.record(
                client_for(shift.agent.user).post(
                    reverse("api:self-service:open-shift-give-away"),
                    {"shift": shift.pk},
                    format="json",
                ),
                "give away",
            )
            if given.status_code == 201:
                send(
                    lambda: client_for(taker.user).post(
                        reverse(claim_url, args=[given.data["id"]])
                    ),
                    "claim given",
                )
        else:
            board = OpenShift.objects.filter(status=OpenShiftStatus.OPEN).first()
            if board is not None:
                send(
                    lambda: client_for(hz.lead).post(
                        reverse("api:self-service:open-shift-withdraw", args=[board.pk])
                    ),
                    "withdraw",
                )

    def worker(_thread: int) -> None:
        while True:
            with lock:
                item = next(pending, None)
            if item is None:
                return
            one(*item)

    failures = [r for r in run_threads(4, worker) if isinstance(r, Exception)]
    assert failures == []
    return answers


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_constraint_alone_keeps_live_shifts_from_overlapping(
    postgres, small_center, monkeypatch
):
    # given: nights every other day, a dawn template that overlaps the end of a night, and
    # the code's locks and rule checks switched off
    hz = small_center
    ShiftTemplate.objects.create(
        site=hz.unit.site, code="dawn", name="Dawn", start_time=datetime.time(5, 0)
    )
    publish_plan(hz, alternate_nights(hz))
    code_checks_bypassed(monkeypatch)
    operations = rounds("OVERLAP_OPERATIONS", 40)

    # when (a): a random concurrent workload with the constraint in place
    guarded = overlap_workload(hz, seed=1, operations=operations)
    guarded_overlaps = overlapping_live_rows()
    print(
        f"(a) constraint on, code checks off: {operations} operations, answers "
        f"{dict(sorted(guarded.codes.items()))}, 409 by rule {dict(guarded.rules)}, "
        f"{guarded_overlaps} overlapping assignments"
    )

    # then: nothing overlaps, every refusal is a 409, and the database did refuse overlaps
    assert guarded.errors == []
    assert guarded_overlaps == 0
    assert guarded.rules["no_overlap"] > 0, guarded.rules

    # when (b): the same workload from the same start with the constraint dropped (restored
    # afterwards)
    OpenShift.objects.filter(status=OpenShiftStatus.OPEN).update(status=OpenShiftStatus.WITHDRAWN)
    publish_plan(hz, alternate_nights(hz))
    try:
        with overlap_constraint_dropped():
            unguarded = overlap_workload(hz, seed=1, operations=operations)
            unguarded_overlaps = overlapping_live_rows()
    finally:
        assert constraint_present()
    print(
        f"(b) constraint dropped: answers {dict(sorted(unguarded.codes.items()))}, 409 by rule "
        f"{dict(unguarded.rules)}, won {dict(unguarded.wins)}, {unguarded_overlaps} overlapping "
        "assignments"
    )

    # then: the same checker finds the overlaps the constraint refused in (a)
    assert unguarded.errors == []
    assert unguarded_overlaps > 0


# --- leave approval racing a shift for the same agent and day ----------------------------------


def four_day_weeks(hz: Center) -> Plan:
    """Day shifts (09:00-18:00) four days a week, so an agent may take a fifth (their contract
    is 40 hours) and has three free days to request leave on."""
    return {
        (index, offset): "day"
        for index in range(len(hz.agents))
        for offset in range(7)
        if offset not in {index % 7, (index + 2) % 7, (index + 4) % 7}
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_leave_approval_racing_a_shift_never_leaves_both(postgres, small_center, monkeypatch):
    """HR approves an agent's leave for a day while, at the same moment, the agent claims an
    open shift that day, or the team lead approves a colleague's give-away to them, or the team
    lead publishes a version giving them a shift that day."""
    # given: the minimal-change repair that approved leave queues stays queued (no worker)
    monkeypatch.setattr(roster_services, "_enqueue", lambda run: None)
    hz = small_center
    base = four_day_weeks(hz)
    publish_plan(hz, base)
    personal = LeaveType.objects.get(code="personal")
    rng = random.Random(7)
    total = rounds("LEAVE_RACE_ROUNDS", 100)
    tally: Counter[str] = Counter()
    answers = Answers()
    both = 0
    kinds = ["claims an open shift", "gets a give-away approved", "gets a shift published"]

    def reset() -> None:
        """Start a new cycle: the approved leave of the last rounds is withdrawn (the test's
        own bookkeeping, not under test) and the base plan is published again."""
        LeaveRequest.objects.filter(status=LeaveStatus.APPROVED).update(
            status=LeaveStatus.CANCELLED
        )
        OpenShift.objects.filter(status=OpenShiftStatus.OPEN).update(
            status=OpenShiftStatus.WITHDRAWN
        )
        publish_plan(hz, base)

    def free_days(agent: Any) -> list[datetime.date]:
        taken = set(
            Assignment.objects.filter(agent=agent, is_live=True).values_list("day", flat=True)
        )
        return [d for d in (day_of(hz, o) for o in range(7)) if d not in taken]

    def giver_on(day: datetime.date, taker: Any) -> Any:
        working = Assignment.objects.filter(day=day, is_live=True).exclude(activity=Activity.LEAVE)
        return next((a for a in hz.agents[1:] if a != taker and working.filter(agent=a)), None)

    def draft_from_live(agent: Any, day: datetime.date) -> Roster:
        """The team lead's next version: the live one with the agent working ``day``."""
        draft = draft_of(hz, {})
        rows = list(Assignment.objects.filter(roster__unit=hz.unit, is_live=True))
        for row in rows:
            row.pk, row.roster, row.is_live = None, draft, False
        template = ShiftTemplate.objects.get(site=hz.unit.site, code="day")
        Assignment.objects.bulk_create([*rows, shift_row(draft, agent, day, template)])
        return draft

    shift_first = leave_first = leave_refused = 0
    for number in range(total):
        kind = number % 3
        index = 1 + number % (UNIT_AGENTS - 1)
        agent = hz.agents[index]
        days = free_days(agent)
        if not days or (kind == 1 and all(giver_on(d, agent) is None for d in days)):
            reset()
            days = free_days(agent)
        if kind == 1:
            days = [d for d in days if giver_on(d, agent) is not None]
        day = rng.choice(days)
        request = LeaveRequest.objects.create(
            agent=agent,
            leave_type=personal,
            start_on=day,
            end_on=day,
            days=1,
            created_by=agent.user,
        )
        if kind == 0:
            board = open_shift_post(actor=hz.lead, unit=hz.unit, day=day, template_code="day")
            path = reverse("api:self-service:open-shift-claim", args=[board.pk])
            partner = (agent.user, path)
        elif kind == 1:
            giver = giver_on(day, agent)
            shift = live_row(giver, day)
            swap = SwapRequest.objects.create(
                kind=SwapKind.GIVE_AWAY,
                status=SwapStatus.ACCEPTED,
                unit=hz.unit,
                requester=giver,
                requester_day=day,
                requester_start_at=shift.start_at,
                requester_end_at=shift.end_at,
                counterpart=agent,
                expires_at=shift.start_at - datetime.timedelta(hours=25),
                accepted_at=timezone.now(),
            )
            partner = (hz.lead, reverse("api:self-service:swap-approve", args=[swap.pk]))
        else:
            draft = draft_from_live(agent, day)
            partner = (hz.lead, reverse("api:rosters:roster-publish", args=[draft.pk]))
        approve = (hz.hr, reverse("api:staffing:leave-request-approve", args=[request.pk]))

        # when: HR approves the leave at the same moment
        # the thread that starts second waits up to 40 ms, so both orders happen
        delays = [0.0, 0.0]
        delays[number % 2] = rng.uniform(0, 0.04)

        def send(
            thread: int, calls: Any = (approve, partner), what: str = kinds[kind], delays=delays
        ) -> Any:
            user, path = calls[thread]
            time.sleep(delays[thread])
            return answers.record(
                client_for(user).post(path, {}, format="json"), "leave" if thread == 0 else what
            )

        leave_answer, shift_answer = run_threads(2, send)

        # then: never approved leave and a live shift on the same day
        request.refresh_from_db()
        shift_held = (
            Assignment.objects.filter(agent=agent, day=day, is_live=True)
            .exclude(activity=Activity.LEAVE)
            .exists()
        )
        if request.status == LeaveStatus.APPROVED and shift_held:
            both += 1
        outcome = (
            f"leave {getattr(leave_answer, 'status_code', leave_answer)}, "
            f"shift {getattr(shift_answer, 'status_code', shift_answer)}"
        )
        tally[f"{kinds[kind]}: {outcome}"] += 1
        shift_code = getattr(shift_answer, "status_code", 0)
        leave_refused += getattr(leave_answer, "status_code", 0) != 200
        shift_first += 200 <= shift_code < 300
        leave_first += shift_code == 409
        Roster.objects.filter(unit=hz.unit, status=RosterStatus.DRAFT).delete()
        SwapRequest.objects.filter(status__in=OPEN_SWAP_STATUSES).update(
            status=SwapStatus.CANCELLED
        )

    print(f"{total} rounds of leave approval against a shift the same day:")
    for line, count in sorted(tally.items()):
        print(f"  {line}: {count}")
    print(
        f"shift first (then struck by the leave): {shift_first}, leave first (shift refused): "
        f"{leave_first}, leave approvals refused: {leave_refused}; rounds with approved leave "
        f"and a live shift that day: {both}"
    )
    # then: HR's approval always goes through (no deadlock turned into a 409) and the shift
    # lost or was struck
    assert answers.errors == []
    assert leave_refused == 0, answers.rules
    assert both == 0
    assert shifts_on_leave_days() == 0
    assert overlapping_live_rows() == 0
    # both orders happened: the race was real
    assert shift_first > 0 and leave_first > 0, tally


# --- swaps offered both ways at once ------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_opposite_order_swaps_never_deadlock_or_fail(postgres, small_center):
    """Agent A offers B a swap while B offers A one, and both are accepted (or approved by
    the team lead and HR) at the same moment: each takes the same two agents' locks from the
    other side. Three rounds in four the two offers are the same exchange (one must lose:
    it still takes every lock before it finds its shift gone), one in four they are two
    exchanges on different days (both may win); automatic approval every other four rounds."""
    # given: A works early and B works day shifts, Monday to Friday
    hz = small_center
    a, b = hz.agents[1], hz.agents[2]
    publish_plan(hz, {(i, o): code for i, code in ((1, "early"), (2, "day")) for o in range(5)})
    total = rounds("OPPOSITE_SWAP_ROUNDS", 100)
    answers = Answers()
    outcomes: Counter[str] = Counter()
    site = hz.unit.site

    def offer(requester: Any, counterpart: Any, mine: datetime.date, theirs: datetime.date) -> Any:
        shift, other = live_row(requester, mine), live_row(counterpart, theirs)
        return SwapRequest.objects.create(
            kind=SwapKind.SWAP,
            unit=hz.unit,
            requester=requester,
            requester_day=mine,
            requester_start_at=shift.start_at,
            requester_end_at=shift.end_at,
            counterpart=counterpart,
            counterpart_day=theirs,
            counterpart_start_at=other.start_at,
            counterpart_end_at=other.end_at,
            expires_at=min(shift.start_at, other.start_at) - datetime.timedelta(hours=25),
        )

    def race(calls: list[tuple[Any, str]], what: str) -> tuple[int, ...]:
        def send(thread: int) -> int:
            user, path = calls[thread]
            return answers.record(client_for(user).post(path, {}, format="json"), what).status_code

        return tuple(sorted(run_threads(len(calls), send)))

    for number in range(total):
        auto = (number // 4) % 2 == 0
        SwapPolicy.objects.update_or_create(site=site, defaults={"auto_approve": auto})
        first = day_of(hz, number % 5)
        second = first if number % 4 != 3 else day_of(hz, (number + 2) % 5)
        one, other = offer(a, b, first, first), offer(b, a, second, second)
        # when: both offers are accepted at once (and, without automatic approval, approved)
        accepted = race(
            [
                (b.user, reverse("api:self-service:swap-accept", args=[one.pk])),
                (a.user, reverse("api:self-service:swap-accept", args=[other.pk])),
            ],
            "accept",
        )
        key = f"{'same exchange' if first == second else 'two days'}, "
        if auto:
            key += f"accepted and applied {accepted}"
        else:
            approved = race(
                [
                    (hz.lead, reverse("api:self-service:swap-approve", args=[one.pk])),
                    (hz.hr, reverse("api:self-service:swap-approve", args=[other.pk])),
                ],
                "approve",
            )
            key += f"accepted {accepted}, approved {approved}"
        outcomes[key] += 1
        SwapRequest.objects.filter(status__in=OPEN_SWAP_STATUSES).update(
            status=SwapStatus.CANCELLED
        )

    print(f"{total} rounds of opposite-order swaps:")
    for line, count in sorted(outcomes.items()):
        print(f"  {line}: {count}")
    print(f"answers {dict(sorted(answers.codes.items()))}, 409 by rule {dict(answers.rules)}")
    # then: no server error, every answer 2xx or 409, and no deadlock turned into a 409
    assert answers.errors == []
    assert answers.rules["concurrent_change"] == 0, answers.rules
    assert overlapping_live_rows() == 0


# --- readers during a publish -------------------------------------------------------------------


def version_plan(agents: int, version: int) -> Plan:
    """Version v gives agent i the template CODES[(i + v) % 4] on each working day, so any two
    consecutive versions differ in every row: a read mixing them shows two signatures."""
    return {
        (index, offset): CODES[(index + version) % 4]
        for index in range(agents)
        for offset in range(7)
        if works(index, offset)
    }


Read = list[tuple[int, datetime.date, str]]  # (agent index, day, template code)


def expected_read(
    monday: datetime.date, agents: int, version: int, only: int | None = None
) -> Read:
    return [
        (index, monday + datetime.timedelta(days=offset), code)
        for (index, offset), code in version_plan(agents, version).items()
        if only is None or index == only
    ]


def mixed_read_problems(version: int, read: Read, expected: Read) -> list[str]:
    """What is wrong with a read of version ``version``: rows of another version, missing
    rows, or rows that version does not have."""
    problems = []
    for index, day, code in read:
        signature = (CODES.index(code) - index) % 4 if code in CODES else None
        if signature != version % 4:
            problems.append(f"agent {index} {day}: {code} is not version {version}")
    want = {(index, day) for index, day, _code in expected}
    got = {(index, day) for index, day, _code in read}
    if want - got:
        problems.append(f"missing rows {sorted(want - got)[:3]}")
    if got - want:
        problems.append(f"rows of no version {sorted(got - want)[:3]}")
    return problems


def test_the_mixed_read_detector_catches_a_mix():
    """The detector of the publish race flags half of one version and half of the next."""
    # given: reads of versions 3 and 4 of a six-agent week
    monday = datetime.date(2030, 1, 7)
    three, four = expected_read(monday, 6, 3), expected_read(monday, 6, 4)
    half = len(three) // 2
    spliced = three[:half] + four[half:]
    # when / then: whole versions pass; a splice, a missing row or a stray row does not
    assert mixed_read_problems(3, three, three) == []
    assert mixed_read_problems(4, four, four) == []
    assert mixed_read_problems(3, spliced, three)
    assert mixed_read_problems(4, spliced, four)
    assert mixed_read_problems(3, three[:-1], three)
    assert mixed_read_problems(3, [*three, (5, monday + datetime.timedelta(days=9), "day")], three)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_readers_never_see_two_versions_mixed(postgres, small_center):
    """While a writer publishes version after version, readers fetch the live roster through
    the API (the published version, then its shifts) and an agent's calendar download."""
    # given
    hz = small_center
    agents = len(hz.agents)
    publish_plan(hz, version_plan(agents, 1))
    versions = rounds("PUBLISHED_VERSIONS", 12)
    done = threading.Event()
    lock = threading.Lock()
    reads: Counter[str] = Counter()
    mixed: list[str] = []
    watched = 3  # the agent whose calendar is read

    def read_roster(client: APIClient) -> list[str]:
        listing = client.get(
            reverse("api:rosters:roster-list"),
            {"unit": hz.unit.pk, "status": "published", "period_start": hz.monday},
        )
        published = listing.data["results"]
        if len(published) != 1:
            return [f"{len(published)} published versions listed"]
        version = published[0]["version"]
        rows: list[dict] = []
        page = client.get(reverse("api:rosters:roster-assignments", args=[published[0]["id"]]))
        while True:
            rows.extend(page.data["results"])
            if not page.data["next"]:
                break
            page = client.get(page.data["next"])
        numbers = {a.employee_number: i for i, a in enumerate(hz.agents)}
        read = [
            (
                numbers[r["employee_number"]],
                datetime.date.fromisoformat(r["day"]),
                r["template_code"],
            )
            for r in rows
        ]
        return mixed_read_problems(version, read, expected_read(hz.monday, agents, version))

    def read_calendar(client: APIClient) -> list[str]:
        body = client.get(reverse("api:self-service:calendar-download")).content
        week = {day_of(hz, o) for o in range(7)}
        starts = {start: code for code, start, _night in SHIFTS}
        versions_seen, read = set(), []
        for event in Calendar.from_ical(body).walk("VEVENT"):
            if "SHIFT" not in event.get("categories").to_ical().decode():
                continue
            start = event.decoded("dtstart").astimezone(ZONE)
            if start.date() not in week:
                continue
            versions_seen.add(int(event.get("sequence")))
            read.append((watched, start.date(), starts.get(start.time(), "?")))
        if len(versions_seen) != 1:
            return [f"shifts of versions {sorted(versions_seen)} in one calendar"]
        version = versions_seen.pop()
        expected = expected_read(hz.monday, agents, version, only=watched)
        return mixed_read_problems(version, read, expected)

    def reader(thread: int) -> None:
        client = client_for(hz.hr if thread % 2 == 0 else hz.agents[watched].user)
        read = read_roster if thread % 2 == 0 else read_calendar
        while not done.is_set():
            problems = read(client)
            with lock:
                reads[read.__name__] += 1
                mixed.extend(problems)

    def writer() -> None:
        try:
            for version in range(2, versions + 2):
                publish_plan(hz, version_plan(agents, version))
        finally:
            done.set()

    # when
    def role(thread: int) -> None:
        if thread == 0:
            writer()
        else:
            reader(thread)

    results = run_threads(4, role)

    # then
    print(
        f"{versions} versions published while readers read: {dict(reads)}, mixed reads {len(mixed)}"
    )
    assert [r for r in results if isinstance(r, Exception)] == []
    assert mixed == [], mixed[:5]
    assert reads["read_roster"] > 0 and reads["read_calendar"] > 0


# --- Idempotency-Key under simultaneous repeats -------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_repeats_with_one_idempotency_key_create_one_record(postgres, world):
    # given: N clients of the same user, ready to send the same submit with the same key
    threads = rounds("IDEMPOTENCY_THREADS", 8)
    total = rounds("IDEMPOTENCY_ROUNDS", 10)
    url = reverse("api:staffing:leave-request-list")
    personal = LeaveType.objects.get(code="personal")
    clients = []
    for _ in range(threads):
        client = APIClient()
        client.force_login(world.agent_user)
        clients.append(client)
    answers: Counter[str] = Counter()
    day = working_day()
    created = []
    for number in range(total):
        payload = {
            "agent": world.agent.pk,
            "leave_type": personal.pk,
            "start_on": day.isoformat(),
            "end_on": day.isoformat(),
        }
        key = f"leave-race-{number:04d}"

        # when: all send it at the same moment
        def send(thread: int, payload: dict = payload, key: str = key) -> Any:
            return clients[thread].post(url, payload, format="json", HTTP_IDEMPOTENCY_KEY=key)

        responses = run_threads(threads, send)

        # then: one request ran, the others were told it is in progress or got its answer
        for response in responses:
            replayed = getattr(response, "get", lambda h: None)("Idempotent-Replayed")
            answers[
                f"{getattr(response, 'status_code', response)}{' replayed' if replayed else ''}"
            ] += 1
        ids = {r.json()["id"] for r in responses if getattr(r, "status_code", 0) == 201}
        assert len(ids) == 1, [getattr(r, "status_code", r) for r in responses]
        created.extend(ids)
        day += datetime.timedelta(days=1)
        while not is_working_day(day):
            day += datetime.timedelta(days=1)
    print(
        f"{total} rounds of {threads} simultaneous submits with one key: {dict(answers)}; "
        f"leave requests created {LeaveRequest.objects.filter(agent=world.agent).count()}"
    )
    assert LeaveRequest.objects.filter(agent=world.agent).count() == total
    assert IdempotencyRecord.objects.count() == total
    assert set(answers) <= {"201", "201 replayed", "409"}, answers
