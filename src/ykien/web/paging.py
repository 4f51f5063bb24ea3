"""Page position as query parameters: a page number and, from a page's own links, a cursor."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Query

from ykien.db import keyset

PageNumber = Annotated[int, Query(ge=1, le=1_000_000)]
Cursor = Annotated[str | None, Query(max_length=keyset.MAX_CURSOR)]


class PageAt:
    """`page` (as shown), and `after` / `before` the cursor of the page's neighbour."""

    def __init__(self, page: PageNumber = 1, after: Cursor = None, before: Cursor = None) -> None:
        self.page = page
        self.after = after
        self.before = before

    def seek(self, kinds: Sequence[type]) -> keyset.Seek:
        """Where the page starts (a bad cursor is a UserError)."""
        return keyset.Seek(
            after=keyset.decode(self.after, kinds), before=keyset.decode(self.before, kinds)
        )

    def query(self) -> str:
        """The same position as a query string (for a fragment of the same page)."""
        values = {"page": str(self.page), "after": self.after or "", "before": self.before or ""}
        return urlencode({name: value for name, value in values.items() if value})


def neighbour_links(
    path: str, page: int, pages: int, previous_cursor: str | None, next_cursor: str | None
) -> dict[str, str | None]:
    """Links to the pages beside: by cursor, except to the first and the last (by number)."""
    links: dict[str, str | None] = {"previous": None, "next": None}
    if previous_cursor is not None:
        links["previous"] = (
            path
            if page - 1 == 1
            else f"{path}?{urlencode({'page': page - 1, 'before': previous_cursor})}"
        )
    if next_cursor is not None:
        links["next"] = (
            f"{path}?page={pages}"
            if page + 1 == pages
            else f"{path}?{urlencode({'page': page + 1, 'after': next_cursor})}"
        )
    return links
