"""Admin: the same policy as the API and the pages (staffing.policy)."""

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import policy
from .models import (
    Agent,
    AgentSkill,
    Contract,
    Course,
    CourseSkillGrant,
    LeaveLedgerEntry,
    LeaveRequest,
    LeaveType,
    Site,
    Skill,
    Team,
    TrainingRecord,
    TrainingSession,
)


class PolicyAdmin(admin.ModelAdmin):
    """Configuration and HR data: HR and admins edit; team leads only read their scope."""

    agent_field: str | None = None

    def get_queryset(self, request: Any) -> Any:
        queryset = super().get_queryset(request)
        if self.agent_field is None:
            return queryset
        if self.agent_field == "self":
            return queryset.filter(pk__in=policy.agents_visible_to(request.user).values("pk"))
        return policy.scoped_by_agent(request.user, queryset, self.agent_field)

    def has_module_permission(self, request: Any) -> bool:
        return bool(policy.roles_of(request.user) & {policy.Role.HR, policy.Role.ADMIN})

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: Any) -> bool:
        return policy.can_edit_hr_data(request.user)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return policy.can_edit_hr_data(request.user)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return policy.is_admin(request.user)


class HistoryPolicyAdmin(PolicyAdmin, SimpleHistoryAdmin):
    """With the audit trail (staffing/audit.py) shown read-only: SIMPLE_HISTORY_REVERT_DISABLED."""


@admin.register(Site)
class SiteAdmin(PolicyAdmin):
    list_display = ["code", "name", "time_zone", "planning_interval_minutes"]


@admin.register(Team)
class TeamAdmin(PolicyAdmin):
    list_display = ["code", "name", "site"]
    list_filter = ["site"]
    filter_horizontal = ["team_leads"]


@admin.register(Contract)
class ContractAdmin(PolicyAdmin):
    list_display = [
        "code",
        "name",
        "hours_per_day",
        "hours_per_week",
        "working_days_per_week",
        "max_consecutive_working_days",
        "night_work_allowed",
    ]


class AgentSkillInline(admin.TabularInline):
    model = AgentSkill
    extra = 0
    fk_name = "agent"
    raw_id_fields = ["training_record"]


@admin.register(Agent)
class AgentAdmin(HistoryPolicyAdmin):
    agent_field = "self"
    list_display = ["employee_number", "full_name", "level", "team", "contract", "is_active"]
    list_filter = ["level", "team", "contract", "is_active"]
    search_fields = ["employee_number", "full_name", "user__username"]
    raw_id_fields = ["user"]
    inlines = [AgentSkillInline]


@admin.register(Skill)
class SkillAdmin(PolicyAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]


@admin.register(AgentSkill)
class AgentSkillAdmin(HistoryPolicyAdmin):
    agent_field = "agent"
    list_display = ["agent", "skill", "proficiency", "valid_from", "valid_until", "source"]
    list_filter = ["skill", "source"]
    raw_id_fields = ["agent", "training_record"]


class CourseSkillGrantInline(admin.TabularInline):
    model = CourseSkillGrant
    extra = 0


@admin.register(Course)
class CourseAdmin(HistoryPolicyAdmin):
    list_display = ["code", "title", "hours", "certificate_validity_months", "is_active"]
    inlines = [CourseSkillGrantInline]
    filter_horizontal = ["mandatory_for_skills"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(HistoryPolicyAdmin):
    list_display = ["course", "starts_at", "ends_at", "trainer", "capacity", "is_online"]
    list_filter = ["course", "is_online"]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(HistoryPolicyAdmin):
    agent_field = "agent"
    list_display = ["agent", "session", "status", "score", "completed_on", "certificate_expires_on"]
    list_filter = ["status", "session__course"]
    raw_id_fields = ["agent", "session"]


@admin.register(LeaveType)
class LeaveTypeAdmin(HistoryPolicyAdmin):
    list_display = [
        "code",
        "name",
        "paid",
        "counts_against_balance",
        "needs_document",
        "max_consecutive_days",
        "notice_days",
        "day_count",
        "entitlement",
    ]


@admin.register(LeaveLedgerEntry)
class LeaveLedgerEntryAdmin(HistoryPolicyAdmin):
    """The ledger is append-only: entries are written by services, never edited here."""

    agent_field = "agent"
    list_display = ["agent", "leave_type", "year", "kind", "days", "created_at"]
    list_filter = ["leave_type", "year", "kind"]
    raw_id_fields = ["agent", "request"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(LeaveRequest)
class LeaveRequestAdmin(HistoryPolicyAdmin):
    """Decisions go through the services (API or pages) so the ledger stays right."""

    agent_field = "agent"
    list_display = ["agent", "leave_type", "start_on", "end_on", "days", "status"]
    list_filter = ["status", "leave_type"]
    raw_id_fields = ["agent"]
    readonly_fields = ["status", "days", "decided_by", "decided_at", "created_by"]
    #: Private to HR and the requester (staffing.policy.can_view_leave_note).
    private_fields = ["reason_category", "note", "document"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def get_exclude(self, request: Any, obj: Any = None) -> list[str]:
        excluded = list(super().get_exclude(request, obj) or [])
        if obj is None or not policy.can_view_leave_note(request.user, obj):
            excluded += self.private_fields
        return excluded
