"""Sign in and out, password change, language, API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from ykien.accounts import limiter, tokens
from ykien.accounts import service as accounts
from ykien.accounts.models import Account
from ykien.errors import UserError
from ykien.web.deps import (
    Principal,
    client_address,
    current_principal,
    get_db,
    request_credential,
    require_principal,
    start_session,
)
from ykien.web.i18n import LANGUAGES, translator
from ykien.web.security import verify_csrf
from ykien.web.templating import LANGUAGE_COOKIE, render, request_language

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


def _safe_next(target: str | None) -> str:
    """Only same-site paths are followed after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _check_password(request: Request, db: Session, username: str, password: str) -> Account:
    checks = limiter.rules(username, client_address(request))
    shared: limiter.Limiter = request.app.state.signin_limiter
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
    return render(request, "accounts/login.html", {"next": _safe_next(next), "username": ""})


@router.post("/login", include_in_schema=False, dependencies=[Depends(verify_csrf)])
def login(
    request: Request,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form(max_length=500)] = "/",
    db: Session = Depends(get_db),
) -> Response:
    try:
        account = _check_password(request, db, username, password)
    except UserError as error:
        message = error.message(request_language(request))
        context = {"next": _safe_next(next), "username": username, "error": message}
        page = render(request, "accounts/login.html", context, status_code=error.status_code)
        if isinstance(error, TooManyAttempts):
            page.headers["Retry-After"] = str(error.retry_after)
        return page
    db.commit()
    start_session(request, account.id, account.session_generation)  # no fixation
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", include_in_schema=False, dependencies=[Depends(verify_csrf)])
def logout(
    request: Request,
    principal: Principal | None = Depends(current_principal),
    db: Session = Depends(get_db),
) -> Response:
    """Sign out: the account's sessions end on the server too (a copied cookie is dead)."""
    if principal is not None and request_credential(request).token is None:
        accounts.end_sessions(session=db, account_id=principal.account_id)
        db.commit()
    request.session.clear()
    return RedirectResponse("/", status_code=303)


@router.post("/account/sessions/end", include_in_schema=False, dependencies=[Depends(verify_csrf)])
def end_all_sessions(
    request: Request,
    principal: Principal = Depends(require_principal),
    db: Session = Depends(get_db),
) -> Response:
    """Sign out everywhere: every session of the account ends, this one included."""
    accounts.end_sessions(session=db, account_id=principal.account_id)
    db.commit()
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.post("/language", include_in_schema=False, dependencies=[Depends(verify_csrf)])
def set_language(
    language: Annotated[str, Form(max_length=5)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Remember the interface language in a cookie (one year)."""
    response = RedirectResponse(_safe_next(next), status_code=303)
    if language in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600, samesite="lax", httponly=True
        )
    return response


@router.get("/account", response_class=HTMLResponse, include_in_schema=False)
def account_page(
    request: Request,
    principal: Principal = Depends(require_principal),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    return render(request, "accounts/account.html", _account_context(db, principal))


def _account_context(db: Session, principal: Principal) -> dict[str, object]:
    from sqlalchemy import select

    from ykien.accounts.models import ApiToken

    rows = db.execute(
        select(ApiToken)
        .where(ApiToken.account_id == principal.account_id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.id)
    ).scalars()
    return {"tokens": list(rows)}


@router.post("/account/password", include_in_schema=False, dependencies=[Depends(verify_csrf)])
def change_password(
    request: Request,
    current: Annotated[str, Form(max_length=1000)],
    new: Annotated[str, Form(max_length=1000)],
    confirm: Annotated[str, Form(max_length=1000)],
    principal: Principal = Depends(require_principal),
    db: Session = Depends(get_db),
) -> Response:
    _ = translator(request_language(request))
    try:
        if new != confirm:
            raise UserError(
                "password_mismatch",
                "Mật khẩu mới nhập lại không khớp.",
                "The new passwords do not match.",
            )
        _check_password(request, db, principal.username, current)
        generation = accounts.set_password(
            session=db, account_id=principal.account_id, password=new
        )
    except UserError as error:
        context = {
            **_account_context(db, principal),
            "error": error.message(request_language(request)),
        }
        return render(request, "accounts/account.html", context, status_code=error.status_code)
    db.commit()
    start_session(request, principal.account_id, generation)  # only this session lives on
    context = {**_account_context(db, principal), "flashes": [_("Your password was changed.")]}
    return render(request, "accounts/account.html", context)


@router.post("/account/tokens", include_in_schema=False, dependencies=[Depends(verify_csrf)])
def create_token_page(
    request: Request,
    name: Annotated[str, Form(max_length=200)],
    principal: Principal = Depends(require_principal),
    db: Session = Depends(get_db),
) -> Response:
    _ = translator(request_language(request))
    try:
        issued = tokens.issue(session=db, account_id=principal.account_id, name=name)
    except UserError as error:
        context = {
            **_account_context(db, principal),
            "error": error.message(request_language(request)),
        }
        return render(request, "accounts/account.html", context, status_code=error.status_code)
    db.commit()
    context = {
        **_account_context(db, principal),
        "new_token": issued.token,
        "flashes": [_("Copy the token now: it will not be shown again.")],
    }
    return render(request, "accounts/account.html", context)


@router.post(
    "/account/tokens/{token_id}/revoke",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def revoke_token_page(
    token_id: int,
    principal: Principal = Depends(require_principal),
    db: Session = Depends(get_db),
) -> Response:
    tokens.revoke(session=db, token_id=token_id, account_id=principal.account_id)
    db.commit()
    return RedirectResponse("/account", status_code=303)


# --- JSON API -------------------------------------------------------------------------------


class TokenRequest(BaseModel):
    username: str = Field(max_length=100)
    password: str = Field(max_length=1000)
    name: str = Field(default="API", max_length=100)


class TokenOut(BaseModel):
    id: int
    token: str


class MeOut(BaseModel):
    account_id: int
    person_id: int
    username: str
    full_name: str
    language: str
    roles: dict[str, list[str]]


@router.post("/api/v1/tokens", response_model=TokenOut, status_code=201, tags=["accounts"])
def api_create_token(
    request: Request, body: TokenRequest, db: Session = Depends(get_db)
) -> TokenOut:
    """Exchange a username and password for a bearer token (rate-limited like sign-in)."""
    account = _check_password(request, db, body.username, body.password)
    issued = tokens.issue(session=db, account_id=account.id, name=body.name)
    db.commit()
    return TokenOut(id=issued.id, token=issued.token)


@router.get("/api/v1/me", response_model=MeOut, tags=["accounts"])
def api_me(principal: Principal = Depends(require_principal)) -> MeOut:
    """The signed-in account and the organisation subtrees its roles cover."""
    return MeOut(
        account_id=principal.account_id,
        person_id=principal.person_id,
        username=principal.username,
        full_name=principal.full_name,
        language=principal.language,
        roles={role: list(paths) for role, paths in principal.roles.items()},
    )


@router.get("/me", include_in_schema=False)
def me_redirect(principal: Principal | None = Depends(current_principal)) -> Response:
    return RedirectResponse("/me/opinions" if principal else "/login", status_code=303)
