"""Organisations: the tree an admin administers and adding an organisation to it; the API.

The reference example of docs/routes.md: one use case (`create_organisation`) called by the page
and by its JSON twin with the same input model, access declared as dependencies.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ykien.orgs import service as orgs
from ykien.orgs.access import administered, require_admin
from ykien.orgs.labels import org_kind_labels
from ykien.orgs.models import Organisation, OrgKind
from ykien.orgs.schemas import OrganisationIn, OrganisationOut
from ykien.web.access import roots_of
from ykien.web.deps import ADMIN_ROLES, STAFF_ROLES, Principal, require_staff
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
    "parent_id": "",
}


def create_organisation(db: Session, principal: Principal, body: OrganisationIn) -> Organisation:
    """Add an organisation under a parent the principal administers."""
    administered(db, principal, body.parent_id)
    return orgs.create(
        session=db,
        name=body.name,
        kind=body.kind,
        parent_id=body.parent_id,
        short_name=body.short_name or None,
        actor_person_id=principal.person_id,
    )


def tree_page(
    request: Request,
    db: Session,
    principal: Principal,
    form: dict[str, FormValue] | None = None,
    problem: Problem | None = None,
) -> HTMLResponse:
    """The administered tree with the form to add an organisation (drawn again on a problem)."""
    _ = translator(request_language(request))
    context = {
        "tree": orgs.tree(session=db, roots=roots_of(principal, ADMIN_ROLES)),
        "kinds": org_kind_labels(_),
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
    request: Request, form: FormFields, db: Tx, principal: Principal = Depends(require_admin)
) -> Response:
    _ = translator(request_language(request))
    with redraw_on_error(
        request, db, lambda problem: tree_page(request, db, principal, form, problem)
    ):
        org = create_organisation(db, principal, parse_form(OrganisationIn, form))
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
    body: OrganisationIn, db: Tx, principal: Principal = Depends(require_admin)
) -> OrganisationOut:
    """Create an organisation under a parent the caller administers."""
    return OrganisationOut.model_validate(
        create_organisation(db, principal, body), from_attributes=True
    )
