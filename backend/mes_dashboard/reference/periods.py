"""Calendar dates of the query contract: parsing, and the first day of a day, week, month or year.

A date field holds a calendar date (Arrow date32, no time zone) and is read as its "YYYY-MM-DD"
text; a timestamp field is epoch milliseconds, whose date is taken in the plant time zone.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from mes_dashboard import contracts

UNITS = ("day", "week", "month", "year")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_date(text: object) -> date | None:
    """The calendar date of a "YYYY-MM-DD" string, None when it is not one (e.g. 2025-02-29)."""
    if not isinstance(text, str) or not _DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def plant_date(epoch_ms: int) -> date:
    """The plant-local calendar date of an instant (epoch milliseconds)."""
    instant = _EPOCH + timedelta(milliseconds=epoch_ms)
    return instant.astimezone(_plant_zone()).date()


def period_start(day: date, unit: str) -> date:
    """The first day of the period holding `day`: itself, its ISO week's Monday, the 1st."""
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "year":
        return day.replace(month=1, day=1)
    raise ValueError(f"unknown period unit '{unit}'")


def period_key(value: str | int, unit: str) -> str:
    """The group key of a date field's text or a timestamp field's epoch ms: "YYYY-MM-DD"."""
    day = date.fromisoformat(value) if isinstance(value, str) else plant_date(value)
    return period_start(day, unit).isoformat()


@cache
def _plant_zone() -> ZoneInfo:
    return ZoneInfo(contracts.plant_timezone())
