"""Weekly lines: the per-agent fast check agrees with check_roster."""

import random
import time

from scheduler.solver.benchmarks.synthetic import synthetic_problem
from scheduler.solver.lines import LineBuilder, agent_valid
from scheduler.solver.solution import Assignment, Figures, SolveStatus
from scheduler.solver.solve import finish
from scheduler.solver.validation import check_roster


def test_fast_agent_check_agrees_with_the_validator_on_perturbed_rosters():
    # given a valid built roster
    problem = synthetic_problem(agents=16, days=14, interval_minutes=30, skills=2, seed=5)
    builder = LineBuilder(problem, seed=2)
    builder.build()
    rng = random.Random(7)
    for _ in range(40):
        # when one agent's day is changed at random
        agent = rng.choice([a for a in problem.agents if not a.is_supervisor])
        shifts = dict(builder.shifts[agent.id])
        day = rng.randrange(problem.horizon.num_days)
        template = rng.choice(problem.templates)
        if day in shifts and rng.random() < 0.3:
            del shifts[day]
        elif problem.can_work(agent, day, template):
            shifts[day] = template
        fast = agent_valid(problem, agent, shifts, builder.tail[agent.id], builder.weekends, {})
        rows = [
            (a.agent_id, a.day, a.template_id)
            for a in builder.assignments()
            if a.agent_id != agent.id
        ] + [(agent.id, d, t.id) for d, t in shifts.items()]
        assignments = []
        for agent_id, d, template_id in rows:
            t = problem.template(template_id)
            start = t.start_on(d)
            end = t.end_on(d)
            assignments.append(Assignment(agent_id, d, template_id, start, end, start + 180))
        solution = finish(problem, SolveStatus.FEASIBLE, assignments, Figures())
        per_agent = {
            v.rule
            for v in check_roster(problem, solution)
            if v.agent_id == agent.id
            and v.rule not in {"preferences", "fairness", "coverage", "supervisor_coverage"}
        }
        # then
        assert fast == (not per_agent), (agent.id, per_agent)


def _recounted_need(builder: LineBuilder) -> dict[str, list[int]]:
    """Demand minus the on-phone spans, per group, from the lines alone (kinds pooled)."""
    problem = builder.problem
    need = {
        g.id: list(demand.required) if (demand := problem.demand_for(g.id)) else []
        for g in problem.skill_groups
    }
    spans: dict[tuple[tuple[str, ...], int], int] = {}
    for agent_id, shifts in builder.shifts.items():
        kind = builder.kinds[agent_id]
        if kind:
            for day, template in shifts.items():
                for i in builder._cells(day, template):
                    spans[(kind, i)] = spans.get((kind, i), 0) + 1
    for (kind, i), count in spans.items():
        counted = sum(builder.alloc[kind][g][i] for g in kind)
        assert counted == count, (kind, i)
        for g in kind:
            need[g][i] -= builder.alloc[kind][g][i]
    return need


def test_line_moves_keep_the_counts_and_never_raise_the_residual():
    # given a built roster
    problem = synthetic_problem(agents=40, days=14, interval_minutes=30, skills=3, seed=3)
    builder = LineBuilder(problem, seed=4)
    builder.build()
    before = builder.residual_cost()

    # when the search runs (every kind of move, aimed ones included)
    builder.gap_move_share = 0.4
    builder.two_week_share = 0.3
    builder.reinsert(time.monotonic() + 1.0)

    # then the counts per kind add up to the lines, the short cells are those with need left,
    # the residual did not rise, and the roster keeps every hard rule
    assert _recounted_need(builder) == builder.need
    assert builder.short == {
        (g, i) for g, need in builder.need.items() for i, value in enumerate(need) if value > 0
    }
    assert builder.residual_cost() <= before
    solution = finish(problem, SolveStatus.FEASIBLE, builder.assignments(), Figures())
    hard = {
        v.rule
        for v in check_roster(problem, solution)
        if v.rule not in {"preferences", "fairness", "coverage", "supervisor_coverage"}
    }
    assert hard == set()
