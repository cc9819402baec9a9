"""Dependencies point one way (STYLE.md): the pure packages import no Django, and staffing never
imports scheduler."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PURE_PACKAGES = ["scheduler/solver", "scheduler/forecasting", "scheduler/erlang"]
FORBIDDEN_IN_PURE = ("django", "rest_framework", "celery", "staffing", "config")
SOLVER_ALLOWED_THIRD_PARTY = ("ortools",)


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("package", PURE_PACKAGES)
def test_pure_packages_import_no_django(package):
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in python_files(package)
        for name in imported_modules(path)
        if name.split(".")[0] in FORBIDDEN_IN_PURE or name.startswith("scheduler.models")
    ]
    assert offenders == []


def test_solver_imports_only_stdlib_and_ortools():
    import sys

    stdlib = sys.stdlib_module_names
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in python_files("scheduler/solver")
        for name in imported_modules(path)
        if name.split(".")[0] not in stdlib
        and name.split(".")[0] not in SOLVER_ALLOWED_THIRD_PARTY
        and not name.startswith("scheduler.solver")
    ]
    assert offenders == []


def test_staffing_never_imports_scheduler():
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in python_files("staffing")
        for name in imported_modules(path)
        if name.split(".")[0] == "scheduler"
    ]
    assert offenders == []


def test_the_checker_sees_imports(tmp_path):
    # guard: the scan must actually find an import, or every test above passes vacuously
    sample = tmp_path / "sample.py"
    sample.write_text("import django\nfrom scheduler.models import X\n")
    assert imported_modules(sample) == ["django", "scheduler.models"]
