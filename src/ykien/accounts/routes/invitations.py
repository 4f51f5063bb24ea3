"""Accepting an invitation: the page that creates the account, and its JSON twin."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ykien.accounts import invitations
from ykien.accounts.labels import role_labels
from ykien.accounts.models import Account
from ykien.accounts.schemas import AcceptedOut, AcceptIn, InvitationInfoOut
from ykien.errors import UserError
from ykien.orgs import service as orgs
from ykien.web.deps import start_session
from ykien.web.forms import FormFields, Problem, parse_form, redraw_on_error, see_other
from ykien.web.i18n import translator
from ykien.web.security import verify_csrf
from ykien.web.templating import render, request_language
from ykien.web.tx import Db, Tx

router = APIRouter()


def invitation_info(db: Session, token: str) -> InvitationInfoOut:
    """Who is invited where, while the invitation is open (404 unknown, 409 used, 410 expired)."""
    invitation = invitations.find(session=db, token=token)
    org = orgs.get(session=db, organisation_id=invitation.organisation_id)
    return InvitationInfoOut(
        full_name=invitation.full_name,
        organisation_id=org.id,
        organisation=org.name,
        role=invitation.role,
        expires_at=invitation.expires_at,
    )


def accept_invitation(db: Session, token: str, body: AcceptIn, language: str) -> Account:
    """Use the invitation: the account and the membership are created."""
    return invitations.accept(
        session=db, token=token, username=body.username, password=body.password, language=language
    )


def _problem_page(request: Request, problem: Problem) -> HTMLResponse:
    context = {"problem": problem.message}
    return render(request, "admin/invite.html", context, status_code=problem.status_code)


def _invite_page(
    request: Request,
    token: str,
    data: InvitationInfoOut,
    username: str = "",
    problem: Problem | None = None,
) -> HTMLResponse:
    _ = translator(request_language(request))
    context = {
        "data": data,
        "token": token,
        "roles": role_labels(_),
        "username": username,
        "error": problem.message if problem else None,
    }
    status = problem.status_code if problem else 200
    return render(request, "admin/invite.html", context, status_code=status)


@router.get("/invite/{token}", response_class=HTMLResponse, include_in_schema=False)
def invitation_page(request: Request, token: str, db: Db) -> HTMLResponse:
    with redraw_on_error(request, db, lambda problem: _problem_page(request, problem)):
        data = invitation_info(db, token)
    return _invite_page(request, token, data)


@router.post(
    "/invite/{token}",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def accept_invitation_page(request: Request, token: str, form: FormFields, db: Tx) -> Response:
    with redraw_on_error(request, db, lambda problem: _problem_page(request, problem)):
        data = invitation_info(db, token)
    username = str(form.get("username", ""))

    def again(problem: Problem) -> HTMLResponse:
        return _invite_page(request, token, data, username, problem)

    with redraw_on_error(request, db, again):
        if form.get("password") != form.get("confirm"):
            raise UserError(
                "password_mismatch",
                "Hai lần nhập mật khẩu không khớp.",
                "The two passwords do not match.",
            )
        body = parse_form(AcceptIn, form)
        account = accept_invitation(db, token, body, request_language(request))
    start_session(request, account.id, account.session_generation or 0)  # a new session
    return see_other("/")


@router.get("/api/v1/invitations/{token}", response_model=InvitationInfoOut, tags=["organisations"])
def api_invitation(token: str, db: Db) -> InvitationInfoOut:
    """Who is invited where, while the invitation is open (404 unknown, 409 used, 410 expired)."""
    return invitation_info(db, token)


@router.post(
    "/api/v1/invitations/{token}/accept",
    response_model=AcceptedOut,
    status_code=201,
    tags=["organisations"],
    dependencies=[Depends(verify_csrf)],
)
def api_accept_invitation(request: Request, token: str, body: AcceptIn, db: Tx) -> AcceptedOut:
    """Accept an invitation: the account and the membership are created (no sign-in here;
    ask for a token with POST /api/v1/tokens)."""
    account = accept_invitation(db, token, body, request_language(request))
    return AcceptedOut(
        account_id=account.id, person_id=account.person_id, username=account.username
    )
