"""Why a problem is infeasible: quick pre-checks, then assumption literals on rule groups."""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler.solver.config import SolverConfig
from scheduler.solver.model import build_model
from scheduler.solver.problem import Problem
from scheduler.solver.solution import Conflict, InfeasibilityReport


def _day_name(problem: Problem, day: int) -> str:
    return problem.horizon.date_of(day).strftime("%b %d")


def precheck(problem: Problem) -> list[Conflict]:
    """Conflicts visible without search: locks on unavailable days, supervisor gaps, contract
    minimums above the days an agent can work."""
    conflicts: list[Conflict] = []
    horizon = problem.horizon
    for ref in problem.locked:
        if ref.template_id is None:
            continue
        agent = problem.agent(ref.agent_id)
        template = problem.template(ref.template_id)
        if not problem.can_work(agent, ref.day, template):
            reason = "on leave" if ref.day in agent.leave_days else "not available for it"
            conflicts.append(
                Conflict(
                    ("locked_assignments", "availability"),
                    f"{_day_name(problem, ref.day)}: {agent.id} is locked on {template.id} "
                    f"but is {reason}",
                    (ref.day,),
                    (agent.id,),
                )
            )
    if problem.policy.supervisor_coverage:
        supervisors = [a for a in problem.agents if a.is_supervisor]
        total = problem.total_required()
        length = horizon.interval_minutes
        per_day = horizon.intervals_per_day
        for day in range(horizon.num_days):
            coverable: set[int] = set()
            for agent in supervisors:
                for template in problem.templates:
                    for start_day in (day - 1, day):
                        if 0 <= start_day < horizon.num_days or horizon.cyclic:
                            wrapped = start_day % horizon.num_days
                            if problem.can_work(agent, wrapped, template):
                                start = template.start_on(start_day)
                                coverable.update(
                                    horizon.intervals_between(start, template.end_on(start_day))
                                )
            gaps = [
                i
                for i in range(day * per_day, (day + 1) * per_day)
                if total[i] > 0 and i not in coverable
            ]
            if gaps:
                away = [a.id for a in supervisors if day in a.leave_days]
                first = (gaps[0] % per_day) * length
                conflicts.append(
                    Conflict(
                        ("supervisor_coverage", "availability"),
                        f"{_day_name(problem, day)}, from {first // 60:02d}:{first % 60:02d}: "
                        f"queues open, 0 supervisors available, {len(supervisors)} supervisors "
                        f"in all; {len(away)} on leave",
                        (day,),
                        tuple(away),
                    )
                )
    for agent in problem.agents:
        contract = agent.contract
        for week in range(horizon.num_full_weeks):
            days = list(horizon.week_days(week))
            leave = sum(1 for d in days if d in agent.leave_days)
            need = contract.min_working_days_per_week - leave
            able = sum(
                1 for d in days if any(problem.can_work(agent, d, t) for t in problem.templates)
            )
            if need > able:
                conflicts.append(
                    Conflict(
                        ("contract_hours", "availability"),
                        f"week of {_day_name(problem, days[0])}: {agent.id} must work {need} "
                        f"days but can work {able}",
                        tuple(days),
                        (agent.id,),
                    )
                )
    return conflicts


def explain_infeasible(problem: Problem, config: SolverConfig) -> InfeasibilityReport:
    """Names the hard-rule groups (rule, agent) in an infeasible core and the relaxations
    (dropping one group) that make the problem feasible."""
    conflicts = precheck(problem)
    built = build_model(problem, explain=True, skip_rules=frozenset({"coverage", "fairness"}))
    guards = built.v.guards
    if not guards:
        return InfeasibilityReport(tuple(conflicts) or (Conflict((), "infeasible, no guard"),))
    model = built.model
    model.clear_objective()
    literals = list(guards.values())
    model.add_assumptions(literals)
    solver = cp_model.CpSolver()
    config.apply(solver, time_limit_seconds=min(config.time_limit_seconds, 20.0))
    solver.parameters.num_workers = 1  # assumptions cores need a single worker
    status = solver.solve(model)
    core: list[tuple[str, str | None]] = []
    if status == cp_model.INFEASIBLE:
        in_core = set(solver.sufficient_assumptions_for_infeasibility())
        core = [key for key, lit in guards.items() if lit.index in in_core]
    locked_days: dict[str, list[int]] = {}
    for ref in problem.locked:
        locked_days.setdefault(ref.agent_id, []).append(ref.day)
    for rule, agent_id in core:
        days = tuple(sorted(locked_days.get(agent_id, []))) if agent_id else ()
        where = f" for {agent_id}" if agent_id else ""
        if days:
            names = ", ".join(_day_name(problem, d) for d in days)
            where += f" (locked on {names})"
        conflicts.append(
            Conflict(
                (rule,),
                f"rule {rule}{where} is in the conflict",
                days,
                (agent_id,) if agent_id else (),
            )  # fmt: skip
        )
    relaxations = []
    for key in core[:12]:
        model.clear_assumptions()
        model.add_assumptions([lit for k, lit in guards.items() if k != key])
        check = cp_model.CpSolver()
        config.apply(check, time_limit_seconds=min(5.0, config.time_limit_seconds))
        check.parameters.num_workers = 1
        if check.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            rule, agent_id = key
            relaxations.append(f"relax {rule}" + (f" for {agent_id}" if agent_id else ""))
    if not conflicts:
        conflicts.append(Conflict((), "no roster satisfies the hard rules (no core found)"))
    return InfeasibilityReport(tuple(conflicts), tuple(relaxations))
