from django.urls import include, path

from staffing.api.views import LockoutAwareObtainAuthToken

app_name = "api"

urlpatterns = [
    path("auth/token/", LockoutAwareObtainAuthToken.as_view(), name="auth-token"),
    path("staffing/", include(("staffing.api.urls", "staffing"))),
    path("scheduler/", include(("scheduler.api.urls", "scheduler"))),
    path("rosters/", include(("scheduler.api.roster_urls", "rosters"))),
    path("self-service/", include(("scheduler.api.self_service_urls", "self-service"))),
]
