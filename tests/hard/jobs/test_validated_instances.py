"""Every published roster passes the independent validator: 50 seeded instances (agents,
skills, contracts, leave, demand vary) go the real way, from database rows through the bridge,
the solver, the draft, publishing, and back from the database to check_roster. An infeasible
instance publishes nothing.

Runs on PostgreSQL (with CI=true it must); prints its figures with
`DATABASE_URL=postgres://... pytest -m hard -s tests/hard/jobs/test_validated_instances.py`.
"""

import datetime
import random
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from scheduler import bridge
from scheduler.models import Forecast, Queue, Requirement
from scheduler.models.rosters import PlanningUnit, Roster, RosterRun, RosterStatus, ShiftTemplate
from scheduler.selectors.roster_demand import unit_demand
from scheduler.services import rosters as svc
from scheduler.solver import check_roster
from scheduler.solver.rules import HARD_RULES
from staffing.models import AgentSkill, Contract, LeaveRequest, Skill
from staffing.models.leave import LeaveStatus
from tests.concurrency import IN_CI
from tests.factories import AgentFactory, SiteFactory, TeamFactory, UserFactory, leave_type
from tests.scheduler.rosters.conftest import heads_at, next_monday

pytestmark = [pytest.mark.hard, pytest.mark.django_db, pytest.mark.timeout(240)]

INSTANCES = 50
LANGUAGES = ["mandarin", "cantonese", "english"]
TEMPLATES = [
    # code, start, night
    ("early", datetime.time(7, 0), False),
    ("day", datetime.time(9, 0), False),
    ("late", datetime.time(14, 0), False),
    ("night", datetime.time(22, 0), True),
]
# code: hours a day, hours a week, working days a week, most consecutive days, nights allowed
CONTRACTS = {
    "ft-40": (8, 40, 5, 6, True),
    "ft-40-days": (8, 40, 5, 5, False),
    "pt-24": (8, 24, 3, 4, True),
    "pt-32": (8, 32, 4, 5, False),
}


@pytest.fixture
def on_postgres(db: Any) -> None:
    if connection.vendor != "postgresql":
        if IN_CI:
            pytest.fail("CI runs the validated instances on PostgreSQL: set DATABASE_URL")
        pytest.skip("needs PostgreSQL (DATABASE_URL); runs in CI")


@dataclass
class Instance:
    unit: PlanningUnit
    lead: Any
    monday: datetime.date
    agents: int
    leave_days: int


def _contract(code: str) -> Contract:
    per_day, per_week, days, consecutive, nights = CONTRACTS[code]
    return Contract.objects.get_or_create(
        code=code,
        defaults={
            "name": code,
            "hours_per_day": Decimal(per_day),
            "hours_per_week": Decimal(per_week),
            "working_days_per_week": days,
            "max_consecutive_working_days": consecutive,
            "night_work_allowed": nights,
        },
    )[0]


def _demand(queue: Queue, monday: datetime.date, scale: float) -> None:
    zone = ZoneInfo(queue.site.time_zone)
    forecast = Forecast.objects.create(
        queue=queue, version=1, method="test", start_on=monday, horizon_days=7, interval_minutes=30
    )
    start = datetime.datetime.combine(monday, datetime.time(0), tzinfo=zone)
    rows = []
    for slot in range(7 * 48):
        moment = start + datetime.timedelta(minutes=30 * slot)
        heads = max(0, round(heads_at(moment.hour) * scale))
        rows.append(
            Requirement(
                forecast=forecast,
                queue=queue,
                start_at=moment,
                base_volume=heads * 2.0,
                volume=heads * 2.0,
                aht_seconds=300,
                workload_erlangs=float(heads),
                shrinkage=0.0,
                agents=heads,
                scheduled_heads=heads,
                service_level=0.8,
                asa_seconds=15,
                occupancy=0.7,
            )
        )
    Requirement.objects.bulk_create(rows)


def build_instance(seed: int, monday: datetime.date) -> Instance:
    """A planning unit with a week of demand, all drawn from ``seed``."""
    rng = random.Random(seed)
    zone = rng.choice(["Asia/Shanghai", "Asia/Hong_Kong", "Asia/Singapore"])
    site = SiteFactory(code=f"g{seed}", time_zone=zone, planning_interval_minutes=30)
    team = TeamFactory(code=f"g{seed}-team", site=site)
    lead = UserFactory(username=f"g{seed}-lead", roles=["agent", "team_lead"])
    team.team_leads.add(lead)
    with_nights = rng.random() < 0.6
    for code, start, night in TEMPLATES:
        if night and not with_nights:
            continue
        ShiftTemplate.objects.create(
            site=site, code=code, name=code, start_time=start, is_night=night
        )
    voice = Skill.objects.get(code="voice")
    languages = rng.sample(LANGUAGES, rng.randint(1, 2))
    queues = []
    for language in languages:
        queue = Queue.objects.create(
            site=site, code=f"g{seed}-{language}", name=language, channel="voice"
        )
        queue.skills.set([voice, Skill.objects.get(code=language)])
        _demand(queue, monday, scale=rng.uniform(0.3, 1.2) / len(languages))
        queues.append(queue)
    annual = leave_type("annual")
    count = rng.randint(5, 12)
    leave_days = 0
    for number in range(count):
        contract = rng.choice(list(CONTRACTS) if with_nights else ["ft-40-days", "pt-32", "pt-24"])
        agent = AgentFactory(
            team=team,
            employee_number=f"G{seed:02d}{number:02d}",
            user=lead if number == 0 else UserFactory(username=f"g{seed}-{number}"),
            level="team_lead" if number == 0 else rng.choice(["junior", "intermediate", "senior"]),
            contract=_contract(contract),
            hire_date=datetime.date(2020, 1, 1),
        )
        AgentSkill.objects.create(agent=agent, skill=voice, proficiency=rng.randint(2, 5))
        # everyone speaks the first language; some speak the second as well
        for index, language in enumerate(languages):
            if index == 0 or rng.random() < 0.6:
                AgentSkill.objects.create(
                    agent=agent,
                    skill=Skill.objects.get(code=language),
                    proficiency=rng.randint(2, 5),
                )
        if rng.random() < 0.3:
            first = monday + datetime.timedelta(days=rng.randint(0, 5))
            last = first + datetime.timedelta(days=rng.randint(0, 1))
            LeaveRequest.objects.create(
                agent=agent,
                leave_type=annual,
                start_on=first,
                end_on=last,
                days=Decimal((last - first).days + 1),
                status=LeaveStatus.APPROVED,
            )
            leave_days += (last - first).days + 1
    unit = PlanningUnit.objects.create(
        code=f"g{seed}",
        name=f"Generated {seed}",
        site=site,
        time_limit_seconds=1,
        supervisor_coverage=False,
        min_rest_hours=rng.choice([11, 12]),
        days_off_together=rng.choice([0, 1, 2]),
    )
    unit.teams.add(team)
    unit.queues.set(queues)
    return Instance(unit=unit, lead=lead, monday=monday, agents=count, leave_days=leave_days)


def solve_and_publish(instance: Instance, capture: Any) -> RosterRun:
    """The real path: a request whose solve task runs on commit (in-process here)."""
    with capture(execute=True):
        run = svc.roster_run_request(
            actor=instance.lead, unit=instance.unit, period_start=instance.monday, weeks=1
        )
    run.refresh_from_db()
    return run


def hard_violations_read_back(roster: Roster) -> list[Any]:
    """The published roster as stored, checked by the solver-independent validator."""
    demand = unit_demand(unit=roster.unit, first_day=roster.period_start, num_days=roster.num_days)
    period = bridge.build_period_problem(
        unit=roster.unit, first_day=roster.period_start, num_days=roster.num_days, demand=demand
    )
    rows = list(Roster.objects.get(pk=roster.pk).assignments.select_related("agent", "template"))
    solution = bridge.solution_from_rows(period, rows)
    return [v for v in check_roster(period.problem, solution) if v.rule in HARD_RULES]


def test_fifty_generated_instances_publish_only_valid_rosters(
    on_postgres, django_capture_on_commit_callbacks
):
    # given 50 seeded instances
    monday = next_monday()
    started = time.monotonic()
    published, violations, failures, shifts = 0, [], [], 0
    agents = leave_days = 0
    for seed in range(INSTANCES):
        instance = build_instance(seed, monday)
        agents += instance.agents
        leave_days += instance.leave_days
        # when each is solved, published and read back from the database
        run = solve_and_publish(instance, django_capture_on_commit_callbacks)
        if run.result is None:
            failures.append((seed, run.status, run.error))
            continue
        roster = svc.roster_publish(actor=instance.lead, roster=run.result)
        published += 1
        shifts += roster.assignments.exclude(activity="leave").count()
        violations += [(seed, v.rule, v.message) for v in hard_violations_read_back(roster)]
    seconds = time.monotonic() - started
    print(
        f"\n{INSTANCES} generated instances ({agents} agents, {leave_days} leave days): "
        f"{published} published, {shifts} shifts, {len(violations)} hard-rule violations, "
        f"{len(failures)} without a roster, in {seconds:.1f} s"
    )
    # then every instance published a roster and none breaks a hard rule
    assert failures == []
    assert violations == []
    assert published == INSTANCES


def test_infeasible_instance_publishes_nothing_and_the_live_version_stays(
    on_postgres, django_capture_on_commit_callbacks
):
    # given a published first version of a generated instance
    monday = next_monday()
    instance = build_instance(7, monday)
    first_run = solve_and_publish(instance, django_capture_on_commit_callbacks)
    first = svc.roster_publish(actor=instance.lead, roster=first_run.result)
    # when every agent owes five days a week and the unit asks for three days off together
    # (five working days and three days off do not fit in a week: a hard-rule conflict)
    for agent in bridge.unit_agents(instance.unit, monday, monday + datetime.timedelta(days=6)):
        agent.contract = _contract("ft-40")
        agent.save()
    instance.unit.days_off_together = 3
    instance.unit.save()
    run = solve_and_publish(instance, django_capture_on_commit_callbacks)
    # then the run failed naming the reason, nothing was written, the old version stays live
    print(f"\ninfeasible instance: run {run.status}: {run.error[:160]}")
    assert run.status == "failed"
    assert "hard rules" in run.error or "no roster" in run.error.lower()
    assert run.result is None
    assert not Roster.objects.filter(unit=instance.unit, status=RosterStatus.DRAFT).exists()
    first.refresh_from_db()
    assert first.status == RosterStatus.PUBLISHED
    # and publishing is refused: there is no draft, and the live version is not one
    with pytest.raises(ValidationError):
        svc.roster_publish(actor=instance.lead, roster=first)
    first.refresh_from_db()
    assert first.status == RosterStatus.PUBLISHED
