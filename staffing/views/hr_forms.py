"""Forms of the HR pages. They check the shape of the input; the rules live in the services."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Agent, LeaveType, Team
from ..models.leave import LeaveStatus, LedgerKind
from ..models.organisation import Level
from ..models.training import TrainingStatus

END_BEFORE_START = _("The last day cannot be before the first day.")
REJECT_NEEDS_COMMENT = _("Say why the request is rejected: the agent reads this comment.")

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodCheckMixin:
    """End-of-period check shared by the filter forms: the error names the last-day field."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        start_on, end_on = cleaned.get("start_on"), cleaned.get("end_on")
        if start_on and end_on and end_on < start_on:
            self.add_error("end_on", END_BEFORE_START)  # type: ignore[attr-defined]
        return cleaned


class LeaveFilterForm(PeriodCheckMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *LeaveStatus.choices],
    )
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.none(), empty_label=_("All teams")
    )
    leave_type = forms.ModelChoiceField(
        label=_("Leave type"),
        required=False,
        queryset=LeaveType.objects.all(),
        empty_label=_("All types"),
    )
    start_on = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    end_on = forms.DateField(label=_("To"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]


class LeaveDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))]
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == "reject" and not cleaned.get("comment", "").strip():
            self.add_error("comment", REJECT_NEEDS_COMMENT)
        return cleaned


class AgentFilterForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.all(), empty_label=_("All teams")
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels")), *Level.choices]
    )
    search = forms.CharField(label=_("Name or employee number"), required=False, max_length=120)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)


class LedgerAdjustForm(forms.Form):
    leave_type = forms.ModelChoiceField(
        label=_("Leave type"), queryset=LeaveType.objects.filter(counts_against_balance=True)
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (LedgerKind.ADJUSTMENT.value, LedgerKind.ADJUSTMENT.label),
            (LedgerKind.ACCRUAL.value, LedgerKind.ACCRUAL.label),
            (LedgerKind.CARRY_OVER.value, LedgerKind.CARRY_OVER.label),
        ],
    )
    days = forms.DecimalField(
        label=_("Days (negative to take away)"), max_digits=6, decimal_places=2
    )
    note = forms.CharField(label=_("Reason"), max_length=255)


class EnrolForm(forms.Form):
    agent = forms.ModelChoiceField(
        label=_("Agent"),
        queryset=Agent.objects.filter(is_active=True).order_by("employee_number"),
    )


class ResultForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Result"),
        choices=[
            (s.value, s.label)
            for s in (
                TrainingStatus.PASSED,
                TrainingStatus.FAILED,
                TrainingStatus.ATTENDED,
                TrainingStatus.NO_SHOW,
            )
        ],
    )
    score = forms.DecimalField(
        label=_("Score"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=1,
    )
    completed_on = forms.DateField(
        label=_("Completed on"),
        required=False,
        widget=DATE_WIDGET,
        initial=lambda: timezone.localdate(),
    )
