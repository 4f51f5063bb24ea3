"""Organisation admin (tree, members and roles, invitations), accepting an invitation; API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from ykien.accounts import invitations
from ykien.accounts import service as accounts
from ykien.accounts.models import Membership, Role
from ykien.consultations.secretariat_views import add_flash, pop_flashes, roots_of
from ykien.errors import Forbidden, NotFound, UserError
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation, OrgKind
from ykien.types import DbId
from ykien.web.deps import (
    STAFF_ROLES,
    Principal,
    get_db,
    require_principal,
    require_staff,
    start_session,
)
from ykien.web.i18n import translator
from ykien.web.security import verify_csrf
from ykien.web.templating import render, request_language

router = APIRouter()

ADMIN_ROLES = (Role.ADMIN,)


# --- who may do what -------------------------------------------------------------------------


def require_admin(principal: Principal = Depends(require_principal)) -> Principal:
    """An organisation admin of some subtree."""
    if not principal.has_any(ADMIN_ROLES):
        raise Forbidden(
            "forbidden",
            "Chỉ người quản trị tổ chức mới mở được trang này.",
            "Only an organisation admin may open this page.",
        )
    return principal


def _administered(db: Session, principal: Principal, organisation_id: int) -> Organisation:
    """The organisation, if the principal administers it (404 if it does not exist)."""
    org = orgs.get(session=db, organisation_id=organisation_id)
    if not principal.covers(org.tree_path, ADMIN_ROLES):
        raise Forbidden(
            "organisation_forbidden",
            "Tổ chức này nằm ngoài phạm vi quản trị của bạn.",
            "This organisation is outside the organisations you administer.",
        )
    return org


def _grantable_people(db: Session, principal: Principal) -> list[tuple[int, str, str]]:
    covered = orgs.subtree_orgs(session=db, roots=roots_of(principal, ADMIN_ROLES))
    return orgs.people_of(session=db, organisation_ids=[org.id for org in covered])


# --- labels ------------------------------------------------------------------------------------


def org_kind_labels(_: Callable[..., str]) -> dict[str, str]:
    return {
        OrgKind.PARTY_COMMITTEE: _("Party committee"),
        OrgKind.PARTY_CELL: _("Party cell"),
        OrgKind.TRADE_UNION: _("Trade union"),
        OrgKind.VETERANS: _("Veterans' association"),
        OrgKind.YOUTH_UNION: _("Youth union"),
        OrgKind.WOMENS_UNION: _("Women's union"),
        OrgKind.AGENCY: _("Agency"),
        OrgKind.PUBLIC: _("The public"),
        OrgKind.OTHER: _("Other organisation"),
    }


def role_labels(_: Callable[..., str]) -> dict[str, str]:
    return {
        Role.PARTICIPANT: _("Participant"),
        Role.SECRETARY: _("Secretary"),
        Role.SUBCOMMITTEE_MEMBER: _("Subcommittee member"),
        Role.CHAIR: _("Chair of the drafting body"),
        Role.ADMIN: _("Organisation admin"),
    }


# --- the tree ----------------------------------------------------------------------------------


def _tree_page(
    request: Request,
    db: Session,
    principal: Principal,
    *,
    form: dict[str, Any] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    _ = translator(request_language(request))
    context = {
        "tree": orgs.tree(session=db, roots=roots_of(principal, ADMIN_ROLES)),
        "kinds": org_kind_labels(_),
        "form": form or {"name": "", "short_name": "", "kind": OrgKind.PARTY_CELL.value,
                         "parent_id": ""},
        "error": error,
        "flashes": pop_flashes(request),
    }  # fmt: skip
    return render(request, "admin/organisations.html", context, status_code=status_code)


@router.get("/admin/organisations", response_class=HTMLResponse, include_in_schema=False)
def organisations_page(
    request: Request,
    principal: Principal = Depends(require_admin),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    return _tree_page(request, db, principal)


def _create_under(
    db: Session,
    principal: Principal,
    *,
    name: str,
    kind: str,
    parent_id: int | None,
    short_name: str | None,
) -> Organisation:
    if parent_id is None:
        raise UserError(
            "parent_missing",
            "Hãy chọn tổ chức cấp trên.",
            "Choose the parent organisation.",
        )
    _administered(db, principal, parent_id)
    return orgs.create(
        session=db,
        name=name,
        kind=kind,
        parent_id=parent_id,
        short_name=short_name or None,
        actor_person_id=principal.person_id,
    )


@router.post(
    "/admin/organisations",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def create_organisation_page(
    request: Request,
    name: Annotated[str, Form(max_length=300)] = "",
    short_name: Annotated[str, Form(max_length=100)] = "",
    kind: Annotated[str, Form(max_length=32)] = OrgKind.OTHER.value,
    parent_id: Annotated[str, Form(max_length=20)] = "",
    principal: Principal = Depends(require_admin),
    db: Session = Depends(get_db),
) -> Response:
    _ = translator(request_language(request))
    form = {"name": name, "short_name": short_name, "kind": kind, "parent_id": parent_id}
    try:
        parent = int(parent_id) if parent_id.strip().isdigit() else None
        org = _create_under(
            db, principal, name=name, kind=kind, parent_id=parent, short_name=short_name.strip()
        )
        db.commit()
    except UserError as error:
        db.rollback()
        message = error.message(request_language(request))
        return _tree_page(
            request, db, principal, form=form, error=message, status_code=error.status_code
        )
    add_flash(request, _("The organisation “{org}” was created.", org=org.name))
    return RedirectResponse("/admin/organisations", status_code=303)


# --- one organisation: members, roles, invitations ---------------------------------------------


def _org_page(
    request: Request,
    db: Session,
    principal: Principal,
    org: Organisation,
    *,
    error: str | None = None,
    invite_form: dict[str, str] | None = None,
    invite_link: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    _ = translator(request_language(request))
    parent = orgs.get(session=db, organisation_id=org.parent_id) if org.parent_id else None
    context = {
        "org": org,
        "parent": parent if parent and principal.covers(parent.tree_path, ADMIN_ROLES) else None,
        "members": orgs.members(session=db, organisation_id=org.id),
        "people": _grantable_people(db, principal),
        "invitations": invitations.pending(session=db, organisation_id=org.id),
        "kinds": org_kind_labels(_),
        "roles": role_labels(_),
        "error": error,
        "invite_form": invite_form or {"full_name": "", "email": "", "role": Role.PARTICIPANT},
        "invite_link": invite_link,
        "flashes": pop_flashes(request),
    }
    return render(request, "admin/organisation.html", context, status_code=status_code)


@router.get(
    "/admin/organisations/{organisation_id}", response_class=HTMLResponse, include_in_schema=False
)
def organisation_page(
    request: Request,
    organisation_id: int,
    principal: Principal = Depends(require_admin),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    org = _administered(db, principal, organisation_id)
    return _org_page(request, db, principal, org)


def _grant(
    db: Session, principal: Principal, organisation_id: int, person_id: int, role: str
) -> Membership:
    _administered(db, principal, organisation_id)
    if person_id not in {p[0] for p in _grantable_people(db, principal)}:
        raise NotFound(
            "person_not_found",
            "Không có người này trong các tổ chức bạn quản trị.",
            "No such person in the organisations you administer.",
        )
    return accounts.grant_role(
        session=db,
        person_id=person_id,
        organisation_id=organisation_id,
        role=role,
        actor_person_id=principal.person_id,
    )


@router.post(
    "/admin/organisations/{organisation_id}/roles",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def grant_role_page(
    request: Request,
    organisation_id: int,
    person_id: Annotated[str, Form(max_length=20)] = "",
    role: Annotated[str, Form(max_length=32)] = "",
    principal: Principal = Depends(require_admin),
    db: Session = Depends(get_db),
) -> Response:
    _ = translator(request_language(request))
    org = _administered(db, principal, organisation_id)
    try:
        if not person_id.strip().isdigit():
            raise UserError("person_missing", "Hãy chọn một người.", "Choose a person.")
        _grant(db, principal, organisation_id, int(person_id), role)
        db.commit()
    except UserError as error:
        db.rollback()
        message = error.message(request_language(request))
        return _org_page(request, db, principal, org, error=message, status_code=error.status_code)
    add_flash(request, _("The role was granted."))
    return RedirectResponse(f"/admin/organisations/{organisation_id}", status_code=303)


def _revoke(db: Session, principal: Principal, membership_id: int) -> int:
    """Revoke a role in an organisation the principal administers; returns the organisation."""
    membership = db.get(Membership, membership_id)
    if membership is None:
        raise NotFound(
            "membership_not_found",
            f"Không có phân quyền số {membership_id}.",
            f"No membership {membership_id}.",
        )
    _administered(db, principal, membership.organisation_id)
    organisation_id = membership.organisation_id
    accounts.revoke_role(
        session=db, membership_id=membership_id, actor_person_id=principal.person_id
    )
    return organisation_id


@router.post(
    "/admin/memberships/{membership_id}/revoke",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def revoke_role_page(
    request: Request,
    membership_id: int,
    principal: Principal = Depends(require_admin),
    db: Session = Depends(get_db),
) -> Response:
    _ = translator(request_language(request))
    organisation_id = _revoke(db, principal, membership_id)
    db.commit()
    add_flash(request, _("The role was revoked."))
    return RedirectResponse(f"/admin/organisations/{organisation_id}", status_code=303)


def invitation_url(request: Request, token: str) -> str:
    return str(request.base_url).rstrip("/") + f"/invite/{token}"


@router.post(
    "/admin/organisations/{organisation_id}/invitations",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def invite_page(
    request: Request,
    organisation_id: int,
    full_name: Annotated[str, Form(max_length=200)] = "",
    email: Annotated[str, Form(max_length=254)] = "",
    role: Annotated[str, Form(max_length=32)] = Role.PARTICIPANT.value,
    principal: Principal = Depends(require_admin),
    db: Session = Depends(get_db),
) -> HTMLResponse:
    org = _administered(db, principal, organisation_id)
    form = {"full_name": full_name, "email": email, "role": role}
    try:
        issued = invitations.create(
            session=db,
            organisation_id=organisation_id,
            role=role,
            full_name=full_name,
            email=email or None,
            invited_by_person_id=principal.person_id,
        )
        db.commit()
    except UserError as error:
        db.rollback()
        message = error.message(request_language(request))
        return _org_page(
            request, db, principal, org, error=message, invite_form=form,
            status_code=error.status_code,
        )  # fmt: skip
    return _org_page(request, db, principal, org, invite_link=invitation_url(request, issued.token))


# --- accepting an invitation -------------------------------------------------------------------


def _invite_context(db: Session, token: str) -> dict[str, Any]:
    invitation = invitations.find(session=db, token=token)
    org = orgs.get(session=db, organisation_id=invitation.organisation_id)
    return {"invitation": invitation, "org": org, "token": token}


@router.get("/invite/{token}", response_class=HTMLResponse, include_in_schema=False)
def invitation_page(request: Request, token: str, db: Session = Depends(get_db)) -> HTMLResponse:
    _ = translator(request_language(request))
    try:
        context = _invite_context(db, token)
    except UserError as error:
        message = error.message(request_language(request))
        return render(
            request, "admin/invite.html", {"problem": message}, status_code=error.status_code
        )
    return render(
        request, "admin/invite.html", {**context, "roles": role_labels(_), "username": ""}
    )


@router.post(
    "/invite/{token}",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def accept_invitation_page(
    request: Request,
    token: str,
    username: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    confirm: Annotated[str, Form(max_length=1000)] = "",
    db: Session = Depends(get_db),
) -> Response:
    _ = translator(request_language(request))
    language = request_language(request)
    try:
        context = _invite_context(db, token)
    except UserError as error:
        return render(
            request,
            "admin/invite.html",
            {"problem": error.message(language)},
            status_code=error.status_code,
        )
    try:
        if password != confirm:
            raise UserError(
                "password_mismatch",
                "Hai lần nhập mật khẩu không khớp.",
                "The two passwords do not match.",
            )
        account = invitations.accept(
            session=db, token=token, username=username, password=password, language=language
        )
        db.commit()
    except UserError as error:
        db.rollback()
        return render(
            request,
            "admin/invite.html",
            {**context, "roles": role_labels(_), "username": username,
             "error": error.message(language)},
            status_code=error.status_code,
        )  # fmt: skip
    start_session(request, account.id, account.session_generation or 0)  # a new session
    return RedirectResponse("/", status_code=303)


# --- JSON API ----------------------------------------------------------------------------------


class OrganisationOut(BaseModel):
    id: int
    parent_id: int | None
    name: str
    short_name: str | None
    kind: str
    level: int


def _org_out(org: Organisation) -> OrganisationOut:
    return OrganisationOut(
        id=org.id,
        parent_id=org.parent_id,
        name=org.name,
        short_name=org.short_name,
        kind=org.kind,
        level=org.level,
    )


class OrganisationIn(BaseModel):
    name: str = Field(max_length=300)
    short_name: str | None = Field(default=None, max_length=100)
    kind: str = Field(default=OrgKind.OTHER.value, max_length=32)
    parent_id: DbId


class MemberRoleOut(BaseModel):
    membership_id: int
    role: str


class MemberOut(BaseModel):
    person_id: int
    full_name: str
    title: str | None
    email: str | None
    username: str | None
    home: bool
    roles: list[MemberRoleOut]


class RoleIn(BaseModel):
    person_id: DbId
    role: str = Field(max_length=32)


class MembershipOut(BaseModel):
    id: int
    person_id: int
    organisation_id: int
    role: str


class InvitationIn(BaseModel):
    full_name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=254)
    role: str = Field(default=Role.PARTICIPANT.value, max_length=32)


class InvitationOut(BaseModel):
    id: int
    organisation_id: int
    full_name: str
    role: str
    expires_at: datetime
    token: str = Field(description="Shown only now; it cannot be retrieved later.")
    url: str


@router.get("/api/v1/organisations", response_model=list[OrganisationOut], tags=["organisations"])
def api_organisations(
    principal: Principal = Depends(require_staff), db: Session = Depends(get_db)
) -> list[OrganisationOut]:
    """The organisations the caller's staff roles cover, in tree order (siblings A→Z)."""
    rows = orgs.tree(session=db, roots=roots_of(principal, STAFF_ROLES))
    return [_org_out(row.organisation) for row in rows]


@router.post(
    "/api/v1/organisations",
    response_model=OrganisationOut,
    status_code=201,
    tags=["organisations"],
    dependencies=[Depends(verify_csrf)],
)
def api_create_organisation(
    body: OrganisationIn,
    principal: Principal = Depends(require_admin),
    db: Session = Depends(get_db),
) -> OrganisationOut:
    """Create an organisation under a parent the caller administers."""
    org = _create_under(
        db,
        principal,
        name=body.name,
        kind=body.kind,
        parent_id=body.parent_id,
        short_name=body.short_name,
    )
    out = _org_out(org)
    db.commit()
    return out


@router.get(
    "/api/v1/organisations/{organisation_id}/members",
    response_model=list[MemberOut],
    tags=["organisations"],
)
def api_members(
    organisation_id: int,
    principal: Principal = Depends(require_admin),
    db: Session = Depends(get_db),
) -> list[MemberOut]:
    """The organisation's people and their roles in it, sorted by given name."""
    _administered(db, principal, organisation_id)
    return [
        MemberOut(
            person_id=m.person_id,
            full_name=m.full_name,
            title=m.title,
            email=m.email,
            username=m.username,
            home=m.home,
            roles=[MemberRoleOut(membership_id=r.membership_id, role=r.role) for r in m.roles],
        )
        for m in orgs.members(session=db, organisation_id=organisation_id)
    ]


@router.post(
    "/api/v1/organisations/{organisation_id}/roles",
    response_model=MembershipOut,
    status_code=201,
    tags=["organisations"],
    dependencies=[Depends(verify_csrf)],
)
def api_grant_role(
    organisation_id: int,
    body: RoleIn,
    principal: Principal = Depends(require_admin),
    db: Session = Depends(get_db),
) -> MembershipOut:
    """Grant a role over the organisation's subtree (granting it again changes nothing)."""
    membership = _grant(db, principal, organisation_id, body.person_id, body.role)
    out = MembershipOut(
        id=membership.id,
        person_id=membership.person_id,
        organisation_id=membership.organisation_id,
        role=membership.role,
    )
    db.commit()
    return out


@router.delete(
    "/api/v1/memberships/{membership_id}",
    status_code=204,
    tags=["organisations"],
    dependencies=[Depends(verify_csrf)],
)
def api_revoke_role(
    membership_id: int,
    principal: Principal = Depends(require_admin),
    db: Session = Depends(get_db),
) -> Response:
    """Revoke a role."""
    _revoke(db, principal, membership_id)
    db.commit()
    return Response(status_code=204)


@router.post(
    "/api/v1/organisations/{organisation_id}/invitations",
    response_model=InvitationOut,
    status_code=201,
    tags=["organisations"],
    dependencies=[Depends(verify_csrf)],
)
def api_invite(
    request: Request,
    organisation_id: int,
    body: InvitationIn,
    principal: Principal = Depends(require_admin),
    db: Session = Depends(get_db),
) -> InvitationOut:
    """Invite a person with a role; the link is returned once (no e-mail is sent)."""
    _administered(db, principal, organisation_id)
    issued = invitations.create(
        session=db,
        organisation_id=organisation_id,
        role=body.role,
        full_name=body.full_name,
        email=body.email,
        invited_by_person_id=principal.person_id,
    )
    invitation = issued.invitation
    out = InvitationOut(
        id=invitation.id,
        organisation_id=invitation.organisation_id,
        full_name=invitation.full_name,
        role=invitation.role,
        expires_at=invitation.expires_at,
        token=issued.token,
        url=invitation_url(request, issued.token),
    )
    db.commit()
    return out


class InvitationInfoOut(BaseModel):
    full_name: str
    organisation_id: int
    organisation: str
    role: str
    expires_at: datetime


class AcceptIn(BaseModel):
    username: str = Field(max_length=100)
    password: str = Field(max_length=1000)


class AcceptedOut(BaseModel):
    account_id: int
    person_id: int
    username: str


@router.get("/api/v1/invitations/{token}", response_model=InvitationInfoOut, tags=["organisations"])
def api_invitation(token: str, db: Session = Depends(get_db)) -> InvitationInfoOut:
    """Who is invited where, while the invitation is open (404 unknown, 409 used, 410 expired)."""
    context = _invite_context(db, token)
    invitation, org = context["invitation"], context["org"]
    return InvitationInfoOut(
        full_name=invitation.full_name,
        organisation_id=org.id,
        organisation=org.name,
        role=invitation.role,
        expires_at=invitation.expires_at,
    )


@router.post(
    "/api/v1/invitations/{token}/accept",
    response_model=AcceptedOut,
    status_code=201,
    tags=["organisations"],
    dependencies=[Depends(verify_csrf)],
)
def api_accept_invitation(
    request: Request, token: str, body: AcceptIn, db: Session = Depends(get_db)
) -> AcceptedOut:
    """Accept an invitation: the account and the membership are created (no sign-in here;
    ask for a token with POST /api/v1/tokens)."""
    account = invitations.accept(
        session=db,
        token=token,
        username=body.username,
        password=body.password,
        language=request_language(request),
    )
    out = AcceptedOut(account_id=account.id, person_id=account.person_id, username=account.username)
    db.commit()
    return out
