from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .. import policy
from ..models import (
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
from ..models.leave import LedgerKind, ReasonCategory
from ..models.organisation import Level
from ..models.training import TrainingStatus


class CleanModelSerializer(serializers.ModelSerializer):
    """Runs the model's full_clean on save, so the API applies the same rules as the admin."""

    def _split_m2m(self, validated_data: dict) -> dict:
        model: Any = self.Meta.model  # type: ignore[attr-defined]
        return {
            name: validated_data.pop(name)
            for name in list(validated_data)
            if model._meta.get_field(name).many_to_many
        }

    def create(self, validated_data: dict) -> Any:
        m2m = self._split_m2m(validated_data)
        model: Any = self.Meta.model  # type: ignore[attr-defined]
        instance = model(**validated_data)
        instance.full_clean()
        instance.save()
        for name, value in m2m.items():
            getattr(instance, name).set(value)
        return instance

    def update(self, instance: Any, validated_data: dict) -> Any:
        m2m = self._split_m2m(validated_data)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        instance.full_clean()
        instance.save()
        for name, value in m2m.items():
            getattr(instance, name).set(value)
        return instance


class SiteSerializer(CleanModelSerializer):
    class Meta:
        model = Site
        fields = ["id", "code", "name", "time_zone", "planning_interval_minutes"]


class TeamSerializer(CleanModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "code", "name", "site", "team_leads"]


class ContractSerializer(CleanModelSerializer):
    class Meta:
        model = Contract
        fields = [
            "id",
            "code",
            "name",
            "hours_per_day",
            "hours_per_week",
            "working_days_per_week",
            "max_consecutive_working_days",
            "night_work_allowed",
        ]


class SkillSerializer(CleanModelSerializer):
    class Meta:
        model = Skill
        fields = ["id", "code", "name", "kind"]


class AgentSkillSerializer(serializers.ModelSerializer):
    skill_code = serializers.CharField(source="skill.code", read_only=True)

    class Meta:
        model = AgentSkill
        fields = [
            "id",
            "agent",
            "skill",
            "skill_code",
            "proficiency",
            "valid_from",
            "valid_until",
            "source",
            "training_record",
        ]
        read_only_fields = ["source", "training_record"]
        # agent_skill_set decides create-or-update; the unique pair is not a validation error.
        validators: list = []


class AgentSkillUpdateSerializer(serializers.Serializer):
    proficiency = serializers.IntegerField(min_value=1, max_value=5)
    valid_from = serializers.DateField(required=False)
    valid_until = serializers.DateField(required=False, allow_null=True)


class AgentSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    skills = AgentSkillSerializer(many=True, read_only=True)

    class Meta:
        model = Agent
        fields = [
            "id",
            "username",
            "employee_number",
            "full_name",
            "hire_date",
            "level",
            "team",
            "contract",
            "is_active",
            "left_on",
            "skills",
        ]
        read_only_fields = ["employee_number"]


class AgentCreateSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    email = serializers.EmailField(required=False, allow_blank=True)
    password = serializers.CharField(required=False, write_only=True, min_length=10)
    employee_number = serializers.CharField(max_length=32)
    full_name = serializers.CharField(max_length=120)
    hire_date = serializers.DateField()
    level = serializers.ChoiceField(choices=Level.choices)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())
    contract = serializers.PrimaryKeyRelatedField(queryset=Contract.objects.all())


class AgentUpdateSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=120, required=False)
    hire_date = serializers.DateField(required=False)
    level = serializers.ChoiceField(choices=Level.choices, required=False)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False)
    contract = serializers.PrimaryKeyRelatedField(queryset=Contract.objects.all(), required=False)
    is_active = serializers.BooleanField(required=False)
    left_on = serializers.DateField(required=False, allow_null=True)


class CourseSkillGrantSerializer(serializers.ModelSerializer):
    class Meta:
        model = CourseSkillGrant
        fields = ["skill", "proficiency"]


class CourseSerializer(serializers.ModelSerializer):
    skill_grants = CourseSkillGrantSerializer(many=True, required=False)

    class Meta:
        model = Course
        fields = [
            "id",
            "code",
            "title",
            "hours",
            "certificate_validity_months",
            "mandatory_for_levels",
            "mandatory_for_skills",
            "skill_grants",
            "is_active",
        ]

    def create(self, validated_data: dict) -> Course:
        grants = validated_data.pop("skill_grants", [])
        skills = validated_data.pop("mandatory_for_skills", [])
        course = Course(**validated_data)
        course.full_clean()
        course.save()
        course.mandatory_for_skills.set(skills)
        for grant in grants:
            CourseSkillGrant.objects.create(course=course, **grant)
        return course

    def update(self, instance: Course, validated_data: dict) -> Course:
        grants = validated_data.pop("skill_grants", None)
        skills = validated_data.pop("mandatory_for_skills", None)
        for field, value in validated_data.items():
            setattr(instance, field, value)
        instance.full_clean()
        instance.save()
        if skills is not None:
            instance.mandatory_for_skills.set(skills)
        if grants is not None:
            instance.skill_grants.all().delete()
            for grant in grants:
                CourseSkillGrant.objects.create(course=instance, **grant)
        return instance


class TrainingSessionSerializer(CleanModelSerializer):
    enrolled = serializers.SerializerMethodField()

    class Meta:
        model = TrainingSession
        fields = [
            "id",
            "course",
            "starts_at",
            "ends_at",
            "trainer",
            "capacity",
            "location",
            "is_online",
            "enrolled",
        ]

    def get_enrolled(self, obj: TrainingSession) -> int:
        return obj.records.exclude(status=TrainingStatus.NO_SHOW).count()


class TrainingRecordSerializer(serializers.ModelSerializer):
    course = serializers.CharField(source="session.course.code", read_only=True)

    class Meta:
        model = TrainingRecord
        fields = [
            "id",
            "agent",
            "session",
            "course",
            "status",
            "score",
            "completed_on",
            "certificate_expires_on",
        ]
        read_only_fields = ["status", "score", "completed_on", "certificate_expires_on"]
        validators: list = []


class TrainingResultSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[
            TrainingStatus.ATTENDED,
            TrainingStatus.PASSED,
            TrainingStatus.FAILED,
            TrainingStatus.NO_SHOW,
        ]
    )
    score = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, max_value=100, required=False, allow_null=True
    )
    completed_on = serializers.DateField(required=False)


class LeaveTypeSerializer(CleanModelSerializer):
    class Meta:
        model = LeaveType
        fields = [
            "id",
            "code",
            "name",
            "paid",
            "counts_against_balance",
            "needs_document",
            "max_consecutive_days",
            "notice_days",
            "day_count",
            "entitlement",
            "default_days_per_year",
            "is_active",
        ]


class LeaveRequestSerializer(serializers.ModelSerializer):
    agent = serializers.PrimaryKeyRelatedField(queryset=Agent.objects.all(), required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    class Meta:
        model = LeaveRequest
        fields = [
            "id",
            "agent",
            "leave_type",
            "start_on",
            "end_on",
            "part_day_hours",
            "days",
            "reason_category",
            "note",
            "document",
            "status",
            "created_at",
            "decided_by",
            "decided_at",
            "decision_comment",
        ]
        # Status, days and the decision are set by the services only (no mass assignment).
        read_only_fields = [
            "days",
            "status",
            "created_at",
            "decided_by",
            "decided_at",
            "decision_comment",
        ]

    def to_representation(self, instance: LeaveRequest) -> dict:
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not policy.can_view_leave_note(request.user, instance):
            data.pop("note", None)
            data.pop("reason_category", None)
            data.pop("document", None)
        return data


class LeaveRequestUpdateSerializer(serializers.Serializer):
    leave_type = serializers.PrimaryKeyRelatedField(
        queryset=LeaveType.objects.all(), required=False
    )
    start_on = serializers.DateField(required=False)
    end_on = serializers.DateField(required=False)
    part_day_hours = serializers.DecimalField(
        max_digits=4, decimal_places=2, required=False, allow_null=True
    )
    reason_category = serializers.ChoiceField(choices=ReasonCategory.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class LeaveLedgerEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = LeaveLedgerEntry
        fields = [
            "id",
            "agent",
            "leave_type",
            "year",
            "kind",
            "days",
            "request",
            "note",
            "created_at",
            "created_by",
        ]
        read_only_fields = ["request", "created_at", "created_by"]

    def validate_kind(self, value: str) -> str:
        if value not in (LedgerKind.ACCRUAL, LedgerKind.CARRY_OVER, LedgerKind.ADJUSTMENT):
            raise serializers.ValidationError(_("Use accrual, carry-over or adjustment."))
        return value


class LeaveBalanceSerializer(serializers.Serializer):
    leave_type = serializers.CharField()
    leave_type_name = serializers.CharField()
    year = serializers.IntegerField()
    balance = serializers.DecimalField(max_digits=7, decimal_places=2)
    pending = serializers.DecimalField(max_digits=7, decimal_places=2)
    available = serializers.DecimalField(max_digits=7, decimal_places=2)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    agent = serializers.IntegerField(allow_null=True)
    led_teams = serializers.ListField(child=serializers.IntegerField())


class CourseComplianceSerializer(serializers.Serializer):
    course = serializers.CharField()
    course_title = serializers.CharField()
    compliant = serializers.BooleanField()
    certificate_expires_on = serializers.DateField(allow_null=True)


class AgentComplianceSerializer(serializers.Serializer):
    agent = serializers.IntegerField()
    employee_number = serializers.CharField()
    full_name = serializers.CharField()
    compliant = serializers.BooleanField()
    courses = CourseComplianceSerializer(many=True)


class TeamComplianceSerializer(serializers.Serializer):
    team = serializers.IntegerField()
    on = serializers.DateField()
    agents_total = serializers.IntegerField()
    agents_compliant = serializers.IntegerField()
    compliance_rate = serializers.FloatField()
    agents = AgentComplianceSerializer(many=True)
