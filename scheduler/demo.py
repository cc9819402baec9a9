"""Demo demand: seven queues on the demo sites and a year of interval history each.

History is generated, not copied: an intraday shape per channel (two peaks for voice, a later
evening tail for chat, office hours for email), a weekly rhythm, Chinese public holidays (the
Spring Festival week deepest) and make-up working days from the `holidays` library, a
statement-day bump for cards, and Poisson noise.  Seeded, so every run gives the same data;
idempotent, so a second run adds nothing.  Runs after the people (`seed_demo`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.db import transaction
from django.utils import timezone

from staffing.models import Site, Skill

from .forecasting import DayKind, day_kinds
from .models import Channel, IntervalHistory, OpenHours, Queue, ShrinkageRule

SEED = 20261128
HISTORY_DAYS = 364  # 52 whole weeks, ending yesterday

# Relative level of Monday..Sunday
WEEKDAY_LEVEL = (1.22, 1.08, 1.0, 1.0, 1.04, 0.62, 0.5)


@dataclass(frozen=True)
class DemoQueue:
    code: str
    name: str
    site: str
    channel: str
    skills: tuple[str, ...]
    daily_contacts: float
    aht_seconds: float
    extra: tuple[tuple[str, Any], ...] = ()
    office_hours: bool = False  # open 08:00-20:00 every day


# Volumes are set so that, as in a real center, the agents required are about 80% of the
# demo agents' contracted hours, spread over the skill groups the demo teams can serve.
QUEUES = (
    DemoQueue(
        "sh-hotline", "Hotline (Mandarin)", "sh", Channel.VOICE, ("voice", "mandarin"), 1150, 260
    ),
    DemoQueue(
        "sh-cards",
        "Credit cards",
        "sh",
        Channel.VOICE,
        ("voice", "mandarin", "cards"),
        480,
        320,
        (("patience_seconds", 120),),
    ),
    DemoQueue(
        "sh-chat",
        "Online chat",
        "sh",
        Channel.CHAT,
        ("chat", "mandarin"),
        430,
        540,
        (("chat_concurrency", 3), ("target_answer_seconds", 30)),
    ),
    DemoQueue(
        "sh-email",
        "Email",
        "sh",
        Channel.EMAIL,
        ("email", "mandarin"),
        210,
        420,
        (("email_response_hours", Decimal("8")), ("target_service_level_percent", 90)),
        office_hours=True,
    ),
    DemoQueue(
        "gz-hotline", "Hotline (Cantonese)", "gz", Channel.VOICE, ("voice", "cantonese"), 480, 260
    ),
    DemoQueue(
        "gz-english",
        "English line",
        "gz",
        Channel.VOICE,
        ("voice", "english"),
        150,
        340,
        office_hours=True,
    ),
    DemoQueue(
        "gz-complaints",
        "Complaints",
        "gz",
        Channel.VOICE,
        ("voice", "complaints"),
        100,
        480,
        (("target_service_level_percent", 90), ("max_asa_seconds", 30)),
        office_hours=True,
    ),
)


def _intraday(channel: str, slots: int) -> np.ndarray:
    hours = (np.arange(slots) + 0.5) * 24 / slots
    if channel == Channel.EMAIL:
        shape = np.exp(-(((hours - 11) / 3.5) ** 2)) + 0.4 * np.exp(-(((hours - 21) / 3) ** 2))
    elif channel == Channel.CHAT:
        shape = np.exp(-(((hours - 11) / 2.5) ** 2)) + 0.9 * np.exp(-(((hours - 20) / 2.5) ** 2))
    else:
        shape = np.exp(-(((hours - 10.5) / 2.2) ** 2)) + 0.75 * np.exp(
            -(((hours - 15.5) / 2.3) ** 2)
        )
    shape = shape + 0.02  # a trickle through the night
    return shape / shape.sum()


def _spring_festival(dates: list[dt.date]) -> set[dt.date]:
    import holidays

    years = sorted({d.year for d in dates})
    calendar = holidays.country_holidays("CN", years=years, language="en_US")
    return {day for day, name in calendar.items() if "Spring Festival" in str(name)}


def _history(
    spec: DemoQueue, queue: Queue, first_on: dt.date, days: int, rng: np.random.Generator
) -> list:
    zone = ZoneInfo(queue.site.time_zone)
    minutes = int(queue.site.planning_interval_minutes)
    slots = 24 * 60 // minutes
    dates = [first_on + dt.timedelta(days=i) for i in range(days)]
    kinds = day_kinds(dates, country="CN")
    festival = _spring_festival(dates)
    shape = _intraday(spec.channel, slots)
    offsets = [dt.timedelta(minutes=minutes * slot) for slot in range(slots)]
    open_slots = np.ones(slots, dtype=bool)
    if spec.office_hours:
        start, end = 8 * 60 // minutes, 20 * 60 // minutes
        open_slots[:] = False
        open_slots[start:end] = True
    rows = []
    for index, day in enumerate(dates):
        if kinds[day] == DayKind.MAKEUP_WORKDAY:
            level = 1.08  # a decreed working Saturday or Sunday behaves like a busy weekday
        elif day in festival:
            level = 0.28
        elif kinds[day] == DayKind.HOLIDAY:
            level = 0.45
        else:
            level = WEEKDAY_LEVEL[day.weekday()]
        if "cards" in spec.skills and day.day in (5, 6):
            level *= 1.25  # statement days
        trend = 0.94 + 0.12 * index / days
        expected = spec.daily_contacts * level * trend * shape * open_slots
        counts = rng.poisson(expected * rng.normal(1.0, 0.04))
        handle = np.clip(rng.normal(spec.aht_seconds, spec.aht_seconds * 0.08, slots), 30, None)
        midnight = dt.datetime.combine(day, dt.time(), tzinfo=zone)
        for slot in np.flatnonzero(open_slots):
            count = int(counts[slot])
            rows.append(
                IntervalHistory(
                    queue=queue,
                    start_at=midnight + offsets[slot],
                    offered=count,
                    handled=count - int(count * 0.04),
                    abandoned=int(count * 0.04),
                    aht_seconds=round(float(handle[slot]), 1) if count else None,
                )
            )
    return rows


def seed_demand(
    *, stdout: Any = None, today: dt.date | None = None, days: int = HISTORY_DAYS
) -> int:
    """Create the demo queues and `days` of history ending yesterday; returns the history
    rows written."""
    today = today or timezone.localdate()
    first_on = today - dt.timedelta(days=days)
    sites = {site.code: site for site in Site.objects.filter(code__in={q.site for q in QUEUES})}
    skills = {skill.code: skill for skill in Skill.objects.all()}
    written = 0
    with transaction.atomic():
        for site in sites.values():
            ShrinkageRule.objects.get_or_create(
                site=site, queue=None, weekday=None, start_hour=None, defaults={"percent": 30}
            )
        for number, spec in enumerate(QUEUES):
            queue_site = sites.get(spec.site)
            if queue_site is None:
                continue
            queue, created = Queue.objects.get_or_create(
                code=spec.code,
                defaults={
                    "site": queue_site,
                    "name": spec.name,
                    "channel": spec.channel,
                    "default_aht_seconds": int(spec.aht_seconds),
                    **dict(spec.extra),
                },
            )
            if created:
                queue.full_clean()
                queue.skills.set([skills[code] for code in spec.skills if code in skills])
                if spec.office_hours:
                    OpenHours.objects.bulk_create(
                        OpenHours(
                            queue=queue, weekday=weekday, opens_at=dt.time(8), closes_at=dt.time(20)
                        )
                        for weekday in range(7)
                    )
            if queue.history.exists():
                continue
            rng = np.random.default_rng(SEED + number)
            rows = _history(spec, queue, first_on, days, rng)
            IntervalHistory.objects.bulk_create(rows, batch_size=5000)
            written += len(rows)
    if stdout is not None:
        stdout.write(
            f"Demand: {len(QUEUES)} queues, {written} history intervals written "
            f"({first_on} to {today - dt.timedelta(days=1)})."
        )
    return written
