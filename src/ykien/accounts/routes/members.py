"""An organisation's people as its admin manages them: members, roles and invitations."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ykien.accounts import invitations
from ykien.accounts import members as people
from ykien.accounts import service as accounts
from ykien.accounts.access import administered_membership
from ykien.accounts.labels import role_labels
from ykien.accounts.models import Membership, Role
from ykien.accounts.schemas import (
    InvitationIn,
    InvitationOut,
    MemberOut,
    MembershipOut,
    RoleIn,
)
from ykien.errors import NotFound
from ykien.orgs import service as orgs
from ykien.orgs.access import OrganisationFor, require_admin
from ykien.orgs.labels import org_kind_labels
from ykien.orgs.models import Organisation
from ykien.web.access import roots_of
from ykien.web.deps import ADMIN_ROLES, Principal
from ykien.web.flash import add_flash, pop_flashes
from ykien.web.forms import FormFields, FormValue, Problem, parse_form, redraw_on_error, see_other
from ykien.web.i18n import translator
from ykien.web.security import verify_csrf
from ykien.web.templating import render, request_language
from ykien.web.tx import Db, Tx

router = APIRouter()
AdministeredOrganisation = Depends(OrganisationFor(admin=True))


def _grantable(db: Session, principal: Principal) -> list[tuple[int, str, str]]:
    return people.people_under(session=db, roots=roots_of(principal, ADMIN_ROLES))


def grant_role(db: Session, principal: Principal, org: Organisation, body: RoleIn) -> Membership:
    """Give a person of the administered trees a role over `org`'s subtree."""
    if body.person_id not in {p[0] for p in _grantable(db, principal)}:
        raise NotFound(
            "person_not_found",
            "Không có người này trong các tổ chức bạn quản trị.",
            "No such person in the organisations you administer.",
        )
    return accounts.grant_role(
        session=db,
        person_id=body.person_id,
        organisation_id=org.id,
        role=body.role,
        actor_person_id=principal.person_id,
    )


def revoke_role(db: Session, principal: Principal, membership: Membership) -> int:
    """Revoke a role; returns the organisation it was held in."""
    organisation_id = membership.organisation_id
    accounts.revoke_role(
        session=db, membership_id=membership.id, actor_person_id=principal.person_id
    )
    return organisation_id


def invite(
    db: Session, principal: Principal, org: Organisation, body: InvitationIn
) -> invitations.IssuedInvitation:
    """Invite a person to `org` with a role (the secret link is returned once)."""
    return invitations.create(
        session=db,
        organisation_id=org.id,
        role=body.role,
        full_name=body.full_name,
        email=body.email or None,
        invited_by_person_id=principal.person_id,
    )


def invitation_url(request: Request, token: str) -> str:
    return str(request.base_url).rstrip("/") + f"/invite/{token}"


def organisation_page_for(
    request: Request,
    db: Session,
    principal: Principal,
    org: Organisation,
    problem: Problem | None = None,
    invite_form: dict[str, FormValue] | None = None,
    invite_link: str | None = None,
) -> HTMLResponse:
    """The organisation's members, the forms to grant a role and to invite, pending invitations."""
    _ = translator(request_language(request))
    parent = orgs.get(session=db, organisation_id=org.parent_id) if org.parent_id else None
    context = {
        "org": org,
        "parent": parent if parent and principal.covers(parent.tree_path, ADMIN_ROLES) else None,
        "members": people.members(session=db, organisation_id=org.id),
        "people": _grantable(db, principal),
        "invitations": invitations.pending(session=db, organisation_id=org.id),
        "kinds": org_kind_labels(_),
        "roles": role_labels(_),
        "error": problem.message if problem else None,
        "invite_form": {"full_name": "", "email": "", "role": Role.PARTICIPANT.value}
        | (invite_form or {}),
        "invite_link": invite_link,
        "flashes": pop_flashes(request),
    }
    status = problem.status_code if problem else 200
    return render(request, "admin/organisation.html", context, status_code=status)


@router.get(
    "/admin/organisations/{organisation_id}", response_class=HTMLResponse, include_in_schema=False
)
def organisation_page(
    request: Request,
    db: Db,
    org: Organisation = AdministeredOrganisation,
    principal: Principal = Depends(require_admin),
) -> HTMLResponse:
    return organisation_page_for(request, db, principal, org)


@router.post(
    "/admin/organisations/{organisation_id}/roles",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def grant_role_page(
    request: Request,
    form: FormFields,
    db: Tx,
    org: Organisation = AdministeredOrganisation,
    principal: Principal = Depends(require_admin),
) -> Response:
    _ = translator(request_language(request))
    with redraw_on_error(
        request, db, lambda problem: organisation_page_for(request, db, principal, org, problem)
    ):
        grant_role(db, principal, org, parse_form(RoleIn, form))
    add_flash(request, _("The role was granted."))
    return see_other(f"/admin/organisations/{org.id}")


@router.post(
    "/admin/memberships/{membership_id}/revoke",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def revoke_role_page(
    request: Request,
    db: Tx,
    membership: Membership = Depends(administered_membership),
    principal: Principal = Depends(require_admin),
) -> Response:
    _ = translator(request_language(request))
    organisation_id = revoke_role(db, principal, membership)
    add_flash(request, _("The role was revoked."))
    return see_other(f"/admin/organisations/{organisation_id}")


@router.post(
    "/admin/organisations/{organisation_id}/invitations",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def invite_page(
    request: Request,
    form: FormFields,
    db: Tx,
    org: Organisation = AdministeredOrganisation,
    principal: Principal = Depends(require_admin),
) -> HTMLResponse:
    def again(problem: Problem) -> HTMLResponse:
        return organisation_page_for(request, db, principal, org, problem, invite_form=form)

    with redraw_on_error(request, db, again):
        issued = invite(db, principal, org, parse_form(InvitationIn, form))
    link = invitation_url(request, issued.token)
    return organisation_page_for(request, db, principal, org, invite_link=link)


@router.get(
    "/api/v1/organisations/{organisation_id}/members",
    response_model=list[MemberOut],
    tags=["organisations"],
)
def api_members(db: Db, org: Organisation = AdministeredOrganisation) -> list[MemberOut]:
    """The organisation's people and their roles in it, sorted by given name."""
    return [
        MemberOut.model_validate(member, from_attributes=True)
        for member in people.members(session=db, organisation_id=org.id)
    ]


@router.post(
    "/api/v1/organisations/{organisation_id}/roles",
    response_model=MembershipOut,
    status_code=201,
    tags=["organisations"],
    dependencies=[Depends(verify_csrf)],
)
def api_grant_role(
    body: RoleIn,
    db: Tx,
    org: Organisation = AdministeredOrganisation,
    principal: Principal = Depends(require_admin),
) -> MembershipOut:
    """Grant a role over the organisation's subtree (granting it again changes nothing)."""
    membership = grant_role(db, principal, org, body)
    return MembershipOut.model_validate(membership, from_attributes=True)


@router.delete(
    "/api/v1/memberships/{membership_id}",
    status_code=204,
    tags=["organisations"],
    dependencies=[Depends(verify_csrf)],
)
def api_revoke_role(
    db: Tx,
    membership: Membership = Depends(administered_membership),
    principal: Principal = Depends(require_admin),
) -> Response:
    """Revoke a role."""
    revoke_role(db, principal, membership)
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
    body: InvitationIn,
    db: Tx,
    org: Organisation = AdministeredOrganisation,
    principal: Principal = Depends(require_admin),
) -> InvitationOut:
    """Invite a person with a role; the link is returned once (no e-mail is sent)."""
    issued = invite(db, principal, org, body)
    invitation = issued.invitation
    return InvitationOut(
        id=invitation.id,
        organisation_id=invitation.organisation_id,
        full_name=invitation.full_name,
        role=invitation.role,
        expires_at=invitation.expires_at,
        token=issued.token,
        url=invitation_url(request, issued.token),
    )
