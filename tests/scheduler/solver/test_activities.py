"""Placing an off-phone activity where it costs the least cover."""

from dataclasses import replace

from scheduler.solver import Assignment, Demand, SolveStatus
from scheduler.solver.activities import place_off_phone
from scheduler.solver.solution import Figures
from scheduler.solver.solve import finish
from tests.scheduler.solver.builders import tiny_problem


def _stored(problem, items):
    return finish(problem, SolveStatus.FEASIBLE, items, Figures(mode="stored"))


def test_the_window_with_most_spare_cover_is_chosen_and_the_break_is_avoided():
    # given: two agents on the early shift on day 0; demand is 2 all morning except 1 from 10:00
    # to 12:00, so only there can one of them leave the phones without a gap
    problem = tiny_problem(num_agents=2, num_days=1, required=2, from_hour=6, to_hour=14)
    required = list(problem.demands[0].required)
    for hour in (10, 11):
        required[hour] = 1
    problem = replace(problem, demands=(Demand("retail", tuple(required)),))
    items = [
        Assignment(agent_id, 0, "early", 360, 840, None, (("retail", 480),))
        for agent_id in ("a0", "a1")
    ]
    solution = _stored(problem, items)
    # when
    placement = place_off_phone(problem, solution, agent_id="a0", minutes=120, days=[0])
    # then
    assert placement is not None
    assert (placement.day, placement.start_minute, placement.min_surplus) == (0, 600, 0)


def test_no_shift_on_the_days_gives_no_placement():
    problem = tiny_problem(num_agents=1, num_days=2)
    solution = _stored(problem, [Assignment("a0", 1, "late", 840, 1320, None, (("retail", 480),))])
    assert place_off_phone(problem, solution, agent_id="a0", minutes=60, days=[0]) is None
    found = place_off_phone(problem, solution, agent_id="a0", minutes=60, days=[1])
    assert found is not None and 840 <= found.start_minute <= 1320 - 60
