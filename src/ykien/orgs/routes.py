"""Organisations: the tree an admin administers, adding an organisation to it (a root: instance
admins only), editing one and moving it under another parent; the API.

The reference example of docs/routes.md: one use case (`create_organisation`) called by the page
and by its JSON twin with the same input model, access declared as dependencies.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ykien.config import Settings
from ykien.orgs import service as orgs
from ykien.orgs.access import (
    OrganisationFor,
    administered,
    not_an_instance_admin,
    require_admin,
)
from ykien.orgs.labels import org_kind_labels
from ykien.orgs.models import Organisation, OrgKind
from ykien.orgs.schemas import MoveIn, OrganisationEditIn, OrganisationIn, OrganisationOut
from ykien.web.access import adopt_root, is_instance_admin, roots_of
from ykien.web.deps import ADMIN_ROLES, STAFF_ROLES, Principal, get_settings, require_staff
from ykien.web.flash import add_flash, pop_flashes
from ykien.web.forms import FormFields, FormValue, Problem, parse_form, redraw_on_error, see_other
from ykien.web.i18n import translator
from ykien.web.security import verify_csrf
from ykien.web.templating import render, request_language
from ykien.web.tx import Db, Tx

router = APIRouter()

EMPTY_FORM: dict[str, FormValue] = {
    "name": "",
    "short_name": "",
    "kind": OrgKind.PARTY_CELL.value,
    "tier": "",
    "parent_id": "",
}


def create_organisation(
    db: Session, principal: Principal, body: OrganisationIn, settings: Settings
) -> Organisation:
    """Add an organisation under a parent the principal administers, or a root (instance
    admins only, who then administer it)."""
    root = body.parent_id is None
    if root and not is_instance_admin(db, principal):
        raise not_an_instance_admin()
    if body.parent_id is not None:
        administered(db, principal, body.parent_id)
    org = orgs.create(
        session=db,
        name=body.name,
        kind=body.kind,
        parent_id=body.parent_id,
        short_name=body.short_name or None,
        tier=body.tier,
        tiers=settings.tier_list,
        actor_person_id=principal.person_id,
    )
    if root:
        adopt_root(db, principal, org)
    return org


def tree_page(
    request: Request,
    db: Session,
    principal: Principal,
    form: dict[str, FormValue] | None = None,
    problem: Problem | None = None,
) -> HTMLResponse:
    """The administered tree with the form to add an organisation (drawn again on a problem)."""
    _ = translator(request_language(request))
    settings: Settings = request.app.state.settings
    context = {
        "tree": orgs.tree(session=db, roots=roots_of(principal, ADMIN_ROLES)),
        "kinds": org_kind_labels(_),
        "tiers": settings.tier_list,
        "may_add_root": is_instance_admin(db, principal),
        "form": {**EMPTY_FORM, **(form or {})},
        "error": problem.message if problem else None,
        "flashes": pop_flashes(request),
    }
    status = problem.status_code if problem else 200
    return render(request, "admin/organisations.html", context, status_code=status)


@router.get("/admin/organisations", response_class=HTMLResponse, include_in_schema=False)
def organisations_page(
    request: Request, db: Db, principal: Principal = Depends(require_admin)
) -> HTMLResponse:
    return tree_page(request, db, principal)


@router.post(
    "/admin/organisations",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def create_organisation_page(
    request: Request,
    form: FormFields,
    db: Tx,
    principal: Principal = Depends(require_admin),
    settings: Settings = Depends(get_settings),
) -> Response:
    _ = translator(request_language(request))
    with redraw_on_error(
        request, db, lambda problem: tree_page(request, db, principal, form, problem)
    ):
        org = create_organisation(db, principal, parse_form(OrganisationIn, form), settings)
    add_flash(request, _("The organisation “{org}” was created.", org=org.name))
    return see_other("/admin/organisations")


@router.get("/api/v1/organisations", response_model=list[OrganisationOut], tags=["organisations"])
def api_organisations(
    db: Db, principal: Principal = Depends(require_staff)
) -> list[OrganisationOut]:
    """The organisations the caller's staff roles cover, in tree order (siblings A→Z)."""
    rows = orgs.tree(session=db, roots=roots_of(principal, STAFF_ROLES))
    return [OrganisationOut.model_validate(row.organisation, from_attributes=True) for row in rows]


@router.post(
    "/api/v1/organisations",
    response_model=OrganisationOut,
    status_code=201,
    tags=["organisations"],
    dependencies=[Depends(verify_csrf)],
)
def api_create_organisation(
    body: OrganisationIn,
    db: Tx,
    principal: Principal = Depends(require_admin),
    settings: Settings = Depends(get_settings),
) -> OrganisationOut:
    """Create an organisation under a parent the caller administers; without `parent_id`, a
    root (instance admins only); `tier` one of the configured tiers (GET .../tiers)."""
    return OrganisationOut.model_validate(
        create_organisation(db, principal, body, settings), from_attributes=True
    )


@router.get("/api/v1/organisation-tiers", response_model=list[str], tags=["organisations"])
def api_tiers(
    principal: Principal = Depends(require_staff), settings: Settings = Depends(get_settings)
) -> list[str]:
    """The configured tiers of organisations, highest first (YKIEN_TIERS)."""
    return settings.tier_list


# --- editing an organisation and moving it under another parent ------------------------------

AdministeredOrganisation = Depends(OrganisationFor(admin=True))


def edit_organisation(
    db: Session, principal: Principal, org: Organisation, body: OrganisationEditIn, tiers: list[str]
) -> Organisation:
    """The use case: new name, short name, kind and tier of an administered organisation."""
    return orgs.update(
        session=db,
        organisation_id=org.id,
        name=body.name,
        kind=body.kind,
        short_name=body.short_name or None,
        tier=body.tier,
        tiers=tiers,
        actor_person_id=principal.person_id,
    )


def move_organisation(
    db: Session, principal: Principal, org: Organisation, body: MoveIn
) -> Organisation:
    """The use case: the organisation and its subtree under a new parent the principal
    administers, or at the top (instance admins only, who then administer the new root)."""
    if body.parent_id is None:
        if not is_instance_admin(db, principal):
            raise not_an_instance_admin()
    else:
        administered(db, principal, body.parent_id)
    moved = orgs.move(
        session=db, organisation_id=org.id, parent_id=body.parent_id,
        actor_person_id=principal.person_id,
    )  # fmt: skip
    if body.parent_id is None:
        adopt_root(db, principal, moved)
    return moved


def edit_page_for(
    request: Request,
    db: Session,
    principal: Principal,
    org: Organisation,
    form: dict[str, FormValue] | None = None,
    problem: Problem | None = None,
) -> HTMLResponse:
    """The edit and move forms of an organisation (drawn again with what was typed)."""
    _ = translator(request_language(request))
    settings: Settings = request.app.state.settings
    inside = set(orgs.subtree_ids(session=db, organisation_id=org.id))
    rows = orgs.tree(session=db, roots=roots_of(principal, ADMIN_ROLES))
    typed = {
        "name": org.name, "short_name": org.short_name or "", "kind": org.kind,
        "tier": org.tier or "", "parent_id": str(org.parent_id or ""), **(form or {}),
    }  # fmt: skip
    context = {
        "org": org,
        "parent": orgs.get(session=db, organisation_id=org.parent_id) if org.parent_id else None,
        "kinds": org_kind_labels(_),
        "tiers": settings.tier_list,
        "places": [row for row in rows if row.organisation.id not in inside],
        "may_add_root": is_instance_admin(db, principal),
        "subtree_size": len(inside),
        "form": typed,
        "error": problem.message if problem else None,
    }
    status = problem.status_code if problem else 200
    return render(request, "admin/organisation_edit.html", context, status_code=status)


@router.get(
    "/admin/organisations/{organisation_id}/edit",
    response_class=HTMLResponse,
    include_in_schema=False,
)
def organisation_edit_page(
    request: Request,
    db: Db,
    principal: Principal = Depends(require_admin),
    org: Organisation = AdministeredOrganisation,
) -> HTMLResponse:
    return edit_page_for(request, db, principal, org)


@router.post(
    "/admin/organisations/{organisation_id}/edit",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def edit_organisation_page(
    request: Request,
    form: FormFields,
    db: Tx,
    principal: Principal = Depends(require_admin),
    org: Organisation = AdministeredOrganisation,
    settings: Settings = Depends(get_settings),
) -> Response:
    _ = translator(request_language(request))
    redraw = lambda problem: edit_page_for(request, db, principal, org, form, problem)  # noqa: E731
    with redraw_on_error(request, db, redraw):
        body = parse_form(OrganisationEditIn, form)
        edit_organisation(db, principal, org, body, settings.tier_list)
    add_flash(request, _("The organisation “{org}” was saved.", org=org.name))
    return see_other(f"/admin/organisations/{org.id}")


@router.post(
    "/admin/organisations/{organisation_id}/move",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def move_organisation_page(
    request: Request,
    form: FormFields,
    db: Tx,
    principal: Principal = Depends(require_admin),
    org: Organisation = AdministeredOrganisation,
) -> Response:
    """First the confirmation (what moves where), then, confirmed, the move."""
    _ = translator(request_language(request))
    redraw = lambda problem: edit_page_for(request, db, principal, org, form, problem)  # noqa: E731
    with redraw_on_error(request, db, redraw):
        body = parse_form(MoveIn, form)
        if form.get("confirmed") != "yes":
            return move_confirmation(request, db, principal, org, body)
        moved = move_organisation(db, principal, org, body)
    add_flash(request, _("The organisation “{org}” was moved.", org=moved.name))
    return see_other(f"/admin/organisations/{org.id}")


def move_confirmation(
    request: Request, db: Session, principal: Principal, org: Organisation, body: MoveIn
) -> HTMLResponse:
    """The confirmation step: the organisation, its old and new parents, what moves with it."""
    if body.parent_id is None and not is_instance_admin(db, principal):
        raise not_an_instance_admin()
    target = administered(db, principal, body.parent_id) if body.parent_id else None
    orgs.check_move(session=db, organisation_id=org.id, parent_id=body.parent_id)
    context = {
        "org": org,
        "old_parent": orgs.get(session=db, organisation_id=org.parent_id)
        if org.parent_id
        else None,
        "new_parent": target,
        "moving": orgs.tree(session=db, roots=[org.tree_path]),
    }
    return render(request, "admin/organisation_move.html", context)


@router.patch(
    "/api/v1/organisations/{organisation_id}",
    response_model=OrganisationOut,
    tags=["organisations"],
    dependencies=[Depends(verify_csrf)],
)
def api_edit_organisation(
    body: OrganisationEditIn,
    db: Tx,
    principal: Principal = Depends(require_admin),
    org: Organisation = AdministeredOrganisation,
    settings: Settings = Depends(get_settings),
) -> OrganisationOut:
    """Rename an organisation, change its kind, short name or tier."""
    edited = edit_organisation(db, principal, org, body, settings.tier_list)
    return OrganisationOut.model_validate(edited, from_attributes=True)


@router.post(
    "/api/v1/organisations/{organisation_id}/move",
    response_model=OrganisationOut,
    tags=["organisations"],
    dependencies=[Depends(verify_csrf)],
)
def api_move_organisation(
    body: MoveIn,
    db: Tx,
    principal: Principal = Depends(require_admin),
    org: Organisation = AdministeredOrganisation,
) -> OrganisationOut:
    """Move an organisation and its subtree under another parent (`parent_id` null: to the
    top, instance admins only); refused under itself or one of its descendants."""
    moved = move_organisation(db, principal, org, body)
    return OrganisationOut.model_validate(moved, from_attributes=True)
