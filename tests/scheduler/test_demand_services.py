"""Forecast versions, the adjustments layer, requirements by channel, skill groups, tasks and
the backtest command."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from scheduler.models import (
    Forecast,
    OpenHours,
    QueueClosure,
    Requirement,
    ShrinkageRule,
    SpecialEvent,
)
from scheduler.selectors.demand import requirement_by_skill_group
from scheduler.services import demand as demand_services
from scheduler.services.demand import forecast_generate, requirement_compute
from scheduler.services.planning import forecast_adjustment_create, forecast_adjustment_delete
from tests.scheduler.demand_support import SHANGHAI, make_queue, seed_history

pytestmark = pytest.mark.django_db

FIRST_ON = dt.date(2026, 3, 2)  # a Monday, clear of Chinese holidays for five weeks
WEEKS = 5


@pytest.fixture
def planner(world):
    return world.lead


def _forecast(queue, planner, **kwargs):
    seed_history(queue, first_on=FIRST_ON, days=7 * WEEKS)
    return forecast_generate(queue=queue, actor=planner, horizon_days=7, **kwargs)


def test_forecast_versions_and_current_flag(planner):
    # given a queue with five weeks of history
    queue = make_queue()
    first = _forecast(queue, planner)
    # when forecasting again
    second = forecast_generate(queue=queue, actor=planner, horizon_days=7)
    # then the new version is current, the old one kept
    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert not first.is_current and second.is_current
    assert second.created_by == planner
    assert second.start_on == FIRST_ON + dt.timedelta(days=7 * WEEKS)
    assert second.intervals.count() == 7 * 48
    assert second.requirements.count() == 7 * 48
    assert Forecast.objects.filter(queue=queue, is_current=True).count() == 1


def test_short_history_falls_back_and_says_so(planner):
    queue = make_queue()
    forecast = _forecast(queue, planner)
    # five weeks is below the combination method's 8 weeks
    assert forecast.method != "combination"
    assert any("fell back" in note for note in forecast.notes)
    assert forecast.backtest_interval_wape is not None


def test_no_history_is_a_clear_error(planner):
    queue = make_queue()
    with pytest.raises(ValidationError) as caught:
        forecast_generate(queue=queue, actor=planner)
    assert caught.value.message_dict["queue"] == [str(demand_services.NO_HISTORY)]
    assert not Forecast.objects.exists()


def test_forecast_cannot_start_inside_the_history(planner):
    queue = make_queue()
    seed_history(queue, first_on=FIRST_ON, days=14)
    with pytest.raises(ValidationError) as caught:
        forecast_generate(queue=queue, actor=planner, start_on=FIRST_ON + dt.timedelta(days=3))
    assert "start_on" in caught.value.message_dict


def test_an_event_lifts_the_forecast(planner):
    queue = make_queue()
    plain = _forecast(queue, planner)
    day = plain.start_on + dt.timedelta(days=2)
    SpecialEvent.objects.create(
        site=queue.site,
        name="Statement day",
        kind="statement_day",
        start_at=dt.datetime.combine(day, dt.time(), tzinfo=SHANGHAI),
        end_at=dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=SHANGHAI),
        uplift=Decimal("1.5"),
    )
    lifted = forecast_generate(queue=queue, actor=planner, horizon_days=7)

    def total(forecast):
        begin = dt.datetime.combine(day, dt.time(), tzinfo=SHANGHAI)
        rows = forecast.intervals.filter(start_at__gte=begin, start_at__lt=begin + dt.timedelta(1))
        return sum(rows.values_list("volume", flat=True))

    assert total(lifted) == pytest.approx(1.5 * total(plain), rel=0.01)


def test_adjustments_are_a_separate_layer(planner, django_capture_on_commit_callbacks):
    # given a forecast
    queue = make_queue()
    forecast = _forecast(queue, planner)
    day_start = dt.datetime.combine(forecast.start_on, dt.time(9), tzinfo=SHANGHAI)
    # when a planner adds 50% from 09:00 to 12:00 on the first day
    with django_capture_on_commit_callbacks(execute=True):
        adjustment = forecast_adjustment_create(
            actor=planner,
            queue=queue,
            start_at=day_start,
            end_at=day_start + dt.timedelta(hours=3),
            percent=Decimal("50"),
            reason="Campaign mail-out",
        )
    # then the requirements there carry 1.5x the statistical volume; the forecast is untouched
    inside = Requirement.objects.filter(forecast=forecast, start_at=day_start).get()
    outside = Requirement.objects.filter(
        forecast=forecast, start_at=day_start + dt.timedelta(hours=4)
    ).get()
    assert inside.volume == pytest.approx(1.5 * inside.base_volume, rel=1e-3)
    assert outside.volume == pytest.approx(outside.base_volume)
    assert forecast.intervals.get(start_at=day_start).volume == pytest.approx(inside.base_volume)
    # and a new forecast version keeps the adjustment
    newer = forecast_generate(queue=queue, actor=planner, horizon_days=7)
    again = newer.requirements.get(start_at=day_start)
    assert again.volume == pytest.approx(1.5 * again.base_volume, rel=1e-3)
    # when the adjustment is removed, the requirements return to the statistics
    with django_capture_on_commit_callbacks(execute=True):
        forecast_adjustment_delete(actor=planner, adjustment=adjustment)
    back = newer.requirements.get(start_at=day_start)
    assert back.volume == pytest.approx(back.base_volume)


def test_an_absolute_adjustment_adds_contacts_over_the_range(planner):
    queue = make_queue()
    forecast = _forecast(queue, planner)
    start = dt.datetime.combine(forecast.start_on, dt.time(10), tzinfo=SHANGHAI)
    forecast_adjustment_create(
        actor=planner,
        queue=queue,
        start_at=start,
        end_at=start + dt.timedelta(hours=2),
        absolute_change=40,
        reason="Outage follow-up",
    )
    requirement_compute(forecast=forecast)
    rows = forecast.requirements.filter(
        start_at__gte=start, start_at__lt=start + dt.timedelta(hours=2)
    )
    assert sum(r.volume - r.base_volume for r in rows) == pytest.approx(40, abs=0.01)


def test_an_adjustment_needs_exactly_one_kind_of_change(planner):
    queue = make_queue()
    start = dt.datetime(2026, 5, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(ValidationError):
        forecast_adjustment_create(
            actor=planner,
            queue=queue,
            start_at=start,
            end_at=start + dt.timedelta(hours=1),
            reason="x",
        )


def test_zero_volume_and_closed_intervals_need_nobody(planner):
    # given a queue open 08:00-20:00 on weekdays only, closed on the forecast's first day
    queue = make_queue()
    for weekday in range(5):
        OpenHours.objects.create(
            queue=queue, weekday=weekday, opens_at=dt.time(8), closes_at=dt.time(20)
        )
    QueueClosure.objects.create(queue=queue, closed_on=FIRST_ON + dt.timedelta(days=7 * WEEKS))
    forecast = _forecast(queue, planner)
    rows = list(forecast.requirements.all())
    # then intervals with no volume and closed intervals need 0 agents
    assert all(r.agents == 0 and r.scheduled_heads == 0 for r in rows if r.volume == 0)
    closed = [r for r in rows if not r.is_open]
    assert closed and all(r.agents == 0 and r.volume == 0 for r in closed)
    first_day = [r for r in rows if r.start_at.astimezone(SHANGHAI).date() == forecast.start_on]
    assert not any(r.is_open for r in first_day)
    open_rows = [r for r in rows if r.is_open and r.volume > 1]
    assert open_rows and all(r.agents > 0 and r.service_level >= 0.8 for r in open_rows)


def test_shrinkage_grosses_up_heads(planner):
    queue = make_queue()
    ShrinkageRule.objects.create(site=queue.site, percent=Decimal("30"))
    ShrinkageRule.objects.create(queue=queue, weekday=0, percent=Decimal("50"))
    forecast = _forecast(queue, planner)
    busy = [r for r in forecast.requirements.all() if r.agents >= 3]
    monday = [r for r in busy if r.start_at.astimezone(SHANGHAI).weekday() == 0]
    other = [r for r in busy if r.start_at.astimezone(SHANGHAI).weekday() != 0]
    assert all(r.shrinkage == pytest.approx(0.5) for r in monday)
    assert all(r.shrinkage == pytest.approx(0.3) for r in other)
    assert all(r.scheduled_heads > r.agents for r in busy)


def test_chat_and_email_channels(planner):
    voice = make_queue("voice-q")
    chat = make_queue(
        "chat-q", site=voice.site, skills=("chat",), channel="chat", chat_concurrency=3
    )
    email = make_queue(
        "email-q",
        site=voice.site,
        skills=("email",),
        channel="email",
        email_response_hours=Decimal("4"),
    )
    forecasts = {q.code: _forecast(q, planner) for q in (voice, chat, email)}

    def peak(code):
        return max(forecasts[code].requirements.values_list("agents", flat=True))

    # three chats at once need fewer agents than the same load on the phone
    assert 0 < peak("chat-q") < peak("voice-q")
    # email: workload spread over its 4-hour window, at least 90% (the default) inside it
    assert email.email_target_percent == 90
    email_rows = list(forecasts["email-q"].requirements.filter(volume__gt=0))
    assert email_rows and all(r.service_level >= 0.9 - 1e-9 for r in email_rows)
    assert 0 < peak("email-q") <= peak("voice-q")


def test_email_target_percent_sets_the_share_answered_in_the_window(planner):
    def email_queue(code, percent):
        return make_queue(
            code,
            skills=("email",),
            channel="email",
            email_response_hours=Decimal("2"),
            email_target_percent=Decimal(percent),
        )

    # given the same emails, once all within 2 hours and once 80% within 2 hours
    everything = _forecast(email_queue("all-mail", 100), planner)
    most = _forecast(email_queue("most-mail", 80), planner)

    def rows(forecast):
        return list(forecast.requirements.order_by("start_at"))

    # then all within the window: service level 1; 80%: at least 80%, fewer agents at the peak
    assert all(r.service_level == pytest.approx(1.0) for r in rows(everything))
    assert all(r.service_level >= 0.8 - 1e-9 for r in rows(most))
    assert max(r.agents for r in rows(most)) < max(r.agents for r in rows(everything))


def test_email_target_percent_is_validated(planner):
    queue = make_queue("mail", channel="email", email_response_hours=Decimal("8"))
    queue.email_target_percent = Decimal("100.5")
    with pytest.raises(ValidationError) as error:
        queue.full_clean()
    assert "email_target_percent" in error.value.message_dict


def test_requirements_per_skill_group(planner):
    a = make_queue("mandarin", skills=("voice", "mandarin"))
    b = make_queue("mandarin-2", site=a.site, skills=("voice", "mandarin"))
    c = make_queue("english", site=a.site, skills=("voice", "english"))
    for queue in (a, b, c):
        _forecast(queue, planner)
    start = dt.datetime.combine(FIRST_ON + dt.timedelta(days=7 * WEEKS), dt.time(), tzinfo=SHANGHAI)
    groups = requirement_by_skill_group(
        site=a.site, start_at=start, end_at=start + dt.timedelta(days=1)
    )
    assert set(groups) == {frozenset({"voice", "mandarin"}), frozenset({"voice", "english"})}
    mandarin = groups[frozenset({"voice", "mandarin"})]
    english = groups[frozenset({"voice", "english"})]
    assert len(mandarin) == 48 and mandarin[0].start_at == start
    # two pooled queues need more than one, but no more than two apart
    peak = max(range(48), key=lambda i: english[i].agents)
    assert english[peak].agents < mandarin[peak].agents <= 2 * english[peak].agents
    assert all(i.scheduled_heads >= i.agents for i in mandarin)


def test_refresh_tasks_run_eagerly(planner):
    from scheduler.tasks import demand_refresh_all_task, demand_refresh_queue_task

    with_history = make_queue("with-history")
    seed_history(with_history, first_on=FIRST_ON, days=21)
    make_queue("empty", site=with_history.site)
    counts = demand_refresh_all_task.delay(horizon_days=3).get()
    assert counts == {"refreshed": 1, "skipped": 1, "failed": 0}
    forecast_id = demand_refresh_queue_task.delay(with_history.pk, horizon_days=3).get()
    assert Forecast.objects.get(pk=forecast_id).version == 2


def test_backtest_command_on_a_csv_and_on_a_queue(tmp_path, planner):
    # given four weeks of hourly history in a file
    lines = ["start,calls"]
    for day in range(28):
        for hour in range(24):
            moment = dt.datetime.combine(FIRST_ON + dt.timedelta(days=day), dt.time(hour))
            lines.append(f"{moment.isoformat()},{10 + (hour in range(9, 18)) * 20}")
    path = tmp_path / "tiny.csv"
    path.write_text("\n".join(lines) + "\n")
    out = io.StringIO()
    # when backtesting it with --json
    call_command(
        "forecast_backtest",
        "--csv",
        str(path),
        "--interval-minutes",
        "30",
        "--horizon-days",
        "7",
        "--origins",
        "2",
        "--step-days",
        "7",
        "--json",
        stdout=out,
    )
    payload = json.loads(out.getvalue())
    for key in ("interval_wape", "daily_wape", "naive_interval_wape", "naive_daily_wape"):
        assert 0 <= payload[key] < 1
    assert payload["method"] and payload["seconds"] >= 0
    # and the same on a queue's history, as a table
    queue = make_queue()
    seed_history(queue, first_on=FIRST_ON, days=28)
    table = io.StringIO()
    call_command(
        "forecast_backtest",
        "--queue",
        queue.code,
        "--horizon-days",
        "7",
        "--origins",
        "2",
        "--step-days",
        "7",
        stdout=table,
    )
    assert "naive" in table.getvalue()
