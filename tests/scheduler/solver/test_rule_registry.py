"""Guard: every registered rule has its own test file and a validator."""

from pathlib import Path

from scheduler.solver import validation
from scheduler.solver.rules import HARD_RULES, SOFT_RULES

RULE_TESTS = Path(__file__).parent / "rules"


def test_every_rule_has_a_test_file():
    missing = [
        name
        for name in {**HARD_RULES, **SOFT_RULES}
        if not (RULE_TESTS / f"test_{name}.py").exists()
    ]
    assert missing == []


def test_every_rule_has_a_validator():
    missing = [
        name
        for name in {**HARD_RULES, **SOFT_RULES}
        if not callable(getattr(validation, f"check_{name}", None)) or name not in validation.CHECKS
    ]
    assert missing == []


def test_every_rule_documents_itself():
    for name, rule in {**HARD_RULES, **SOFT_RULES}.items():
        assert rule.__doc__ and f"check_{name}" in rule.__doc__, name
