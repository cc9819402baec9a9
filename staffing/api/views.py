"""REST endpoints: validate with a serializer, call one service or selector, serialize back."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import policy
from ..models import (
    Agent,
    AgentSkill,
    Contract,
    Course,
    LeaveLedgerEntry,
    LeaveRequest,
    LeaveType,
    Site,
    Skill,
    Team,
    TrainingRecord,
    TrainingSession,
)
from ..selectors.leave import leave_balances_for_agent
from ..selectors.training import team_compliance
from ..services import agents as agent_services
from ..services import leave as leave_services
from ..services import training as training_services
from . import serializers as s
from .locking import OptimisticLockingMixin


class ConfigurationWrite(permissions.BasePermission):
    """Anyone signed in reads reference data; HR and admins change it."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return policy.can_edit_configuration(request.user)


class CatalogueViewSet(OptimisticLockingMixin, viewsets.ModelViewSet):
    permission_classes = [permissions.IsAuthenticated, ConfigurationWrite]


class SiteViewSet(CatalogueViewSet):
    queryset = Site.objects.all()
    serializer_class = s.SiteSerializer
    filterset_fields = ["code"]


class TeamViewSet(CatalogueViewSet):
    queryset = Team.objects.select_related("site").prefetch_related("team_leads")
    serializer_class = s.TeamSerializer
    filterset_fields = ["site", "code"]

    @extend_schema(responses=s.TeamComplianceSerializer)
    @action(detail=True, methods=["get"])
    def compliance(self, request: Request, pk: str | None = None) -> Response:
        """Mandatory-training compliance of the team's agents: HR, admins and its team leads."""
        team = self.get_object()
        if not policy.can_view_team_compliance(request.user, team):
            raise PermissionDenied(_("Only HR and this team's leads can read its compliance."))
        return Response(
            s.TeamComplianceSerializer(team_compliance(team=team, today=timezone.localdate())).data
        )


class ContractViewSet(CatalogueViewSet):
    queryset = Contract.objects.all()
    serializer_class = s.ContractSerializer


class SkillViewSet(CatalogueViewSet):
    queryset = Skill.objects.all()
    serializer_class = s.SkillSerializer
    filterset_fields = ["kind", "code"]


class LeaveTypeViewSet(CatalogueViewSet):
    queryset = LeaveType.objects.all()
    serializer_class = s.LeaveTypeSerializer
    filterset_fields = ["code", "counts_against_balance", "is_active"]


class CourseViewSet(CatalogueViewSet):
    queryset = Course.objects.prefetch_related("skill_grants", "mandatory_for_skills")
    serializer_class = s.CourseSerializer
    filterset_fields = ["code", "is_active"]


class TrainingSessionFilter(filters.FilterSet):
    starts_after = filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = TrainingSession
        fields = ["course", "is_online"]


class TrainingSessionViewSet(CatalogueViewSet):
    queryset = TrainingSession.objects.select_related("course")
    serializer_class = s.TrainingSessionSerializer
    filterset_class = TrainingSessionFilter


# --- agents and skills ---------------------------------------------------------------------


class AgentFilter(filters.FilterSet):
    search = filters.CharFilter(method="filter_search")
    skill = filters.CharFilter(field_name="skills__skill__code")

    class Meta:
        model = Agent
        fields = ["team", "level", "contract", "is_active"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(full_name__icontains=value) | queryset.filter(
            employee_number__icontains=value
        )


class AgentViewSet(
    OptimisticLockingMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.AgentSerializer
    filterset_class = AgentFilter
    ordering_fields = ["employee_number", "full_name", "hire_date", "level"]

    def get_queryset(self) -> QuerySet[Agent]:
        return (
            policy.agents_visible_to(self.request.user)
            .prefetch_related("skills__skill")
            .distinct()
            .order_by("employee_number")
        )

    @extend_schema(request=s.AgentCreateSerializer, responses={201: s.AgentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = s.AgentCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        agent = agent_services.agent_create(actor=request.user, **payload.validated_data)
        return Response(s.AgentSerializer(agent).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.AgentUpdateSerializer, responses=s.AgentSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        agent = self.get_object()
        payload = s.AgentUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        agent = agent_services.agent_update(
            actor=request.user, agent=agent, **payload.validated_data
        )
        return Response(s.AgentSerializer(agent).data)

    @extend_schema(request=s.AgentUpdateSerializer, responses=s.AgentSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, **kwargs)


class AgentSkillViewSet(OptimisticLockingMixin, viewsets.ModelViewSet):
    serializer_class = s.AgentSkillSerializer
    filterset_fields = ["agent", "skill", "source"]

    def get_queryset(self) -> QuerySet[AgentSkill]:
        return policy.scoped_by_agent(
            self.request.user, AgentSkill.objects.select_related("skill", "agent")
        ).order_by("agent_id", "skill__code")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = s.AgentSkillSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        agent = data["agent"]
        if not policy.can_view_agent(request.user, agent):
            raise ValidationError({"agent": [_("Unknown agent.")]})
        row = agent_services.agent_skill_set(
            actor=request.user,
            agent=agent,
            skill=data["skill"],
            proficiency=data["proficiency"],
            valid_from=data.get("valid_from"),
            valid_until=data.get("valid_until"),
        )
        return Response(s.AgentSkillSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.AgentSkillUpdateSerializer, responses=s.AgentSkillSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        row = self.get_object()
        payload = s.AgentSkillUpdateSerializer(
            data=request.data, partial=bool(kwargs.get("partial"))
        )
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        row = agent_services.agent_skill_set(
            actor=request.user,
            agent=row.agent,
            skill=row.skill,
            proficiency=data.get("proficiency", row.proficiency),
            valid_from=data.get("valid_from", row.valid_from),
            valid_until=data.get("valid_until", row.valid_until),
        )
        return Response(s.AgentSkillSerializer(row).data)

    @extend_schema(request=s.AgentSkillUpdateSerializer, responses=s.AgentSkillSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        agent_services.agent_skill_remove(actor=request.user, agent_skill=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- training --------------------------------------------------------------------------------


class TrainingRecordViewSet(
    OptimisticLockingMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.TrainingRecordSerializer
    filterset_fields = ["agent", "session", "status", "session__course"]

    def get_queryset(self) -> QuerySet[TrainingRecord]:
        return policy.scoped_by_agent(
            self.request.user,
            TrainingRecord.objects.select_related("session__course", "agent"),
        ).order_by("-session__starts_at", "id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Enrol an agent in a session (HR)."""
        payload = s.TrainingRecordSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        record = training_services.training_record_enroll(
            actor=request.user,
            agent=payload.validated_data["agent"],
            session=payload.validated_data["session"],
        )
        return Response(s.TrainingRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.TrainingResultSerializer, responses=s.TrainingRecordSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        """Record the result; a pass grants the course's skills and sets the certificate expiry."""
        record = self.get_object()
        payload = s.TrainingResultSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        record = training_services.training_record_complete(
            actor=request.user, record=record, **payload.validated_data
        )
        return Response(s.TrainingRecordSerializer(record).data)


# --- leave -------------------------------------------------------------------------------------


class LeaveRequestFilter(filters.FilterSet):
    starts_from = filters.DateFilter(field_name="start_on", lookup_expr="gte")
    starts_until = filters.DateFilter(field_name="start_on", lookup_expr="lte")
    team = filters.NumberFilter(field_name="agent__team")

    class Meta:
        model = LeaveRequest
        fields = ["agent", "leave_type", "status"]


class LeaveRequestViewSet(
    OptimisticLockingMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.LeaveRequestSerializer
    filterset_class = LeaveRequestFilter
    ordering_fields = ["start_on", "created_at"]

    def get_queryset(self) -> QuerySet[LeaveRequest]:
        return policy.leave_requests_visible_to(self.request.user).order_by("-start_on", "-id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = s.LeaveRequestSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        agent = data.pop("agent", None) or policy.own_agent(request.user)
        if agent is None:
            raise ValidationError({"agent": [_("Say which agent the leave is for.")]})
        if not policy.can_view_agent(request.user, agent):
            raise ValidationError({"agent": [_("Unknown agent.")]})
        leave = leave_services.leave_request_create(actor=request.user, agent=agent, **data)
        return Response(
            s.LeaveRequestSerializer(leave, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=s.LeaveRequestUpdateSerializer, responses=s.LeaveRequestSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        leave = self.get_object()
        payload = s.LeaveRequestUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        leave = leave_services.leave_request_update(
            actor=request.user, request=leave, **payload.validated_data
        )
        return Response(s.LeaveRequestSerializer(leave, context={"request": request}).data)

    @extend_schema(request=s.LeaveRequestUpdateSerializer, responses=s.LeaveRequestSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, **kwargs)

    def _decide(self, request: Request, service: Any) -> Response:
        leave = self.get_object()
        payload = s.DecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        leave = service(
            actor=request.user, request=leave, comment=payload.validated_data["comment"]
        )
        return Response(s.LeaveRequestSerializer(leave, context={"request": request}).data)

    @extend_schema(request=s.DecisionSerializer, responses=s.LeaveRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, leave_services.leave_request_approve)

    @extend_schema(request=s.DecisionSerializer, responses=s.LeaveRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, leave_services.leave_request_reject)

    @extend_schema(request=s.DecisionSerializer, responses=s.LeaveRequestSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, leave_services.leave_request_cancel)


class LeaveLedgerViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The append-only ledger. HR adds accruals, carry-overs and adjustments."""

    serializer_class = s.LeaveLedgerEntrySerializer
    filterset_fields = ["agent", "leave_type", "year", "kind"]

    def get_queryset(self) -> QuerySet[LeaveLedgerEntry]:
        return policy.scoped_by_agent(self.request.user, LeaveLedgerEntry.objects.all()).order_by(
            "agent_id", "year", "created_at", "id"
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = s.LeaveLedgerEntrySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        entry = leave_services.leave_ledger_adjust(actor=request.user, **payload.validated_data)
        return Response(s.LeaveLedgerEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class LeaveBalanceView(APIView):
    """Balance, pending and available days per type for one agent (yours by default)."""

    @extend_schema(
        responses=s.LeaveBalanceSerializer(many=True),
        parameters=[
            OpenApiParameter("agent", int, description=_("The agent (default: yours).")),
            OpenApiParameter("year", int, description=_("The year (default: this year).")),
        ],
    )
    def get(self, request: Request) -> Response:
        agent_id = request.query_params.get("agent")
        year_text = request.query_params.get("year") or str(timezone.localdate().year)
        if not year_text.isdigit() or not 2000 <= int(year_text) <= 2100:
            raise ValidationError({"year": [_("Enter a year between 2000 and 2100.")]})
        if agent_id:
            if not agent_id.isdigit():
                raise ValidationError({"agent": [_("Enter a whole number.")]})
            agent = get_object_or_404(policy.agents_visible_to(request.user), pk=int(agent_id))
        else:
            found = policy.own_agent(request.user)
            if found is None:
                raise ValidationError({"agent": [_("Say which agent.")]})
            agent = found
        rows = leave_balances_for_agent(agent=agent, year=int(year_text))
        return Response(s.LeaveBalanceSerializer(rows, many=True).data)


class MeView(APIView):
    """Who am I: roles, my agent record and the teams I lead."""

    @extend_schema(responses=s.MeSerializer)
    def get(self, request: Request) -> Response:
        agent = policy.own_agent(request.user)
        data = {
            "username": request.user.get_username(),
            "roles": sorted(role.value for role in policy.roles_of(request.user)),
            "agent": agent.pk if agent else None,
            "led_teams": policy.led_team_ids(request.user),
        }
        return Response(s.MeSerializer(data).data)


LOCKED_OUT = _("Too many failed logins: this account is locked for a while. Try again later.")


class LockoutAwareObtainAuthToken(ObtainAuthToken):
    """A token for a username and password. While django-axes has locked the username out
    (too many failures), the answer is 429 like the login page's, not a plain 400 "wrong
    password": axes refuses inside ``authenticate`` and only marks the request."""

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            if getattr(request, "axes_locked_out", False):
                return Response({"detail": LOCKED_OUT}, status=status.HTTP_429_TOO_MANY_REQUESTS)
            raise
