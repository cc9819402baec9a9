"""The decomposed mode (weekly lines + neighbourhood search) on a small seeded center."""

import random
from collections import defaultdict
from dataclasses import replace

from scheduler.solver import SolverConfig, check_roster, repair_roster, solve_roster
from scheduler.solver.benchmarks.synthetic import synthetic_problem, weeks_without_two_days_off
from scheduler.solver.decomposed import _agents_near, construct
from scheduler.solver.lp import coverage_cost_lower_bound
from scheduler.solver.repair import RosterChange
from scheduler.solver.solution import Figures, SolveStatus
from scheduler.solver.solve import finish

CONFIG = SolverConfig(
    time_limit_seconds=4,
    num_workers=2,
    random_seed=1,
    mode="decomposed",
    lns_seconds_per_neighbourhood=1.0,
    lns_agents_per_neighbourhood=4,
)


def _center():
    return synthetic_problem(agents=24, days=14, interval_minutes=30, skills=2, seed=3)


def test_construction_alone_keeps_every_rule():
    problem = _center()
    assignments = construct(problem, seed=1)
    solution = finish(problem, SolveStatus.FEASIBLE, assignments, Figures())
    assert check_roster(problem, solution) == []
    assert weeks_without_two_days_off(problem, solution) == 0.0


def test_a_supervisor_leaving_inside_the_notice_window_is_reported_not_hidden():
    # given a published roster whose day-0 supervisor leaves, with no change allowed on day 0
    problem = _center()
    published = solve_roster(problem, replace(CONFIG, time_limit_seconds=1.5))
    supervisors = {a.id for a in problem.agents if a.is_supervisor}
    night = min(
        (a for a in published.assignments if a.agent_id in supervisors and a.day == 0),
        key=lambda a: a.start_minute,
    )
    change = RosterChange(agents_leaving=(night.agent_id,), notice_until_minute=1440)
    # when
    repaired = repair_roster(problem, published, change, replace(CONFIG, time_limit_seconds=2))
    # then either the gap is covered by someone already on duty, or it is named
    if not repaired.has_roster:
        assert repaired.infeasibility is not None
        assert {"supervisor_coverage"} <= {
            r for c in repaired.infeasibility.conflicts for r in c.rules
        }


def test_search_returns_a_valid_roster_no_worse_than_the_start():
    # given
    problem = _center()
    start = finish(problem, SolveStatus.FEASIBLE, construct(problem, seed=1), Figures())
    # when
    solution = solve_roster(problem, CONFIG)
    # then
    assert solution.status == SolveStatus.FEASIBLE
    assert check_roster(problem, solution) == []
    assert solution.figures.first_feasible_seconds is not None
    assert solution.coverage_cost() <= start.coverage_cost() + 1000  # fairness may trade a bit
    assert coverage_cost_lower_bound(problem) <= solution.coverage_cost()


def test_repair_at_scale_starts_from_the_published_roster():
    problem = _center()
    published = solve_roster(problem, replace(CONFIG, time_limit_seconds=1.5))
    supervisors = {a.id for a in problem.agents if a.is_supervisor}
    leaving = next(a.agent_id for a in published.assignments if a.agent_id not in supervisors)
    repaired = repair_roster(
        problem,
        published,
        RosterChange(agents_leaving=(leaving,), notice_until_minute=1440),
        replace(CONFIG, time_limit_seconds=2),
    )
    assert repaired.has_roster
    assert not [a for a in repaired.assignments if a.agent_id == leaving]
    assert all(c.day >= 1 or c.agent_id == leaving for c in repaired.changes)


def test_neighbourhoods_around_a_short_interval_free_the_agents_nearest_to_it():
    # given a built roster and an interval some group needs agents in
    problem = _center()
    assignments = construct(problem, seed=1)
    by_agent = defaultdict(list)
    for a in assignments:
        by_agent[a.agent_id].append(a)
    kinds = {a.id: problem.eligible_groups(a) for a in problem.agents}
    per_day = problem.horizon.intervals_per_day
    interval = 3 * per_day + per_day // 2
    days = {2, 3, 4}

    # when
    near = _agents_near(problem, by_agent, kinds, interval, days, random.Random(1))

    # then every agent freed can serve a group short there and works one of the freed days
    needed = {g.id for g in problem.skill_groups if problem.demand_for(g.id).required[interval] > 0}
    assert near
    for agent in near:
        assert kinds[agent.id] & needed
        assert any(a.day in days for a in by_agent[agent.id])
