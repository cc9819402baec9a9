"""Benchmarks of the roster engine: ``python -m scheduler.solver.benchmarks NAME ...``.

Each sub-command lives in its own module ``scheduler.solver.benchmarks.<name>`` with a
``main(argv: list[str]) -> int`` and prints its figures (one JSON object with ``--json``).
"""
