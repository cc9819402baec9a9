"""End to end: a small center with every rule on, fixed seed, short limits."""

from dataclasses import replace

from scheduler.solver import (
    Contract,
    Demand,
    Horizon,
    OffPhoneActivity,
    Policy,
    Preference,
    PreferenceKind,
    ShiftRef,
    ShiftTemplate,
    SkillGroup,
    SolverConfig,
    SolveStatus,
    Weights,
    check_roster,
    repair_roster,
    solve_roster,
)
from scheduler.solver.repair import RosterChange
from tests.scheduler.solver.builders import MONDAY, agent, demand_profile, tiny_problem

CONFIG = SolverConfig(time_limit_seconds=3, num_workers=2, random_seed=1, mode="exact")


def _center():
    horizon = Horizon(MONDAY, 14, 30)
    templates = (
        ShiftTemplate("e7", 7 * 60, 450, 30, 150, 270),
        ShiftTemplate("d10", 10 * 60, 450, 30, 150, 270),
        ShiftTemplate("l14", 14 * 60, 450, 30, 150, 270),
        ShiftTemplate("n22", 22 * 60, 450, 30, 150, 270, is_night=True),
    )
    groups = (SkillGroup("cards", frozenset({"cards"})), SkillGroup("loans", frozenset({"loans"})))
    demands = (
        Demand("cards", demand_profile(horizon, 2, 7, 22)),
        Demand("loans", demand_profile(horizon, 1, 9, 17)),
    )
    contract = Contract(max_minutes_per_week=5 * 450, min_working_days_per_week=4)
    agents = tuple(
        agent(
            f"a{i}",
            skills={"cards": 3} if i % 3 else {"cards": 2, "loans": 4},
            is_supervisor=i < 3,
            contract=replace(contract, night_eligible=i % 2 == 0),
        )
        for i in range(10)
    )
    policy = Policy(
        max_nights_per_28_days=6,
        max_weekends_per_28_days=1,
        supervisor_coverage=False,
        forward_rotation=True,
        start_band_minutes=8 * 60,
    )
    return replace(
        tiny_problem(),
        horizon=horizon,
        templates=templates,
        agents=agents,
        skill_groups=groups,
        demands=demands,
        policy=policy,
        weights=Weights(),
        off_phone=(OffPhoneActivity("t1", "a4", 2 * 1440 + 9 * 60, 120),),
        preferences=(Preference("a5", PreferenceKind.PREFERRED_DAY_OFF, 2, day=3),),
        previous_tail=(ShiftRef("a1", -1, "n22"),),
        public_holidays=frozenset({9}),
    )


def test_small_center_is_valid_with_every_rule():
    # given / when
    problem = _center()
    solution = solve_roster(problem, CONFIG)
    # then
    assert solution.has_roster
    assert check_roster(problem, solution) == []
    assert solution.figures.first_feasible_seconds is not None
    assert all(a.break_start_minute is not None for a in solution.assignments)
    assert {p.rule for p in solution.penalties} <= {"coverage", "preferences", "fairness"}


def test_repair_after_a_sick_day_changes_little_and_not_in_the_notice_window():
    # given a published roster
    problem = _center()
    published = solve_roster(problem, CONFIG)
    sick = next(a for a in published.assignments if a.day == 3)
    # when the agent is sick on day 3 and the notice window covers days 0-2
    change = RosterChange(new_leave=((sick.agent_id, 3),), notice_until_minute=3 * 1440)
    repaired = repair_roster(problem, published, change, CONFIG)
    # then
    assert repaired.has_roster
    repaired_problem = replace(
        problem,
        agents=tuple(
            replace(a, leave_days=a.leave_days | {3}) if a.id == sick.agent_id else a
            for a in problem.agents
        ),
    )
    assert not [a for a in repaired.assignments if (a.agent_id, a.day) == (sick.agent_id, 3)]
    assert all(change.day >= 3 for change in repaired.changes)
    assert any(c.agent_id == sick.agent_id and c.day == 3 for c in repaired.changes)
    assert len(repaired.changes) <= 6
    violations = check_roster(repaired_problem, repaired, rules=["availability", "contract_hours"])
    assert violations == []


def test_infeasible_names_rules_and_relaxations():
    problem = tiny_problem(
        locked=(ShiftRef("a0", 0, "late"), ShiftRef("a0", 1, "early")),
    )
    solution = solve_roster(problem, CONFIG)
    assert solution.status == SolveStatus.INFEASIBLE
    report = solution.infeasibility
    assert report is not None
    named = {rule for c in report.conflicts for rule in c.rules}
    assert "min_rest_between_shifts" in named
    assert any("a0" in c.agent_ids for c in report.conflicts)
    assert report.relaxations


def test_timed_out_is_a_status_not_a_sentinel():
    problem = _center()
    solution = solve_roster(problem, replace(CONFIG, time_limit_seconds=0.01))
    assert solution.status in (SolveStatus.TIMED_OUT, SolveStatus.FEASIBLE)
    if solution.status == SolveStatus.TIMED_OUT:
        assert solution.assignments == ()
