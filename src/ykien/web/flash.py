"""One-time messages shown on the next page (kept in the signed session cookie)."""

from __future__ import annotations

from fastapi import Request

FLASHES = "flashes"


def add_flash(request: Request, message: str) -> None:
    request.session[FLASHES] = [*request.session.get(FLASHES, []), message]


def pop_flashes(request: Request) -> list[str]:
    return list(request.session.pop(FLASHES, []))
