"""Plot pages (server-rendered SVG) and the demo demand seeder."""

import datetime as dt

import pytest
from django.urls import reverse

from scheduler.demo import QUEUES, seed_demand
from scheduler.models import IntervalHistory, Queue
from scheduler.services.demand import forecast_generate
from tests.scheduler.demand_support import make_queue, seed_history

pytestmark = pytest.mark.django_db

FIRST_ON = dt.date(2026, 3, 2)


def test_pages_show_svg_charts_to_readers(client, world):
    queue = make_queue(site=world.team_a.site)
    seed_history(queue, first_on=FIRST_ON, days=14)
    forecast = forecast_generate(queue=queue, actor=world.lead, horizon_days=2)
    client.force_login(world.hr)
    listing = client.get(reverse("scheduler:queue-list"))
    assert listing.status_code == 200 and queue.name in listing.content.decode()
    page = client.get(
        reverse("scheduler:queue-day", args=[queue.pk]), {"day": str(forecast.start_on)}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("<svg") == 2 and "<polyline" in html
    # the charts are plain SVG: the only scripts are the shell's own static files
    assert html.count("<script") == html.count('<script src="/static/') == 2
    # a day of history shows the actual line as well
    past = client.get(reverse("scheduler:queue-day", args=[queue.pk]), {"day": str(FIRST_ON)})
    assert "<polyline" in past.content.decode()
    # HR reads but cannot make a forecast
    assert "Make a new forecast" not in html
    assert client.post(reverse("scheduler:queue-forecast", args=[queue.pk])).status_code == 403


def test_planner_makes_a_forecast_from_the_page(client, world):
    queue = make_queue(site=world.team_a.site)
    seed_history(queue, first_on=FIRST_ON, days=14)
    client.force_login(world.lead)
    response = client.post(reverse("scheduler:queue-forecast", args=[queue.pk]))
    assert response.status_code == 302
    assert queue.forecasts.filter(is_current=True).exists()


def test_pages_need_login_and_a_reader_role(client, world):
    assert client.get(reverse("scheduler:queue-list")).status_code == 302
    client.force_login(world.agent_user)
    assert client.get(reverse("scheduler:queue-list")).status_code == 403


def test_demo_seeder_is_idempotent_and_follows_the_calendar(world):
    from tests.factories import SiteFactory

    SiteFactory(code="gz")
    today = dt.date(2026, 2, 25)  # three weeks of history cover the 2026 Spring Festival
    written = seed_demand(today=today, days=21)
    assert written > 0
    assert Queue.objects.count() == len(QUEUES)
    assert seed_demand(today=today, days=21) == 0
    hotline = Queue.objects.get(code="sh-hotline")
    skills = set(hotline.skills.values_list("code", flat=True))
    assert skills == {"voice", "mandarin"}

    def day_total(day):
        start = dt.datetime.combine(day, dt.time(), tzinfo=dt.timezone(dt.timedelta(hours=8)))
        rows = IntervalHistory.objects.filter(
            queue=hotline, start_at__gte=start, start_at__lt=start + dt.timedelta(days=1)
        )
        return sum(rows.values_list("offered", flat=True))

    # Spring Festival 2026 (17 February) is far quieter than an ordinary Tuesday
    assert day_total(dt.date(2026, 2, 17)) < 0.5 * day_total(dt.date(2026, 2, 10))
    # Saturday 14 February 2026 is a make-up working day: busier than the Saturday before
    assert day_total(dt.date(2026, 2, 14)) > day_total(dt.date(2026, 2, 7))
