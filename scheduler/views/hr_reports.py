"""HR reports for a period, shown on the page or downloaded as CSV or XLSX.

These live on the scheduler side because hours, nights and weekends are read from the live
roster (scheduler may read staffing; staffing never reads scheduler). Leave taken and training
compliance come from staffing selectors. HR and admins only: the figures cover every team.
"""

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from scheduler.selectors.hr_reports import work_done_per_agent
from staffing import policy
from staffing.exports import Table, csv_response, xlsx_response
from staffing.models import Team
from staffing.selectors.leave import leave_taken_by_type
from staffing.selectors.training import team_compliance

#: The longest period a report covers; a year and a day, so a leap year fits.
MAX_PERIOD_DAYS = 366

END_BEFORE_START = _("The last day cannot be before the first day.")
PERIOD_TOO_LONG = _("A report covers at most %(days)s days; choose a shorter period.")

REPORT_CHOICES = [
    ("hours", _("Hours worked per agent")),
    ("nights_weekends", _("Nights and weekends worked")),
    ("leave", _("Leave taken by type")),
    ("compliance", _("Training compliance")),
]
FORMAT_CHOICES = [("html", _("Show on the page")), ("csv", _("CSV")), ("xlsx", _("Excel (XLSX)"))]

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportForm(forms.Form):
    report = forms.ChoiceField(label=_("Report"), choices=REPORT_CHOICES)
    start_on = forms.DateField(label=_("From"), widget=DATE_WIDGET)
    end_on = forms.DateField(label=_("To"), widget=DATE_WIDGET)
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.all(), empty_label=_("All teams")
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial="html")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start_on, end_on = cleaned.get("start_on"), cleaned.get("end_on")
        if start_on and end_on:
            if end_on < start_on:
                self.add_error("end_on", END_BEFORE_START)
            elif (end_on - start_on).days + 1 > MAX_PERIOD_DAYS:
                self.add_error("end_on", PERIOD_TOO_LONG % {"days": MAX_PERIOD_DAYS})
        return cleaned


def _agents(user: Any, team: Team | None) -> Any:
    agents = policy.agents_visible_to(user)
    return agents.filter(team=team) if team else agents


def hours_table(
    user: Any, team: Team | None, start_on: datetime.date, end_on: datetime.date
) -> Table:
    work = work_done_per_agent(agents=_agents(user, team), start_on=start_on, end_on=end_on)
    return Table(
        title=gettext("Hours worked"),
        headers=[
            gettext("Employee number"),
            gettext("Name"),
            gettext("Team"),
            gettext("Shifts"),
            gettext("Paid hours"),
        ],
        rows=[
            [w.agent.employee_number, w.agent.full_name, w.agent.team.name, w.shifts, w.paid_hours]
            for w in work
        ],
    )


def nights_weekends_table(
    user: Any, team: Team | None, start_on: datetime.date, end_on: datetime.date
) -> Table:
    work = work_done_per_agent(agents=_agents(user, team), start_on=start_on, end_on=end_on)
    return Table(
        title=gettext("Nights and weekends"),
        headers=[
            gettext("Employee number"),
            gettext("Name"),
            gettext("Team"),
            gettext("Nights"),
            gettext("Weekend days"),
            gettext("Weekends"),
        ],
        rows=[
            [
                w.agent.employee_number,
                w.agent.full_name,
                w.agent.team.name,
                w.nights,
                w.weekend_days,
                w.weekends,
            ]
            for w in work
        ],
    )


def leave_table(
    user: Any, team: Team | None, start_on: datetime.date, end_on: datetime.date
) -> Table:
    rows = leave_taken_by_type(agents=_agents(user, team), start_on=start_on, end_on=end_on)
    return Table(
        title=gettext("Leave taken"),
        headers=[
            gettext("Employee number"),
            gettext("Name"),
            gettext("Team"),
            gettext("Leave type"),
            gettext("Requests"),
            gettext("Days"),
        ],
        rows=[
            [
                row["employee_number"],
                row["full_name"],
                row["team"],
                row["leave_type_name"],
                row["requests"],
                row["days"],
            ]
            for row in rows
        ],
    )


def compliance_table(
    user: Any, team: Team | None, start_on: datetime.date, end_on: datetime.date
) -> Table:
    """Compliance as of the period's last day (today when the period ends in the future)."""
    on = min(end_on, timezone.localdate())
    teams = [team] if team else list(Team.objects.order_by("code"))
    rows: list[list[Any]] = []
    for each in teams:
        if not policy.can_view_team_compliance(user, each):
            continue
        summary = team_compliance(team=each, today=on)
        for agent in summary["agents"]:
            for course in agent["courses"]:
                rows.append(
                    [
                        each.name,
                        agent["employee_number"],
                        agent["full_name"],
                        course["course_title"],
                        course["compliant"],
                        course["certificate_expires_on"],
                    ]
                )
    return Table(
        title=gettext("Training compliance"),
        headers=[
            gettext("Team"),
            gettext("Employee number"),
            gettext("Name"),
            gettext("Course"),
            gettext("Compliant"),
            gettext("Certificate expires on"),
        ],
        rows=rows,
    )


REPORTS: dict[str, Callable[[Any, Team | None, datetime.date, datetime.date], Table]] = {
    "hours": hours_table,
    "nights_weekends": nights_weekends_table,
    "leave": leave_table,
    "compliance": compliance_table,
}


@login_required
def report(request: HttpRequest) -> HttpResponse:
    """Choose a report and a period; see it here or download it."""
    if not policy.is_hr_or_admin(request.user):
        raise PermissionDenied
    if "report" not in request.GET:
        today = timezone.localdate()
        first = today.replace(day=1)
        form = ReportForm(initial={"start_on": first, "end_on": today, "format": "html"})
        return render(request, "staffing/hr/reports.html", {"form": form})
    form = ReportForm(request.GET)
    if not form.is_valid():
        return render(request, "staffing/hr/reports.html", {"form": form}, status=400)
    data = form.cleaned_data
    table = REPORTS[data["report"]](request.user, data["team"], data["start_on"], data["end_on"])
    filename = f"{data['report']}_{data['start_on']:%Y%m%d}_{data['end_on']:%Y%m%d}"
    if data["format"] == "csv":
        return csv_response(table, filename)
    if data["format"] == "xlsx":
        return xlsx_response(table, filename)
    return render(request, "staffing/hr/reports.html", {"form": form, "table": table})
