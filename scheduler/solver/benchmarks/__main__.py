"""Dispatch ``python -m scheduler.solver.benchmarks <name> [args]`` to ``<name>.main(args)``."""

import importlib
import sys

COMMANDS = {
    "bank-week": "bank_week",
    "synthetic": "synthetic",
    "curtois": "curtois",
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(f"usage: python -m scheduler.solver.benchmarks {{{','.join(COMMANDS)}}} ...")
        return 2
    module = importlib.import_module(f"scheduler.solver.benchmarks.{COMMANDS[argv[0]]}")
    return int(module.main(argv[1:]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
