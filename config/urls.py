from csp.decorators import csp_exempt
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from scheduler.views.calendar import calendar_feed

handler404 = "config.api_errors.not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        csp_exempt()(SpectacularSwaggerView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("api/", include("config.api_urls")),
    path("calendar/<str:token>.ics", calendar_feed, name="calendar-feed"),
    path("scheduler/", include("scheduler.views.urls")),
    path("hr/reports/", include("scheduler.views.hr_report_urls")),
    path("hr/", include("staffing.views.hr_urls")),
    path("", include("staffing.views.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
