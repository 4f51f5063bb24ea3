"""Drafting and deciding: the decision form, drafting a decision on an item of the queue, the
decision page (edit, approve), the consultation's list of decisions and publishing approved ones
as one batch. The publication's e-mail goes out after the commit, in a unit of work of its own
(a Starlette background task), so a mail failure never undoes the publication."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ykien.config import Settings
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation, Subcommittee
from ykien.decisions import jobs
from ykien.decisions import service as decisions
from ykien.decisions.access import (
    APPROVE_ROLES,
    DRAFT_ROLES,
    PUBLISH_ROLES,
    VIEW_ROLES,
    DecisionFor,
    SubcommitteeFor,
    decision_for,
    may,
)
from ykien.decisions.models import Decision, DecisionStatus
from ykien.decisions.routes.common import TAGS, decision_out, labels, text_of
from ykien.decisions.schemas import (
    DECISION_TARGET_PATTERN,
    MAX_ID,
    DecisionEditIn,
    DecisionIn,
    DecisionOut,
    PublicationOut,
    PublishFormIn,
    PublishIn,
)
from ykien.web.access import ConsultationFor
from ykien.web.deps import Principal, require_staff
from ykien.web.forms import FormFields, Problem, parse_form, redraw_on_error, see_other
from ykien.web.security import verify_csrf
from ykien.web.templating import render
from ykien.web.tx import Db, Tx

router = APIRouter()
Drafter = Depends(SubcommitteeFor(DRAFT_ROLES))
RunBy = Depends(ConsultationFor(VIEW_ROLES))
DecisionViewer = Depends(DecisionFor(VIEW_ROLES))
DecisionDrafter = Depends(DecisionFor(DRAFT_ROLES))
DecisionApprover = Depends(DecisionFor(APPROVE_ROLES))
_form: dict[str, Any] = {"include_in_schema": False, "dependencies": [Depends(verify_csrf)]}
_api: dict[str, Any] = {"tags": TAGS, "dependencies": [Depends(verify_csrf)]}


# --- the decision form and drafting --------------------------------------------------------


@router.get(
    "/subcommittees/{subcommittee_id}/decide", response_class=HTMLResponse, include_in_schema=False
)
def decide_form(
    request: Request,
    db: Db,
    target_type: Annotated[str, Query(pattern=DECISION_TARGET_PATTERN)] = "opinion",
    target_id: Annotated[int, Query(ge=1, le=MAX_ID)] = 1,
    supersedes: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    sub: Subcommittee = Drafter,
) -> HTMLResponse:
    typed: dict[str, Any] = {"outcome": "", "explanation": "", "new_wording": "", "sections": []}
    if supersedes is not None:
        old = decisions.get_decision(session=db, decision_id=supersedes)
        typed = {
            "outcome": old.outcome,
            "explanation": old.explanation,
            "new_wording": old.new_wording or "",
            "sections": decisions.section_ids_of(session=db, decision_id=old.id),
        }
    target = (target_type, target_id, supersedes)
    return _form_page(request, db, sub, target, typed)


def _form_page(
    request: Request,
    db: Session,
    sub: Subcommittee,
    target: tuple[str, int, int | None],
    typed: dict[str, Any],
    problem: Problem | None = None,
) -> HTMLResponse:
    target_type, target_id, supersedes = target
    title = decisions.check_item(
        session=db,
        consultation_id=sub.consultation_id,
        target_type=target_type,
        target_id=target_id,
    )
    version, sections = decisions.section_choices(session=db, consultation_id=sub.consultation_id)
    context = {
        "consultation": consultations.get(session=db, consultation_id=sub.consultation_id),
        "sub": sub,
        "target_type": target_type,
        "target_id": target_id,
        "title": title,
        "supersedes": supersedes,
        "typed": typed,
        "version": version,
        "sections": sections,
        "action": f"/subcommittees/{sub.id}/decisions",
        "error": problem.message if problem else None,
        **labels(),
    }
    return render(request, "decisions/form.html", context, problem.status_code if problem else 200)


def draft(db: Session, principal: Principal, sub: Subcommittee, body: DecisionIn) -> Decision:
    """The use case: a draft decision of the subcommittee on one item."""
    return decisions.draft(
        session=db, subcommittee_id=sub.id, actor_person_id=principal.person_id, **body.model_dump()
    )


def _decision_form(form: dict[str, Any], model: type[Any]) -> Any:
    """The decision fields of a page's form, the texts as typed."""
    texts = {name: text_of(form, name) for name in ("outcome", "explanation", "new_wording")}
    return parse_form(model, form, **texts)


@router.post("/subcommittees/{subcommittee_id}/decisions", **_form)
def draft_page(
    request: Request,
    form: FormFields,
    db: Tx,
    principal: Principal = Depends(require_staff),
    sub: Subcommittee = Drafter,
) -> Response:
    body: DecisionIn = _decision_form(form, DecisionIn)
    typed = {
        "outcome": body.outcome,
        "explanation": body.explanation,
        "new_wording": body.new_wording,
        "sections": body.section_ids,
    }
    target = (body.target_type, body.target_id, body.supersedes_id)
    redraw = lambda problem: _form_page(request, db, sub, target, typed, problem)  # noqa: E731
    with redraw_on_error(request, db, redraw):
        made = draft(db, principal, sub, body)
    return see_other(f"/decisions/{made.id}")


@router.post(
    "/api/v1/subcommittees/{subcommittee_id}/decisions",
    response_model=DecisionOut,
    status_code=201,
    **_api,
)
def api_draft(
    body: DecisionIn,
    db: Tx,
    principal: Principal = Depends(require_staff),
    sub: Subcommittee = Drafter,
) -> DecisionOut:
    return decision_out(db, draft(db, principal, sub, body))


# --- the decision page: edit, approve -------------------------------------------------------


@router.get("/decisions/{decision_id}", response_class=HTMLResponse, include_in_schema=False)
def decision_page(
    request: Request,
    db: Db,
    principal: Principal = Depends(require_staff),
    decision: Decision = DecisionViewer,
) -> HTMLResponse:
    return _decision_page(request, db, principal, decision)


def _people_of(db: Session, past: list[Decision]) -> dict[int, str]:
    ids = {
        p
        for d in past
        for p in (d.drafted_by_person_id, d.approved_by_person_id, d.published_by_person_id)
        if p
    }
    people = decisions.people_by_id(session=db, person_ids=ids)
    return {i: p.full_name for i, p in people.items()}


def _decision_page(
    request: Request,
    db: Session,
    principal: Principal,
    decision: Decision,
    problem: Problem | None = None,
) -> HTMLResponse:
    sub = decisions.get_subcommittee(session=db, subcommittee_id=decision.subcommittee_id)
    version, sections = decisions.section_choices(session=db, consultation_id=sub.consultation_id)
    past = decisions.history(session=db, decision=decision)
    context = {
        "consultation": consultations.get(session=db, consultation_id=decision.consultation_id),
        "decision": decision,
        "sub": sub,
        "title": decisions.check_item_title(db, decision),
        "changes": decisions.section_changes(session=db, decision=decision),
        "history": past,
        "people": _people_of(db, past),
        "version": version,
        "sections": sections,
        "chosen": decisions.section_ids_of(session=db, decision_id=decision.id),
        "may_draft": may(db, principal, sub, DRAFT_ROLES),
        "may_approve": may(db, principal, sub, APPROVE_ROLES),
        "may_publish": may(db, principal, sub, PUBLISH_ROLES),
        "error": problem.message if problem else None,
        **labels(),
    }
    status = problem.status_code if problem else 200
    return render(request, "decisions/decision.html", context, status)


def _redraw_decision(request: Request, db: Session, principal: Principal, decision_id: int) -> Any:
    def redraw(problem: Problem) -> Response:
        decision = decisions.get_decision(session=db, decision_id=decision_id)
        return _decision_page(request, db, principal, decision, problem)

    return redraw


@router.post("/decisions/{decision_id}/edit", **_form)
def edit_page(
    request: Request,
    form: FormFields,
    db: Tx,
    principal: Principal = Depends(require_staff),
    decision: Decision = DecisionDrafter,
) -> Response:
    body: DecisionEditIn = _decision_form(form, DecisionEditIn)
    decision_id = decision.id
    with redraw_on_error(request, db, _redraw_decision(request, db, principal, decision_id)):
        decisions.edit(
            session=db, decision_id=decision_id, actor_person_id=principal.person_id, **dict(body)
        )
    return see_other(f"/decisions/{decision_id}")


def approve(db: Session, principal: Principal, decision: Decision) -> Decision:
    return decisions.approve(
        session=db, decision_id=decision.id, actor_person_id=principal.person_id
    )


@router.post("/decisions/{decision_id}/approve", **_form)
def approve_page(
    request: Request,
    db: Tx,
    principal: Principal = Depends(require_staff),
    decision: Decision = DecisionApprover,
) -> Response:
    decision_id = decision.id
    with redraw_on_error(request, db, _redraw_decision(request, db, principal, decision_id)):
        approve(db, principal, decision)
    return see_other(f"/decisions/{decision_id}")


@router.get("/api/v1/decisions/{decision_id}", response_model=DecisionOut, tags=TAGS)
def api_decision(db: Db, decision: Decision = DecisionViewer) -> DecisionOut:
    """A decision with its sections, each mapped onto the next version (with the word diff)."""
    return decision_out(db, decision)


@router.post("/api/v1/decisions/{decision_id}/approve", response_model=DecisionOut, **_api)
def api_approve(
    db: Tx,
    principal: Principal = Depends(require_staff),
    decision: Decision = DecisionApprover,
) -> DecisionOut:
    return decision_out(db, approve(db, principal, decision))


# --- the consultation's decisions and publishing ---------------------------------------------


@router.get("/c/{consultation_id}/decisions", response_class=HTMLResponse, include_in_schema=False)
def decisions_page(
    request: Request,
    db: Db,
    principal: Principal = Depends(require_staff),
    consultation: Consultation = RunBy,
) -> HTMLResponse:
    return _list_page(request, db, principal, consultation.id)


def _list_page(
    request: Request,
    db: Session,
    principal: Principal,
    consultation_id: int,
    problem: Problem | None = None,
) -> HTMLResponse:
    found = decisions.decisions_of(session=db, consultation_id=consultation_id)
    subs = {
        s.id: s for s in decisions.subcommittees_of(session=db, consultation_id=consultation_id)
    }
    context = {
        "consultation": consultations.get(session=db, consultation_id=consultation_id),
        "rows": [
            (d, decisions.check_item_title(db, d), subs[d.subcommittee_id].name) for d in found
        ],
        "publishable": {s_id for s_id, s in subs.items() if may(db, principal, s, PUBLISH_ROLES)},
        "error": problem.message if problem else None,
        **labels(),
    }
    return render(request, "decisions/list.html", context, problem.status_code if problem else 200)


@router.get(
    "/api/v1/consultations/{consultation_id}/decisions", response_model=list[DecisionOut], tags=TAGS
)
def api_decisions(
    db: Db, principal: Principal = Depends(require_staff), consultation: Consultation = RunBy
) -> list[DecisionOut]:
    found = decisions.decisions_of(session=db, consultation_id=consultation.id)
    return [decision_out(db, d) for d in found]


def check_publishable(db: Session, principal: Principal, decision_ids: list[int]) -> None:
    """Refuse unless the principal may publish every one of the decisions."""
    for decision_id in set(decision_ids):
        decision_for(db, principal, decision_id, PUBLISH_ROLES)


def publish(
    request: Request,
    db: Session,
    principal: Principal,
    consultation: Consultation,
    decision_ids: list[int],
    background: BackgroundTasks,
) -> decisions.Published:
    """The use case: publish approved decisions as one batch; e-mail it once committed."""
    check_publishable(db, principal, decision_ids)
    published = decisions.publish(
        session=db,
        consultation_id=consultation.id,
        decision_ids=decision_ids,
        actor_person_id=principal.person_id,
    )
    settings: Settings = request.app.state.settings
    background.add_task(
        jobs.email_publication,
        session_factory=request.app.state.session_factory,
        settings=settings,
        publication_id=published.publication.id,
        base_url=str(request.base_url).rstrip("/"),
    )
    return published


@router.post("/c/{consultation_id}/decisions/publish", **_form)
def publish_page(
    request: Request,
    form: FormFields,
    background: BackgroundTasks,
    db: Tx,
    principal: Principal = Depends(require_staff),
    consultation: Consultation = RunBy,
) -> Response:
    body = parse_form(PublishFormIn, form)
    one = body.decision_ids[0] if body.back == "decision" and len(body.decision_ids) == 1 else None
    check_publishable(db, principal, body.decision_ids)
    if form.get("confirm") != "yes":
        chosen = [decisions.get_decision(session=db, decision_id=i) for i in body.decision_ids]
        if chosen and all(d.status == DecisionStatus.APPROVED for d in chosen):
            return _confirm_publish(request, db, consultation, chosen, body.back)

    def redraw(problem: Problem) -> Response:
        if one is not None:
            decision = decisions.get_decision(session=db, decision_id=one)
            return _decision_page(request, db, principal, decision, problem)
        return _list_page(request, db, principal, consultation.id, problem)

    with redraw_on_error(request, db, redraw):
        publish(request, db, principal, consultation, body.decision_ids, background)
    return see_other(f"/decisions/{one}" if one else f"/c/{consultation.id}/decisions")


def _confirm_publish(
    request: Request, db: Session, consultation: Consultation, chosen: list[Decision], back: str
) -> HTMLResponse:
    """The step before publishing: what will be published and what follows, with a cancel."""
    context = {
        "consultation": consultation,
        "rows": [(d, decisions.check_item_title(db, d)) for d in chosen],
        "back": back,
        "cancel_url": (
            f"/decisions/{chosen[0].id}"
            if back == "decision" and len(chosen) == 1
            else f"/c/{consultation.id}/decisions"
        ),
        **labels(),
    }
    return render(request, "decisions/confirm_publish.html", context)


@router.post(
    "/api/v1/consultations/{consultation_id}/decisions/publish",
    response_model=PublicationOut,
    **_api,
)
def api_publish(
    request: Request,
    body: PublishIn,
    background: BackgroundTasks,
    db: Tx,
    principal: Principal = Depends(require_staff),
    consultation: Consultation = RunBy,
) -> PublicationOut:
    """Publish approved decisions as one batch: one notice (and e-mail) per person."""
    published = publish(request, db, principal, consultation, body.decision_ids, background)
    return PublicationOut(
        id=published.publication.id,
        decision_ids=sorted(d.id for d in published.decisions),
        notified_people=len(published.recipients),
    )
