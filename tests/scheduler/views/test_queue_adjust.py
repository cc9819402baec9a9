"""The forecast page lists the day's events and adjustments; planners add an adjustment."""

import pytest
from django.test import Client

from scheduler.models import ForecastAdjustment

pytestmark = pytest.mark.django_db


def test_a_planner_adds_an_adjustment_from_the_forecast_page(
    center, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(center.lead)
    day = center.monday.isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/scheduler/queues/{center.queue.pk}/adjust/",
            {
                "day": day,
                "start": "09:00",
                "end": "11:30",
                "kind": "percent",
                "amount": "15",
                "reason": "card statement day",
            },
        )
    assert response.status_code == 302
    adjustment = ForecastAdjustment.objects.get(queue=center.queue)
    assert adjustment.percent == 15 and adjustment.reason == "card statement day"
    assert (adjustment.end_at - adjustment.start_at).total_seconds() == 2.5 * 3600
    page = client.get(f"/scheduler/queues/{center.queue.pk}/?day={day}").content.decode()
    assert "card statement day" in page


def test_bad_adjustment_input_is_refused_with_a_message(center):
    client = Client()
    client.force_login(center.lead)
    response = client.post(
        f"/scheduler/queues/{center.queue.pk}/adjust/",
        {
            "day": center.monday.isoformat(),
            "start": "9 am",
            "end": "11:00",
            "kind": "percent",
            "amount": "x",
            "reason": "r",
        },
        follow=True,
    )
    assert "Enter the day, the start and end times" in response.content.decode()
    assert not ForecastAdjustment.objects.exists()
