"""Signing in and out (rate-limited), the interface language, and API tokens for a password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ykien.accounts import limiter, tokens
from ykien.accounts import service as accounts
from ykien.accounts.models import Account
from ykien.accounts.schemas import TokenOut, TokenRequest
from ykien.errors import UserError
from ykien.web.deps import (
    Principal,
    client_address,
    current_principal,
    request_credential,
    require_principal,
    start_session,
)
from ykien.web.forms import Problem, redraw_on_error, see_other
from ykien.web.i18n import LANGUAGES
from ykien.web.security import verify_csrf
from ykien.web.templating import LANGUAGE_COOKIE, render
from ykien.web.tx import Tx

router = APIRouter()


class TooManyAttempts(UserError):
    status_code = 429

    def __init__(self, seconds: int) -> None:
        super().__init__(
            "too_many_attempts",
            f"Đăng nhập sai quá nhiều lần từ nơi này; vui lòng thử lại sau {seconds} giây.",
            f"Too many failed sign-ins from here; try again in {seconds} seconds.",
        )
        self.retry_after = seconds


def safe_next(target: str | None) -> str:
    """Only same-site paths are followed after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def check_password(request: Request, db: Session, username: str, password: str) -> Account:
    """The account of a username and password; failures are counted per account and address
    by the shared limiter (in its own transaction, so a refused sign-in still counts)."""
    checks = limiter.rules(username, client_address(request))
    shared: limiter.Limiter = request.app.state.limiter
    wait = shared.blocked_for(checks)
    if wait:
        raise TooManyAttempts(wait)
    account = accounts.authenticate(session=db, username=username, password=password)
    if account is None:
        shared.failed(checks)
        raise UserError(
            "login_failed",
            "Tên đăng nhập hoặc mật khẩu không đúng.",
            "The username or password is wrong.",
        )
    shared.succeeded(checks)
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
        page = render(request, "accounts/login.html", context, status_code=problem.status_code)
        if isinstance(problem.error, TooManyAttempts):
            page.headers["Retry-After"] = str(problem.error.retry_after)
        return page

    with redraw_on_error(request, db, again):
        account = check_password(request, db, username, password)
    start_session(request, account.id, account.session_generation)  # no fixation
    return see_other(safe_next(next))


@router.post("/logout", include_in_schema=False, dependencies=[Depends(verify_csrf)])
def logout(
    request: Request, db: Tx, principal: Principal | None = Depends(current_principal)
) -> Response:
    """Sign out: the account's sessions end on the server too (a copied cookie is dead)."""
    if principal is not None and request_credential(request).token is None:
        accounts.end_sessions(session=db, account_id=principal.account_id)
    request.session.clear()
    return see_other("/")


@router.post("/account/sessions/end", include_in_schema=False, dependencies=[Depends(verify_csrf)])
def end_all_sessions(
    request: Request, db: Tx, principal: Principal = Depends(require_principal)
) -> Response:
    """Sign out everywhere: every session of the account ends, this one included."""
    accounts.end_sessions(session=db, account_id=principal.account_id)
    request.session.clear()
    return see_other("/login")


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
