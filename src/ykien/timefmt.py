"""Vietnamese date conventions: dd/mm/yyyy, Asia/Ho_Chi_Minh."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

_VN_DATE = re.compile(
    r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T,]+(\d{1,2})[:hg](\d{2})(?::(\d{2}))?)?\s*$"
)


def format_date(value: datetime, tz: ZoneInfo = VN_TZ) -> str:
    return value.astimezone(tz).strftime("%d/%m/%Y")


def format_datetime(value: datetime, tz: ZoneInfo = VN_TZ) -> str:
    return value.astimezone(tz).strftime("%H:%M %d/%m/%Y")


def parse_datetime(text: str, tz: ZoneInfo = VN_TZ) -> datetime:
    """Parse "dd/mm/yyyy[ HH:MM[:SS]]" (local time in tz) or ISO 8601 into an aware UTC datetime.

    Raises ValueError with an explanation when the text is not a valid date.
    """
    match = _VN_DATE.match(text)
    if match:
        day, month, year, hour, minute, second = match.groups()
        local = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=tz,
        )
        return local.astimezone(UTC)
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"not a date (expected dd/mm/yyyy): {text!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


def start_of_day(value: datetime, tz: ZoneInfo = VN_TZ) -> datetime:
    local = value.astimezone(tz)
    return datetime.combine(local.date(), time(0), tzinfo=tz).astimezone(UTC)
