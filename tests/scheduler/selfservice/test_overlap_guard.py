"""The database itself refuses two live, overlapping working rows of one agent (an exclusion
constraint on PostgreSQL, triggers on SQLite), whatever code path writes them."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from scheduler.models.rosters import Assignment, Roster, RosterStatus

from .conftest import day_of, live

pytestmark = pytest.mark.django_db


def clash_with(row: Assignment, **changes) -> Assignment:
    """A row on the agent's free Friday (day 4) whose times overlap Thursday's shift."""
    clash = Assignment.objects.get(pk=row.pk)
    clash.pk = None
    clash.day = row.day + datetime.timedelta(days=1)
    clash.start_at = row.start_at + datetime.timedelta(hours=3)
    clash.end_at = row.end_at + datetime.timedelta(hours=3)
    for field, value in changes.items():
        setattr(clash, field, value)
    return clash


def test_an_overlapping_live_row_is_refused_by_the_database(center, week):
    thursday = live(center.agents[4], day_of(center, 3))  # agent 4 is off Friday and Saturday
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        clash_with(thursday).save()
    assert "assignment_no_live_overlap" in str(caught.value)
    # the same times in a draft are fine: only the published version is live
    draft = Roster.objects.create(
        unit=week.unit,
        period_start=week.period_start,
        period_end=week.period_end,
        version=2,
        status=RosterStatus.DRAFT,
        based_on=week,
    )
    clash_with(thursday, roster=draft, is_live=False).save()


def test_making_an_overlapping_row_live_is_refused_too(center, week):
    thursday = live(center.agents[4], day_of(center, 3))
    hidden = clash_with(thursday, is_live=False)
    hidden.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(pk=hidden.pk).update(is_live=True)
