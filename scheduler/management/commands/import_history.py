"""manage.py import_history FILE.csv --queue CODE: an interface to services.history."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from scheduler.selectors.demand import queue_get_by_code
from scheduler.services.history import HistoryFileError, history_import


class Command(BaseCommand):
    help = (
        "Import interval history (CSV: start, offered or calls, optionally handled, abandoned, "
        "aht_seconds) into a queue. A file with errors is rejected whole; importing a period "
        "again replaces it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV file from the phone system")
        parser.add_argument("--queue", required=True, help="queue code")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            queue = queue_get_by_code(code=options["queue"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        bar = tqdm(
            total=0,
            unit=" intervals",
            disable=options["no_progress"],
            file=self.stderr._out,
            desc=queue.code,
        )

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        try:
            with open(options["file"], "rb") as source:
                result = history_import(queue=queue, source=source, progress=progress)
        except FileNotFoundError as error:
            raise CommandError(str(error)) from error
        except HistoryFileError as error:
            bar.close()
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError(
                f"{len(error.rows)} bad rows; nothing was imported from {options['file']}."
            ) from error
        except ValidationError as error:
            bar.close()
            raise CommandError(" ".join(error.messages)) from error
        bar.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.rows_read} rows of {result.source_interval_minutes} minutes -> "
                f"{result.intervals_written} intervals for {queue.code} "
                f"({result.first_start_at:%Y-%m-%d %H:%M} to "
                f"{result.last_start_at:%Y-%m-%d %H:%M} UTC; "
                f"{result.intervals_replaced} replaced)."
            )
        )
