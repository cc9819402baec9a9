"""Row locks taken while publishing or editing a roster lock the rows being changed, not the
unit and site rows read along with them (PostgreSQL: FOR UPDATE OF): a site row locked FOR
UPDATE would hold up every insert that references the site until the publish commits."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduler.models.rosters import Assignment, Roster, RosterStatus
from scheduler.services import rosters as roster_services
from tests.concurrency import LOCK, joined_locks_without_of
from tests.scheduler.selfservice.conftest import publish_week


def test_publish_and_cell_edits_lock_only_the_rows_they_change(center, postgres_sql):
    # when: a draft is published, then a new draft's cell is edited
    with CaptureQueriesContext(connection) as captured:
        roster = publish_week(center)
        draft = Roster.objects.create(
            unit=roster.unit,
            period_start=roster.period_start,
            period_end=roster.period_end,
            version=2,
            status=RosterStatus.DRAFT,
            based_on=roster,
            created_by=center.lead,
        )
        rows = list(roster.assignments.all())
        for row in rows:
            row.pk, row.roster, row.is_live = None, draft, False
        Assignment.objects.bulk_create(rows)
        # agent 13 is off that Sunday and short of a shift: the engine's checks pass
        roster_services.assignment_set(
            actor=center.lead,
            roster=draft,
            agent_id=center.agents[13].pk,
            day=center.monday + datetime.timedelta(days=6),
            template_code="day",
        )
    statements = [item["sql"] for item in captured.captured_queries]
    # then: locks were taken, and none of them reaches joined rows
    assert any(LOCK.search(sql) for sql in statements)
    assert joined_locks_without_of(statements) == []
