"""Tables exported as CSV or XLSX downloads (HR reports). Presentation only: callers pass the
headers and rows they already read through selectors."""

import csv
import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: A cell starting with one of these is read as a formula by spreadsheet programs; text from
#: users (names, notes) is prefixed with a quote so it stays text (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    title: str
    headers: Sequence[str]
    rows: list[Sequence[Any]] = field(default_factory=list)


def _safe_text(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return _safe_text(str(value)) if not isinstance(value, int | float | Decimal) else value


def csv_response(table: Table, filename: str) -> HttpResponse:
    """UTF-8 with a byte-order mark, so spreadsheet programs read Chinese names correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(header) for header in table.headers])
    for row in table.rows:
        writer.writerow([_csv_cell(value) for value in row])
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return value
    if value is None or isinstance(value, int | float | datetime.date):
        return value
    return _safe_text(str(value))


def xlsx_response(table: Table, filename: str) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    # Sheet titles are at most 31 characters and cannot hold []:*?/\
    sheet.title = "".join(c for c in str(table.title) if c not in "[]:*?/\\")[:31] or "Report"
    sheet.append([str(header) for header in table.headers])
    for row in table.rows:
        sheet.append([_xlsx_cell(value) for value in row])
    sheet.freeze_panes = "A2"
    for index, header in enumerate(table.headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(len(str(header)) + 2, 12)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
