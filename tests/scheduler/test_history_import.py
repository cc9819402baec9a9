"""History import: aggregation to the planning grid, whole-file rejection, idempotence, zones."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from scheduler.models import IntervalHistory
from scheduler.services import history as history_services
from scheduler.services.history import HistoryFileError, history_import
from tests.scheduler.demand_support import csv_text, make_queue

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def _import(queue, data: bytes):
    return history_import(queue=queue, source=io.BytesIO(data))


def test_naive_times_are_site_local_and_stored_in_utc():
    # given a Shanghai queue and a 30-minute file without offsets
    queue = make_queue()
    data = csv_text(
        [("2026-03-02T08:00:00", 10, 9, 1, 200), ("2026-03-02T08:30:00", 20, 20, 0, 300)]
    )
    # when importing
    result = _import(queue, data)
    # then 08:00 Shanghai is 00:00 UTC, with the counts as given
    assert result.intervals_written == 2
    rows = list(IntervalHistory.objects.filter(queue=queue).order_by("start_at"))
    assert rows[0].start_at == dt.datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
    assert (rows[0].offered, rows[0].handled, rows[0].abandoned) == (10, 9, 1)
    assert rows[1].aht_seconds == 300


def test_offsets_are_respected():
    queue = make_queue()
    data = csv_text(
        [
            ("2026-03-02T09:00:00+08:00", 5, None, None, None),
            ("2026-03-02T01:30:00Z", 7, None, None, None),
        ]
    )
    _import(queue, data)
    starts = set(IntervalHistory.objects.values_list("start_at", flat=True))
    assert starts == {
        dt.datetime(2026, 3, 2, 1, 0, tzinfo=UTC),
        dt.datetime(2026, 3, 2, 1, 30, tzinfo=UTC),
    }


def test_six_minute_rows_are_aggregated_to_thirty_with_weighted_handle_time():
    # given ten 6-minute rows: 08:00-08:54 local
    queue = make_queue()
    rows = []
    for i in range(10):
        start = dt.datetime(2026, 3, 2, 8, 0) + dt.timedelta(minutes=6 * i)
        rows.append((start.isoformat(), i + 1, None, None, 100 if i < 5 else 400))
    # when importing with `calls` as the volume column name variant
    result = _import(queue, csv_text(rows))
    # then two 30-minute intervals; AHT weighted by volume
    assert result.source_interval_minutes == 6
    stored = list(IntervalHistory.objects.order_by("start_at"))
    assert [r.offered for r in stored] == [15, 40]
    assert stored[0].aht_seconds == pytest.approx(100)
    assert stored[1].aht_seconds == pytest.approx(400)
    assert stored[0].handled is None


def test_calls_alias_and_hourly_rows_split_evenly():
    queue = make_queue()
    data = csv_text([("2026-03-02T08:00:00", 7), ("2026-03-02T09:00:00", 4)], header="start,calls")
    _import(queue, data)
    assert list(IntervalHistory.objects.order_by("start_at").values_list("offered", flat=True)) == [
        4,
        3,
        2,
        2,
    ]


def test_a_bad_file_is_rejected_whole_with_row_and_column_reasons():
    # given existing history that must survive
    queue = make_queue()
    _import(queue, csv_text([("2026-03-01T08:00:00", 3, None, None, None)]))
    rows = [
        ("2026-03-02T08:00:00", 10, None, None, 200),
        ("not a time", 10, None, None, 200),
        ("2026-03-02T09:00:00", -1, None, None, 200),
        ("2026-03-02T09:30:00", "ten", None, None, 200),
        ("2026-03-02T08:00:00", 4, None, None, 200),
        ("2026-03-02T10:00:00", 4, None, None, -5),
    ]
    # when importing it
    with pytest.raises(HistoryFileError) as caught:
        _import(queue, csv_text(rows))
    # then each bad row is reported with its column and reason (header = row 1)
    found = {(e.row, e.column, e.reason) for e in caught.value.rows}
    assert (3, "start", str(history_services.UNPARSEABLE_TIME)) in found
    assert (4, "offered", str(history_services.NEGATIVE)) in found
    assert (5, "offered", str(history_services.NOT_A_NUMBER)) in found
    assert (6, "start", str(history_services.DUPLICATED_INTERVAL)) in found
    assert (7, "aht_seconds", str(history_services.NEGATIVE)) in found
    assert "file" in caught.value.message_dict
    # and nothing was written
    assert IntervalHistory.objects.count() == 1


def test_gaps_inside_a_day_are_rejected_but_missing_days_are_closed_days():
    queue = make_queue()
    with pytest.raises(HistoryFileError) as caught:
        _import(
            queue,
            csv_text(
                [
                    ("2026-03-02T08:00:00", 1),
                    ("2026-03-02T08:30:00", 1),
                    ("2026-03-02T10:00:00", 1),
                ],
                header="start,offered",
            ),
        )
    assert [(e.row, e.reason) for e in caught.value.rows] == [(4, str(history_services.GAP_BEFORE))]
    result = _import(
        queue,
        csv_text(
            [("2026-03-02T08:00:00", 1), ("2026-03-02T08:30:00", 1), ("2026-03-04T08:00:00", 1)],
            header="start,offered",
        ),
    )
    assert result.intervals_written == 3


def test_missing_column_and_unsupported_interval():
    queue = make_queue()
    with pytest.raises(Exception) as missing:
        _import(queue, b"start,handled\n2026-03-02T08:00:00,1\n")
    assert "offered" in str(missing.value)
    with pytest.raises(Exception) as odd:
        _import(
            queue,
            csv_text(
                [
                    ("2026-03-02T08:00:00", 1),
                    ("2026-03-02T08:07:00", 1),
                    ("2026-03-02T08:14:00", 1),
                ],
                header="start,offered",
            ),
        )
    assert "7" in str(odd.value)


def test_reimport_replaces_the_period():
    queue = make_queue()
    first = [("2026-03-02T08:00:00", 10), ("2026-03-02T08:30:00", 10)]
    _import(queue, csv_text(first, header="start,offered"))
    _import(queue, csv_text(first, header="start,offered"))
    assert IntervalHistory.objects.count() == 2
    result = _import(queue, csv_text([("2026-03-02T08:00:00", 99)], header="start,offered"))
    assert result.intervals_replaced == 1
    assert sorted(IntervalHistory.objects.values_list("offered", flat=True)) == [10, 99]


def test_command_imports_and_reports_errors(tmp_path, capsys):
    queue = make_queue()
    good = tmp_path / "good.csv"
    good.write_bytes(csv_text([("2026-03-02T08:00:00", 3)], header="start,offered"))
    call_command("import_history", str(good), "--queue", queue.code, "--no-progress")
    assert IntervalHistory.objects.count() == 1
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_text([("yesterday", 3)], header="start,offered"))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_history", str(bad), "--queue", queue.code, "--no-progress")
    with pytest.raises(CommandError, match="Unknown queue"):
        call_command("import_history", str(good), "--queue", "nope", "--no-progress")


def test_a_non_default_site_zone():
    from tests.factories import SiteFactory

    site = SiteFactory(code="ldn", time_zone="Europe/London", planning_interval_minutes=15)
    queue = make_queue("uk", site=site)
    _import(
        queue,
        csv_text([("2026-07-01T09:00:00", 2), ("2026-07-01T09:15:00", 2)], header="start,offered"),
    )
    first = IntervalHistory.objects.order_by("start_at").first()
    assert first.start_at.astimezone(ZoneInfo("Europe/London")).hour == 9
    assert first.start_at.hour == 8  # BST is UTC+1
