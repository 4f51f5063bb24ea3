"""CSRF tokens for browser requests (the body size limit is in web.guard)."""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request

from ykien.errors import Forbidden

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


async def verify_csrf(request: Request) -> None:
    """Refuse a state-changing browser request whose CSRF token does not match the session's.

    Requests authenticated with a bearer token carry no ambient credentials and need none.
    """
    if request.method in SAFE_METHODS:
        return
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    expected = request.session.get("csrf")
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not expected or not given or not hmac.compare_digest(str(expected), given):
        raise Forbidden(
            "csrf_failed",
            "Phiên làm việc đã hết hạn hoặc yêu cầu không hợp lệ; hãy tải lại trang và thử lại.",
            "Your session expired or the request was not valid; reload the page and try again.",
        )
