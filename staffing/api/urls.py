from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("sites", views.SiteViewSet, basename="site")
router.register("teams", views.TeamViewSet, basename="team")
router.register("contracts", views.ContractViewSet, basename="contract")
router.register("skills", views.SkillViewSet, basename="skill")
router.register("agents", views.AgentViewSet, basename="agent")
router.register("agent-skills", views.AgentSkillViewSet, basename="agent-skill")
router.register("courses", views.CourseViewSet, basename="course")
router.register("training-sessions", views.TrainingSessionViewSet, basename="training-session")
router.register("training-records", views.TrainingRecordViewSet, basename="training-record")
router.register("leave-types", views.LeaveTypeViewSet, basename="leave-type")
router.register("leave-requests", views.LeaveRequestViewSet, basename="leave-request")
router.register("leave-ledger", views.LeaveLedgerViewSet, basename="leave-ledger")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("leave-balances/", views.LeaveBalanceView.as_view(), name="leave-balances"),
    *router.urls,
]
