"""The units page: a unit, its children with their latest synthesis and counts, who has not
submitted yet; drafting (or refreshing) a unit's synthesis. Page and JSON twin."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien.consultations import service as consultations
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation
from ykien.synthesis import service as syntheses
from ykien.synthesis.access import check_in_scope, check_org, chosen_unit, may_edit
from ykien.synthesis.models import Synthesis
from ykien.synthesis.rollup import RollupCounts, rollup
from ykien.synthesis.routes.common import TAGS, OrgQuery, labels
from ykien.synthesis.routes.editing import synthesis_out
from ykien.synthesis.schemas import (
    CountsOut,
    DraftIn,
    PendingOut,
    SynthesisBrief,
    SynthesisOut,
    UnitOut,
    UnitsOut,
)
from ykien.text import fold
from ykien.web.deps import MODERATOR_ROLES, STAFF_ROLES, PathId, Principal, require_staff
from ykien.web.forms import FormFields, Problem, parse_form, redraw_on_error, see_other
from ykien.web.security import verify_csrf
from ykien.web.templating import render
from ykien.web.tx import Db, Tx

router = APIRouter()
PENDING_SHOWN = 200


class UnitRow:
    """A unit with its latest synthesis and the opinions beneath it (reached / in total)."""

    def __init__(
        self,
        org: Organisation,
        latest: Synthesis | None,
        reached: RollupCounts | None,
        beneath: RollupCounts | None,
        has_children: bool,
    ) -> None:
        self.org = org
        self.latest = latest
        self.reached = reached or RollupCounts(0, 0)
        self.beneath = beneath or RollupCounts(0, 0)
        self.has_children = has_children


def _latest_of(db: Session, consultation_id: int, org_ids: list[int]) -> dict[int, Synthesis]:
    rows = db.scalars(
        select(Synthesis)
        .where(Synthesis.consultation_id == consultation_id, Synthesis.organisation_id.in_(org_ids))
        .order_by(Synthesis.revision)
    )
    return {synthesis.organisation_id: synthesis for synthesis in rows}


def _children(db: Session, org: Organisation) -> tuple[list[Organisation], set[int | None]]:
    """The unit's children in Vietnamese order, and which of the unit and them have children."""
    children = list(
        db.scalars(
            select(Organisation).where(Organisation.parent_id == org.id).order_by(Organisation.id)
        )
    )
    children.sort(key=lambda child: fold(child.name))
    ids = [org.id, *(child.id for child in children)]
    with_children = set(
        db.scalars(select(Organisation.parent_id).where(Organisation.parent_id.in_(ids)).distinct())
    )
    return children, with_children


def units_of(db: Session, consultation_id: int, org: Organisation) -> dict[str, Any]:
    """The unit and its children as rows, and the units beneath that have not submitted."""
    children, with_children = _children(db, org)
    latest = _latest_of(db, consultation_id, [org.id, *(child.id for child in children)])
    reached = rollup(session=db, consultation_id=consultation_id)
    beneath = rollup(session=db, consultation_id=consultation_id, submitted_only=False)

    def row(unit: Organisation) -> UnitRow:
        return UnitRow(
            unit,
            latest.get(unit.id),
            reached.get(unit.id),
            beneath.get(unit.id),
            unit.id in with_children,
        )

    pending = syntheses.pending_children(
        session=db, consultation_id=consultation_id, organisation_id=org.id
    )
    return {
        "unit": row(org),
        "children": [row(child) for child in children],
        "pending": pending[:PENDING_SHOWN],
        "pending_total": len(pending),
    }


def _unit_out(row: UnitRow) -> UnitOut:
    return UnitOut(
        organisation_id=row.org.id,
        name=row.org.name,
        latest=SynthesisBrief.model_validate(row.latest) if row.latest else None,
        reached=CountsOut.model_validate(row.reached),
        beneath=CountsOut.model_validate(row.beneath),
        has_children=row.has_children,
    )


@router.get("/c/{consultation_id}/syntheses", response_class=HTMLResponse, include_in_schema=False)
def syntheses_page(
    request: Request,
    consultation_id: PathId,
    db: Db,
    organisation_id: OrgQuery = None,
    principal: Principal = Depends(require_staff),
) -> HTMLResponse:
    return _units_page(request, db, principal, consultation_id, organisation_id)


def _units_page(
    request: Request,
    db: Session,
    principal: Principal,
    consultation_id: int,
    organisation_id: int | None,
    problem: Problem | None = None,
) -> HTMLResponse:
    consultation = consultations.get(session=db, consultation_id=consultation_id)
    org, roots = chosen_unit(db, principal, consultation_id, organisation_id)
    parent = orgs.get(session=db, organisation_id=org.parent_id) if org.parent_id else None
    shown_parent = parent if parent and principal.covers(parent.tree_path, STAFF_ROLES) else None
    context = {
        "consultation": consultation,
        "org": org,
        "parent": shown_parent,
        "roots": roots,
        "may_edit": may_edit(principal, org),
        "error": problem.message if problem else None,
        **units_of(db, consultation_id, org),
        **labels(),
    }
    return render(request, "synthesis/units.html", context, problem.status_code if problem else 200)


def draft_unit(db: Session, principal: Principal, consultation_id: int, body: DraftIn) -> Synthesis:
    """The use case: draft the unit's synthesis, or refresh its current draft."""
    consultations.get(session=db, consultation_id=consultation_id)
    org = orgs.get(session=db, organisation_id=body.organisation_id)
    check_org(principal, org, MODERATOR_ROLES)
    check_in_scope(db, consultation_id, org)
    return syntheses.draft_synthesis(
        session=db,
        consultation_id=consultation_id,
        organisation_id=org.id,
        by=principal.person_id,
    )


@router.post(
    "/c/{consultation_id}/syntheses/draft",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def draft_page(
    request: Request,
    consultation_id: PathId,
    form: FormFields,
    db: Tx,
    principal: Principal = Depends(require_staff),
) -> Response:
    """Draft the unit's synthesis, or refresh its current draft, then show it."""
    body = parse_form(DraftIn, form)
    consultations.get(session=db, consultation_id=consultation_id)
    check_org(
        principal, orgs.get(session=db, organisation_id=body.organisation_id), MODERATOR_ROLES
    )

    def redraw(problem: Problem) -> Response:
        return _units_page(request, db, principal, consultation_id, body.organisation_id, problem)

    with redraw_on_error(request, db, redraw):
        drafted = draft_unit(db, principal, consultation_id, body)
    return see_other(f"/syntheses/{drafted.id}")


@router.get("/api/v1/consultations/{consultation_id}/syntheses", response_model=UnitsOut, tags=TAGS)
def api_units(
    consultation_id: PathId,
    db: Db,
    organisation_id: OrgQuery = None,
    principal: Principal = Depends(require_staff),
) -> UnitsOut:
    """A unit (default: the highest one your roles cover), its children and who has not
    submitted yet."""
    consultations.get(session=db, consultation_id=consultation_id)
    org, _ = chosen_unit(db, principal, consultation_id, organisation_id)
    found = units_of(db, consultation_id, org)
    return UnitsOut(
        consultation_id=consultation_id,
        unit=_unit_out(found["unit"]),
        children=[_unit_out(row) for row in found["children"]],
        pending=[PendingOut.model_validate(p) for p in found["pending"]],
        pending_total=found["pending_total"],
    )


@router.post(
    "/api/v1/consultations/{consultation_id}/syntheses",
    response_model=SynthesisOut,
    tags=TAGS,
    dependencies=[Depends(verify_csrf)],
)
def api_draft(
    consultation_id: PathId,
    body: DraftIn,
    db: Tx,
    principal: Principal = Depends(require_staff),
) -> SynthesisOut:
    """Draft the organisation's synthesis, or refresh its current draft."""
    return synthesis_out(db, draft_unit(db, principal, consultation_id, body).id)
