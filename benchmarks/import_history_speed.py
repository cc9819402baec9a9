"""Time `import_history` on the Anonymous Bank 1999 file (87,600 six-minute rows) into a fresh
SQLite database. The data is read in place from ../shared/datasets; never copied here.

    .venv/bin/python benchmarks/import_history_speed.py [FILE]

Prints the seconds for the import (parse, check, aggregate to 30 minutes, write) and for a
second, idempotent re-import of the same file.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT.parent / "shared" / "datasets" / "anonymous-bank-1999" / "calls_6min.csv"


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_FILE
    if not path.exists():
        print(f"data set not found: {path}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    directory = tempfile.mkdtemp(prefix="wfm-import-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from scheduler.models import IntervalHistory, Queue
    from scheduler.services.history import history_import
    from staffing.models import Site

    site, _ = Site.objects.get_or_create(
        code="bench", defaults={"name": "Benchmark", "planning_interval_minutes": 30}
    )
    queue, _ = Queue.objects.get_or_create(code="bank1999", defaults={"site": site, "name": "B"})
    for label in ("import", "re-import (idempotent)"):
        began = time.perf_counter()
        with open(path, "rb") as source:
            result = history_import(queue=queue, source=source)
        seconds = time.perf_counter() - began
        print(
            f"{label}: {result.rows_read} rows of {result.source_interval_minutes} min -> "
            f"{result.intervals_written} intervals of 30 min in {seconds:.2f} s "
            f"(stored: {IntervalHistory.objects.filter(queue=queue).count()})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
