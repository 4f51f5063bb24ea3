from datetime import UTC, datetime

import pytest

from ykien.timefmt import format_date, format_datetime, parse_datetime


def test_vietnamese_dates_are_local_time() -> None:
    assert parse_datetime("05/03/2025") == datetime(2025, 3, 4, 17, 0, tzinfo=UTC)
    assert parse_datetime("5/3/2025 14:30") == datetime(2025, 3, 5, 7, 30, tzinfo=UTC)
    assert parse_datetime("2025-03-05T14:30:00+07:00") == datetime(2025, 3, 5, 7, 30, tzinfo=UTC)


def test_formatting_uses_dd_mm_yyyy_in_vietnam() -> None:
    moment = datetime(2025, 12, 31, 18, 5, tzinfo=UTC)
    assert format_date(moment) == "01/01/2026"
    assert format_datetime(moment) == "01:05 01/01/2026"


@pytest.mark.parametrize("bad", ["31/02/2025", "hôm qua", "2025/13/01", ""])
def test_invalid_dates_raise(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_datetime(bad)
