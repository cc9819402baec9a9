from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from scheduler.models.rosters import (
    Assignment,
    PlanningUnit,
    Roster,
    RosterRun,
    ShiftTemplate,
)
from staffing.models import Agent

TEAM_ON_ANOTHER_SITE = _("A planning unit's teams must belong to its site.")
QUEUE_ON_ANOTHER_SITE = _("A planning unit's queues must belong to its site.")


class PlanningUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanningUnit
        fields = [
            "id",
            "code",
            "name",
            "site",
            "teams",
            "queues",
            "time_limit_seconds",
            "min_rest_hours",
            "days_off_together",
            "supervisor_coverage",
            "notice_hours",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """A unit plans its site's teams and queues: moving it (or naming a team or queue of
        another site) would mix time zones, shift templates and policies."""
        unit = self.instance
        site = attrs.get("site", unit.site if unit else None)
        for field, message in (("teams", TEAM_ON_ANOTHER_SITE), ("queues", QUEUE_ON_ANOTHER_SITE)):
            members = attrs.get(field, list(getattr(unit, field).all()) if unit else [])
            if site is not None and any(member.site_id != site.pk for member in members):
                raise serializers.ValidationError({field: [message]})
        return attrs


class ShiftTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShiftTemplate
        fields = [
            "id",
            "site",
            "code",
            "name",
            "start_time",
            "paid_minutes",
            "break_minutes",
            "break_earliest_offset_minutes",
            "break_latest_offset_minutes",
            "weekdays",
            "is_night",
            "color",
            "is_active",
        ]


class RosterRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = RosterRun
        fields = [
            "id",
            "unit",
            "period_start",
            "period_end",
            "trigger",
            "status",
            "progress_percent",
            "objective",
            "bound",
            "time_limit_seconds",
            "created_at",
            "started_at",
            "finished_at",
            "result",
            "base_roster",
            "attempts",
            "log",
            "error",
        ]
        read_only_fields = fields


class RunRequestSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=PlanningUnit.objects.all())
    period_start = serializers.DateField()
    weeks = serializers.IntegerField(min_value=1, max_value=8, default=4)


class RosterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Roster
        fields = [
            "id",
            "unit",
            "period_start",
            "period_end",
            "version",
            "status",
            "based_on",
            "created_at",
            "published_at",
            "figures",
        ]
        read_only_fields = fields


class AssignmentSerializer(serializers.ModelSerializer):
    employee_number = serializers.CharField(source="agent.employee_number", read_only=True)
    template_code = serializers.CharField(source="template.code", read_only=True, default=None)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "agent",
            "employee_number",
            "day",
            "template",
            "template_code",
            "start_at",
            "end_at",
            "break_start_at",
            "break_minutes",
            "activity",
            "allocation",
            "locked",
            "source",
        ]
        read_only_fields = fields


class AssignmentSetSerializer(serializers.Serializer):
    agent = serializers.PrimaryKeyRelatedField(queryset=Agent.objects.all())
    day = serializers.DateField()
    template = serializers.CharField(
        allow_null=True, required=False, default=None, help_text="template code; null: day off"
    )


class DiffRowSerializer(serializers.Serializer):
    agent = serializers.IntegerField()
    employee_number = serializers.CharField()
    day = serializers.DateField()
    before = serializers.CharField(allow_null=True)
    after = serializers.CharField(allow_null=True)


class RepairSerializer(serializers.Serializer):
    agents_leaving = serializers.ListField(
        child=serializers.PrimaryKeyRelatedField(queryset=Agent.objects.all()), required=False
    )
    sick_days = serializers.ListField(
        child=serializers.DictField(), required=False, help_text='[{"agent": id, "day": date}]'
    )
    allow_changes_in_notice = serializers.BooleanField(default=False)


class CoverageRowSerializer(serializers.Serializer):
    skill_group = serializers.CharField()
    start_at = serializers.DateTimeField()
    required = serializers.IntegerField()
    staffed = serializers.IntegerField()


class QueueServiceSerializer(serializers.Serializer):
    queue = serializers.CharField()
    offered = serializers.FloatField()
    predicted_service_level = serializers.FloatField()
    target_service_level = serializers.FloatField()
    intervals_below_target = serializers.IntegerField()


class CoverageSerializer(serializers.Serializer):
    coverage = CoverageRowSerializer(many=True)
    service_levels = QueueServiceSerializer(many=True)
