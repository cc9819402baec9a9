"""Roster API: runs (request, status, cancel), rosters (detail, assignments, diff, coverage,
publish, repair) and edits of drafts. Team leads act on their own units only."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from scheduler.models.rosters import (
    Assignment,
    PlanningUnit,
    Roster,
    RosterRun,
    RosterStatus,
    ShiftTemplate,
)
from scheduler.selectors.roster_service import roster_evaluate, roster_service_levels
from scheduler.services import rosters as services
from staffing import policy, readcache
from staffing.api.locking import OptimisticLockingMixin
from staffing.models import Agent

from . import roster_serializers as s


def units_visible_to(user: Any) -> QuerySet[PlanningUnit]:
    """HR and admins see every unit; others the units of the teams they lead or belong to."""
    units = PlanningUnit.objects.select_related("site").prefetch_related("teams", "queues")
    if policy.is_hr_or_admin(user):
        return units
    teams = set(policy.led_team_ids(user))
    agent = policy.own_agent(user)
    if agent is not None:
        teams.add(agent.team_id)
    return units.filter(teams__in=teams).distinct()


def rosters_visible_to(user: Any) -> QuerySet[Roster]:
    """Planners see every version of their units; agents only published ones of theirs."""
    units = units_visible_to(user)
    rosters = Roster.objects.filter(unit__in=units).select_related("unit__site")
    if policy.is_hr_or_admin(user) or policy.led_team_ids(user):
        planned = [unit.pk for unit in units if services.can_plan(user, unit)]
        return rosters.filter(unit__in=planned) | rosters.filter(status=RosterStatus.PUBLISHED)
    return rosters.filter(status=RosterStatus.PUBLISHED)


class ConfigurationWrite(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return policy.can_edit_configuration(request.user)


class CleanedModelViewSet(OptimisticLockingMixin, viewsets.ModelViewSet):
    """Writes run the model's full_clean (field and cross-field rules, constraints), so a bad
    value is refused with the field named instead of failing at the database."""

    def perform_create(self, serializer: Any) -> None:
        instance = serializer.Meta.model(**serializer.validated_data)
        instance.full_clean()
        instance.save()
        serializer.instance = instance

    def perform_update(self, serializer: Any) -> None:
        for field, value in serializer.validated_data.items():
            setattr(serializer.instance, field, value)
        serializer.instance.full_clean()
        serializer.instance.save()


class PlanningUnitViewSet(OptimisticLockingMixin, viewsets.ModelViewSet):
    serializer_class = s.PlanningUnitSerializer
    permission_classes = [permissions.IsAuthenticated, ConfigurationWrite]
    filterset_fields = ["site", "code"]

    def get_queryset(self) -> QuerySet[PlanningUnit]:
        return units_visible_to(self.request.user).order_by("code")


class ShiftTemplateViewSet(CleanedModelViewSet):
    serializer_class = s.ShiftTemplateSerializer
    permission_classes = [permissions.IsAuthenticated, ConfigurationWrite]
    filterset_fields = ["site", "is_night", "is_active"]
    queryset = ShiftTemplate.objects.all().order_by("site", "start_time")


class RosterRunViewSet(
    OptimisticLockingMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.RosterRunSerializer
    filterset_fields = ["unit", "status", "trigger", "period_start"]

    def get_queryset(self) -> QuerySet[RosterRun]:
        units = [u.pk for u in units_visible_to(self.request.user)]
        return RosterRun.objects.filter(unit__in=units).order_by("-created_at", "-id")

    @extend_schema(request=s.RunRequestSerializer, responses={201: s.RosterRunSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Ask for a roster of a unit and period; the solve runs in the background."""
        payload = s.RunRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        unit = payload.validated_data["unit"]
        if not units_visible_to(request.user).filter(pk=unit.pk).exists():
            raise ValidationError({"unit": [_("Unknown planning unit.")]})
        run = services.roster_run_request(
            actor=request.user,
            unit=unit,
            period_start=payload.validated_data["period_start"],
            weeks=payload.validated_data["weeks"],
        )
        run.refresh_from_db()
        return Response(s.RosterRunSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.RosterRunSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        run = services.roster_run_cancel(actor=request.user, run=self.get_object())
        return Response(s.RosterRunSerializer(run).data)


class RosterViewSet(
    OptimisticLockingMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.RosterSerializer
    filterset_fields = ["unit", "status", "period_start", "version"]

    def get_queryset(self) -> QuerySet[Roster]:
        return rosters_visible_to(self.request.user).order_by("-period_start", "-version")

    def _planner_roster(self) -> Roster:
        roster = self.get_object()
        if not services.can_plan(self.request.user, roster.unit):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(services.NOT_A_PLANNER)
        return roster

    @extend_schema(
        responses=s.AssignmentSerializer(many=True),
        parameters=[
            OpenApiParameter("agent", int, required=False),
            OpenApiParameter("day", datetime.date, required=False),
        ],
    )
    @action(detail=True, methods=["get"])
    def assignments(self, request: Request, pk: str | None = None) -> Response:
        """The roster's shifts (an agent who is not a planner sees their own only)."""
        roster = self.get_object()
        scope: tuple[Any, ...]
        if not services.can_plan(request.user, roster.unit):
            scope = ("own", request.user.pk)
        elif not policy.is_hr_or_admin(request.user):
            # a team lead sees their own teams' part of the unit's roster
            scope = ("teams", tuple(sorted(policy.led_team_ids(request.user))))
        else:
            scope = ("all",)
        agent = request.query_params.get("agent")
        if agent and not agent.isdigit():
            raise ValidationError({"agent": [_("Enter a whole number.")]})
        day = request.query_params.get("day")
        try:
            on = datetime.date.fromisoformat(day) if day else None
        except ValueError as error:
            raise ValidationError({"day": [_("Enter a date as YYYY-MM-DD.")]}) from error

        def read() -> Any:
            rows = roster.assignments.select_related("agent", "template").order_by(
                "day", "start_at", "agent__employee_number"
            )
            if scope[0] == "own":
                rows = rows.filter(agent__user=request.user)
            elif scope[0] == "teams":
                rows = rows.filter(agent__team__in=scope[1])
            if agent:
                rows = rows.filter(agent_id=int(agent))
            if on is not None:
                rows = rows.filter(day=on)
            page = self.paginate_queryset(rows)
            data = s.AssignmentSerializer(page if page is not None else rows, many=True).data
            if page is None:
                return list(data)
            return self.get_paginated_response(data).data

        # The schedule agents read most: from the read cache until a shift, an agent or a
        # template is written. Times are shown in the caller's zone; the links name the host.
        data = readcache.cached(
            "api-roster-assignments",
            parts=(
                roster.pk,
                scope,
                request.build_absolute_uri(),
                timezone.get_current_timezone_name(),
            ),
            depends_on=(Assignment, Agent, ShiftTemplate),
            compute=read,
        )
        return Response(data)

    @extend_schema(
        responses=s.DiffRowSerializer(many=True),
        parameters=[OpenApiParameter("against", int, required=False)],
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def diff(self, request: Request, pk: str | None = None) -> Response:
        """Changes from another version (by default the one this was based on)."""
        roster = self._planner_roster()
        other_id = request.query_params.get("against")
        if other_id:
            if not other_id.isdigit():
                raise ValidationError({"against": [_("Enter a whole number.")]})
            before = get_object_or_404(self.get_queryset(), pk=int(other_id))
            if before.unit_id != roster.unit_id:
                raise ValidationError({"against": [_("Compare versions of the same unit.")]})
        else:
            before = roster.based_on
        return Response(
            s.DiffRowSerializer(services.roster_diff(before=before, after=roster), many=True).data
        )

    @extend_schema(responses=s.CoverageSerializer)
    @action(detail=True, methods=["get"])
    def coverage(self, request: Request, pk: str | None = None) -> Response:
        """Required against scheduled per skill group and interval, and predicted service."""
        roster = self._planner_roster()
        period, solution = roster_evaluate(roster)
        rows = [
            {
                "skill_group": row.skill_group_id,
                "start_at": period.at(row.start_minute),
                "required": row.required,
                "staffed": row.staffed,
            }
            for row in solution.coverage
        ]
        levels = [item.__dict__ for item in roster_service_levels(roster, solution, period)]
        return Response(s.CoverageSerializer({"coverage": rows, "service_levels": levels}).data)

    @extend_schema(request=None, responses=s.RosterSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        roster = services.roster_publish(actor=request.user, roster=self._planner_roster())
        return Response(s.RosterSerializer(roster).data)

    @extend_schema(request=s.AssignmentSetSerializer, responses=s.AssignmentSerializer)
    @action(detail=True, methods=["post"], url_path="set-assignment")
    def set_assignment(self, request: Request, pk: str | None = None) -> Response:
        """Give an agent a shift (template code) or a day off (null) on a draft; the engine's
        validators refuse it naming the broken rule, or it is saved and locked."""
        roster = self._planner_roster()
        payload = s.AssignmentSetSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        row = services.assignment_set(
            actor=request.user,
            roster=roster,
            agent_id=payload.validated_data["agent"].pk,
            day=payload.validated_data["day"],
            template_code=payload.validated_data.get("template"),
        )
        if row is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(s.AssignmentSerializer(row).data)

    @extend_schema(request=s.RepairSerializer, responses={201: s.RosterRunSerializer})
    @action(detail=True, methods=["post"])
    def repair(self, request: Request, pk: str | None = None) -> Response:
        """Minimal-change re-solve of a published roster (sick days, agents leaving)."""
        roster = self._planner_roster()
        payload = s.RepairSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        sick = []
        for index, item in enumerate(payload.validated_data.get("sick_days", [])):
            try:
                agent = Assignment.objects.filter(
                    roster=roster, agent_id=int(item["agent"])
                ).first()
                day = datetime.date.fromisoformat(str(item["day"]))
            except (KeyError, TypeError, ValueError) as error:
                raise ValidationError(
                    {
                        "sick_days": [
                            _("Row %(row)s needs an agent id and a day.") % {"row": index + 1}
                        ]
                    }
                ) from error
            if agent is None:
                raise ValidationError(
                    {
                        "sick_days": [
                            _("Row %(row)s: the agent is not on this roster.") % {"row": index + 1}
                        ]
                    }
                )
            sick.append((agent.agent.employee_number, day))
        run = services.roster_repair_request(
            actor=request.user,
            roster=roster,
            new_leave=sick,
            agents_leaving=[
                a.employee_number for a in payload.validated_data.get("agents_leaving", [])
            ],
            allow_changes_in_notice=payload.validated_data["allow_changes_in_notice"],
        )
        run.refresh_from_db()
        return Response(s.RosterRunSerializer(run).data, status=status.HTTP_201_CREATED)
