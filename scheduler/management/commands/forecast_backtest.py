"""manage.py forecast_backtest: rolling-origin evaluation of the forecast, for a queue's
history or for a CSV file (an interface to scheduler.forecasting.backtest)."""

import json
import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from scheduler.forecasting import day_matrix
from scheduler.forecasting.backtest import backtest_csv, backtest_matrix
from scheduler.selectors.demand import history_frame_for_queue, queue_get_by_code
from scheduler.services.demand import _special_days, forecast_country


class Command(BaseCommand):
    help = (
        "Rolling-origin backtest: interval and daily WAPE of the forecast and of seasonal "
        "naive, each origin seeing only earlier data. Use --queue CODE or --csv FILE."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--queue", help="queue code (its imported history)")
        source.add_argument("--csv", help="file with columns start,calls at any interval")
        parser.add_argument("--interval-minutes", type=int, default=None)
        parser.add_argument("--horizon-days", type=int, default=14)
        parser.add_argument("--origins", type=int, default=4)
        parser.add_argument("--step-days", type=int, default=14)
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            payload = self._run(options)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if options["json"]:
            self.stdout.write(json.dumps(payload))
            return
        self.stdout.write(f"method {payload['method']}, {payload['seconds']:.1f} s")
        self.stdout.write(f"{'':12}{'interval WAPE':>15}{'daily WAPE':>12}")
        self.stdout.write(
            f"{'forecast':12}{payload['interval_wape']:>15.1%}{payload['daily_wape']:>12.1%}"
        )
        self.stdout.write(
            f"{'naive':12}{payload['naive_interval_wape']:>15.1%}"
            f"{payload['naive_daily_wape']:>12.1%}"
        )
        for note in payload.get("notes", []):
            self.stdout.write(f"note: {note}")

    def _run(self, options: dict[str, Any]) -> dict[str, Any]:
        if options["csv"]:
            return backtest_csv(
                options["csv"],
                interval_minutes=options["interval_minutes"] or 30,
                horizon_days=options["horizon_days"],
                origins=options["origins"],
                step_days=options["step_days"],
                country=forecast_country(),
            )
        began = time.perf_counter()
        queue = queue_get_by_code(code=options["queue"])
        history = history_frame_for_queue(queue=queue)
        if history.empty:
            raise CommandError(f"Queue {queue.code} has no history.")
        matrix = day_matrix(
            history,
            interval_minutes=options["interval_minutes"] or queue.site.planning_interval_minutes,
        )
        result = backtest_matrix(
            matrix,
            horizon_days=options["horizon_days"],
            origins=options["origins"],
            step_days=options["step_days"],
            country=forecast_country(),
            special_days=_special_days(queue),
        )
        payload = result.as_dict()
        payload["queue"] = queue.code
        payload["seconds"] = time.perf_counter() - began
        return payload
