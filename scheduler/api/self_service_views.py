"""Self-service API: swaps, the open-shift board, leave impact, calendar feeds, the inbox,
refresher proposals and the policies behind them. Refusals that depend on the roster's state
(a broken rule, a shift taken a moment earlier) answer 409 with the rule named."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduler.models.rosters import Assignment, Notification
from scheduler.models.selfservice import LeavePolicy, OpenShift, SwapPolicy, SwapRequest
from scheduler.selectors import self_service as selectors
from scheduler.services import calendar, notifications, open_shifts, refreshers, swaps
from scheduler.services.leave_staffing import leave_staffing_effect
from staffing import policy
from staffing.api.locking import OptimisticLockingMixin

from . import self_service_serializers as s
from .roster_views import CleanedModelViewSet, ConfigurationWrite, units_visible_to

NOT_AN_AGENT = _("Only agents have shifts, feeds and requests of their own.")


def _own_agent(request: Request) -> Any:
    agent = policy.own_agent(request.user)
    if agent is None:
        raise PermissionDenied(NOT_AN_AGENT)
    return agent


def _visible_shift(request: Request, shift: Assignment) -> Assignment:
    """A shift the caller may name: their own, or one of a colleague in their units."""
    units = units_visible_to(request.user)
    if not units.filter(pk=shift.roster.unit_id).exists():
        raise ValidationError({"shift": [_("Unknown shift.")]})
    return shift


class SwapViewSet(
    OptimisticLockingMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.SwapRequestSerializer
    filterset_fields = ["status", "kind", "unit", "requester", "counterpart"]

    def get_queryset(self) -> QuerySet[SwapRequest]:
        return selectors.swaps_visible_to(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=s.SwapProposeSerializer, responses={201: s.SwapRequestSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Propose a swap of your shift for a colleague's, or give yours to a colleague."""
        payload = s.SwapProposeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        shift = _visible_shift(request, data["shift"])
        counterpart_shift = data.get("counterpart_shift")
        if counterpart_shift is not None:
            _visible_shift(request, counterpart_shift)
        counterpart = data["counterpart"]
        if not units_visible_to(request.user).filter(teams=counterpart.team_id).exists():
            raise ValidationError({"counterpart": [_("Unknown colleague.")]})
        swap = swaps.swap_propose(
            actor=request.user,
            shift=shift,
            counterpart=data["counterpart"],
            counterpart_shift=counterpart_shift,
            message=data.get("message", ""),
        )
        return Response(s.SwapRequestSerializer(swap).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses=s.SwapCandidateSerializer(many=True),
        parameters=[OpenApiParameter("shift", int, required=True)],
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def candidates(self, request: Request) -> Response:
        """For one of your published shifts: the colleagues and shifts a swap or give-away
        with would pass every check."""
        agent = _own_agent(request)
        raw = request.query_params.get("shift", "")
        if not raw.isdigit():
            raise ValidationError({"shift": [_("Enter the id of one of your shifts.")]})
        shift = (
            Assignment.objects.select_related("roster__unit__site", "agent", "template")
            .filter(pk=int(raw), agent=agent)
            .first()
        )
        if shift is None:
            raise ValidationError({"shift": [swaps.NOT_YOUR_SHIFT]})
        return Response(
            s.SwapCandidateSerializer(selectors.swap_candidates(shift=shift), many=True).data
        )

    @extend_schema(request=None, responses=s.SwapRequestSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        swap = swaps.swap_accept(actor=request.user, swap=self.get_object())
        return Response(s.SwapRequestSerializer(swap).data)

    @extend_schema(request=s.CommentSerializer, responses=s.SwapRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        payload = s.CommentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        swap = swaps.swap_approve(
            actor=request.user,
            swap=self.get_object(),
            comment=payload.validated_data.get("comment", ""),
        )
        return Response(s.SwapRequestSerializer(swap).data)

    @extend_schema(request=s.CommentSerializer, responses=s.SwapRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        payload = s.CommentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        swap = swaps.swap_reject(
            actor=request.user,
            swap=self.get_object(),
            comment=payload.validated_data.get("comment", ""),
        )
        return Response(s.SwapRequestSerializer(swap).data)

    @extend_schema(request=None, responses=s.SwapRequestSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        swap = swaps.swap_cancel(actor=request.user, swap=self.get_object())
        return Response(s.SwapRequestSerializer(swap).data)


class OpenShiftViewSet(
    OptimisticLockingMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.OpenShiftSerializer
    filterset_fields = ["status", "unit", "day", "source"]

    def get_queryset(self) -> QuerySet[OpenShift]:
        return selectors.open_shifts_visible_to(self.request.user).order_by("day", "start_at")

    @extend_schema(request=s.OpenShiftPostSerializer, responses={201: s.OpenShiftSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A team lead posts a shift wanted for extra cover."""
        payload = s.OpenShiftPostSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if not units_visible_to(request.user).filter(pk=data["unit"].pk).exists():
            raise ValidationError({"unit": [_("Unknown planning unit.")]})
        board = open_shifts.open_shift_post(
            actor=request.user,
            unit=data["unit"],
            day=data["day"],
            template_code=data["template"],
            skill_group=data.get("skill_group", ""),
            note=data.get("note", ""),
        )
        return Response(s.OpenShiftSerializer(board).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.GiveAwaySerializer, responses={201: s.OpenShiftSerializer})
    @action(detail=False, methods=["post"], url_path="give-away")
    def give_away(self, request: Request) -> Response:
        """Put one of your published shifts on the board; you keep it until someone claims it."""
        payload = s.GiveAwaySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        board = open_shifts.open_shift_give_away(
            actor=request.user,
            shift=_visible_shift(request, payload.validated_data["shift"]),
            note=payload.validated_data.get("note", ""),
        )
        return Response(s.OpenShiftSerializer(board).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.UnderCoveredSerializer, responses={201: s.OpenShiftSerializer(many=True)}
    )
    @action(detail=False, methods=["post"], url_path="post-under-covered")
    def post_under_covered(self, request: Request) -> Response:
        """The engine posts open shifts where a published roster is short."""
        payload = s.UnderCoveredSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        roster = payload.validated_data["roster"]
        if not units_visible_to(request.user).filter(pk=roster.unit_id).exists():
            raise ValidationError({"roster": [_("Unknown roster.")]})
        boards = open_shifts.open_shifts_post_under_covered(
            actor=request.user,
            roster=roster,
            min_intervals=payload.validated_data["min_intervals"],
        )
        return Response(
            s.OpenShiftSerializer(boards, many=True).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses=s.EligibleOpenShiftSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def eligible(self, request: Request) -> Response:
        """Open shifts you may claim now (skills, rules and hours checked)."""
        agent = _own_agent(request)
        rows = [
            {"open_shift": board, "impact": impact}
            for board, impact in selectors.open_shifts_eligible(agent=agent)
        ]
        return Response(s.EligibleOpenShiftSerializer(rows, many=True).data)

    @extend_schema(request=None, responses=s.OpenShiftSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request: Request, pk: str | None = None) -> Response:
        board = open_shifts.open_shift_claim(actor=request.user, board=self.get_object())
        return Response(s.OpenShiftSerializer(board).data)

    @extend_schema(request=None, responses=s.OpenShiftSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        board = open_shifts.open_shift_withdraw(actor=request.user, board=self.get_object())
        return Response(s.OpenShiftSerializer(board).data)


class LeaveImpactViewSet(
    OptimisticLockingMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """A leave request's effect on service, for whoever may see the request."""

    serializer_class = s.LeaveImpactSerializer
    filterset_fields = ["request", "target_holds", "decision"]

    def get_queryset(self) -> QuerySet:
        return selectors.leave_impacts_visible_to(self.request.user).order_by("-assessed_at")

    @extend_schema(request=s.LeavePreviewSerializer, responses=s.LeavePreviewResultSerializer)
    @action(detail=False, methods=["post"])
    def preview(self, request: Request) -> Response:
        """Before asking: the predicted service of the rostered intervals without the agent,
        and whether the team's policy would approve automatically."""
        payload = s.LeavePreviewSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        agent = payload.validated_data["agent"]
        if not policy.can_request_leave_for(request.user, agent):
            raise ValidationError({"agent": [_("Unknown agent.")]})
        team_policy = LeavePolicy.objects.filter(team=agent.team_id).first()
        effect = leave_staffing_effect(
            agent=agent,
            start_on=payload.validated_data["start_on"],
            end_on=payload.validated_data["end_on"],
            margin=team_policy.service_level_margin if team_policy else 0.0,
        )
        effect["auto_approve"] = bool(
            team_policy and team_policy.auto_approve and effect["target_holds"]
        )
        return Response(s.LeavePreviewResultSerializer(effect).data)


class CalendarFeedView(APIView):
    """Your private calendar URL (created on first use)."""

    @extend_schema(responses=s.CalendarFeedSerializer)
    def get(self, request: Request) -> Response:
        feed = calendar.calendar_feed_get(actor=request.user, agent=_own_agent(request))
        return Response(s.CalendarFeedSerializer(feed, context={"request": request}).data)


class CalendarFeedRevokeView(APIView):
    """A new private URL; the old one stops working at once."""

    @extend_schema(request=None, responses=s.CalendarFeedSerializer)
    def post(self, request: Request) -> Response:
        feed = calendar.calendar_feed_revoke(actor=request.user, agent=_own_agent(request))
        return Response(s.CalendarFeedSerializer(feed, context={"request": request}).data)


class CalendarDownloadView(APIView):
    """Your shifts, breaks, training and approved leave as a one-off .ics file."""

    @extend_schema(responses={(200, "text/calendar"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request: Request) -> HttpResponse:
        agent = _own_agent(request)
        body = calendar.agent_calendar(agent=agent).to_ical()
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="shifts-{agent.employee_number}.ics"'
        )
        return response


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("unread", bool, description=_("Only the unread ones (1 or true)."))
        ]
    )
)
class NotificationViewSet(
    OptimisticLockingMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Your inbox: roster published or changed, swaps, leave decisions, expiring certificates."""

    serializer_class = s.NotificationSerializer
    filterset_fields = ["kind"]

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        rows = Notification.objects.filter(user=self.request.user).order_by("-created_at", "-id")
        unread = self.request.query_params.get("unread")
        if unread in ("1", "true"):
            rows = rows.filter(read_at__isnull=True)
        return rows

    @extend_schema(request=None, responses=s.NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        row = notifications.notification_mark_read(
            user=request.user, notification=self.get_object()
        )
        return Response(s.NotificationSerializer(row).data)

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": notifications.notifications_mark_all_read(user=request.user)})


class RefresherViewSet(
    OptimisticLockingMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Refresher sessions the engine proposed before certificates expire."""

    serializer_class = s.RefresherSerializer
    filterset_fields = ["status", "agent", "course"]

    def get_queryset(self) -> QuerySet:
        return selectors.refreshers_visible_to(self.request.user).order_by("-created_at")

    @extend_schema(request=s.RefresherBookSerializer, responses=s.RefresherSerializer)
    @action(detail=True, methods=["post"])
    def book(self, request: Request, pk: str | None = None) -> Response:
        payload = s.RefresherBookSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        proposal = refreshers.refresher_book(
            actor=request.user,
            proposal=self.get_object(),
            starts_at=payload.validated_data.get("starts_at"),
        )
        return Response(s.RefresherSerializer(proposal).data)

    @extend_schema(request=None, responses=s.RefresherSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        proposal = refreshers.refresher_decline(actor=request.user, proposal=self.get_object())
        return Response(s.RefresherSerializer(proposal).data)


class SwapPolicyViewSet(CleanedModelViewSet):
    """Per site: automatic approval, coverage tolerance, notice and expiry of swaps."""

    serializer_class = s.SwapPolicySerializer
    permission_classes = [permissions.IsAuthenticated, ConfigurationWrite]
    filterset_fields = ["site"]

    def get_queryset(self) -> QuerySet[SwapPolicy]:
        if policy.is_hr_or_admin(self.request.user):
            return SwapPolicy.objects.order_by("site")
        sites = units_visible_to(self.request.user).values_list("site", flat=True)
        return SwapPolicy.objects.filter(site__in=sites).order_by("site")


class LeavePolicyViewSet(SwapPolicyViewSet):
    """Per team: automatic approval of leave when the service target still holds."""

    serializer_class = s.LeavePolicySerializer  # type: ignore[assignment]
    filterset_fields = ["team"]

    def get_queryset(self) -> QuerySet[LeavePolicy]:  # type: ignore[override]
        if policy.is_hr_or_admin(self.request.user):
            return LeavePolicy.objects.order_by("team")
        teams = set(policy.led_team_ids(self.request.user))
        own = policy.own_agent(self.request.user)
        if own is not None:
            teams.add(own.team_id)
        return LeavePolicy.objects.filter(team__in=teams).order_by("team")
