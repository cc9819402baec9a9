from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from scheduler.models.rosters import Assignment, Notification, PlanningUnit, Roster
from scheduler.models.selfservice import (
    CalendarFeed,
    LeaveImpact,
    LeavePolicy,
    OpenShift,
    RefresherProposal,
    SwapPolicy,
    SwapRequest,
)
from staffing.models import Agent


class SwapRequestSerializer(serializers.ModelSerializer):
    requester_number = serializers.CharField(source="requester.employee_number", read_only=True)
    counterpart_number = serializers.CharField(source="counterpart.employee_number", read_only=True)

    class Meta:
        model = SwapRequest
        fields = [
            "id",
            "kind",
            "status",
            "unit",
            "requester",
            "requester_number",
            "requester_day",
            "requester_start_at",
            "requester_end_at",
            "counterpart",
            "counterpart_number",
            "counterpart_day",
            "counterpart_start_at",
            "counterpart_end_at",
            "message",
            "impact",
            "created_at",
            "expires_at",
            "accepted_at",
            "decided_at",
            "decided_by",
            "decision_comment",
            "result_roster",
        ]
        read_only_fields = fields


class SwapProposeSerializer(serializers.Serializer):
    shift = serializers.PrimaryKeyRelatedField(
        queryset=Assignment.objects.select_related("roster__unit__site", "agent", "template"),
        help_text=_("Your shift (an assignment of the published roster)."),
    )
    counterpart = serializers.PrimaryKeyRelatedField(
        queryset=Agent.objects.all(), help_text=_("The colleague.")
    )
    counterpart_shift = serializers.PrimaryKeyRelatedField(
        queryset=Assignment.objects.select_related("roster__unit__site", "agent", "template"),
        required=False,
        allow_null=True,
        help_text=_("The colleague's shift for a swap; leave out to give yours away."),
    )
    message = serializers.CharField(max_length=500, required=False, allow_blank=True)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True)


class SwapCandidateSerializer(serializers.Serializer):
    kind = serializers.CharField()
    agent = serializers.IntegerField()
    employee_number = serializers.CharField()
    name = serializers.CharField()
    shift = serializers.IntegerField(allow_null=True)
    start_at = serializers.DateTimeField(allow_null=True)
    end_at = serializers.DateTimeField(allow_null=True)
    target_holds = serializers.BooleanField()


class OpenShiftSerializer(serializers.ModelSerializer):
    template_code = serializers.CharField(source="template.code", read_only=True)

    class Meta:
        model = OpenShift
        fields = [
            "id",
            "unit",
            "day",
            "template",
            "template_code",
            "start_at",
            "end_at",
            "skill_group",
            "source",
            "status",
            "from_agent",
            "posted_by",
            "note",
            "created_at",
            "claimed_by",
            "claimed_at",
            "result_roster",
        ]
        read_only_fields = fields


class OpenShiftPostSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=PlanningUnit.objects.all())
    day = serializers.DateField()
    template = serializers.CharField(max_length=32, help_text=_("Shift template code."))
    skill_group = serializers.CharField(max_length=200, required=False, allow_blank=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class GiveAwaySerializer(serializers.Serializer):
    shift = serializers.PrimaryKeyRelatedField(
        queryset=Assignment.objects.select_related("roster__unit__site", "agent", "template")
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class UnderCoveredSerializer(serializers.Serializer):
    roster = serializers.PrimaryKeyRelatedField(queryset=Roster.objects.all())
    min_intervals = serializers.IntegerField(min_value=1, max_value=96, default=8)


class EligibleOpenShiftSerializer(serializers.Serializer):
    open_shift = OpenShiftSerializer()
    impact = serializers.JSONField()


class LeaveImpactSerializer(serializers.ModelSerializer):
    class Meta:
        model = LeaveImpact
        fields = [
            "id",
            "request",
            "assessed_at",
            "rostered_days",
            "intervals",
            "target_holds",
            "worst_service_level",
            "decision",
            "reason",
        ]
        read_only_fields = fields


class LeavePreviewSerializer(serializers.Serializer):
    agent = serializers.PrimaryKeyRelatedField(queryset=Agent.objects.select_related("team"))
    start_on = serializers.DateField()
    end_on = serializers.DateField()

    def validate(self, attrs: dict) -> dict:
        if attrs["end_on"] < attrs["start_on"]:
            raise serializers.ValidationError(
                {"end_on": _("The last day cannot be before the first day.")}
            )
        if (attrs["end_on"] - attrs["start_on"]).days > 62:
            raise serializers.ValidationError({"end_on": _("Preview at most 63 days at once.")})
        return attrs


class LeavePreviewResultSerializer(serializers.Serializer):
    rostered_days = serializers.ListField(child=serializers.DateField())
    intervals = serializers.JSONField()
    target_holds = serializers.BooleanField()
    worst_service_level = serializers.FloatField(allow_null=True)
    intervals_below_target = serializers.IntegerField()
    auto_approve = serializers.BooleanField()


class CalendarFeedSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = CalendarFeed
        fields = ["url", "created_at", "last_fetched_at"]
        read_only_fields = fields

    def get_url(self, feed: CalendarFeed) -> str:
        from django.urls import reverse

        path = reverse("calendar-feed", args=[feed.token])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "payload", "created_at", "read_at"]
        read_only_fields = fields


class RefresherSerializer(serializers.ModelSerializer):
    course_code = serializers.CharField(source="course.code", read_only=True)
    certificate_expires_on = serializers.DateField(
        source="record.certificate_expires_on", read_only=True
    )

    class Meta:
        model = RefresherProposal
        fields = [
            "id",
            "record",
            "agent",
            "course",
            "course_code",
            "certificate_expires_on",
            "status",
            "starts_at",
            "ends_at",
            "placement",
            "session",
            "created_at",
            "decided_by",
        ]
        read_only_fields = fields


class RefresherBookSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text=_("Another start than the proposed one.")
    )


class SwapPolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = SwapPolicy
        fields = [
            "id",
            "site",
            "auto_approve",
            "coverage_tolerance",
            "notice_hours",
            "expiry_hours",
        ]


class LeavePolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = LeavePolicy
        fields = ["id", "team", "auto_approve", "service_level_margin"]
