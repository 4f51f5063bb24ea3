"""Keyset pagination: a page starts after (or before) the sort key of a row, not at an offset.

A list sorted newest first on ``(k1, k2, ...)`` (e.g. ``(submitted_at, id)``, unique because
of the id) reads page n+1 as "the `size` rows whose key is smaller than the last one of page
n", walking its index from that key: the last page costs what the first costs, however many
rows come before it. Links carry the boundary row's key as an opaque cursor (`encode`), which
`decode` checks strictly (a bad cursor is a 4xx, never a 500).

Without a cursor, page 1 is the first rows and the last page the first rows of the reversed
order (the remainder of the division, so pages keep their boundaries): both are walks from one
end of the index. A page number in between given without a cursor (an old bookmark, an API
client counting pages) is read from the nearer end, skipping rows: the only place rows are
skipped, and never what the pages' own links do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, literal, tuple_
from sqlalchemy.orm import QueryableAttribute, Session

from ykien.errors import UserError

MAX_CURSOR = 80
_CURSOR = re.compile(r"^-?\d{1,20}(?:\.-?\d{1,20}){0,3}$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
KeyColumn = ColumnElement[Any] | QueryableAttribute[Any]


@dataclass(frozen=True, slots=True)
class Seek:
    """Where the page is: after (older than) or before (newer than) a key, or a page number."""

    after: tuple[Any, ...] | None = None
    before: tuple[Any, ...] | None = None


def _micros(value: datetime) -> int:
    delta = value.astimezone(UTC) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def encode(values: Sequence[Any]) -> str:
    """A cursor for a row's key: datetimes as microseconds since 1970 (UTC), ints as they are."""
    parts = [str(_micros(v)) if isinstance(v, datetime) else str(int(v)) for v in values]
    return ".".join(parts)


def decode(cursor: str | None, kinds: Sequence[type]) -> tuple[Any, ...] | None:
    """The key of a cursor made by `encode` for keys of these kinds (datetime or int)."""
    if cursor is None or not cursor.strip():
        return None
    cleaned = cursor.strip()
    if len(cleaned) > MAX_CURSOR or not _CURSOR.match(cleaned):
        raise _bad_cursor(cleaned)
    numbers = [int(part) for part in cleaned.split(".")]
    if len(numbers) != len(kinds):
        raise _bad_cursor(cleaned)
    values: list[Any] = []
    for number, kind in zip(numbers, kinds, strict=True):
        if kind is datetime:
            try:
                values.append(
                    datetime.fromtimestamp(number // 1_000_000, UTC).replace(
                        microsecond=number % 1_000_000
                    )
                )
            except (OverflowError, OSError, ValueError):
                raise _bad_cursor(cleaned) from None
        elif abs(number) > 2**63 - 1:
            raise _bad_cursor(cleaned)
        else:
            values.append(number)
    return tuple(values)


def _bad_cursor(shown: str) -> UserError:
    return UserError(
        "cursor_invalid",
        f"Liên kết trang không hợp lệ: “{shown[:40]}”.",
        f"The page link is not valid: “{shown[:40]}”.",
    )


def _typed(values: Sequence[Any], keys: Sequence[KeyColumn]) -> ColumnElement[Any]:
    return tuple_(*(literal(value, key.type) for value, key in zip(values, keys, strict=True)))


def page_rows(
    session: Session,
    query: Select[Any],
    keys: Sequence[KeyColumn],
    *,
    seek: Seek,
    page: int,
    pages: int,
    total: int,
    size: int,
) -> list[Row[Any]]:
    """The rows of one page of `query`, sorted on `keys` descending (newest first)."""
    newest_first = [key.desc() for key in keys]
    oldest_first = [key.asc() for key in keys]
    if seek.after is not None:
        found = query.where(tuple_(*keys) < _typed(seek.after, keys))
        return list(session.execute(found.order_by(*newest_first).limit(size)).all())
    if seek.before is not None:
        found = query.where(tuple_(*keys) > _typed(seek.before, keys))
        rows = session.execute(found.order_by(*oldest_first).limit(size)).all()
        return list(reversed(rows))
    if page <= 1 or total <= size:
        return list(session.execute(query.order_by(*newest_first).limit(size)).all())
    if page >= pages:
        remainder = total - (pages - 1) * size
        rows = session.execute(query.order_by(*oldest_first).limit(remainder)).all()
        return list(reversed(rows))
    skipped_from_top = (page - 1) * size
    skipped_from_bottom = total - page * size
    if skipped_from_top <= skipped_from_bottom:
        ordered = query.order_by(*newest_first).offset(skipped_from_top).limit(size)
        return list(session.execute(ordered).all())
    ordered = query.order_by(*oldest_first).offset(skipped_from_bottom).limit(size)
    return list(reversed(session.execute(ordered).all()))
