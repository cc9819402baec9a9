"""A published week for the Hangzhou center of the roster tests, built by hand so each test
knows who works when: agent i works template TEMPLATES[i % 4] on every day but two days off
together, days i % 6 and i % 6 + 1."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from scheduler.models.rosters import Assignment, Roster, RosterStatus, ShiftTemplate
from scheduler.services.rosters import roster_publish
from tests.scheduler.rosters.conftest import Center, center  # noqa: F401 (fixture)

CODES = ["early", "day", "late", "night"]
GROUP = "mandarin+voice"
ZONE = ZoneInfo("Asia/Shanghai")


def code_of(index: int) -> str:
    return CODES[index % 4]


def works(index: int, offset: int) -> bool:
    """Five days a week for everyone but agent 13, who works four (off Tuesday, Wednesday and
    Sunday) and so can take one more shift."""
    if index == 13 and offset == 6:
        return False
    return offset not in (index % 6, index % 6 + 1)


def shift_row(
    roster: Roster, agent: Any, day: datetime.date, template: ShiftTemplate
) -> Assignment:
    start = datetime.datetime.combine(day, template.start_time, tzinfo=ZONE)
    return Assignment(
        roster=roster,
        agent=agent,
        day=day,
        template=template,
        start_at=start,
        end_at=start + datetime.timedelta(minutes=template.span_minutes),
        break_start_at=start + datetime.timedelta(minutes=240),
        break_minutes=template.break_minutes,
        allocation={GROUP: template.paid_minutes},
    )


def publish_week(center: Center) -> Roster:  # noqa: F811
    site = center.unit.site
    templates = {t.code: t for t in ShiftTemplate.objects.filter(site=site)}
    roster = Roster.objects.create(
        unit=center.unit,
        period_start=center.monday,
        period_end=center.monday + datetime.timedelta(days=6),
        version=1,
        status=RosterStatus.DRAFT,
        created_by=center.lead,
    )
    rows = []
    for index, agent in enumerate(center.agents):
        for offset in range(7):
            if works(index, offset):
                day = center.monday + datetime.timedelta(days=offset)
                rows.append(shift_row(roster, agent, day, templates[code_of(index)]))
    Assignment.objects.bulk_create(rows)
    return roster_publish(actor=center.lead, roster=roster)


@pytest.fixture
def week(center: Center) -> Roster:  # noqa: F811
    return publish_week(center)


def live(agent: Any, day: datetime.date) -> Assignment | None:
    return Assignment.objects.filter(agent=agent, day=day, is_live=True).first()


def day_of(center: Center, offset: int) -> datetime.date:  # noqa: F811
    return center.monday + datetime.timedelta(days=offset)
