"""Admin for demand data, with the same rules as the API (scheduler.policy)."""

from typing import Any

from django.contrib import admin

from . import policy
from .models import (
    Forecast,
    ForecastAdjustment,
    IntervalHistory,
    OpenHours,
    Queue,
    QueueClosure,
    Requirement,
    ShrinkageRule,
    SpecialEvent,
)


class DemandAdmin(admin.ModelAdmin):
    """Team leads, HR and admins read; planners (team leads and admins) change."""

    def has_module_permission(self, request: Any) -> bool:
        return policy.can_read_demand(request.user)

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return policy.can_read_demand(request.user)

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return policy.can_plan_demand(request.user)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return policy.can_plan_demand(request.user)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return policy.can_plan_demand(request.user)


class ComputedAdmin(DemandAdmin):
    """Rows written by services (history import, forecasts, requirements): read-only here."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class OpenHoursInline(admin.TabularInline):
    model = OpenHours
    extra = 0


class QueueClosureInline(admin.TabularInline):
    model = QueueClosure
    extra = 0


@admin.register(Queue)
class QueueAdmin(DemandAdmin):
    list_display = [
        "code",
        "name",
        "site",
        "channel",
        "target_service_level_percent",
        "target_answer_seconds",
        "is_active",
    ]
    list_filter = ["site", "channel", "is_active"]
    search_fields = ["code", "name"]
    filter_horizontal = ["skills"]
    inlines = [OpenHoursInline, QueueClosureInline]


@admin.register(ShrinkageRule)
class ShrinkageRuleAdmin(DemandAdmin):
    list_display = ["site", "queue", "weekday", "start_hour", "end_hour", "percent"]
    list_filter = ["site", "queue"]


@admin.register(SpecialEvent)
class SpecialEventAdmin(DemandAdmin):
    list_display = ["name", "kind", "site", "queue", "start_at", "end_at", "uplift"]
    list_filter = ["kind", "site", "queue"]


@admin.register(ForecastAdjustment)
class ForecastAdjustmentAdmin(DemandAdmin):
    list_display = ["queue", "start_at", "end_at", "percent", "absolute_change", "reason"]
    list_filter = ["queue"]


@admin.register(IntervalHistory)
class IntervalHistoryAdmin(ComputedAdmin):
    list_display = ["queue", "start_at", "offered", "handled", "abandoned", "aht_seconds"]
    list_filter = ["queue"]
    date_hierarchy = "start_at"


@admin.register(Forecast)
class ForecastAdmin(ComputedAdmin):
    list_display = [
        "queue",
        "version",
        "created_at",
        "created_by",
        "method",
        "backtest_interval_wape",
        "is_current",
    ]
    list_filter = ["queue", "is_current"]


@admin.register(Requirement)
class RequirementAdmin(ComputedAdmin):
    list_display = ["queue", "start_at", "volume", "agents", "scheduled_heads", "service_level"]
    list_filter = ["queue"]
    date_hierarchy = "start_at"
