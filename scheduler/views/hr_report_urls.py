"""HR reports under /hr/reports/ (the other HR pages are staffing.views.hr_urls)."""

from django.urls import path

from . import hr_reports

app_name = "hr-reports"

urlpatterns = [
    path("", hr_reports.report, name="report"),
]
