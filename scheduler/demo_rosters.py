"""Demo rostering set-up: shift templates per site and one planning unit per site."""

from __future__ import annotations

import datetime
from typing import Any

from scheduler.models.rosters import PlanningUnit, ShiftTemplate
from scheduler.models.selfservice import LeavePolicy, SwapPolicy
from staffing.models import Site

# code, name, start, paid minutes, break minutes, night, colour
TEMPLATES = [
    ("early", "Early 07:00", datetime.time(7, 0), 480, 60, False, "#59a14f"),
    ("day", "Day 09:00", datetime.time(9, 0), 480, 60, False, "#4e79a7"),
    ("mid", "Mid 11:00", datetime.time(11, 0), 480, 60, False, "#76b7b2"),
    ("late", "Late 14:00", datetime.time(14, 0), 480, 60, False, "#f28e2b"),
    ("evening", "Evening 16:00", datetime.time(16, 0), 480, 60, False, "#edc948"),
    ("night", "Night 22:00", datetime.time(22, 0), 480, 60, True, "#7a5195"),
    ("pt6", "Part-time 10:00 (6 h)", datetime.time(10, 0), 360, 30, False, "#bab0ac"),
    ("pt4-am", "Part-time 09:00 (4 h)", datetime.time(9, 0), 240, 0, False, "#d4a6c8"),
    ("pt4-pm", "Part-time 17:00 (4 h)", datetime.time(17, 0), 240, 0, False, "#9d7660"),
]


def seed_rosters(*, stdout: Any = None) -> int:
    """Idempotent: templates and units are keyed by code."""
    created = 0
    for site in Site.objects.filter(code__in=["sh", "gz"]):
        for code, name, start, paid, meal, night, colour in TEMPLATES:
            _, new = ShiftTemplate.objects.get_or_create(
                site=site,
                code=code,
                defaults={
                    "name": name,
                    "start_time": start,
                    "paid_minutes": paid,
                    "break_minutes": meal,
                    "break_earliest_offset_minutes": 180 if meal else 0,
                    "break_latest_offset_minutes": 300 if meal else 0,
                    "is_night": night,
                    "color": colour,
                },
            )
            created += int(new)
        unit, new = PlanningUnit.objects.get_or_create(
            code=site.code,
            defaults={"name": site.name, "site": site, "time_limit_seconds": 60},
        )
        if new:
            unit.teams.set(site.teams.all())
            created += 1
        # Swaps wait for the team lead; the first team of each site has leave approved
        # automatically while the service target holds, the others decide by hand.
        SwapPolicy.objects.get_or_create(site=site)
        for index, team in enumerate(site.teams.order_by("code")):
            LeavePolicy.objects.get_or_create(team=team, defaults={"auto_approve": index == 0})
    if stdout is not None:
        stdout.write(f"rostering set-up: {created} templates and units created")
    return created
