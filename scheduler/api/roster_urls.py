from rest_framework.routers import DefaultRouter

from . import roster_views as views

router = DefaultRouter()
router.register("planning-units", views.PlanningUnitViewSet, basename="planning-unit")
router.register("shift-templates", views.ShiftTemplateViewSet, basename="shift-template")
router.register("runs", views.RosterRunViewSet, basename="run")
router.register("rosters", views.RosterViewSet, basename="roster")

urlpatterns = router.urls
