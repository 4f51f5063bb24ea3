"""Signing in and out (rate-limited), the interface language, and API tokens for a password."""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ykien.accounts import service as accounts
from ykien.accounts import tokens
from ykien.accounts.models import Account
from ykien.accounts.schemas import TokenOut, TokenRequest
from ykien.errors import UserError
from ykien.web.deps import SESSION_USER
from ykien.web.forms import Problem, redraw_on_error, see_other
from ykien.web.i18n import LANGUAGES
from ykien.web.security import verify_csrf
from ykien.web.templating import LANGUAGE_COOKIE, render
from ykien.web.tx import Tx

router = APIRouter()

MAX_FAILURES = 5
WINDOW_SECONDS = 300


class LoginLimiter:
    """At most MAX_FAILURES failed sign-ins per username and per client in WINDOW_SECONDS."""

    def __init__(self) -> None:
        self.failures: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self.failures.setdefault(key, deque())
        while times and now - times[0] > WINDOW_SECONDS:
            times.popleft()
        return times

    def blocked(self, *keys: str) -> bool:
        now = time.monotonic()
        with self.lock:
            return any(len(self._recent(key, now)) >= MAX_FAILURES for key in keys)

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self.lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        with self.lock:
            for key in keys:
                self.failures.pop(key, None)


class TooManyAttempts(UserError):
    status_code = 429


def _limiter(request: Request) -> LoginLimiter:
    limiter: LoginLimiter | None = getattr(request.app.state, "login_limiter", None)
    if limiter is None:
        limiter = request.app.state.login_limiter = LoginLimiter()
    return limiter


def safe_next(target: str | None) -> str:
    """Only same-site paths are followed after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def check_password(request: Request, db: Session, username: str, password: str) -> Account:
    """The account of a username and password, at most MAX_FAILURES wrong tries per window."""
    client = request.client.host if request.client else "?"
    keys = (f"user:{username.strip().lower()}", f"ip:{client}")
    limiter = _limiter(request)
    if limiter.blocked(*keys):
        raise TooManyAttempts(
            "too_many_attempts",
            "Đăng nhập sai quá nhiều lần; vui lòng thử lại sau 5 phút.",
            "Too many failed sign-ins; try again in 5 minutes.",
        )
    account = accounts.authenticate(session=db, username=username, password=password)
    if account is None:
        limiter.failed(*keys)
        raise UserError(
            "login_failed",
            "Tên đăng nhập hoặc mật khẩu không đúng.",
            "The username or password is wrong.",
        )
    limiter.succeeded(*keys)
    return account


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "accounts/login.html", {"next": safe_next(next), "username": ""})


@router.post("/login", include_in_schema=False, dependencies=[Depends(verify_csrf)])
def login(
    request: Request,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    db: Tx,
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    def again(problem: Problem) -> Response:
        context = {"next": safe_next(next), "username": username, "error": problem.message}
        return render(request, "accounts/login.html", context, status_code=problem.status_code)

    with redraw_on_error(request, db, again):
        account = check_password(request, db, username, password)
    request.session.clear()  # a new session on sign-in: no fixation
    request.session[SESSION_USER] = account.id
    return see_other(safe_next(next))


@router.post("/logout", include_in_schema=False, dependencies=[Depends(verify_csrf)])
def logout(request: Request) -> Response:
    request.session.clear()
    return see_other("/")


@router.post("/language", include_in_schema=False, dependencies=[Depends(verify_csrf)])
def set_language(
    language: Annotated[str, Form(max_length=5)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Remember the interface language in a cookie (one year)."""
    response = see_other(safe_next(next))
    if language in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600, samesite="lax", httponly=True
        )
    return response


@router.post("/api/v1/tokens", response_model=TokenOut, status_code=201, tags=["accounts"])
def api_create_token(request: Request, body: TokenRequest, db: Tx) -> TokenOut:
    """Exchange a username and password for a bearer token (rate-limited like sign-in)."""
    account = check_password(request, db, body.username, body.password)
    issued = tokens.issue(session=db, account_id=account.id, name=body.name)
    return TokenOut(id=issued.id, token=issued.token)
