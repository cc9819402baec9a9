from scheduler.solver import Policy, SolveStatus
from tests.scheduler.solver.builders import agent, roster, solve, tiny_problem, violated_rules

POLICY = Policy(days_off_together=0, supervisor_coverage=True)


def test_feasible_when_unconstrained():
    agents = (agent("s0", is_supervisor=True), agent("s1", is_supervisor=True), agent("a0"))
    problem = tiny_problem(agents=agents, policy=POLICY, from_hour=8, to_hour=12)
    solution = solve(problem)
    assert solution.has_roster
    assert violated_rules(problem, solution) == set()
    for day in range(7):
        assert any(a.agent_id.startswith("s") and a.day == day for a in solution.assignments)


def test_no_supervisor_available_is_infeasible_and_named():
    agents = (agent("s0", is_supervisor=True, leave_days=frozenset({2})), agent("a0"))
    problem = tiny_problem(agents=agents, policy=POLICY, from_hour=8, to_hour=12)
    solution = solve(problem)
    assert solution.status == SolveStatus.INFEASIBLE
    conflict = solution.infeasibility.conflicts[0]
    assert "supervisor_coverage" in conflict.rules
    assert conflict.days == (2,)
    assert "0 supervisors available" in conflict.message


def test_validator_flags_interval_without_supervisor():
    agents = (agent("s0", is_supervisor=True), agent("a0"))
    problem = tiny_problem(agents=agents, policy=POLICY, from_hour=8, to_hour=12, num_days=1)
    solution = roster(problem, [("a0", 0, "early")])
    assert "supervisor_coverage" in violated_rules(problem, solution)
