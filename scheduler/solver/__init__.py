"""The roster engine: pure CP-SAT, standard library and OR-Tools only.

Build a :class:`~scheduler.solver.problem.Problem`, call :func:`solve_roster` (or
:func:`repair_roster` for a published roster and a change), and check any roster with
:func:`check_roster`.
"""

from scheduler.solver.config import SolverConfig
from scheduler.solver.problem import (
    ActivityKind,
    Agent,
    Contract,
    Demand,
    FairnessHistory,
    Horizon,
    OffPhoneActivity,
    Policy,
    Preference,
    PreferenceKind,
    Problem,
    RotationClass,
    ShiftRef,
    ShiftTemplate,
    SkillGroup,
)
from scheduler.solver.repair import RosterChange, repair_roster
from scheduler.solver.solution import Assignment, Solution, SolveStatus
from scheduler.solver.solve import solve_roster
from scheduler.solver.validation import Violation, check_roster
from scheduler.solver.weights import Weights

__all__ = [
    "ActivityKind",
    "Agent",
    "Assignment",
    "Contract",
    "Demand",
    "FairnessHistory",
    "Horizon",
    "OffPhoneActivity",
    "Policy",
    "Preference",
    "PreferenceKind",
    "Problem",
    "RosterChange",
    "RotationClass",
    "ShiftRef",
    "ShiftTemplate",
    "SkillGroup",
    "Solution",
    "SolveStatus",
    "SolverConfig",
    "Violation",
    "Weights",
    "check_roster",
    "repair_roster",
    "solve_roster",
]
