"""Interval history import from the phone system's CSV exports.

The whole file is checked before anything is written: a file with any bad row is rejected with
a report of each bad row, column and reason (the first 100), and the database is untouched.
Checks are vectorised with pandas, so the 87,600-row reference file takes about a second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

import numpy as np
import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ..models import IntervalHistory, Queue

#: Source interval lengths the phone systems we know export, in minutes.
SOURCE_INTERVAL_MINUTES = (5, 6, 10, 15, 30, 60)
MAX_REPORTED_ERRORS = 100
WRITE_BATCH = 5000

# Accepted header names per column; the first is the canonical one.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "start": ("start", "start_at", "interval_start"),
    "offered": ("offered", "calls", "volume"),
    "handled": ("handled",),
    "abandoned": ("abandoned",),
    "aht_seconds": ("aht_seconds", "aht"),
}
COUNT_COLUMNS = ("offered", "handled", "abandoned")

EMPTY_FILE = _("The file has no rows.")
UNREADABLE_FILE = _("The file is not a readable CSV file: %(error)s")
MISSING_COLUMN = _("The file has no '%(column)s' column.")
UNSUPPORTED_INTERVAL = _(
    "Intervals of %(minutes)s minutes are not supported; use 5, 6, 10, 15, 30 or 60 minutes."
)
ROW_ERROR = _("Row %(row)s, column %(column)s: %(reason)s")
MORE_ERRORS = _("... and %(count)s more errors.")

UNPARSEABLE_TIME = _("not a date and time in ISO 8601")
NONEXISTENT_TIME = _("this local time does not exist or is ambiguous in the site's time zone")
MISSING_VALUE = _("a value is required")
NOT_A_NUMBER = _("not a number")
NEGATIVE = _("cannot be negative")
NOT_WHOLE = _("must be a whole number")
DUPLICATED_INTERVAL = _("duplicated interval (same start as an earlier row)")
OFF_GRID = _("does not start on the file's interval grid")
GAP_BEFORE = _("intervals missing before this row on the same day")


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet shows it: the header is row 1
    column: str
    reason: str


class HistoryFileError(ValidationError):
    """A rejected file: `rows` holds every problem found; the message lists the first 100."""

    def __init__(self, rows: list[RowError]) -> None:
        self.rows = rows
        shown = [
            ROW_ERROR % {"row": e.row, "column": e.column, "reason": e.reason}
            for e in rows[:MAX_REPORTED_ERRORS]
        ]
        if len(rows) > MAX_REPORTED_ERRORS:
            shown.append(MORE_ERRORS % {"count": len(rows) - MAX_REPORTED_ERRORS})
        super().__init__({"file": shown})


@dataclass(frozen=True)
class HistoryImportResult:
    rows_read: int
    source_interval_minutes: int
    intervals_written: int
    intervals_replaced: int
    first_start_at: dt.datetime
    last_start_at: dt.datetime


Progress = Callable[[int, int], None]  # (intervals written so far, total)


def history_import(
    *,
    queue: Queue,
    source: str | IO[Any],
    progress: Progress | None = None,
) -> HistoryImportResult:
    """Import a CSV of interval history into `queue`, replacing the period it covers.

    Columns: interval start (ISO 8601; with an offset, or naive meaning the site's zone),
    offered (or `calls`), and optionally handled, abandoned, aht_seconds. Intervals of any
    supported length are aggregated to the site's planning interval (counts summed, handle
    time weighted by handled contacts, or offered when handled is absent); longer intervals
    are split evenly. Idempotent: importing the same period again replaces it.
    """
    site = queue.site
    frame = _read(source)
    zone = site.time_zone
    planning = int(site.planning_interval_minutes)
    starts, numbers, errors = _parse(frame, zone)
    valid = starts.notna().to_numpy()
    duplicated = (starts.duplicated(keep="first") & starts.notna()).to_numpy()
    errors.extend(_row_errors(duplicated, "start", DUPLICATED_INTERVAL))
    local = starts.dt.tz_convert(zone).dt.tz_localize(None)
    minutes = _source_interval(local[valid & ~duplicated])
    if minutes not in SOURCE_INTERVAL_MINUTES:
        raise ValidationError({"file": [UNSUPPORTED_INTERVAL % {"minutes": minutes}]})
    minute_of_day = (local.dt.hour * 60 + local.dt.minute).to_numpy()
    off_grid = valid & ((minute_of_day % minutes != 0) | (local.dt.second.to_numpy() != 0))
    errors.extend(_row_errors(off_grid, "start", OFF_GRID))
    errors.extend(_gaps(local, valid & ~duplicated & ~off_grid, minutes))
    if errors:
        errors.sort(key=lambda e: (e.row, e.column))
        raise HistoryFileError(errors)

    buckets = _aggregate(starts, local, numbers, minutes, planning)
    return _write(queue, buckets, planning, len(frame), minutes, progress)


# --- reading and checking ------------------------------------------------------------------


def _read(source: str | IO[Any]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(source, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        if isinstance(error, pd.errors.EmptyDataError):
            raise ValidationError({"file": [EMPTY_FILE]}) from error
        raise ValidationError({"file": [UNREADABLE_FILE % {"error": error}]}) from error
    frame.columns = [str(name).strip().lower() for name in frame.columns]
    renames: dict[str, str] = {}
    for canonical, aliases in COLUMN_ALIASES.items():
        for alias in aliases:
            if alias in frame.columns:
                renames[alias] = canonical
                break
    frame = frame.rename(columns=renames)
    for required in ("start", "offered"):
        if required not in frame.columns:
            raise ValidationError({"file": [MISSING_COLUMN % {"column": required}]})
    if frame.empty:
        raise ValidationError({"file": [EMPTY_FILE]})
    return frame


def _row_errors(mask: np.ndarray, column: str, reason: Any) -> list[RowError]:
    return [
        RowError(row=int(i) + 2, column=column, reason=str(reason)) for i in np.flatnonzero(mask)
    ]


def _parse(
    frame: pd.DataFrame, zone: str
) -> tuple[pd.Series, dict[str, np.ndarray], list[RowError]]:
    errors: list[RowError] = []
    text = frame["start"].str.strip()
    has_offset = text.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True).to_numpy()
    starts = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
    if has_offset.any():
        starts[has_offset] = pd.to_datetime(
            text[has_offset], format="ISO8601", errors="coerce", utc=True
        )
    unparseable = has_offset & starts.isna().to_numpy()
    naive_rows = ~has_offset
    if naive_rows.any():
        naive = pd.to_datetime(text[naive_rows], format="ISO8601", errors="coerce")
        if getattr(naive.dt, "tz", None) is not None:  # pragma: no cover - offsets caught above
            naive = naive.dt.tz_localize(None)
        localised = naive.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT")
        starts[naive_rows] = localised.dt.tz_convert("UTC")
        bad_naive = np.zeros(len(frame), dtype=bool)
        bad_naive[naive_rows] = naive.isna().to_numpy()
        unparseable |= bad_naive
        missing_local = np.zeros(len(frame), dtype=bool)
        missing_local[naive_rows] = (localised.isna() & naive.notna()).to_numpy()
        errors.extend(_row_errors(missing_local, "start", NONEXISTENT_TIME))
    errors.extend(_row_errors(unparseable, "start", UNPARSEABLE_TIME))

    numbers: dict[str, np.ndarray] = {}
    for column in (*COUNT_COLUMNS, "aht_seconds"):
        if column not in frame.columns:
            numbers[column] = np.full(len(frame), np.nan)
            continue
        raw = frame[column].str.strip()
        empty = (raw == "").to_numpy()
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
        not_number = ~empty & ~np.isfinite(values)
        errors.extend(_row_errors(not_number, column, NOT_A_NUMBER))
        if column == "offered":
            errors.extend(_row_errors(empty, column, MISSING_VALUE))
        finite = np.isfinite(values)
        errors.extend(_row_errors(finite & (values < 0), column, NEGATIVE))
        if column in COUNT_COLUMNS:
            fractional = finite & (values >= 0) & (np.floor(values) != values)
            errors.extend(_row_errors(fractional, column, NOT_WHOLE))
        numbers[column] = values
    return starts, numbers, errors


def _source_interval(local: pd.Series) -> int:
    """The file's interval length: the most common step between consecutive starts."""
    unique = np.unique(local.to_numpy())
    if len(unique) < 2:
        return 30
    steps = np.diff(unique).astype("timedelta64[s]").astype(np.int64) // 60
    steps = steps[steps > 0]
    if len(steps) == 0:
        return 30
    values, counts = np.unique(steps, return_counts=True)
    return int(values[np.argmax(counts)])


def _gaps(local: pd.Series, usable: np.ndarray, minutes: int) -> list[RowError]:
    """Missing intervals between two rows of the same day (whole missing days are closed)."""
    rows = np.flatnonzero(usable)
    if len(rows) < 2:
        return []
    times = local.to_numpy()[rows]
    order = np.argsort(times, kind="stable")
    times, rows = times[order], rows[order]
    days = times.astype("datetime64[D]")
    step = np.diff(times).astype("timedelta64[s]").astype(np.int64) // 60
    gap = (step > minutes) & (days[1:] == days[:-1])
    mask = np.zeros(len(local), dtype=bool)
    mask[rows[1:][gap]] = True
    return _row_errors(mask, "start", GAP_BEFORE)


# --- aggregation and writing ------------------------------------------------------------------


def _aggregate(
    starts: pd.Series,
    local: pd.Series,
    numbers: dict[str, np.ndarray],
    minutes: int,
    planning: int,
) -> pd.DataFrame:
    """Rows on the planning grid: start_at (UTC), offered, handled, abandoned, aht_seconds."""
    offset = local.to_numpy() - starts.dt.tz_localize(None).to_numpy()
    offered = numbers["offered"]
    handled = numbers["handled"]
    abandoned = numbers["abandoned"]
    aht = numbers["aht_seconds"]
    local_values = local.to_numpy()
    if minutes > planning:
        # A longer source interval is split evenly (largest remainder keeps whole counts).
        parts = minutes // planning
        local_values = np.repeat(local_values, parts) + np.tile(
            np.arange(parts) * np.timedelta64(planning, "m"), len(local)
        )
        offset = np.repeat(offset, parts)
        offered, handled, abandoned = (
            _split(values, parts) for values in (offered, handled, abandoned)
        )
        aht = np.repeat(aht, parts)
    bucket_local = pd.Series(local_values).dt.floor(f"{planning}min").to_numpy()
    bucket_utc = bucket_local - offset
    weight = np.where(np.isfinite(handled), handled, offered)
    known = np.isfinite(aht) & (weight > 0)
    data = pd.DataFrame(
        {
            "start_at": bucket_utc,
            "offered": offered,
            "handled": handled,
            "abandoned": abandoned,
            "work": np.where(known, aht * weight, 0.0),
            "weight": np.where(known, weight, 0.0),
        }
    )
    # min_count=1: a bucket where no row gave handled (or abandoned) stays unknown, not 0
    grouped = data.groupby("start_at", sort=True).sum(min_count=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        grouped["aht_seconds"] = np.where(
            grouped["weight"] > 0, grouped["work"] / grouped["weight"], np.nan
        )
    return grouped.reset_index()


def _split(values: np.ndarray, parts: int) -> np.ndarray:
    if not np.isfinite(values).any():
        return np.repeat(values, parts)
    whole = np.nan_to_num(values).astype(np.int64)
    base = np.repeat(whole // parts, parts).reshape(-1, parts)
    remainder = whole % parts
    base += np.arange(parts)[None, :] < remainder[:, None]
    result = base.reshape(-1).astype(float)
    result[np.repeat(~np.isfinite(values), parts)] = np.nan
    return result


def _optional_int(value: float) -> int | None:
    return None if np.isnan(value) else int(value)


def _write(
    queue: Queue,
    buckets: pd.DataFrame,
    planning: int,
    rows_read: int,
    minutes: int,
    progress: Progress | None,
) -> HistoryImportResult:
    starts = list(pd.to_datetime(buckets["start_at"]).dt.tz_localize("UTC").dt.to_pydatetime())
    first, last = starts[0], starts[-1]
    offered = buckets["offered"].to_numpy()
    handled = buckets["handled"].to_numpy(dtype=float)
    abandoned = buckets["abandoned"].to_numpy(dtype=float)
    aht = buckets["aht_seconds"].to_numpy(dtype=float)
    # Rows are checked above, vectorised; full_clean per row would cost a query each.
    rows = [
        IntervalHistory(
            queue_id=queue.pk,
            start_at=starts[i],
            offered=int(offered[i]),
            handled=_optional_int(handled[i]),
            abandoned=_optional_int(abandoned[i]),
            aht_seconds=None if np.isnan(aht[i]) else round(float(aht[i]), 2),
        )
        for i in range(len(starts))
    ]
    with transaction.atomic():
        replaced, _deleted = IntervalHistory.objects.filter(
            queue=queue, start_at__gte=first, start_at__lt=last + dt.timedelta(minutes=planning)
        ).delete()
        for begin in range(0, len(rows), WRITE_BATCH):
            IntervalHistory.objects.bulk_create(rows[begin : begin + WRITE_BATCH])
            if progress is not None:
                progress(min(begin + WRITE_BATCH, len(rows)), len(rows))
    return HistoryImportResult(
        rows_read=rows_read,
        source_interval_minutes=minutes,
        intervals_written=len(rows),
        intervals_replaced=replaced,
        first_start_at=first,
        last_start_at=last,
    )
