"""HR reports: hours, nights and weekends from the live roster, leave taken, training
compliance; on the page, as CSV and as XLSX; the period is validated."""

import csv
import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from scheduler.models.rosters import (
    Activity,
    Assignment,
    PlanningUnit,
    Roster,
    RosterStatus,
    ShiftTemplate,
)
from staffing.models import LeaveRequest, TrainingRecord
from staffing.models.leave import LeaveStatus
from staffing.models.training import TrainingStatus
from tests.factories import CourseFactory, TrainingSessionFactory, leave_type

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("Asia/Shanghai")
MONDAY = datetime.date(2025, 3, 3)
SUNDAY = datetime.date(2025, 3, 9)
PERIOD = {"start_on": MONDAY.isoformat(), "end_on": SUNDAY.isoformat()}


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=ZONE)


def shift(roster, agent, day, template, *, live=True, activity=Activity.PHONE):
    start = at(day, template.start_time.hour)
    return Assignment(
        roster=roster,
        agent=agent,
        day=day,
        template=template,
        start_at=start,
        end_at=start + datetime.timedelta(minutes=template.span_minutes),
        break_minutes=template.break_minutes,
        activity=activity,
        is_live=live,
    )


@pytest.fixture
def roster_week(world):
    """The agent works a Friday day shift, a Saturday night and a Sunday day shift (live), has
    leave on Monday, and a Tuesday shift only in a draft."""
    site = world.team_a.site
    unit = PlanningUnit.objects.create(code="unit-a", name="Unit A", site=site)
    unit.teams.add(world.team_a)
    day = ShiftTemplate.objects.create(
        site=site, code="day", name="Day", start_time=datetime.time(9), paid_minutes=480
    )
    night = ShiftTemplate.objects.create(
        site=site,
        code="night",
        name="Night",
        start_time=datetime.time(22),
        paid_minutes=480,
        is_night=True,
    )
    published = Roster.objects.create(
        unit=unit, period_start=MONDAY, period_end=SUNDAY, version=1, status=RosterStatus.PUBLISHED
    )
    draft = Roster.objects.create(
        unit=unit, period_start=MONDAY, period_end=SUNDAY, version=2, status=RosterStatus.DRAFT
    )
    Assignment.objects.bulk_create(
        [
            shift(published, world.agent, MONDAY, day, activity=Activity.LEAVE),
            shift(published, world.agent, MONDAY + datetime.timedelta(days=4), day),
            shift(published, world.agent, MONDAY + datetime.timedelta(days=5), night),
            shift(published, world.agent, SUNDAY, day),
            shift(draft, world.agent, MONDAY + datetime.timedelta(days=1), day, live=False),
            shift(published, world.colleague, MONDAY + datetime.timedelta(days=1), day),
        ]
    )


def download(client, report, fmt, **extra):
    return client.get(
        reverse("hr-reports:report"), {**PERIOD, "report": report, "format": fmt, **extra}
    )


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_report_page_renders_with_a_default_period(client, world):
    client.force_login(world.hr)
    response = client.get(reverse("hr-reports:report"))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<label for="id_start_on"' in page and '<label for="id_end_on"' in page


def test_hours_worked_csv_counts_live_shifts_less_breaks(client, world, roster_week):
    # given
    client.force_login(world.hr)

    # when
    response = download(client, "hours", "csv", team=world.team_a.pk)

    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="hours_20250303_20250309.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == ["Employee number", "Name", "Team", "Shifts", "Paid hours"]
    by_number = {row[0]: row for row in rows[1:]}
    # three live working shifts of 8 paid hours; the leave row and the draft do not count
    assert by_number[world.agent.employee_number][3:] == ["3", "24.00"]
    assert by_number[world.colleague.employee_number][3:] == ["1", "8.00"]
    assert by_number[world.lead_agent.employee_number][3:] == ["0", "0.00"]
    assert world.other.employee_number not in by_number  # team B filtered out


def test_nights_and_weekends_xlsx(client, world, roster_week):
    # given
    client.force_login(world.hr)

    # when
    response = download(client, "nights_weekends", "xlsx", team=world.team_a.pk)

    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = xlsx_rows(response)
    assert rows[0] == ["Employee number", "Name", "Team", "Nights", "Weekend days", "Weekends"]
    by_number = {row[0]: row for row in rows[1:]}
    assert by_number[world.agent.employee_number][3:] == [1, 2, 1]
    assert by_number[world.colleague.employee_number][3:] == [0, 0, 0]


def test_hours_xlsx_has_numbers(client, world, roster_week):
    client.force_login(world.hr)
    rows = xlsx_rows(download(client, "hours", "xlsx"))
    by_number = {row[0]: row for row in rows[1:]}
    assert by_number[world.agent.employee_number][3:] == [3, 24.0]


def test_leave_taken_by_type(client, world):
    # given two approved requests starting in the period and one outside it, one pending
    annual = leave_type("annual")
    for start, days, status in (
        (MONDAY, 2, LeaveStatus.APPROVED),
        (MONDAY + datetime.timedelta(days=3), 1, LeaveStatus.APPROVED),
        (MONDAY + datetime.timedelta(days=14), 3, LeaveStatus.APPROVED),
        (MONDAY + datetime.timedelta(days=5), 1, LeaveStatus.PENDING),
    ):
        LeaveRequest.objects.create(
            agent=world.agent,
            leave_type=annual,
            start_on=start,
            end_on=start + datetime.timedelta(days=days - 1),
            days=Decimal(days),
            status=status,
        )
    client.force_login(world.hr)

    # when
    csv_response = download(client, "leave", "csv")
    xlsx_response = download(client, "leave", "xlsx")

    # then
    expected_name = str(annual.name)
    assert csv_rows(csv_response)[1:] == [
        [
            world.agent.employee_number,
            world.agent.full_name,
            world.team_a.name,
            expected_name,
            "2",
            "3.00",
        ]
    ]
    assert xlsx_rows(xlsx_response)[1:] == [
        [
            world.agent.employee_number,
            world.agent.full_name,
            world.team_a.name,
            expected_name,
            2,
            3.0,
        ]
    ]


def test_training_compliance(client, world):
    # given a course mandatory for intermediate agents that the colleague passed
    course = CourseFactory(
        code="kyc", title="Know your customer", mandatory_for_levels=["intermediate"]
    )
    TrainingRecord.objects.create(
        agent=world.colleague,
        session=TrainingSessionFactory(course=course),
        status=TrainingStatus.PASSED,
        completed_on=MONDAY - datetime.timedelta(days=10),
        certificate_expires_on=MONDAY + datetime.timedelta(days=300),
    )
    client.force_login(world.hr)

    # when
    rows = xlsx_rows(download(client, "compliance", "xlsx", team=world.team_a.pk))

    # then
    assert rows[0][:5] == ["Team", "Employee number", "Name", "Course", "Compliant"]
    by_number = {row[1]: row for row in rows[1:]}
    assert by_number[world.agent.employee_number][3:5] == ["Know your customer", False]
    assert by_number[world.colleague.employee_number][3:5] == ["Know your customer", True]
    assert world.lead_agent.employee_number not in by_number  # team lead level: not mandatory


def test_report_on_the_page(client, world, roster_week):
    client.force_login(world.hr)
    response = download(client, "hours", "html")
    assert response.status_code == 200
    page = response.content.decode()
    assert world.agent.full_name in page and "24.00" in page
    assert '<th scope="col">Paid hours</th>' in page


def test_csv_cells_that_look_like_formulas_stay_text(client, world, roster_week):
    world.agent.full_name = '=HYPERLINK("http://x")'
    world.agent.save()
    client.force_login(world.hr)
    rows = csv_rows(download(client, "hours", "csv"))
    assert [row[1] for row in rows if row[0] == world.agent.employee_number] == [
        '\'=HYPERLINK("http://x")'
    ]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (
            {"start_on": "2025-03-09", "end_on": "2025-03-01"},
            "To",
            "The last day cannot be before the first day.",
        ),
        ({"start_on": "not a date", "end_on": "2025-03-01"}, "From", "Enter a valid date."),
        ({"start_on": "", "end_on": "2025-03-01"}, "From", "This field is required."),
        (
            {"start_on": "2024-01-01", "end_on": "2025-06-30"},
            "To",
            "A report covers at most 366 days",
        ),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_bad_period_gives_a_field_error(client, world, params, field, message, fmt):
    # given
    client.force_login(world.hr)

    # when
    response = client.get(
        reverse("hr-reports:report"), {**params, "report": "hours", "format": fmt}
    )

    # then the page comes back with the field named, never a file
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert message in page
    assert f">{field}</a>:" in page


@pytest.mark.parametrize("role", ["agent", "team_lead"])
def test_reports_are_hr_only(client, world, role):
    client.force_login(world.user_for(role))
    assert client.get(reverse("hr-reports:report")).status_code == 403
    assert download(client, "hours", "csv").status_code == 403


def test_anonymous_goes_to_login(client, world):
    response = download(client, "hours", "xlsx")
    assert response.status_code == 302 and reverse("login") in response["Location"]
