"""Machine proposals a secretary confirms: sections for opinions, kinds, moderation flags."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ykien.analysis import proposals
from ykien.analysis.access import Editable, Viewable
from ykien.analysis.routes.common import IdList, analysis_page
from ykien.web.deps import Principal, require_staff
from ykien.web.forms import Problem, redraw_on_error, see_other
from ykien.web.security import verify_csrf
from ykien.web.tx import Db, Tx

router = APIRouter()


def proposals_page_for(
    request: Request,
    db: Session,
    principal: Principal,
    consultation_id: int,
    min_confidence: float = 0.0,
    problem: Problem | None = None,
) -> HTMLResponse:
    """The pending proposals of the consultation (and the problem of a refused decision)."""
    context = {
        "sections": proposals.section_proposals(
            session=db, consultation_id=consultation_id, min_confidence=min_confidence
        ),
        "kinds": proposals.kind_proposals(session=db, consultation_id=consultation_id),
        "flags": proposals.flag_proposals(session=db, consultation_id=consultation_id),
        "min_confidence": min_confidence,
    }
    return analysis_page(
        request, db, principal, consultation_id, "analysis/proposals.html", context, problem
    )


def redraw_proposals(
    request: Request, db: Session, principal: Principal, consultation_id: int
) -> Callable[[Problem], Response]:
    """What a refused decision answers: the proposals page again, with the problem."""
    return lambda problem: proposals_page_for(
        request, db, principal, consultation_id, problem=problem
    )


@router.get(
    "/c/{consultation_id}/analysis/proposals",
    response_class=HTMLResponse,
    include_in_schema=False,
)
def proposals_page(
    request: Request,
    db: Db,
    min_confidence: Annotated[float, Query(ge=0, le=1)] = 0.0,
    principal: Principal = Depends(require_staff),
    consultation_id: int = Viewable,
) -> HTMLResponse:
    return proposals_page_for(request, db, principal, consultation_id, min_confidence)


@router.post(
    "/c/{consultation_id}/analysis/sections",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def confirm_sections_page(
    request: Request,
    db: Tx,
    suggestion_ids: IdList = [],  # noqa: B006 (FastAPI copies defaults)
    principal: Principal = Depends(require_staff),
    consultation_id: int = Editable,
) -> Response:
    with redraw_on_error(request, db, redraw_proposals(request, db, principal, consultation_id)):
        proposals.confirm_sections(
            session=db,
            consultation_id=consultation_id,
            suggestion_ids=suggestion_ids,
            actor_person_id=principal.person_id,
        )
    return see_other(f"/c/{consultation_id}/analysis/proposals")


@router.post(
    "/c/{consultation_id}/analysis/kinds",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def decide_kinds_page(
    request: Request,
    decision: Annotated[str, Form(pattern="^(accept|reject)$")],
    db: Tx,
    opinion_ids: IdList = [],  # noqa: B006 (FastAPI copies defaults)
    principal: Principal = Depends(require_staff),
    consultation_id: int = Editable,
) -> Response:
    with redraw_on_error(request, db, redraw_proposals(request, db, principal, consultation_id)):
        proposals.decide_kinds(
            session=db,
            consultation_id=consultation_id,
            opinion_ids=opinion_ids,
            accept=decision == "accept",
            actor_person_id=principal.person_id,
        )
    return see_other(f"/c/{consultation_id}/analysis/proposals")


@router.post(
    "/c/{consultation_id}/analysis/flags",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def decide_flags_page(
    request: Request,
    decision: Annotated[str, Form(pattern="^(hide|dismiss)$")],
    db: Tx,
    opinion_ids: IdList = [],  # noqa: B006 (FastAPI copies defaults)
    reason: Annotated[str, Form(max_length=2_000)] = "",
    principal: Principal = Depends(require_staff),
    consultation_id: int = Editable,
) -> Response:
    with redraw_on_error(request, db, redraw_proposals(request, db, principal, consultation_id)):
        proposals.decide_flags(
            session=db,
            consultation_id=consultation_id,
            opinion_ids=opinion_ids,
            hide=decision == "hide",
            reason=reason,
            actor_person_id=principal.person_id,
        )
    return see_other(f"/c/{consultation_id}/analysis/proposals")
