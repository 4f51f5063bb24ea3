"""The subcommittees of a consultation and each one's queue (themes, campaigns, opinions routed
to it, and the forwarding trail); forwarding an item to another subcommittee or up a level."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation, Subcommittee
from ykien.decisions import forwarding
from ykien.decisions import service as decisions
from ykien.decisions.access import DRAFT_ROLES, VIEW_ROLES, SubcommitteeFor, may
from ykien.decisions.models import Forward
from ykien.decisions.routes.common import PAGE_SIZE, TAGS, Page, labels
from ykien.decisions.schemas import (
    ForwardedItemOut,
    ForwardIn,
    ForwardOut,
    ForwardToIn,
    QueueItemOut,
    QueueOut,
    SubcommitteeOut,
)
from ykien.orgs import service as orgs
from ykien.web.access import ConsultationFor, may_run
from ykien.web.deps import MODERATOR_ROLES, Principal, require_staff
from ykien.web.forms import FormFields, Problem, parse_form, redraw_on_error, see_other
from ykien.web.security import verify_csrf
from ykien.web.templating import render
from ykien.web.tx import Db, Tx

router = APIRouter()
Viewer = Depends(SubcommitteeFor(VIEW_ROLES))
Drafter = Depends(SubcommitteeFor(DRAFT_ROLES))
RunBy = Depends(ConsultationFor(VIEW_ROLES))


def subcommittee_rows(
    db: Session, principal: Principal, consultation_id: int
) -> list[dict[str, Any]]:
    """The consultation's subcommittees, with their organisation and whether they are mine."""
    rows = []
    for sub in decisions.subcommittees_of(session=db, consultation_id=consultation_id):
        org = orgs.get(session=db, organisation_id=sub.organisation_id)
        rows.append(
            {
                "id": sub.id,
                "name": sub.name,
                "organisation": org.name,
                "level": org.level,
                "mine": may(db, principal, sub, VIEW_ROLES),
                "closed": sub.closed_at is not None,
            }
        )
    return rows


@router.get(
    "/c/{consultation_id}/subcommittees", response_class=HTMLResponse, include_in_schema=False
)
def subcommittees_page(
    request: Request,
    db: Db,
    principal: Principal = Depends(require_staff),
    consultation: Consultation = RunBy,
) -> HTMLResponse:
    rows = subcommittee_rows(db, principal, consultation.id)
    paths = consultations.authority_paths(session=db, consultation_id=consultation.id)
    context = {
        "consultation": consultation,
        "rows": rows,
        "may_manage": may_run(principal, paths, MODERATOR_ROLES),
    }
    return render(request, "decisions/subcommittees.html", context)


@router.get(
    "/api/v1/consultations/{consultation_id}/subcommittees",
    response_model=list[SubcommitteeOut],
    tags=TAGS,
)
def api_subcommittees(
    db: Db, principal: Principal = Depends(require_staff), consultation: Consultation = RunBy
) -> list[SubcommitteeOut]:
    rows = subcommittee_rows(db, principal, consultation.id)
    return [SubcommitteeOut.model_validate(row) for row in rows]


def queue_of(db: Session, sub: Subcommittee, page: int) -> decisions.Queue:
    """One page of the subcommittee's queue (both presentations)."""
    return decisions.queue(
        session=db, subcommittee_id=sub.id, opinion_limit=PAGE_SIZE, opinion_offset=page * PAGE_SIZE
    )


@router.get(
    "/subcommittees/{subcommittee_id}", response_class=HTMLResponse, include_in_schema=False
)
def queue_page(
    request: Request,
    db: Db,
    page: Page = 0,
    principal: Principal = Depends(require_staff),
    sub: Subcommittee = Viewer,
) -> HTMLResponse:
    return _queue_page(request, db, principal, sub, page)


def _queue_page(
    request: Request,
    db: Session,
    principal: Principal,
    sub: Subcommittee,
    page: int = 0,
    problem: Problem | None = None,
) -> HTMLResponse:
    found = queue_of(db, sub, page)
    every = decisions.subcommittees_of(session=db, consultation_id=sub.consultation_id)
    others = [s for s in every if s.id != sub.id and s.closed_at is None]  # may take a forward
    context = {
        "consultation": consultations.get(session=db, consultation_id=sub.consultation_id),
        "sub": sub,
        "queue": found,
        "others": others,
        "names": {s.id: s.name for s in every},
        "page": page,
        "more": (page + 1) * PAGE_SIZE < found.opinion_total,
        "may_draft": sub.closed_at is None and may(db, principal, sub, DRAFT_ROLES),
        "forwarded": forwarding.forwarded_queue(session=db, subcommittee_id=sub.id),
        "error": problem.message if problem else None,
        **labels(),
    }
    return render(request, "decisions/queue.html", context, problem.status_code if problem else 200)


def _items_out(items: list[decisions.QueueItem]) -> list[QueueItemOut]:
    return [QueueItemOut.model_validate(item) for item in items]


@router.get("/api/v1/subcommittees/{subcommittee_id}/queue", response_model=QueueOut, tags=TAGS)
def api_queue(db: Db, page: Page = 0, sub: Subcommittee = Viewer) -> QueueOut:
    """Themes, campaigns and opinions (50 a page) routed to the subcommittee, its trail, and the
    items lower levels' collections forwarded to it."""
    found = queue_of(db, sub, page)
    return QueueOut(
        subcommittee_id=sub.id,
        themes=_items_out(found.themes),
        campaigns=_items_out(found.campaigns),
        opinions=_items_out(found.opinions),
        opinion_total=found.opinion_total,
        trail=[ForwardOut.model_validate(f) for f in found.trail],
        forwarded=[
            ForwardedItemOut.model_validate(row)
            for row in forwarding.forwarded_queue(session=db, subcommittee_id=sub.id)
        ],
    )


def forward(db: Session, principal: Principal, sub: Subcommittee, body: ForwardIn) -> Forward:
    """The use case: hand the item on to another subcommittee (or up a level)."""
    return decisions.forward(
        session=db,
        subcommittee_id=sub.id,
        target_type=body.target_type,
        target_id=body.target_id,
        to_subcommittee_id=body.to_subcommittee_id,
        note=body.note,
        actor_person_id=principal.person_id,
    )


@router.post(
    "/subcommittees/{subcommittee_id}/forward",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def forward_page(
    request: Request,
    form: FormFields,
    db: Tx,
    principal: Principal = Depends(require_staff),
    sub: Subcommittee = Drafter,
) -> Response:
    to = parse_form(ForwardToIn, form).to
    body = parse_form(ForwardIn, form, to_subcommittee_id=None if to == "up" else int(to))
    redraw = lambda problem: _queue_page(request, db, principal, sub, problem=problem)  # noqa: E731
    with redraw_on_error(request, db, redraw):
        forward(db, principal, sub, body)
    return see_other(f"/subcommittees/{sub.id}")


@router.post(
    "/api/v1/subcommittees/{subcommittee_id}/forward",
    response_model=ForwardOut,
    status_code=201,
    tags=TAGS,
    dependencies=[Depends(verify_csrf)],
)
def api_forward(
    body: ForwardIn,
    db: Tx,
    principal: Principal = Depends(require_staff),
    sub: Subcommittee = Drafter,
) -> ForwardOut:
    return ForwardOut.model_validate(forward(db, principal, sub, body))
