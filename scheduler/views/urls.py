from django.urls import path

from . import pages

app_name = "scheduler"

urlpatterns = [
    path("", pages.queue_list, name="queue-list"),
    path("queues/<int:pk>/", pages.queue_day, name="queue-day"),
    path("queues/<int:pk>/forecast/", pages.queue_forecast, name="queue-forecast"),
]
