"""Working days for leave counting, from the maintained `holidays` calendar.

China moves working days around public holidays: a weekend day can be a make-up working day
(调休). `holidays` knows both, so a leave of "working days" skips public holidays and counts
make-up Saturdays and Sundays.
"""

import datetime
from decimal import Decimal
from functools import lru_cache

import holidays
from django.conf import settings


@lru_cache(maxsize=64)
def _calendar(country: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, years=year)


def is_public_holiday(day: datetime.date, *, country: str | None = None) -> bool:
    return day in _calendar(country or settings.HOLIDAY_COUNTRY, day.year)


def is_working_day(day: datetime.date, *, country: str | None = None) -> bool:
    calendar = _calendar(country or settings.HOLIDAY_COUNTRY, day.year)
    if day in calendar:
        return False
    if day.weekday() >= 5:
        return day in getattr(calendar, "weekend_workdays", set())
    return True


def count_leave_days(
    start_on: datetime.date,
    end_on: datetime.date,
    *,
    calendar_days: bool,
    part_day_hours: Decimal | None = None,
    hours_per_day: Decimal = Decimal("8"),
    country: str | None = None,
    rostered: dict[datetime.date, bool] | None = None,
) -> Decimal:
    """Days a request takes from a balance: calendar days, or working days, or a part day.

    ``rostered`` gives, for days a published roster covers, whether the agent works a shift:
    there a working-day count takes the rostered shifts (a Saturday shift counts, a weekday
    rostered off does not); other days follow the public-holiday calendar."""
    if end_on < start_on:
        return Decimal("0")
    if part_day_hours is not None:
        return (part_day_hours / hours_per_day).quantize(Decimal("0.01"))
    total = (end_on - start_on).days + 1
    if calendar_days:
        return Decimal(total)
    rostered = rostered or {}
    days = 0
    for offset in range(total):
        day = start_on + datetime.timedelta(days=offset)
        if day in rostered:
            days += int(rostered[day])
        elif is_working_day(day, country=country):
            days += 1
    return Decimal(days)
