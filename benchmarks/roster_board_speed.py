"""Server time of the roster board for 200 agents x 28 days (target: at most 300 ms).

    .venv/bin/python benchmarks/roster_board_speed.py [--agents 200] [--days 28] [--json]

Builds a throw-away SQLite database (or the one DATABASE_URL names), seeds one site, teams of
25 agents, the demo shift templates and a published roster of the given size, then renders the
board page in-process (Django's test client: request to response, no network) ten times as an
HR user and prints the median, the worst and the number of database queries.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="wfm-board-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/board.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    roster = seed(args.agents, args.days)
    from tests.factories import UserFactory

    hr = UserFactory(username="bench-hr", roles=["hr"])
    client = Client(HTTP_HOST="localhost")
    client.force_login(hr)
    url = f"/scheduler/rosters/{roster.pk}/"
    timings = []
    queries = 0
    for attempt in range(args.repeat + 1):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        if attempt:  # the first request warms the template cache
            timings.append(elapsed * 1000)
        queries = len(captured.captured_queries)
    result = {
        "agents": args.agents,
        "days": args.days,
        "database": connection.vendor,
        "median_ms": round(statistics.median(timings), 1),
        "max_ms": round(max(timings), 1),
        "queries": queries,
        "html_kb": round(len(response.content) / 1024, 1),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"board {args.agents} agents x {args.days} days ({result['database']}): "
            f"median {result['median_ms']} ms, worst {result['max_ms']} ms, "
            f"{queries} queries, {result['html_kb']} kB"
        )
    return 0


def seed(agents: int, days: int):  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    from scheduler.demo_rosters import TEMPLATES
    from scheduler.models.rosters import Assignment, PlanningUnit, Roster, ShiftTemplate
    from tests.factories import AgentFactory, SiteFactory, TeamFactory, UserFactory

    site = SiteFactory(code="bench", time_zone="Asia/Shanghai")
    zone = ZoneInfo(site.time_zone)
    templates = [
        ShiftTemplate.objects.create(
            site=site,
            code=code,
            name=name,
            start_time=start,
            paid_minutes=paid,
            break_minutes=meal,
            break_earliest_offset_minutes=180 if meal else 0,
            break_latest_offset_minutes=300 if meal else 0,
            is_night=night,
            color=colour,
        )
        for code, name, start, paid, meal, night, colour in TEMPLATES
    ]
    unit = PlanningUnit.objects.create(code="bench", name="Bench", site=site)
    rows = []
    first = datetime.date(2031, 1, 6)
    roster = Roster.objects.create(
        unit=unit,
        period_start=first,
        period_end=first + datetime.timedelta(days=days - 1),
        version=1,
        status="published",
    )
    team = None
    for index in range(agents):
        if index % 25 == 0:
            team = TeamFactory(code=f"bench-{index // 25}", site=site)
            unit.teams.add(team)
        agent = AgentFactory(
            team=team, employee_number=f"B{index:04d}", user=UserFactory(username=f"b{index}")
        )
        template = templates[index % len(templates)]
        for offset in range(days):
            if offset % 7 in ((index % 6), (index % 6) + 1):
                continue
            day = first + datetime.timedelta(days=offset)
            start = datetime.datetime.combine(day, template.start_time, tzinfo=zone)
            rows.append(
                Assignment(
                    roster=roster,
                    agent=agent,
                    day=day,
                    template=template,
                    start_at=start,
                    end_at=start + datetime.timedelta(minutes=template.span_minutes),
                    break_minutes=template.break_minutes,
                    is_live=True,
                )
            )
    Assignment.objects.bulk_create(rows, batch_size=2000)
    return roster


if __name__ == "__main__":
    raise SystemExit(main())
