"""ASGI middleware in front of the app: input that cannot be valid refused before any work,
admission control under bursts, and the security headers of every answer.

- `InputGuard`: a body over the size limit gets 413 (declared or streamed, chunked included,
  even when the app had already turned the failed read into another error); a NUL byte in the
  path, the query or a JSON/form body gets 400. (Ids above the databases' INTEGER are refused
  by the app itself, whose id parameters are all typed `DbId`.)
- `AdmissionControl`: at most `max_in_flight` requests in progress per process; the next one
  is answered at once with 503 and `Retry-After`, before any work, instead of queueing.
- `SecurityHeaders`: CSP without inline script, frame-ancestors none, nosniff,
  Referrer-Policy, and HSTS in production.

Answers are the app's error format: JSON `{"error": {...}}` for the API, a short page otherwise.
"""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ykien.opinions import intake

# how a NUL byte looks in the bodies that are checked (uploads may hold NULs)
NUL_MARKERS = {
    b"application/json": (b"\x00", b"\\u0000"),
    b"application/x-www-form-urlencoded": (b"\x00", b"%00"),
}
MARKER_TAIL = 5

Headers = list[tuple[bytes, bytes]]

_MESSAGES = {
    400: (
        "invalid_characters",
        "Yêu cầu chứa ký tự không hợp lệ.",
        "The request holds invalid characters.",
    ),
    413: ("too_large", "Yêu cầu quá lớn.", "The request is too large."),
    503: (
        "overloaded",
        "Máy chủ đang quá tải; vui lòng thử lại sau giây lát.",
        "The server is busy; try again in a moment.",
    ),
}


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope.get("headers") or ():
        if key == name:
            return bytes(value)
    return b""


def _wants_json(scope: Scope) -> bool:
    return str(scope.get("path", "")).startswith("/api/") or b"application/json" in _header(
        scope, b"accept"
    )


async def refuse(
    scope: Scope, send: Send, status: int, extra: Iterable[tuple[bytes, bytes]] = ()
) -> None:
    """Answer `status` in the app's error format (Vietnamese first, English beside it)."""
    code, vi, en = _MESSAGES[status]
    english = b"lang=en" in _header(scope, b"cookie") or _header(
        scope, b"accept-language"
    ).startswith(b"en")
    message = en if english else vi
    if _wants_json(scope):
        body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False)
        kind = b"application/json"
    else:
        body = (
            f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{html.escape(message)}</p>"
        )
        kind = b"text/html; charset=utf-8"
    data = body.encode("utf-8")
    headers: Headers = [(b"content-type", kind), (b"content-length", str(len(data)).encode())]
    headers.extend(extra)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def _bad_target(scope: Scope) -> int | None:
    """400 for a NUL anywhere in the target. (Ids beyond the databases' range are the app's
    to refuse: every id parameter is typed `DbId`, so a page can redraw with what was typed.)"""
    raw = bytes(scope.get("raw_path") or b"") + b"?" + bytes(scope.get("query_string") or b"")
    if b"\x00" in raw or b"%00" in raw.lower() or "\x00" in str(scope.get("path", "")):
        return 400
    return None


class _Refused(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


class InputGuard:
    """See the module docstring."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = _bad_target(scope)
        declared = _header(scope, b"content-length")
        if status is None and declared.isdigit() and int(declared) > self.max_bytes:
            status = 413
        if status is not None:
            await refuse(scope, send, status)
            return
        kind = _header(scope, b"content-type").lower().split(b";")[0].strip()
        markers = NUL_MARKERS.get(kind, ())
        seen, tail = 0, b""
        refused: list[int] = []  # the status the body earned, once read
        started = False

        async def guarded_receive() -> Message:
            nonlocal seen, tail
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                seen += len(chunk)
                if seen > self.max_bytes:
                    refused.append(413)
                    raise _Refused(413)
                if markers and chunk:
                    window = tail + chunk
                    if any(marker in window.lower() for marker in markers):
                        refused.append(400)
                        raise _Refused(400)
                    tail = window[-MARKER_TAIL:]
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:  # the app answered a body it could not read: answer ours instead
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await refuse(scope, send, refused[0])
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, guarded_receive, guarded_send)
        except _Refused as error:
            if not started:
                await refuse(scope, send, error.status)


SUBMISSION_PATH = re.compile(r"^/api/v1/consultations/[0-9]+/opinions$")


class AdmissionControl:
    """At most `max_in_flight` requests in progress in this process; beyond, 503 at once.

    Also notes when each request arrived, so the intake can leave out submissions that
    waited past their budget (their client has likely given up; see opinions.intake).
    """

    def __init__(
        self,
        app: ASGIApp,
        max_in_flight: int,
        retry_after: int = 1,
        writer: intake.IntakeWriter | None = None,
    ) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.writer = writer  # the intake whose standing queue refuses API submissions
        self.in_flight = 0
        self.retry_after = str(retry_after).encode()
        self.refused = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.max_in_flight or self._intake_full(scope):
            self.refused += 1
            await refuse(scope, send, 503, [(b"retry-after", self.retry_after)])
            return
        self.in_flight += 1
        intake.request_arrived.set(time.monotonic())
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1

    def _intake_full(self, scope: Scope) -> bool:
        """An API submission while the intake would refuse it anyway: refused here, before
        its body, its credential and its input are read (a refusal must cost next to nothing,
        or refusing a flood starves the submissions being stored). The browser's form is let
        through: the intake's refusal draws the form again with the typed text."""
        return (
            self.writer is not None
            and scope.get("method") == "POST"
            and SUBMISSION_PATH.match(str(scope.get("path", ""))) is not None
            and self.writer.overloaded()
        )


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
HSTS = b"max-age=31536000; includeSubDomains"


class SecurityHeaders:
    """Adds the security headers to every answer (the interactive API docs, when enabled,
    load their scripts from their own pages and get no CSP)."""

    def __init__(self, app: ASGIApp, production: bool, docs_path: str | None) -> None:
        self.app = app
        self.docs_path = docs_path
        self.common: Headers = [
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"same-origin"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        ]
        if production:
            self.common.append((b"strict-transport-security", HSTS))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = list(self.common)
        if not (self.docs_path and str(scope.get("path", "")).startswith(self.docs_path)):
            extra.append((b"content-security-policy", CSP.encode()))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {key.lower() for key, _value in message.get("headers", [])}
                headers = list(message.get("headers", []))
                headers.extend(item for item in extra if item[0] not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
