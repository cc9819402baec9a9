"""Cyclic crews: a repeating week for interchangeable agents, solved as a flow of crews.

Each agent works one block of ``working_days_per_week`` consecutive days (so the remaining
days off are together) and the week repeats. Agents are interchangeable, so the model counts
agents instead of naming them: for each block start day (the pattern's offset) a flow through
the templates of the block's days, where a step from one day's template to the next day's is
allowed only with enough rest (and forward rotation when required). Crew sizes are the flow
values; a flow decomposition turns them into named agents' rows. The flow is an integer
program with a strong LP relaxation, so it runs on OR-Tools' MIP backend (CBC by default,
``SolverConfig.mip_backend``; CP-SAT through the same interface also works, more slowly).

Scope (checked by ``crews_supported``): cyclic 7-day horizon, agents with one contract and
the same eligible skill groups, no leave, fixed days off, locks, off-phone time or
preferences. Everything else goes through the exact or decomposed modes. Every result is
checked by ``check_roster`` like any other.
"""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

from ortools.linear_solver import pywraplp

from scheduler.solver.config import SolverConfig
from scheduler.solver.problem import Problem, ShiftTemplate
from scheduler.solver.solution import Assignment, Figures, Solution, SolveStatus
from scheduler.solver.solve import finish


def crews_supported(problem: Problem) -> str | None:
    """None when the crew model applies, else the reason it does not."""
    horizon = problem.horizon
    if not horizon.cyclic or horizon.num_days != 7:
        return "the crew model needs a cyclic 7-day horizon"
    return interchangeable_reason(problem)


def interchangeable_reason(problem: Problem) -> str | None:
    """None when all agents are interchangeable and nothing is personal, else why not."""
    contracts = {a.contract for a in problem.agents}
    kinds = {problem.eligible_groups(a) for a in problem.agents}
    if len(contracts) != 1 or len(kinds) != 1:
        return "the crew model needs interchangeable agents (one contract, one skill set)"
    if any(a.leave_days or a.fixed_days_off for a in problem.agents):
        return "the crew model has no leave or fixed days off"
    if problem.locked or problem.off_phone or problem.preferences or problem.previous_roster:
        return "the crew model has no locks, off-phone time, preferences or previous roster"
    if problem.policy.supervisor_coverage and len({a.is_supervisor for a in problem.agents}) > 1:
        return "the crew model cannot place supervisors separately"
    (contract,) = contracts
    if contract.working_days_per_week > problem.max_consecutive_days(problem.agents[0]):
        return "a work block would exceed the maximum consecutive days"
    if 7 - contract.working_days_per_week < problem.policy.days_off_together:
        return "the days off left are fewer than the days off together required"
    return None


def _allowed_step(problem: Problem, first: ShiftTemplate, second: ShiftTemplate) -> bool:
    rest = second.start_on(1) - first.end_on(0)
    if rest < problem.policy.min_rest_minutes:
        return False
    return not (problem.policy.forward_rotation and second.rotation_class < first.rotation_class)


def solve_cyclic_crews(
    problem: Problem, config: SolverConfig, *, size_crews: bool = False
) -> Solution:
    """Roster interchangeable agents in crews.

    With ``size_crews`` coverage is hard and the number of agents is minimised (at most the
    problem's agents): the returned roster names the first N agents only, the rest are not
    needed (re-check it against a problem with those N agents).
    """
    started = time.monotonic()
    reason = crews_supported(problem)
    if reason is not None:
        raise ValueError(reason)
    horizon = problem.horizon
    contract = problem.agents[0].contract
    block = contract.working_days_per_week
    num_agents = len(problem.agents)
    usable = {
        day: [
            t
            for t in problem.templates
            if problem.can_work(problem.agents[0], day, t)
            and t.paid_minutes * block <= contract.max_minutes_per_week
        ]
        for day in range(7)
    }
    solver = pywraplp.Solver.CreateSolver(config.mip_backend)
    if solver is None:  # pragma: no cover - CBC and SCIP ship with OR-Tools
        solver = pywraplp.Solver.CreateSolver("CP_SAT")
    node: dict[tuple[int, int, str], Any] = {}
    for offset in range(7):
        for k in range(block):
            day = (offset + k) % 7
            for t in usable[day]:
                node[(offset, k, t.id)] = solver.IntVar(0, num_agents, "")
    arcs: dict[tuple[int, int, str, str], Any] = {}
    for offset in range(7):
        for k in range(block - 1):
            day = (offset + k) % 7
            out_of: dict[str, list[Any]] = defaultdict(list)
            into: dict[str, list[Any]] = defaultdict(list)
            for t in usable[day]:
                for t2 in usable[(day + 1) % 7]:
                    if _allowed_step(problem, t, t2):
                        var = solver.IntVar(0, num_agents, "")
                        arcs[(offset, k, t.id, t2.id)] = var
                        out_of[t.id].append(var)
                        into[t2.id].append(var)
            for t in usable[day]:
                solver.Add(solver.Sum(out_of[t.id]) == node[(offset, k, t.id)])
            for t2 in usable[(day + 1) % 7]:
                solver.Add(solver.Sum(into[t2.id]) == node[(offset, k + 1, t2.id)])
    crew_total = solver.Sum(
        [node[(offset, 0, t.id)] for offset in range(7) for t in usable[offset]]
    )
    if size_crews:
        solver.Add(crew_total <= num_agents)
    else:
        solver.Add(crew_total == num_agents)
    # Rest across the block boundary (the days off) and forward rotation hold by the gap.
    count: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for (offset, k, template_id), var in node.items():
        count[((offset + k) % 7, template_id)].append(var)
    length = horizon.interval_minutes
    plus: dict[int, list[Any]] = defaultdict(list)
    minus: dict[int, list[Any]] = defaultdict(list)
    break_counts: dict[tuple[int, str], dict[int, Any]] = {}
    for (day, template_id), parts_of_total in count.items():
        total = solver.Sum(parts_of_total)
        template = problem.template(template_id)
        for i in horizon.intervals_between(template.start_on(day), template.end_on(day)):
            plus[i].extend(parts_of_total)
        offsets = template.break_offsets(length)
        if offsets:
            parts = {o: solver.IntVar(0, num_agents, "") for o in offsets}
            solver.Add(solver.Sum(list(parts.values())) == total)
            break_counts[(day, template_id)] = parts
            for o, part in parts.items():
                begin = template.start_on(day) + o
                for i in horizon.intervals_between(begin, begin + template.break_minutes):
                    minus[i].append(part)
    weights = problem.weights
    required = problem.total_required()
    objective = []
    for i, need in enumerate(required):
        supply = solver.Sum(plus[i]) - solver.Sum(minus[i])
        if size_crews:
            solver.Add(supply >= need)
            continue
        under = solver.NumVar(0, max(0, need), "")
        over = solver.NumVar(0, num_agents, "")
        solver.Add(supply + under - over == need)
        objective.append(weights.under_coverage * under + weights.over_coverage * over)
    solver.Minimize(crew_total if size_crews else solver.Sum(objective))
    solver.SetTimeLimit(int(config.time_limit_seconds * 1000))
    status = solver.Solve()
    seconds = time.monotonic() - started
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        out = (
            SolveStatus.INFEASIBLE
            if status == pywraplp.Solver.INFEASIBLE
            else SolveStatus.TIMED_OUT
        )
        return Solution(out, figures=Figures(seconds=seconds, mode="crews"))
    rows = _decompose(
        {key: round(var.solution_value()) for key, var in node.items()},
        {key: round(var.solution_value()) for key, var in arcs.items()},
        block,
    )
    breaks: dict[tuple[int, str], list[int]] = {
        key: [o for o, var in sorted(parts.items()) for _ in range(round(var.solution_value()))]
        for key, parts in break_counts.items()
    }
    assignments = []
    for agent, (offset, templates) in zip(problem.agents, rows, strict=False):
        for k, template_id in enumerate(templates):
            day = (offset + k) % 7
            template = problem.template(template_id)
            pending = breaks.get((day, template_id))
            break_start = template.start_on(day) + pending.pop() if pending else None
            assignments.append(
                Assignment(
                    agent.id,
                    day,
                    template_id,
                    template.start_on(day),
                    template.end_on(day),
                    break_start,
                )  # fmt: skip
            )
    objective_value = solver.Objective().Value()
    bound = solver.Objective().BestBound()
    figures = Figures(
        objective=objective_value,
        bound=bound,
        gap=(objective_value - bound) / objective_value if objective_value else 0.0,
        seconds=seconds,
        first_feasible_seconds=seconds,  # the MIP backend reports no intermediate times
        mode="crews",
    )
    final = SolveStatus.OPTIMAL if status == pywraplp.Solver.OPTIMAL else SolveStatus.FEASIBLE
    return finish(problem, final, assignments, figures)


def _decompose(
    nodes: dict[tuple[int, int, str], int],
    arcs: dict[tuple[int, int, str, str], int],
    block: int,
) -> list[tuple[int, list[str]]]:
    """Split the crew flow into one row (offset, templates of the block) per agent."""
    outgoing: dict[tuple[int, int, str], list[list[Any]]] = defaultdict(list)
    for (offset, step, first, second), value in sorted(arcs.items()):
        if value > 0:
            outgoing[(offset, step, first)].append([second, value])
    rows = []
    for (offset, k, template_id), amount in sorted(nodes.items()):
        if k != 0:
            continue
        for _ in range(amount):
            path = [template_id]
            for step in range(block - 1):
                choices = outgoing[(offset, step, path[-1])]
                choice = next(c for c in choices if c[1] > 0)
                choice[1] -= 1
                path.append(choice[0])
            rows.append((offset, path))
    return rows
