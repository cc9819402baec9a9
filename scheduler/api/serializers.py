from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from staffing.models import Site, Skill

from ..models import (
    EventKind,
    Forecast,
    ForecastAdjustment,
    ForecastInterval,
    IntervalHistory,
    OpenHours,
    Queue,
    QueueClosure,
    Requirement,
    ShrinkageRule,
    SpecialEvent,
)

MAX_PERIOD_DAYS = 62
PERIOD_ORDER = _("'to' must be after 'from'.")
PERIOD_TOO_LONG = _("Ask for at most %(days)s days at a time.")


class OpenHoursSerializer(serializers.ModelSerializer):
    """A queue's open hours on one weekday (read and written at /open-hours/)."""

    class Meta:
        model = OpenHours
        fields = ["id", "queue", "weekday", "opens_at", "closes_at"]


class QueueClosureSerializer(serializers.ModelSerializer):
    """A whole day a queue is closed (read and written at /closures/)."""

    class Meta:
        model = QueueClosure
        fields = ["id", "queue", "closed_on", "reason"]
        # the service names the field when the queue is already closed that day
        validators: list[Any] = []


class ShrinkageRuleSerializer(serializers.ModelSerializer):
    """Share of paid time not available for work, for a site or a queue."""

    class Meta:
        model = ShrinkageRule
        fields = ["id", "site", "queue", "weekday", "start_hour", "end_hour", "percent"]


class QueueSerializer(serializers.ModelSerializer):
    skills = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Skill.objects.all(), required=False
    )
    # written through their own endpoints (/open-hours/, /closures/)
    open_hours = OpenHoursSerializer(many=True, read_only=True)
    closures = QueueClosureSerializer(many=True, read_only=True)

    class Meta:
        model = Queue
        fields = [
            "id",
            "site",
            "code",
            "name",
            "channel",
            "skills",
            "target_service_level_percent",
            "target_answer_seconds",
            "max_asa_seconds",
            "email_response_hours",
            "email_target_percent",
            "default_aht_seconds",
            "chat_concurrency",
            "patience_seconds",
            "occupancy_cap_percent",
            "is_active",
            "open_hours",
            "closures",
        ]
        # uniqueness and the rest are checked by the service's full_clean
        extra_kwargs: dict[str, dict[str, Any]] = {"code": {"validators": []}}


class IntervalHistorySerializer(serializers.ModelSerializer):
    class Meta:
        model = IntervalHistory
        fields = ["id", "queue", "start_at", "offered", "handled", "abandoned", "aht_seconds"]


class PeriodQuerySerializer(serializers.Serializer):
    """Query filters: queue, site, from, to (ISO 8601; a naive time is in the server's zone)."""

    queue = serializers.PrimaryKeyRelatedField(queryset=Queue.objects.all(), required=False)
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all(), required=False)

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        # `from` is a Python keyword, so these two are declared here
        fields["from"] = serializers.DateTimeField(required=False)
        fields["to"] = serializers.DateTimeField(required=False)
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("from") and attrs.get("to") and attrs["to"] <= attrs["from"]:
            raise serializers.ValidationError({"to": [PERIOD_ORDER]})
        return attrs


class SkillGroupQuerySerializer(serializers.Serializer):
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all())

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["from"] = serializers.DateTimeField()
        fields["to"] = serializers.DateTimeField()
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["to"] <= attrs["from"]:
            raise serializers.ValidationError({"to": [PERIOD_ORDER]})
        if (attrs["to"] - attrs["from"]).days > MAX_PERIOD_DAYS:
            raise serializers.ValidationError({"to": [PERIOD_TOO_LONG % {"days": MAX_PERIOD_DAYS}]})
        return attrs


class HistoryUploadSerializer(serializers.Serializer):
    queue = serializers.PrimaryKeyRelatedField(queryset=Queue.objects.select_related("site"))
    file = serializers.FileField()


class HistoryUploadResultSerializer(serializers.Serializer):
    rows_read = serializers.IntegerField()
    source_interval_minutes = serializers.IntegerField()
    intervals_written = serializers.IntegerField()
    intervals_replaced = serializers.IntegerField()
    first_start_at = serializers.DateTimeField()
    last_start_at = serializers.DateTimeField()


class SpecialEventSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=EventKind.choices)

    class Meta:
        model = SpecialEvent
        fields = [
            "id",
            "name",
            "kind",
            "site",
            "queue",
            "start_at",
            "end_at",
            "uplift",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["created_by", "created_at"]


class ForecastIntervalSerializer(serializers.ModelSerializer):
    class Meta:
        model = ForecastInterval
        fields = ["start_at", "volume", "aht_seconds", "day_kind"]


class ForecastSerializer(serializers.ModelSerializer):
    class Meta:
        model = Forecast
        fields = [
            "id",
            "queue",
            "version",
            "created_at",
            "created_by",
            "method",
            "notes",
            "start_on",
            "horizon_days",
            "interval_minutes",
            "history_days",
            "backtest_interval_wape",
            "backtest_daily_wape",
            "is_current",
        ]


class ForecastDetailSerializer(ForecastSerializer):
    intervals = ForecastIntervalSerializer(many=True, read_only=True)

    class Meta(ForecastSerializer.Meta):
        fields = [*ForecastSerializer.Meta.fields, "intervals"]


class ForecastGenerateSerializer(serializers.Serializer):
    queue = serializers.PrimaryKeyRelatedField(queryset=Queue.objects.select_related("site"))
    horizon_days = serializers.IntegerField(min_value=1, max_value=366, default=42)
    start_on = serializers.DateField(required=False, allow_null=True)


class ForecastAdjustmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ForecastAdjustment
        fields = [
            "id",
            "queue",
            "start_at",
            "end_at",
            "percent",
            "absolute_change",
            "reason",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["created_by", "created_at"]


class RequirementSerializer(serializers.ModelSerializer):
    queue_code = serializers.CharField(source="queue.code", read_only=True)

    class Meta:
        model = Requirement
        fields = [
            "id",
            "queue",
            "queue_code",
            "forecast",
            "start_at",
            "is_open",
            "base_volume",
            "volume",
            "aht_seconds",
            "workload_erlangs",
            "shrinkage",
            "agents",
            "scheduled_heads",
            "service_level",
            "asa_seconds",
            "occupancy",
        ]


class SkillGroupIntervalSerializer(serializers.Serializer):
    start_at = serializers.DateTimeField()
    agents = serializers.IntegerField()
    scheduled_heads = serializers.IntegerField()


class SkillGroupSerializer(serializers.Serializer):
    skills = serializers.ListField(child=serializers.CharField())
    intervals = SkillGroupIntervalSerializer(many=True)


class SkillGroupRequirementsSerializer(serializers.Serializer):
    site = serializers.IntegerField()
    interval_minutes = serializers.IntegerField()
    groups = SkillGroupSerializer(many=True)
