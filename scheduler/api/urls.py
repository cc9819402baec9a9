from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("queues", views.QueueViewSet, basename="queue")
router.register("open-hours", views.OpenHoursViewSet, basename="open-hours")
router.register("closures", views.QueueClosureViewSet, basename="closure")
router.register("shrinkage-rules", views.ShrinkageRuleViewSet, basename="shrinkage-rule")
router.register("history", views.HistoryViewSet, basename="history")
router.register("events", views.SpecialEventViewSet, basename="event")
router.register("forecasts", views.ForecastViewSet, basename="forecast")
router.register("adjustments", views.ForecastAdjustmentViewSet, basename="adjustment")
router.register("requirements", views.RequirementViewSet, basename="requirement")

urlpatterns = [
    path(
        "requirements/skill-groups/",
        views.SkillGroupRequirementView.as_view(),
        name="skill-group-requirements",
    ),
    *router.urls,
]
