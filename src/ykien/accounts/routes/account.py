"""The signed-in account: its page, password, API tokens, and `/api/v1/me`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ykien.accounts import service as accounts
from ykien.accounts import tokens
from ykien.accounts.routes.signin import check_password
from ykien.accounts.schemas import MeOut
from ykien.errors import UserError
from ykien.web.deps import (
    PathId,
    Principal,
    current_principal,
    require_principal,
    start_session,
)
from ykien.web.forms import Problem, redraw_on_error, see_other
from ykien.web.i18n import translator
from ykien.web.security import verify_csrf
from ykien.web.templating import render, request_language
from ykien.web.tx import Db, Tx

router = APIRouter()


def account_page_for(
    request: Request,
    db: Session,
    principal: Principal,
    problem: Problem | None = None,
    **shown: object,
) -> HTMLResponse:
    """The account page: live tokens, and a problem or what was just done (`shown`)."""
    context = {
        "tokens": tokens.live_tokens(session=db, account_id=principal.account_id),
        "error": problem.message if problem else None,
        **shown,
    }
    status = problem.status_code if problem else 200
    return render(request, "accounts/account.html", context, status_code=status)


@router.get("/account", response_class=HTMLResponse, include_in_schema=False)
def account_page(
    request: Request, db: Db, principal: Principal = Depends(require_principal)
) -> HTMLResponse:
    return account_page_for(request, db, principal)


@router.post("/account/password", include_in_schema=False, dependencies=[Depends(verify_csrf)])
def change_password(
    request: Request,
    current: Annotated[str, Form(max_length=1000)],
    new: Annotated[str, Form(max_length=1000)],
    confirm: Annotated[str, Form(max_length=1000)],
    db: Tx,
    principal: Principal = Depends(require_principal),
) -> Response:
    _ = translator(request_language(request))
    with redraw_on_error(request, db, lambda p: account_page_for(request, db, principal, p)):
        if new != confirm:
            raise UserError(
                "password_mismatch",
                "Mật khẩu mới nhập lại không khớp.",
                "The new passwords do not match.",
            )
        check_password(request, db, principal.username, current)
        generation = accounts.set_password(
            session=db, account_id=principal.account_id, password=new
        )
    start_session(request, principal.account_id, generation)  # only this session lives on
    return account_page_for(request, db, principal, flashes=[_("Your password was changed.")])


@router.post("/account/tokens", include_in_schema=False, dependencies=[Depends(verify_csrf)])
def create_token_page(
    request: Request,
    name: Annotated[str, Form(max_length=200)],
    db: Tx,
    principal: Principal = Depends(require_principal),
) -> Response:
    _ = translator(request_language(request))
    with redraw_on_error(request, db, lambda p: account_page_for(request, db, principal, p)):
        issued = tokens.issue(session=db, account_id=principal.account_id, name=name)
    return account_page_for(
        request,
        db,
        principal,
        new_token=issued.token,
        flashes=[_("Copy the token now: it will not be shown again.")],
    )


@router.post(
    "/account/tokens/{token_id}/revoke",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def revoke_token_page(
    token_id: PathId, db: Tx, principal: Principal = Depends(require_principal)
) -> Response:
    tokens.revoke(session=db, token_id=token_id, account_id=principal.account_id)
    return see_other("/account")


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
    return see_other("/me/opinions" if principal else "/login")
