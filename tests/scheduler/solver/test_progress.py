from scheduler.solver import SolverConfig, solve_roster
from tests.scheduler.solver.builders import tiny_problem


def test_exact_mode_reports_objective_and_bound_as_it_goes():
    seen: list[tuple[float, float | None, float | None]] = []
    config = SolverConfig(
        time_limit_seconds=10, num_workers=1, mode="exact", on_progress=lambda *a: seen.append(a)
    )
    solution = solve_roster(tiny_problem(), config)
    assert solution.has_roster
    assert seen, "no progress was reported"
    seconds, objective, bound = seen[-1]
    assert seconds >= 0
    assert objective is not None and bound is not None
    assert bound <= objective + 1e-6


def test_progress_callback_does_not_change_the_result():
    plain = solve_roster(tiny_problem(), SolverConfig(time_limit_seconds=10, num_workers=1))
    watched = solve_roster(
        tiny_problem(),
        SolverConfig(time_limit_seconds=10, num_workers=1, on_progress=lambda *a: None),
    )
    assert plain.status == watched.status
    assert plain.figures.objective == watched.figures.objective
