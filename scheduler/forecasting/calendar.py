"""Day kinds from a public-holiday calendar: regular weekday, public holiday, make-up working day.

China moves working days around its public holidays: a week-long holiday is "paid for" by
working on a Saturday or Sunday before or after it (调休).  Those make-up working days behave like
ordinary working days in a contact center, and the holidays themselves like a quiet weekend day,
so the forecast must not simply look at the weekday.  The `holidays` library knows both for
China (and holidays for other countries); the country is a parameter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum

import holidays


class DayKind(StrEnum):
    REGULAR = "regular"  # an ordinary day of its weekday
    HOLIDAY = "holiday"  # a public holiday (or a day off substituted for one)
    MAKEUP_WORKDAY = "makeup_workday"  # a weekend day that is a working day by decree


def day_kinds(dates: Iterable[dt.date], *, country: str | None = "CN") -> dict[dt.date, DayKind]:
    """Kind of each date.  ``country=None`` (or "") turns the calendar off: every day is regular."""
    date_list = list(dates)
    if not country or not date_list:
        return dict.fromkeys(date_list, DayKind.REGULAR)
    years = sorted({d.year for d in date_list} | {d.year + 1 for d in date_list})
    calendar = holidays.country_holidays(country, years=years)
    makeup = set(getattr(calendar, "weekend_workdays", set()))
    kinds: dict[dt.date, DayKind] = {}
    for day in date_list:
        if day in makeup:
            kinds[day] = DayKind.MAKEUP_WORKDAY
        elif day in calendar:
            kinds[day] = DayKind.HOLIDAY
        else:
            kinds[day] = DayKind.REGULAR
    return kinds
