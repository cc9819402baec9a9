"""Rotation patterns: crews cycling through weeks of earlies, lates and nights."""

from scheduler.solver import (
    Contract,
    Horizon,
    Policy,
    SolverConfig,
    SolveStatus,
    check_roster,
    solve_roster,
)
from scheduler.solver.rotation import candidate_patterns, rotation_supported
from tests.scheduler.solver.builders import MONDAY, agent, tiny_problem

CONFIG = SolverConfig(time_limit_seconds=20, random_seed=1, mode="rotation")


def _three_week_cycle(num_agents: int = 6):
    contract = Contract(working_days_per_week=5, min_working_days_per_week=5)
    return tiny_problem(
        horizon=Horizon(MONDAY, 21, 60, cyclic=True),
        agents=tuple(agent(f"a{i}", contract=contract) for i in range(num_agents)),
        policy=Policy(days_off_together=2, forward_rotation=True, max_nights_per_28_days=10),
        from_hour=0,
        to_hour=24,
    )


def test_patterns_keep_the_rules_across_the_cycle():
    problem = _three_week_cycle()
    assert rotation_supported(problem) is None
    patterns = candidate_patterns(problem)
    assert patterns
    # a forward-rotating pattern: one week early, one late, one night
    classes = {
        tuple(problem.template(t).rotation_class for _, t in pattern) for pattern in patterns
    }
    assert (0, 1, 2) in classes


def test_rotation_covers_round_the_clock_with_valid_rows():
    # given 24/7 demand of one agent over a 3-week cycle
    problem = _three_week_cycle()
    # when
    solution = solve_roster(problem, CONFIG)
    # then
    assert solution.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    assert check_roster(problem, solution) == []
    assert sum(row.under for row in solution.coverage) == 0
    assert solution.figures.mode.startswith("rotation")
