"""REST endpoints for demand: validate with a serializer, call one service or selector,
serialize back. Reading is for team leads, HR and admins; writing for planners
(scheduler.policy)."""

import csv
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from staffing.api.locking import OptimisticLockingMixin

from .. import policy
from ..models import (
    Forecast,
    ForecastAdjustment,
    IntervalHistory,
    OpenHours,
    Queue,
    QueueClosure,
    ShrinkageRule,
    SpecialEvent,
)
from ..selectors.demand import requirement_by_skill_group, requirement_list
from ..services import demand as demand_services
from ..services import planning as planning_services
from ..services.history import history_import
from . import serializers as s


class DemandPermission(permissions.BasePermission):
    """Team leads, HR and admins read; planners (team leads, admins) write."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return policy.can_read_demand(request.user)
        return policy.can_plan_demand(request.user)


class DemandViewSet(OptimisticLockingMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated, DemandPermission]


def _period(queryset: QuerySet, params: dict[str, Any], queue_path: str = "queue") -> QuerySet:
    if params.get("queue"):
        queryset = queryset.filter(**{queue_path: params["queue"]})
    if params.get("site"):
        queryset = queryset.filter(**{f"{queue_path}__site": params["site"]})
    if params.get("from"):
        queryset = queryset.filter(start_at__gte=params["from"])
    if params.get("to"):
        queryset = queryset.filter(start_at__lt=params["to"])
    return queryset


def _query(request: Request) -> dict[str, Any]:
    query = s.PeriodQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


# --- queues ----------------------------------------------------------------------------------


class QueueViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, DemandViewSet
):
    queryset = Queue.objects.select_related("site").prefetch_related(
        "skills", "open_hours", "closures"
    )
    serializer_class = s.QueueSerializer
    filterset_fields = ["site", "channel", "is_active", "code"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = s.QueueSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        queue = planning_services.queue_create(actor=request.user, **payload.validated_data)
        return Response(s.QueueSerializer(queue).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queue = self.get_object()
        payload = s.QueueSerializer(queue, data=request.data, partial=kwargs.get("partial", False))
        payload.is_valid(raise_exception=True)
        queue = planning_services.queue_update(
            actor=request.user, queue=queue, **payload.validated_data
        )
        return Response(s.QueueSerializer(queue).data)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def perform_destroy(self, instance: Queue) -> None:
        planning_services.queue_delete(actor=self.request.user, queue=instance)


# --- open hours, closures and shrinkage ---------------------------------------------------------


class OpenHoursViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, DemandViewSet
):
    """When queues are open, one row per weekday and time range; a queue without rows is
    open 24/7."""

    queryset = OpenHours.objects.select_related("queue")
    serializer_class = s.OpenHoursSerializer
    filterset_fields = ["queue", "weekday"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = s.OpenHoursSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        hours = planning_services.open_hours_create(actor=request.user, **payload.validated_data)
        return Response(s.OpenHoursSerializer(hours).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        hours = self.get_object()
        payload = s.OpenHoursSerializer(
            hours, data=request.data, partial=kwargs.get("partial", False)
        )
        payload.is_valid(raise_exception=True)
        hours = planning_services.open_hours_update(
            actor=request.user, hours=hours, **payload.validated_data
        )
        return Response(s.OpenHoursSerializer(hours).data)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def perform_destroy(self, instance: OpenHours) -> None:
        planning_services.open_hours_delete(actor=self.request.user, hours=instance)


class QueueClosureViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, DemandViewSet
):
    """Whole days a queue is closed."""

    queryset = QueueClosure.objects.select_related("queue")
    serializer_class = s.QueueClosureSerializer
    filterset_fields = ["queue", "closed_on"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = s.QueueClosureSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        closure = planning_services.queue_closure_create(
            actor=request.user, **payload.validated_data
        )
        return Response(s.QueueClosureSerializer(closure).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        closure = self.get_object()
        payload = s.QueueClosureSerializer(
            closure, data=request.data, partial=kwargs.get("partial", False)
        )
        payload.is_valid(raise_exception=True)
        closure = planning_services.queue_closure_update(
            actor=request.user, closure=closure, **payload.validated_data
        )
        return Response(s.QueueClosureSerializer(closure).data)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def perform_destroy(self, instance: QueueClosure) -> None:
        planning_services.queue_closure_delete(actor=self.request.user, closure=instance)


class ShrinkageRuleViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, DemandViewSet
):
    """Shrinkage by site or queue, optionally by weekday and hours (the most specific wins)."""

    queryset = ShrinkageRule.objects.select_related("site", "queue")
    serializer_class = s.ShrinkageRuleSerializer
    filterset_fields = ["site", "queue", "weekday"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = s.ShrinkageRuleSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        rule = planning_services.shrinkage_rule_create(actor=request.user, **payload.validated_data)
        return Response(s.ShrinkageRuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rule = self.get_object()
        payload = s.ShrinkageRuleSerializer(
            rule, data=request.data, partial=kwargs.get("partial", False)
        )
        payload.is_valid(raise_exception=True)
        rule = planning_services.shrinkage_rule_update(
            actor=request.user, rule=rule, **payload.validated_data
        )
        return Response(s.ShrinkageRuleSerializer(rule).data)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def perform_destroy(self, instance: ShrinkageRule) -> None:
        planning_services.shrinkage_rule_delete(actor=self.request.user, rule=instance)


# --- history ---------------------------------------------------------------------------------


class HistoryViewSet(mixins.ListModelMixin, DemandViewSet):
    serializer_class = s.IntervalHistorySerializer

    def get_queryset(self) -> QuerySet[IntervalHistory]:
        return _period(IntervalHistory.objects.all(), _query(self.request)).order_by(
            "queue_id", "start_at"
        )

    @extend_schema(parameters=[s.PeriodQuerySerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": s.HistoryUploadSerializer},
        responses={201: s.HistoryUploadResultSerializer},
    )
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def upload(self, request: Request) -> Response:
        """Import a CSV of interval history; a file with any bad row is rejected whole."""
        payload = s.HistoryUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        result = history_import(
            queue=payload.validated_data["queue"], source=payload.validated_data["file"]
        )
        return Response(
            s.HistoryUploadResultSerializer(result).data, status=status.HTTP_201_CREATED
        )


# --- events and adjustments --------------------------------------------------------------------


class SpecialEventViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, DemandViewSet
):
    queryset = SpecialEvent.objects.all()
    serializer_class = s.SpecialEventSerializer
    filterset_fields = ["site", "queue", "kind"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = s.SpecialEventSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        event = planning_services.special_event_create(actor=request.user, **payload.validated_data)
        return Response(s.SpecialEventSerializer(event).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        event = self.get_object()
        payload = s.SpecialEventSerializer(
            event, data=request.data, partial=kwargs.get("partial", False)
        )
        payload.is_valid(raise_exception=True)
        event = planning_services.special_event_update(
            actor=request.user, event=event, **payload.validated_data
        )
        return Response(s.SpecialEventSerializer(event).data)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def perform_destroy(self, instance: SpecialEvent) -> None:
        planning_services.special_event_delete(actor=self.request.user, event=instance)


class ForecastAdjustmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, DemandViewSet
):
    queryset = ForecastAdjustment.objects.all()
    serializer_class = s.ForecastAdjustmentSerializer
    filterset_fields = ["queue"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = s.ForecastAdjustmentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        adjustment = planning_services.forecast_adjustment_create(
            actor=request.user, **payload.validated_data
        )
        return Response(
            s.ForecastAdjustmentSerializer(adjustment).data, status=status.HTTP_201_CREATED
        )

    def perform_destroy(self, instance: ForecastAdjustment) -> None:
        planning_services.forecast_adjustment_delete(actor=self.request.user, adjustment=instance)


# --- forecasts and requirements ----------------------------------------------------------------


class ForecastViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, DemandViewSet):
    queryset = Forecast.objects.select_related("queue")
    filterset_fields = ["queue", "is_current"]

    def get_serializer_class(self) -> type[s.ForecastSerializer]:
        return s.ForecastDetailSerializer if self.action == "retrieve" else s.ForecastSerializer

    @extend_schema(request=s.ForecastGenerateSerializer, responses={201: s.ForecastSerializer})
    @action(detail=False, methods=["post"])
    def generate(self, request: Request) -> Response:
        """A new current forecast version for a queue, with its requirements."""
        payload = s.ForecastGenerateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        forecast = demand_services.forecast_generate(actor=request.user, **payload.validated_data)
        return Response(s.ForecastSerializer(forecast).data, status=status.HTTP_201_CREATED)


CSV_COLUMNS = [
    "queue",
    "start_at_local",
    "start_at_utc",
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


class RequirementViewSet(mixins.ListModelMixin, DemandViewSet):
    """Requirements of each queue's current forecast."""

    serializer_class = s.RequirementSerializer

    def get_queryset(self) -> QuerySet:
        params = _query(self.request)
        return requirement_list(
            queue=params.get("queue"),
            site=params.get("site"),
            start_at=params.get("from"),
            end_at=params.get("to"),
        )

    @extend_schema(parameters=[s.PeriodQuerySerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        parameters=[s.PeriodQuerySerializer],
        responses={(200, "text/csv"): OpenApiResponse(response=OpenApiTypes.STR)},
    )
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> HttpResponse:
        """The same rows as CSV, times in the site's zone and in UTC."""
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="requirements.csv"'
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS)
        zones: dict[int, ZoneInfo] = {}
        for row in self.get_queryset().select_related("queue__site").iterator(chunk_size=2000):
            zone = zones.setdefault(row.queue.site_id, ZoneInfo(row.queue.site.time_zone))
            writer.writerow(
                [
                    row.queue.code,
                    row.start_at.astimezone(zone).isoformat(),
                    row.start_at.isoformat(),
                    int(row.is_open),
                    row.base_volume,
                    row.volume,
                    row.aht_seconds,
                    row.workload_erlangs,
                    row.shrinkage,
                    row.agents,
                    row.scheduled_heads,
                    row.service_level,
                    row.asa_seconds,
                    row.occupancy,
                ]
            )
        return response


class SkillGroupRequirementView(APIView):
    """Heads per skill group and interval for a site: what a roster must cover."""

    permission_classes = [permissions.IsAuthenticated, DemandPermission]

    @extend_schema(
        parameters=[s.SkillGroupQuerySerializer],
        responses=s.SkillGroupRequirementsSerializer,
    )
    def get(self, request: Request) -> Response:
        query = s.SkillGroupQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        site = query.validated_data["site"]
        groups = requirement_by_skill_group(
            site=site, start_at=query.validated_data["from"], end_at=query.validated_data["to"]
        )
        data = {
            "site": site.pk,
            "interval_minutes": site.planning_interval_minutes,
            "groups": [
                {"skills": sorted(skills), "intervals": intervals}
                for skills, intervals in groups.items()
            ],
        }
        return Response(s.SkillGroupRequirementsSerializer(data).data)
