"""The solver package imports only the standard library and OR-Tools."""

import ast
import sys
from pathlib import Path

import scheduler.solver

ROOT = Path(scheduler.solver.__file__).parent
ALLOWED = {"ortools", "scheduler"}


def test_solver_imports_only_stdlib_and_ortools():
    offenders = []
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top not in ALLOWED and top not in sys.stdlib_module_names:
                    offenders.append(f"{path.relative_to(ROOT)}: {name}")
                if top == "scheduler" and not name.startswith("scheduler.solver"):
                    offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []
