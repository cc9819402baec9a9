"""HR pages under /hr/ (the reports, which read the roster, are scheduler.views.hr_report_urls)."""

from django.urls import path

from . import hr

app_name = "hr"

urlpatterns = [
    path("leave/", hr.leave_list, name="leave-list"),
    path("leave/<int:pk>/", hr.leave_detail, name="leave-detail"),
    path("balances/", hr.balance_list, name="balance-list"),
    path("balances/<int:pk>/", hr.agent_balances, name="agent-balances"),
    path("training/", hr.training_overview, name="training"),
    path("training/sessions/<int:pk>/", hr.training_session, name="training-session"),
    path("training/records/<int:pk>/result/", hr.training_result, name="training-result"),
    path("training/expiring/", hr.certificates_expiring_list, name="certificates-expiring"),
    path("skills/", hr.skill_list, name="skill-list"),
]
