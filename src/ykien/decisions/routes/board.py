"""The standing board's forwarding, page + JSON: from the organisation's signed syntheses of
its lower-level collections, one action sends each draft's items to the subcommittees of the
level that owns that draft (a preview of what goes where, then the confirmation)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ykien.decisions import forwarding
from ykien.decisions.routes.common import TAGS
from ykien.decisions.routes.levels import forward_up_out
from ykien.decisions.schemas import BoardOut, BoardRowOut, ForwardAllOut
from ykien.orgs.access import OrganisationFor
from ykien.orgs.models import Organisation
from ykien.web.deps import MODERATOR_ROLES, Principal, require_principal
from ykien.web.flash import add_flash, pop_flashes
from ykien.web.forms import Problem, redraw_on_error, see_other
from ykien.web.i18n import translator
from ykien.web.security import verify_csrf
from ykien.web.templating import render, request_language
from ykien.web.tx import Db, Tx

router = APIRouter()
Board = Depends(OrganisationFor(roles=MODERATOR_ROLES))


def board_of(db: Session, org: Organisation, language: str = "vi") -> BoardOut:
    """The read function of the page and its JSON twin."""
    rows = []
    for row in forwarding.board(session=db, organisation_id=org.id):
        found = row.plan
        rows.append(
            BoardRowOut(
                consultation_id=row.child.id,
                title=row.child.title,
                to_consultation_id=found.parent.id if found else row.child.parent_id,
                to_consultation=found.parent.title if found else None,
                synthesis_id=row.synthesis.id if row.synthesis else None,
                revision=row.synthesis.revision if row.synthesis else None,
                items=len(found.routes) if found else 0,
                ready=found is not None and not row.forwarded,
                forwarded=row.forwarded,
                reason=row.refusal.message(language) if row.refusal else None,
            )
        )
    return BoardOut(organisation_id=org.id, organisation=org.name, rows=rows)


def _page(
    request: Request, db: Session, org: Organisation, problem: Problem | None = None
) -> HTMLResponse:
    context = {
        "org": org,
        "board": board_of(db, org, request_language(request)),
        "flashes": pop_flashes(request),
        "error": problem.message if problem else None,
    }
    status = problem.status_code if problem else 200
    return render(request, "decisions/board.html", context, status)


@router.get(
    "/organisations/{organisation_id}/forward-up",
    response_class=HTMLResponse,
    include_in_schema=False,
)
def board_page(request: Request, db: Db, org: Organisation = Board) -> HTMLResponse:
    """What goes up to which level, draft by draft, and the button that sends it all."""
    return _page(request, db, org)


@router.get(
    "/api/v1/organisations/{organisation_id}/forward-up", response_model=BoardOut, tags=TAGS
)
def api_board(db: Db, org: Organisation = Board) -> BoardOut:
    """The organisation's lower-level collections: which signed syntheses would go up now."""
    return board_of(db, org)


def forward_all(db: Session, principal: Principal, org: Organisation) -> ForwardAllOut:
    """The use case of the page and the API (access checked by the loader)."""
    done = forwarding.forward_all(session=db, organisation_id=org.id, by=principal.person_id)
    return ForwardAllOut(forwarded=[forward_up_out(one) for one in done])


@router.post(
    "/organisations/{organisation_id}/forward-up",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def board_send_page(
    request: Request,
    db: Tx,
    org: Organisation = Board,
    principal: Principal = Depends(require_principal),
) -> Response:
    _ = translator(request_language(request))
    with redraw_on_error(request, db, lambda problem: _page(request, db, org, problem)):
        done = forward_all(db, principal, org)
    add_flash(request, _("{n} syntheses were forwarded to the levels that own their drafts.",
                         n=len(done.forwarded)))  # fmt: skip
    return see_other(f"/organisations/{org.id}/forward-up")


@router.post(
    "/api/v1/organisations/{organisation_id}/forward-up",
    response_model=ForwardAllOut,
    tags=TAGS,
    dependencies=[Depends(verify_csrf)],
)
def api_board_send(
    db: Tx, org: Organisation = Board, principal: Principal = Depends(require_principal)
) -> ForwardAllOut:
    """Forward every signed synthesis of the organisation's lower-level collections that is
    not yet with the owning level (the others are left as they are)."""
    return forward_all(db, principal, org)
