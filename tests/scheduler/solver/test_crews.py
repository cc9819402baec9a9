"""Cyclic crews: the repeating week for interchangeable agents (the bank-week mode)."""

from dataclasses import replace

from scheduler.solver import Contract, Horizon, Policy, SolverConfig, check_roster, solve_roster
from scheduler.solver.benchmarks.bank_week import bank_week_problem
from scheduler.solver.crews import crews_supported, solve_cyclic_crews
from scheduler.solver.lp import shifts_lower_bound
from tests.scheduler.solver.builders import MONDAY, agent, tiny_problem

CONFIG = SolverConfig(time_limit_seconds=10, random_seed=1)


def _cyclic_week(num_agents: int):
    contract = Contract(working_days_per_week=5, min_working_days_per_week=5)
    return tiny_problem(
        horizon=Horizon(MONDAY, 7, 60, cyclic=True),
        agents=tuple(agent(f"a{i}", contract=contract) for i in range(num_agents)),
        policy=Policy(days_off_together=2),
        from_hour=0,
        to_hour=24,
    )


def test_crews_cover_a_round_the_clock_week_with_valid_named_rows():
    # given 24/7 demand of one agent: 21 shifts a week, so 5 agents x 5 shifts (4 over)
    problem = _cyclic_week(5)
    assert crews_supported(problem) is None
    # when
    solution = solve_roster(problem, CONFIG)
    # then
    assert solution.figures.mode == "crews"
    assert solution.has_roster
    assert sum(row.under for row in solution.coverage) == 0
    assert len(solution.assignments) == 25
    assert check_roster(problem, solution) == []


def test_crew_sizing_finds_the_fewest_agents():
    problem = _cyclic_week(8)
    sized = solve_cyclic_crews(problem, CONFIG, size_crews=True)
    assert len({a.agent_id for a in sized.assignments}) == 5  # ceil(21 / 5)


def test_bank_week_problem_bound_on_a_tiny_demand():
    required = tuple(2 if 16 <= i % 48 < 32 else 0 for i in range(7 * 48))
    problem = bank_week_problem(required, 3)
    assert round(shifts_lower_bound(problem)) == 14  # 2 agents x 8 h, every day


def test_unsupported_problems_say_why():
    problem = replace(_cyclic_week(3), horizon=Horizon(MONDAY, 7, 60))
    assert "cyclic" in (crews_supported(problem) or "")
