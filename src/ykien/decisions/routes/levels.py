"""Across levels, page + JSON: a consultation's links to the level whose draft it collects on and
to its lower levels' collections (with their counts), creating a lower level's collection,
forwarding a child's signed synthesis to the owning level (preview, then confirm) and the
drill-down of a forwarded item in the receiving subcommittee's queue."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ykien.config import Settings
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation, Subcommittee
from ykien.consultations.routes import ConsultationPageIn, covered_tree, create_consultation
from ykien.decisions import forwarding
from ykien.decisions import service as decisions
from ykien.decisions.access import DRAFT_ROLES, VIEW_ROLES, SubcommitteeFor, may
from ykien.decisions.routes.common import TAGS, labels
from ykien.decisions.schemas import (
    ChildConsultationIn,
    ChildOut,
    ConsultationLinkOut,
    ForwardedDrillOut,
    ForwardedItemOut,
    ForwardPlanOut,
    ForwardUpOut,
    LevelCountsOut,
    LevelsOut,
    OpinionOriginOut,
    RouteOut,
)
from ykien.orgs import service as orgs
from ykien.synthesis.access import SynthesisAt, SynthesisFor
from ykien.web.access import ConsultationFor, require_manager
from ykien.web.deps import (
    MODERATOR_ROLES,
    STAFF_ROLES,
    PathId,
    Principal,
    get_settings,
    require_staff,
)
from ykien.web.flash import add_flash, pop_flashes
from ykien.web.forms import FormFields, Problem, parse_form, redraw_on_error, see_other
from ykien.web.i18n import translator
from ykien.web.security import verify_csrf
from ykien.web.templating import render, request_language
from ykien.web.tx import Db, Tx

router = APIRouter()
RunBy = Depends(ConsultationFor(STAFF_ROLES))
Viewer = Depends(SubcommitteeFor(VIEW_ROLES))
Forwarder = Depends(SynthesisFor(MODERATOR_ROLES))
CHILD_TEXT_FIELDS = ("title", "description", "organiser_id", "opens_at", "closes_at")


# --- the links between levels ------------------------------------------------------------------


def forwarded_out(rows: list[forwarding.ForwardedQueueItem]) -> list[ForwardedItemOut]:
    return [ForwardedItemOut.model_validate(row) for row in rows]


def levels_of(db: Session, consultation: Consultation) -> LevelsOut:
    """The read function of the page and its JSON twin."""
    parent = None
    if consultation.parent_id is not None:
        above = consultations.get(session=db, consultation_id=consultation.parent_id)
        parent = ConsultationLinkOut(
            id=above.id,
            title=above.title,
            organiser=orgs.get(session=db, organisation_id=above.organiser_id).name,
            url=f"/c/{above.id}/levels",
        )
    children = [
        ChildOut(
            id=row.consultation.id,
            title=row.consultation.title,
            status=row.consultation.status,
            organiser=row.organiser,
            counts=LevelCountsOut.model_validate(row.counts),
            forwarded_revision=row.forwarded_revision,
            forwarded_at=row.forwarded_at,
            items_forwarded=row.items_forwarded,
            items_answered=row.items_answered,
            url=f"/c/{row.consultation.id}/levels",
        )
        for row in forwarding.children(session=db, consultation_id=consultation.id)
    ]
    return LevelsOut(
        consultation_id=consultation.id,
        title=consultation.title,
        counts=LevelCountsOut.model_validate(
            forwarding.level_counts(session=db, consultation_id=consultation.id)
        ),
        parent=parent,
        children=children,
        sent=forwarded_out(forwarding.forwarded_from(session=db, consultation_id=consultation.id)),
    )


def _blank_child(consultation: Consultation, settings: Settings) -> dict[str, Any]:
    def local(moment: Any) -> str:
        return str(moment.astimezone(settings.tz).strftime("%d/%m/%Y %H:%M"))

    return {
        "title": "",
        "description": "",
        "organiser_id": "",
        "opens_at": local(consultation.opens_at),
        "closes_at": local(consultation.closes_at),
        "allow_anonymous": False,
        "opinions_public": True,
        "identity_required": True,
        "publish": False,
    }


def _typed_child(form: dict[str, Any]) -> dict[str, Any]:
    def text(name: str) -> str:
        value = form.get(name, "")
        return value[-1] if isinstance(value, list) else str(value)

    typed: dict[str, Any] = {name: text(name) for name in CHILD_TEXT_FIELDS}
    for name in ("allow_anonymous", "opinions_public", "identity_required", "publish"):
        typed[name] = text(name) not in ("", "0", "false", "off")
    return typed


def _levels_page(
    request: Request,
    db: Session,
    principal: Principal,
    consultation: Consultation,
    settings: Settings,
    typed: dict[str, Any] | None = None,
    problem: Problem | None = None,
) -> HTMLResponse:
    manager = principal.has_any(MODERATOR_ROLES)
    context = {
        "consultation": consultation,
        "data": levels_of(db, consultation),
        "may_create": manager,
        "tree": covered_tree(db, principal) if manager else [],
        "form": typed or _blank_child(consultation, settings),
        "error": problem.message if problem else None,
        "flashes": pop_flashes(request),
        **labels(),
    }
    status = problem.status_code if problem else 200
    return render(request, "decisions/levels.html", context, status)


@router.get("/c/{consultation_id}/levels", response_class=HTMLResponse, include_in_schema=False)
def levels_page(
    request: Request,
    db: Db,
    principal: Principal = Depends(require_staff),
    consultation: Consultation = RunBy,
    settings: Settings = Depends(get_settings),
) -> HTMLResponse:
    return _levels_page(request, db, principal, consultation, settings)


@router.get("/api/v1/consultations/{consultation_id}/levels", response_model=LevelsOut, tags=TAGS)
def api_levels(
    db: Db, principal: Principal = Depends(require_staff), consultation: Consultation = RunBy
) -> LevelsOut:
    """The consultation's parent and lower levels' collections with their counts (direct and
    forwarded up), and what it forwarded to the owning level with the answers so far."""
    return levels_of(db, consultation)


@router.post(
    "/c/{consultation_id}/levels/children",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def create_child_page(
    request: Request,
    form: FormFields,
    db: Tx,
    principal: Principal = Depends(require_manager),
    consultation: Consultation = RunBy,
    settings: Settings = Depends(get_settings),
) -> Response:
    """A lower level's collection on this consultation's draft (the API: POST
    /api/v1/consultations with parent_id)."""
    _ = translator(request_language(request))
    typed = _typed_child(form)

    def redraw(problem: Problem) -> Response:
        return _levels_page(request, db, principal, consultation, settings, typed, problem)

    with redraw_on_error(request, db, redraw):
        body = parse_form(ChildConsultationIn, form)
        page_body = ConsultationPageIn.model_validate(
            {**body.model_dump(), "parent_id": consultation.id}
        )
        child = create_consultation(db, principal, settings, page_body)
    add_flash(
        request,
        _("The lower level's collection “{title}” was created.", title=child.title),
    )
    return see_other(f"/c/{consultation.id}/levels")


# --- forwarding a synthesis to the owning level ------------------------------------------------


def plan_out(db: Session, synthesis_id: int) -> ForwardPlanOut:
    found = forwarding.plan(session=db, synthesis_id=synthesis_id)
    names = {
        s.id: s.name
        for s in decisions.subcommittees_of(session=db, consultation_id=found.parent.id)
    }
    sent = forwarding.forwarded_from(session=db, consultation_id=found.child.id)
    return ForwardPlanOut(
        synthesis_id=found.synthesis.id,
        revision=found.synthesis.revision,
        from_consultation_id=found.child.id,
        to_consultation_id=found.parent.id,
        to_consultation=found.parent.title,
        already_forwarded=bool(sent) and all(r.revision == found.synthesis.revision for r in sent),
        routes=[
            RouteOut(
                item_id=route.item.id,
                title=route.item.title,
                subcommittee_ids=route.subcommittee_ids,
                subcommittees=[names[i] for i in route.subcommittee_ids],
                by_default=route.by_default,
            )
            for route in found.routes
        ],
    )


def _forward_page(
    request: Request,
    at: SynthesisAt,
    plan: ForwardPlanOut | None = None,
    problem: Problem | None = None,
) -> HTMLResponse:
    context = {
        "synthesis": at.synthesis,
        "org": at.org,
        "plan": plan,
        "error": problem.message if problem else None,
    }
    return render(
        request, "decisions/forward_up.html", context, problem.status_code if problem else 200
    )


@router.get(
    "/syntheses/{synthesis_id}/forward-up", response_class=HTMLResponse, include_in_schema=False
)
def forward_up_preview(request: Request, db: Db, at: SynthesisAt = Forwarder) -> HTMLResponse:
    """Where each item will go, and the button that sends them (the confirmation step)."""
    with redraw_on_error(request, db, lambda problem: _forward_page(request, at, problem=problem)):
        plan = plan_out(db, at.synthesis.id)
    return _forward_page(request, at, plan)


@router.get("/api/v1/syntheses/{synthesis_id}/forward-up", response_model=ForwardPlanOut, tags=TAGS)
def api_forward_up_plan(db: Db, at: SynthesisAt = Forwarder) -> ForwardPlanOut:
    """Where each item of the signed synthesis goes among the owning level's subcommittees."""
    return plan_out(db, at.synthesis.id)


def forward_up(db: Session, at: SynthesisAt) -> forwarding.Forwarded:
    """The use case of the page and the API (access checked by the loader)."""
    return forwarding.forward_up(
        session=db, synthesis_id=at.synthesis.id, by=at.principal.person_id
    )


def forward_up_out(done: forwarding.Forwarded) -> ForwardUpOut:
    return ForwardUpOut(
        synthesis_id=done.plan.synthesis.id,
        revision=done.plan.synthesis.revision,
        to_consultation_id=done.plan.parent.id,
        already=done.already,
        superseded=done.superseded,
        forwarded=len(done.rows),
    )


@router.post(
    "/syntheses/{synthesis_id}/forward-up",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
def forward_up_page(request: Request, db: Tx, at: SynthesisAt = Forwarder) -> Response:
    _ = translator(request_language(request))
    with redraw_on_error(request, db, lambda problem: _forward_page(request, at, problem=problem)):
        done = forward_up(db, at)
    title = done.plan.parent.title
    add_flash(
        request,
        _("This revision was already with “{title}”; nothing changed.", title=title)
        if done.already
        else _("{n} items were forwarded to “{title}”.", n=len(done.plan.routes), title=title),
    )
    return see_other(f"/c/{done.plan.child.id}/levels")


@router.post(
    "/api/v1/syntheses/{synthesis_id}/forward-up",
    response_model=ForwardUpOut,
    tags=TAGS,
    dependencies=[Depends(verify_csrf)],
)
def api_forward_up(db: Tx, at: SynthesisAt = Forwarder) -> ForwardUpOut:
    """Forward the signed synthesis of a lower level's collection to the owning level's
    subcommittees (again with the same revision: nothing changes)."""
    return forward_up_out(forward_up(db, at))


# --- the drill-down of a forwarded item --------------------------------------------------------


def drill_out(db: Session, sub: Subcommittee, forwarded_id: int) -> ForwardedDrillOut:
    found = forwarding.drill(session=db, subcommittee_id=sub.id, forwarded_id=forwarded_id)
    return ForwardedDrillOut(
        item=ForwardedItemOut.model_validate(found.item),
        child_item_ids=[item.id for item in found.child_items],
        opinions=[OpinionOriginOut.model_validate(o) for o in found.opinions],
    )


@router.get(
    "/subcommittees/{subcommittee_id}/forwarded/{forwarded_id}",
    response_class=HTMLResponse,
    include_in_schema=False,
)
def forwarded_page(
    request: Request,
    forwarded_id: PathId,
    db: Db,
    principal: Principal = Depends(require_staff),
    sub: Subcommittee = Viewer,
) -> HTMLResponse:
    context = {
        "sub": sub,
        "consultation": consultations.get(session=db, consultation_id=sub.consultation_id),
        "data": drill_out(db, sub, forwarded_id),
        "may_draft": may(db, principal, sub, DRAFT_ROLES),
        **labels(),
    }
    return render(request, "decisions/forwarded.html", context)


@router.get(
    "/api/v1/subcommittees/{subcommittee_id}/forwarded/{forwarded_id}",
    response_model=ForwardedDrillOut,
    tags=TAGS,
)
def api_forwarded(forwarded_id: PathId, db: Db, sub: Subcommittee = Viewer) -> ForwardedDrillOut:
    """A forwarded item with every original opinion behind it and its origin (organisation,
    channel, event, the lower unit whose synthesis brought it in)."""
    return drill_out(db, sub, forwarded_id)
