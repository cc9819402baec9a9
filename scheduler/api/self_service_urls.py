from django.urls import path
from rest_framework.routers import DefaultRouter

from . import self_service_views as views

router = DefaultRouter()
router.register("swaps", views.SwapViewSet, basename="swap")
router.register("open-shifts", views.OpenShiftViewSet, basename="open-shift")
router.register("leave-impacts", views.LeaveImpactViewSet, basename="leave-impact")
router.register("notifications", views.NotificationViewSet, basename="notification")
router.register("refreshers", views.RefresherViewSet, basename="refresher")
router.register("swap-policies", views.SwapPolicyViewSet, basename="swap-policy")
router.register("leave-policies", views.LeavePolicyViewSet, basename="leave-policy")

urlpatterns = [
    path("calendar/", views.CalendarFeedView.as_view(), name="calendar"),
    path("calendar/revoke/", views.CalendarFeedRevokeView.as_view(), name="calendar-revoke"),
    path("calendar/download/", views.CalendarDownloadView.as_view(), name="calendar-download"),
    *router.urls,
]
